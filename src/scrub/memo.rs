//! What one value did, and the scrubber's memory of it.
//!
//! A [`Tally`] is what scrubbing one value adds to its column's counts, without the record
//! number: it is a function of the column's plan and the value alone, as is the new value.
//! Exports repeat values a great deal: a student's name on every grade row, statuses,
//! courses, grades, template comments, the same note sent to every parent. The [`Memo`]
//! keeps, per column, what a value became and its tally, so a repeat costs a hash lookup
//! instead of the detectors, a normaliser and a keyed hash. It changes no output and no count:
//! a remembered value is counted again, with its own record number. It is shared by the
//! workers of one scrubber, one lock per column, so with more threads a value is still searched
//! once. A worker goes through a column's values of a chunk of records in one [`MemoPass`],
//! which holds the lock over a run of repeats instead of taking it for each value.
//!
//! Columns whose values do not repeat (one IIN per row of a students list) would pay for the
//! memo without gain: a column that hits in fewer than one lookup in [`RARE_HITS`] of a window
//! rests for [`REST`] values, its entries freed, then tries again (an export sorted by course
//! can start distinct and turn repetitive). Memory is bounded by [`MEMO_BYTES`]; a column that
//! would pass it starts afresh, which keeps what recent rows repeat.

use std::collections::HashSet;
use std::hash::Hasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::action::Action;
use crate::detect::Kind;
use crate::fasthash::FastBuild;
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
/// entry, all columns together.
const MEMO_BYTES: usize = 64 << 20;
/// Table overhead counted per entry (its slot and the string's allocation), on top of the
/// string.
const ENTRY_OVERHEAD: usize = 112;
/// Longer values are not remembered: they rarely repeat.
pub const LONGEST: usize = 2048;
/// Lookups per window over which a column's hit rate is judged.
const WINDOW: u32 = 4096;
/// A column hitting in fewer than one lookup in this many, over a window, rests.
const RARE_HITS: u32 = 16;
/// Values a resting column lets by before it tries the memo again.
const REST: u32 = 32 * WINDOW;
/// Values of a rest a pass takes at once, so that it need not take the lock for each.
const REST_CREDIT: u32 = 256;

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

impl ColumnMemo {
    fn clear(&mut self, total: &AtomicUsize) {
        total.fetch_sub(self.bytes, Ordering::Relaxed);
        self.bytes = 0;
        self.entries = HashSet::default();
    }
}

impl Drop for MemoPass<'_> {
    /// Gives back the part of the rest it did not use, so short passes do not shorten rests.
    fn drop(&mut self) {
        if self.credit > 0 {
            let credit = self.credit;
            if let Some(col) = self.column()
                && col.resting > 0
            {
                col.resting = col.resting.saturating_add(credit);
            }
        }
    }
}

/// Keeps each column's lock on a cache line of its own: workers on different columns do not
/// slow each other down.
#[repr(align(128))]
#[derive(Default)]
struct Padded<T>(T);

/// What a scrubber's workers remember of the values they scrubbed (see the module doc).
pub struct Memo {
    columns: Vec<Padded<Mutex<ColumnMemo>>>,
    /// Bytes held by all columns together.
    bytes: AtomicUsize,
}

/// What the memo knows of a value.
pub enum Recall {
    /// Nothing: compute it, then [`MemoPass::remember`] it (unless the column rests).
    Unknown { remember: bool },
    /// The value's tally, and its new value appended to the caller's `out` when it changes.
    Known { tally: Tally, changed: bool },
}

impl Memo {
    /// A memo for `columns` columns.
    pub fn new(columns: usize) -> Self {
        Memo {
            columns: (0..columns).map(|_| Padded::default()).collect(),
            bytes: AtomicUsize::new(0),
        }
    }

    /// One worker's pass over values of `column` (see [`MemoPass`]).
    pub fn pass(&self, column: usize) -> MemoPass<'_> {
        MemoPass {
            memo: self,
            column,
            held: None,
            credit: 0,
        }
    }
}

/// One worker's run over values of one column, in record order. It keeps the column's lock
/// from one lookup to the next while they hit, and lets it go when a value must be computed,
/// so a run of repeats costs one lock and another worker waits at most for a run of lookups,
/// never for the detectors.
pub struct MemoPass<'m> {
    memo: &'m Memo,
    column: usize,
    held: Option<MutexGuard<'m, ColumnMemo>>,
    /// Values of the column's rest this pass took: let by without the lock.
    credit: u32,
}

impl<'m> MemoPass<'m> {
    /// The column's memo, locked; `None` for a column the memo was not made for.
    fn column(&mut self) -> Option<&mut ColumnMemo> {
        if self.held.is_none() {
            let lock = &self.memo.columns.get(self.column)?.0;
            // A worker that panicked holding the lock left whole entries behind (an entry is
            // inserted in one step), so the memo is still sound.
            self.held = Some(lock.lock().unwrap_or_else(PoisonError::into_inner));
        }
        self.held.as_deref_mut()
    }

    /// Looks `value` up; with `out`, a known changed value is appended to it (a value only
    /// examined before is unknown to a writer). After `Unknown { remember: true }` the lock is
    /// let go: the caller computes the value, then [`remember`](Self::remember)s it.
    pub fn recall(&mut self, value: &str, out: Option<&mut String>) -> Recall {
        const PASS_BY: Recall = Recall::Unknown { remember: false };
        if value.len() > LONGEST {
            return PASS_BY;
        }
        if self.credit > 0 {
            self.credit -= 1;
            return PASS_BY;
        }
        let total = &self.memo.bytes;
        let Some(col) = self.column() else {
            return PASS_BY;
        };
        if col.resting > 0 {
            let take = col.resting.min(REST_CREDIT);
            col.resting -= take;
            self.credit = take - 1;
            self.held = None;
            return PASS_BY;
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
        let mut remember = true;
        if col.lookups == WINDOW {
            let rare = col.hits * RARE_HITS < WINDOW;
            col.lookups = 0;
            col.hits = 0;
            if rare {
                col.resting = REST;
                col.clear(total);
                remember = false;
            }
        }
        match known {
            Some((tally, changed)) => Recall::Known { tally, changed },
            None => {
                self.held = None;
                Recall::Unknown { remember }
            }
        }
    }

    /// Remembers what `value` became: `new_value` is `None` when it was only examined,
    /// `Some(None)` when written unchanged.
    pub fn remember(&mut self, value: &str, tally: Tally, new_value: Option<Option<&str>>) {
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
        let total = &self.memo.bytes;
        let Some(col) = self.column() else {
            return;
        };
        if total.load(Ordering::Relaxed) + size > MEMO_BYTES {
            // Start afresh: what the next rows repeat is most likely what they are about to
            // see again, not what filled the memo. Other columns keep theirs; if they hold
            // the budget, this value is not remembered.
            col.clear(total);
            if total.load(Ordering::Relaxed) + size > MEMO_BYTES {
                return;
            }
        }
        if let Some(old) = col.entries.replace(remembered) {
            // A writer replacing an examiner's entry.
            col.bytes -= old.size();
            total.fetch_sub(old.size(), Ordering::Relaxed);
        }
        col.bytes += size;
        total.fetch_add(size, Ordering::Relaxed);
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
        let memo = Memo::new(3);
        let t = tally_of(&[Kind::Iin], Action::Redact);
        let mut pass = memo.pass(2);
        assert!(matches!(
            pass.recall("871008401427", None),
            Recall::Unknown { remember: true }
        ));
        pass.remember("871008401427", t, Some(Some("[IIN]")));
        let mut out = String::from("x");
        match pass.recall("871008401427", Some(&mut out)) {
            Recall::Known { tally, changed } => assert_eq!((tally, changed), (t, true)),
            Recall::Unknown { .. } => panic!("not recalled"),
        }
        assert_eq!(out, "x[IIN]");
        // Another pass over the column, while this one holds the lock, waits for it.
        drop(pass);
        assert!(matches!(
            memo.pass(2).recall("871008401427", None),
            Recall::Known { .. }
        ));
        assert!(matches!(
            memo.pass(1).recall("871008401427", None),
            Recall::Unknown { .. }
        ));
        // A column the memo was not made for is never remembered.
        let mut beyond = memo.pass(5);
        beyond.remember("871008401427", t, Some(None));
        assert!(matches!(
            beyond.recall("871008401427", None),
            Recall::Unknown { remember: false }
        ));
    }

    #[test]
    fn an_examined_value_is_unknown_to_a_writer() {
        let memo = Memo::new(1);
        let mut pass = memo.pass(0);
        let t = tally_of(&[Kind::Email], Action::Redact);
        pass.recall("a@b.kz", None);
        pass.remember("a@b.kz", t, None);
        assert!(matches!(pass.recall("a@b.kz", None), Recall::Known { .. }));
        let mut out = String::new();
        assert!(matches!(
            pass.recall("a@b.kz", Some(&mut out)),
            Recall::Unknown { remember: true }
        ));
        pass.remember("a@b.kz", t, Some(Some("[EMAIL]")));
        assert!(matches!(
            pass.recall("a@b.kz", Some(&mut out)),
            Recall::Known { changed: true, .. }
        ));
        assert_eq!(out, "[EMAIL]");
        assert_eq!(
            memo.bytes.load(Ordering::Relaxed),
            "a@b.kz[EMAIL]".len() + ENTRY_OVERHEAD
        );
    }

    #[test]
    fn a_column_of_distinct_values_rests_then_tries_again() {
        let memo = Memo::new(1);
        let t = Tally::default();
        let n = 3 * (WINDOW + REST);
        let mut tried = 0;
        // Passes of 100 values, as a worker takes a chunk's, shorter than a credit.
        for chunk in 0..n / 100 {
            let mut pass = memo.pass(0);
            for i in chunk * 100..(chunk + 1) * 100 {
                let v = i.to_string();
                if let Recall::Unknown { remember: true } = pass.recall(&v, None) {
                    tried += 1;
                    pass.remember(&v, t, Some(None));
                }
            }
        }
        // A window, then a rest, three times over: about one value in 33 is remembered.
        assert!(tried < n / 16, "{tried} of {n} tried");
        assert!(tried >= 3 * (WINDOW - 1), "{tried} of {n} tried");
        // A repetitive column is not made to rest.
        let memo = Memo::new(1);
        let mut pass = memo.pass(0);
        for i in 0..3 * WINDOW {
            let v = (i % 40).to_string();
            if let Recall::Unknown { remember: true } = pass.recall(&v, None) {
                pass.remember(&v, t, Some(None));
            }
        }
        assert!(matches!(pass.recall("7", None), Recall::Known { .. }));
    }

    #[test]
    fn a_column_that_would_pass_the_budget_starts_afresh() {
        let memo = Memo::new(2);
        let t = Tally::default();
        let long = "я".repeat(LONGEST / 2 - 8);
        let mut pass = memo.pass(0);
        let mut i = 0;
        while memo.bytes.load(Ordering::Relaxed) + LONGEST + ENTRY_OVERHEAD <= MEMO_BYTES {
            pass.remember(&format!("{i}{long}"), t, Some(None));
            i += 1;
        }
        assert!(matches!(
            pass.recall(&format!("0{long}"), None),
            Recall::Known { .. }
        ));
        pass.remember(&format!("{i}{long}"), t, Some(None));
        assert!(memo.bytes.load(Ordering::Relaxed) < LONGEST * 2);
        assert!(matches!(
            pass.recall(&format!("0{long}"), None),
            Recall::Unknown { .. }
        ));
    }
}
