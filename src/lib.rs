//! tazala ("clean it!") finds personal data in the CSV and Parquet exports of Kazakhstan's
//! learning platforms and CRMs, and pseudonymises or removes it.
//!
//! The data flows one way:
//!
//! ```text
//! Cli ─► run config (policy validated, key loaded, inputs listed; no output opened yet)
//!           │
//!   io::{csv,parquet} ─► read batch ─► classify columns once (header + sample)   [classify]
//!           │                          │
//!           │          Scrubber: (column plan, value) → new value       [scrub, action,
//!           │                          │                                 pseudonym, normalize]
//!           └──◄ write batch in input order ◄──┘   counts += per batch ─► report (JSON/text)
//! ```
//!
//! Glossary, used everywhere in the code and the docs:
//! - *value*: one field of a record or one line of text;
//! - *detector*: code that finds one or more *kinds* of personal data in a value;
//! - *finding*: one span a detector reported, with its kind, confidence and normalised form;
//! - *kind*: `iin`, `bin`, `phone`, `email`, `messenger`, `card`, `name`;
//! - *rule*: a piece of detector data under `patterns/` (a context word, a document word), or
//!   a `[[column]]` entry of a policy;
//! - *record*: one row of a CSV file; *column*: one field position, named by the header;
//! - *batch*: the records read and processed together (memory bound, unit of parallel work);
//! - *column kind*: a kind, `text` (searched span by span) or `none` (kept);
//! - *action*: keep, drop, null, redact, mask, pseudonymise;
//! - *policy*: which action applies to which column and kind;
//! - *pseudonym*: a keyed hash of a normalised value, written so it cannot pass for real data;
//! - *key*: the secret that keys pseudonyms (never printed; reports show its fingerprint).

pub mod action;
pub mod anonymise;
pub mod calendar;
pub mod classify;
pub mod cli;
pub mod cmd;
pub mod detect;
pub mod fasthash;
pub mod generalise;
pub mod io;
pub mod key;
pub mod normalize;
pub mod patterns;
pub mod policy;
pub mod pseudonym;
pub mod report;
pub mod risk;
pub mod scrub;
pub mod synth;
