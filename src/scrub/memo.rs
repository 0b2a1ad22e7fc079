//! What one value did, and the scrubber's memory of it.
//!
//! A [`Tally`] is what scrubbing one value adds to its column's counts, without the record
//! number: it is a function of the column's plan and the value alone, as is the new value.
//! Exports repeat values a great deal: a student's name on every grade row, statuses,
//! courses, grades, template comments, the same note sent to every parent. The [`Memo`]
//! keeps, per column, what a value became and its tally, so a repeat costs a hash lookup
//! instead of the detectors, a normaliser and a keyed hash. It changes no output and no count:
//! a remembered value is counted again, with its own record number. It is shared by the
//! workers of one scrubber (in shards, each behind its own lock), so with more threads a value
//! is still searched once.
//!
//! Columns whose values do not repeat (one IIN per row of a students list) would pay for the
//! memo without gain: a column that hits in fewer than one lookup in [`RARE_HITS`] of a window
//! rests for [`REST`] values, its entries freed, then tries again (an export sorted by course
//! can start distinct and turn repetitive). Memory is bounded by [`MEMO_BYTES`]; a full shard
//! starts afresh, which keeps what recent rows repeat.

use std::collections::HashSet;
use std::hash::Hasher;
use std::sync::Mutex;

use crate::action::Action;
use crate::detect::Kind;
use crate::fasthash::{FastBuild, FastHasher};
use crate::report::ColumnCounts;

/// The action names counted in reports (`mask` without its N), in [`Tally::actions`] order.
const ACTION_NAMES: [&str; 6] = ["keep", "drop", "null", "redact", "mask", "pseudonymise"];

/// What scrubbing one non-empty value adds to its column's counts (see the module doc).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Something was found in the value (a whole identifier, or findings in text).
    pub with_findings: bool,
    /// The value is already a pseudonym, placeholder or mask.
    pub scrubbed: bool,
    /// An identifier column's value did not validate as its kind.
    pub unverified: bool,
    /// The action changed the value.
    pub changed: bool,
    /// Findings per kind, in [`Kind::ALL`] order.
    found: [u32; Kind::ALL.len()],
    /// Actions applied per [`ACTION_NAMES`].
    actions: [u32; ACTION_NAMES.len()],
}

impl Tally {
    pub fn found(&mut self, kind: Kind) {
        self.found[kind as usize] += 1;
    }

    pub fn action(&mut self, action: Action) {
        let i = match action {
            Action::Keep => 0,
            Action::Drop => 1,
            Action::Null => 2,
            Action::Redact => 3,
            Action::Mask(_) => 4,
            Action::Pseudonymise => 5,
        };
        self.actions[i] += 1;
    }

    /// Adds the tally to `counts` as the value of record `record` (1-based).
    pub fn add_to(&self, counts: &mut ColumnCounts, record: u64) {
        counts.with_findings += u64::from(self.with_findings);
        counts.scrubbed += u64::from(self.scrubbed);
        counts.unverified += u64::from(self.unverified);
        counts.changed += u64::from(self.changed);
        for (kind, &n) in Kind::ALL.iter().zip(&self.found) {
            if n > 0 {
                counts.add_found_n(*kind, u64::from(n), record);
            }
        }
        for (name, &n) in ACTION_NAMES.iter().zip(&self.actions) {
            if n > 0 {
                counts.add_action_n(name, u64::from(n));
            }
        }
    }
}

/// Bytes the memo may spend: keys, new values and an estimate of the table's own overhead per
/// entry, all workers together.
const MEMO_BYTES: usize = 64 << 20;
/// Table overhead counted per entry (its slot and the string's allocation), on top of the
/// string.
const ENTRY_OVERHEAD: usize = 112;
/// Longer values are not remembered: they rarely repeat.
pub const LONGEST: usize = 2048;
/// Lookups per window over which a column's hit rate is judged (per shard).
const WINDOW: u32 = 1024;
/// A column hitting in fewer than one lookup in this many, over a window, rests.
const RARE_HITS: u32 = 16;
/// Values a resting column lets by before it tries the memo again (per shard).
const REST: u32 = 32 * WINDOW;
/// Independent parts of the memo, each behind its own lock, picked from the value's length and
/// ends: workers rarely wait for one another.
const SHARDS: usize = 16;

/// A remembered value, what it became and its tally: a lookup touches the table's slot and one
/// string holding the value followed by its new value.
struct Remembered {
    /// The value, then its new value when one is known and changed.
    text: Box<str>,
    /// Bytes of the value at the start of `text`.
    key_len: u32,
    /// What is known of the new value (see [`NewValue`]).
    new_value: NewValue,
    tally: Tally,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NewValue {
    /// The value was only examined (as `scan` does): a writer must compute it.
    Unknown,
    Unchanged,
    /// The rest of `text`.
    Changed,
}

impl Remembered {
    fn key(&self) -> &str {
        &self.text[..self.key_len as usize]
    }

    fn new_value(&self) -> &str {
        &self.text[self.key_len as usize..]
    }

    /// Bytes counted against the budget.
    fn size(&self) -> usize {
        self.text.len() + ENTRY_OVERHEAD
    }
}

impl std::borrow::Borrow<str> for Remembered {
    fn borrow(&self) -> &str {
        self.key()
    }
}

impl std::hash::Hash for Remembered {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialEq for Remembered {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Remembered {}

#[derive(Default)]
struct ColumnMemo {
    entries: HashSet<Remembered, FastBuild>,
    bytes: usize,
    lookups: u32,
    hits: u32,
    /// Values still to let by before the memo is tried again.
    resting: u32,
}

#[derive(Default)]
struct Shard {
    columns: Vec<ColumnMemo>,
    bytes: usize,
}

/// What a scrubber's workers remember of the values they scrubbed (see the module doc).
pub struct Memo {
    shards: Vec<Mutex<Shard>>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

/// What the memo knows of a value.
pub enum Recall {
    /// Nothing: compute it, then [`Memo::remember`] it (unless the column rests).
    Unknown { remember: bool },
    /// The value's tally, and its new value appended to the caller's `out` when it changes.
    Known { tally: Tally, changed: bool },
}

impl Memo {
    fn shard(&self, value: &str) -> std::sync::MutexGuard<'_, Shard> {
        // Picked from the length and the first and last bytes: the table hashes the whole
        // value again, this only has to spread values over the shards.
        let bytes = value.as_bytes();
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            w[..b.len()].copy_from_slice(b);
            u64::from_le_bytes(w)
        };
        let n = bytes.len().min(8);
        let mut h = FastHasher::default();
        h.write_usize(bytes.len());
        h.write_u64(word(&bytes[..n]) ^ word(&bytes[bytes.len() - n..]).rotate_left(29));
        let i = (h.finish() % SHARDS as u64) as usize;
        // A worker that panicked holding the lock left whole entries behind (an entry is
        // inserted in one step), so the memo is still sound.
        self.shards[i]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Looks `value` of `column` up; with `out`, a known changed value is appended to it (a
    /// value only examined before is unknown to a writer).
    pub fn recall(&self, column: usize, value: &str, out: Option<&mut String>) -> Recall {
        if value.len() > LONGEST {
            return Recall::Unknown { remember: false };
        }
        let mut guard = self.shard(value);
        let shard = &mut *guard;
        if shard.columns.len() <= column {
            shard.columns.resize_with(column + 1, ColumnMemo::default);
        }
        let col = &mut shard.columns[column];
        if col.resting > 0 {
            col.resting -= 1;
            return Recall::Unknown { remember: false };
        }
        col.lookups += 1;
        let known = col.entries.get(value).and_then(|r| {
            let tally = r.tally;
            match (r.new_value, out) {
                (_, None) => Some((tally, tally.changed)),
                (NewValue::Unknown, Some(_)) => None,
                (NewValue::Unchanged, Some(_)) => Some((tally, false)),
                (NewValue::Changed, Some(out)) => {
                    out.push_str(r.new_value());
                    Some((tally, true))
                }
            }
        });
        if known.is_some() {
            col.hits += 1;
        }
        if col.lookups == WINDOW {
            let rare = col.hits * RARE_HITS < WINDOW;
            col.lookups = 0;
            col.hits = 0;
            if rare {
                col.resting = REST;
                shard.bytes -= col.bytes;
                col.bytes = 0;
                col.entries = HashSet::default();
            }
        }
        match known {
            Some((tally, changed)) => Recall::Known { tally, changed },
            None => Recall::Unknown { remember: true },
        }
    }

    /// Remembers what `value` of `column` became: `new_value` is `None` when it was only
    /// examined, `Some(None)` when written unchanged.
    pub fn remember(
        &self,
        column: usize,
        value: &str,
        tally: Tally,
        new_value: Option<Option<&str>>,
    ) {
        let mut guard = self.shard(value);
        let shard = &mut *guard;
        if shard.columns.len() <= column {
            return;
        }
        let (state, new) = match new_value {
            None => (NewValue::Unknown, ""),
            Some(None) => (NewValue::Unchanged, ""),
            Some(Some(new)) => (NewValue::Changed, new),
        };
        let mut text = String::with_capacity(value.len() + new.len());
        text.push_str(value);
        text.push_str(new);
        let remembered = Remembered {
            text: text.into_boxed_str(),
            key_len: value.len() as u32,
            new_value: state,
            tally,
        };
        let size = remembered.size();
        if shard.bytes + size > MEMO_BYTES / SHARDS {
            // Start afresh: what the next rows repeat is most likely what they are about to
            // see again, not what filled the memo.
            for col in &mut shard.columns {
                col.entries = HashSet::default();
                col.bytes = 0;
            }
            shard.bytes = 0;
        }
        let col = &mut shard.columns[column];
        if let Some(old) = col.entries.replace(remembered) {
            // A writer replacing an examiner's entry.
            shard.bytes -= old.size();
            col.bytes -= old.size();
        }
        shard.bytes += size;
        col.bytes += size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally_of(kinds: &[Kind], action: Action) -> Tally {
        let mut t = Tally {
            with_findings: !kinds.is_empty(),
            changed: action.changes(),
            ..Tally::default()
        };
        for k in kinds {
            t.found(*k);
            t.action(action);
        }
        t
    }

    #[test]
    fn a_tally_adds_like_the_counts_it_stands_for() {
        let t = tally_of(&[Kind::Name, Kind::Phone, Kind::Name], Action::Redact);
        let mut counts = ColumnCounts::default();
        t.add_to(&mut counts, 7);
        t.add_to(&mut counts, 9);
        assert_eq!(counts.found[&Kind::Name], 4);
        assert_eq!(counts.found[&Kind::Phone], 2);
        assert_eq!(counts.actions["redact"], 6);
        assert_eq!((counts.with_findings, counts.changed), (2, 2));
        assert_eq!(counts.examples, [7, 9]);
    }

    #[test]
    fn a_value_is_recalled_with_its_new_value_in_its_column_only() {
        let memo = Memo::default();
        let t = tally_of(&[Kind::Iin], Action::Redact);
        assert!(matches!(
            memo.recall(2, "871008401427", None),
            Recall::Unknown { remember: true }
        ));
        memo.remember(2, "871008401427", t, Some(Some("[IIN]")));
        let mut out = String::from("x");
        match memo.recall(2, "871008401427", Some(&mut out)) {
            Recall::Known { tally, changed } => assert_eq!((tally, changed), (t, true)),
            Recall::Unknown { .. } => panic!("not recalled"),
        }
        assert_eq!(out, "x[IIN]");
        assert!(matches!(
            memo.recall(1, "871008401427", None),
            Recall::Unknown { .. }
        ));
    }

    #[test]
    fn an_examined_value_is_unknown_to_a_writer() {
        let memo = Memo::default();
        let t = tally_of(&[Kind::Email], Action::Redact);
        memo.recall(0, "a@b.kz", None);
        memo.remember(0, "a@b.kz", t, None);
        assert!(matches!(
            memo.recall(0, "a@b.kz", None),
            Recall::Known { .. }
        ));
        let mut out = String::new();
        assert!(matches!(
            memo.recall(0, "a@b.kz", Some(&mut out)),
            Recall::Unknown { remember: true }
        ));
        memo.remember(0, "a@b.kz", t, Some(Some("[EMAIL]")));
        assert!(matches!(
            memo.recall(0, "a@b.kz", Some(&mut out)),
            Recall::Known { changed: true, .. }
        ));
        assert_eq!(out, "[EMAIL]");
    }

    #[test]
    fn a_column_of_distinct_values_rests_then_tries_again() {
        let memo = Memo::default();
        let t = Tally::default();
        let n = SHARDS as u32 * (WINDOW + REST);
        let mut tried = 0;
        for i in 0..n {
            let v = i.to_string();
            if let Recall::Unknown { remember: true } = memo.recall(0, &v, None) {
                tried += 1;
                memo.remember(0, &v, t, Some(None));
            }
        }
        // Each shard judges its own window, then rests: about one value in 33 is tried.
        assert!(tried < n / 16, "{tried} of {n} tried");
        assert!(tried >= SHARDS as u32 * WINDOW, "{tried} of {n} tried");
        // A repetitive column is not made to rest.
        let memo = Memo::default();
        for i in 0..(3 * SHARDS as u32 * WINDOW) {
            let v = (i % 40).to_string();
            if let Recall::Unknown { remember: true } = memo.recall(0, &v, None) {
                memo.remember(0, &v, t, Some(None));
            }
        }
        assert!(matches!(memo.recall(0, "7", None), Recall::Known { .. }));
    }
}
