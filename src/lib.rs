//! tazala ("clean it!") finds personal data in the CSV and Parquet exports of Kazakhstan's
//! learning platforms and CRMs, and pseudonymises or removes it.
//!
//! The data flows one way:
//!
//! ```text
//! Cli ─► Config (rules compiled; no output opened yet)
//!           │
//!   input ─► value or line ─► DetectorSet ─► Findings ─► output / report
//! ```
//!
//! Glossary, used everywhere in the code and the docs:
//! - *value*: one field of a record or one line of text;
//! - *detector*: code that finds one or more *kinds* of personal data in a value;
//! - *finding*: one span a detector reported, with its kind, confidence and normalised form;
//! - *kind*: `iin`, `bin`, `phone`, `email`, `messenger`, `card`, `name`;
//! - *rule*: a piece of detector data under `patterns/` (a context word, a document word).

pub mod cli;
pub mod cmd;
pub mod detect;
pub mod patterns;
pub mod synth;
