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
//! about once (two workers may miss it at the same moment, and a value is not remembered when
//! another worker holds the lock just then). A worker goes through a column's values of a
//! chunk of records in one [`MemoPass`], which holds the lock over a run of repeats instead of
//! taking it for each value; workers choose columns no other worker is in when they can
//! ([`Memo::is_free`]).
//!
//! Columns whose values do not repeat (one IIN per row of a students list) would pay for the
//! memo without gain: a column that hits in fewer than one lookup in [`RARE_HITS`] of a window
//! rests for [`REST`] values, its entries freed, then tries again (an export sorted by course
//! can start distinct and turn repetitive). Memory is bounded by [`MEMO_BYTES`]; a column that
//! would pass it starts afresh, which keeps what recent rows repeat.

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use crate::action::Action;
use crate::detect::Kind;
use crate::fasthash::{FastBuild, FastHasher};
use crate::report::{ActionCounts, ColumnCounts};

/// What scrubbing one non-empty value adds to its column's counts (see the module doc).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
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
    /// Actions applied, at their [`ActionCounts::index`].
    actions: [u32; ActionCounts::NAMES.len()],
}

impl Tally {
    pub fn found(&mut self, kind: Kind) {
        self.found[kind as usize] += 1;
    }

    pub fn action(&mut self, action: Action) {
        self.actions[ActionCounts::index(action)] += 1;
    }

    /// Adds the tally to `counts` as the value of record `record` (1-based). Every count is
    /// added, zeros too: this runs for every value, and adding is cheaper than a branch per
    /// kind and action.
    pub fn add_to(&self, counts: &mut ColumnCounts, record: u64) {
        counts.with_findings += u64::from(self.with_findings);
        counts.scrubbed += u64::from(self.scrubbed);
        counts.unverified += u64::from(self.unverified);
        counts.changed += u64::from(self.changed);
        counts.found.add_all(&self.found);
        counts.actions.add_all(&self.actions);
        if self.found != [0; Kind::ALL.len()] {
            counts.add_example(record);
        }
    }
}

/// Bytes the memo may spend: values, new values, table slots and tallies, all columns
/// together. Each insert checks what it may add first; only workers growing different columns
/// at the same moment can pass it, by one allocation each.
const MEMO_BYTES: usize = 64 << 20;
/// Longer values are not remembered: they rarely repeat.
pub const LONGEST: usize = 2048;
/// Lookups per window over which a column's hit rate is judged: long enough for a Parquet
/// dictionary of thousands of distinct values, all misses, not to send its column to rest.
const WINDOW: u32 = 16_384;
/// A column hitting in fewer than one lookup in this many, over a window, rests.
const RARE_HITS: u32 = 16;
/// Values a resting column lets by before it tries the memo again.
const REST: u32 = 32 * WINDOW;
/// Values of a rest a pass takes at once, so that it need not take the lock for each.
const REST_CREDIT: u32 = 256;
/// How many values a pass is told of at once (see [`MemoPass::look_ahead`]).
pub const AHEAD: usize = 16;
/// Bytes of a remembered value that a look-ahead loads, from its start.
const TOUCHED_BYTES: usize = 256;
/// Distinct tallies a column may hold: slots name theirs by a 16-bit index, [`CLEAN`] apart.
const TALLIES: usize = (1 << 16) - 1;
/// The index of the tally of a value that adds nothing to the counts (nothing found, nothing
/// done: a grade, a course, a clean comment in a searched column). Most hits are on such
/// values; theirs is known from the index alone, with no tally to read or add.
const CLEAN: u16 = u16::MAX;
/// Slots of a table small enough to stay in the cache: its lookups are not announced ahead
/// (see [`MemoPass::look_ahead`]), which would cost more than the loads it hides.
const CACHED_SLOTS: usize = 4096;

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum NewValue {
    /// Nothing is remembered here.
    #[default]
    Free,
    /// The value was only examined (as `scan` does): a writer must compute it.
    Unknown,
    Unchanged,
    /// Follows the value in the arena.
    Changed,
}

/// A remembered value: its hash, where it and its new value are in the column's arena, and
/// what it did. 24 bytes, so a column's table stays small enough for the caches.
#[derive(Clone, Copy, Default)]
struct Slot {
    hash: u64,
    /// Offset of the value in the arena; its new value follows it.
    at: u32,
    key_len: u32,
    new_len: u32,
    /// Index of the value's tally in [`ColumnMemo::tallies`].
    tally: u16,
    new_value: NewValue,
}

/// One column's memory: an open-addressing table of [`Slot`]s (linear probing, at most half
/// full) over an arena holding the values and new values end to end. Tallies repeat far more
/// than values do (every clean comment has the same one), so each is kept once.
#[derive(Default)]
struct ColumnMemo {
    slots: Vec<Slot>,
    used: usize,
    /// Values and new values end to end (a `String`, so a new value is a `&str` as it is).
    arena: String,
    tallies: Vec<Tally>,
    tally_ids: HashMap<Tally, u16, FastBuild>,
    /// Bytes counted against the budget (see [`ColumnMemo::size`]).
    bytes: usize,
    lookups: u32,
    hits: u32,
    /// Values still to let by before the memo is tried again.
    resting: u32,
}

fn hash_of(value: &str) -> u64 {
    let mut h = FastHasher::default();
    h.write(value.as_bytes());
    h.finish()
}

/// `a == b` for slices of one length; short ones (most values: a grade, a class, a name, a
/// course) in overlapping word loads rather than a call to `memcmp`.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        9..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        17..=32 => {
            word(a, 0) == word(b, 0)
                && word(a, 8) == word(b, 8)
                && word(a, n - 16) == word(b, n - 16)
                && word(a, n - 8) == word(b, n - 8)
        }
        _ => a == b,
    }
}

impl ColumnMemo {
    /// Bytes held: the arena and table as allocated, the tallies (in their list and their
    /// index).
    fn size(&self) -> usize {
        self.arena.capacity()
            + self.slots.len() * std::mem::size_of::<Slot>()
            + self.tallies.len() * 2 * std::mem::size_of::<Tally>()
    }

    /// What [`size`](Self::size) may grow by when `text` more bytes are remembered: the
    /// arena's next allocation, a doubled table, a tally.
    fn growth(&self, text: usize) -> usize {
        let need = self.arena.len() + text;
        let arena = if need > self.arena.capacity() {
            need.max(2 * self.arena.capacity()) - self.arena.capacity()
        } else {
            0
        };
        let table = if (self.used + 1) * 2 > self.slots.len() {
            self.slots.len().max(64) * std::mem::size_of::<Slot>()
        } else {
            0
        };
        arena + table + 2 * std::mem::size_of::<Tally>()
    }

    fn clear(&mut self, total: &AtomicUsize) {
        total.fetch_sub(self.bytes, Ordering::Relaxed);
        *self = ColumnMemo {
            resting: self.resting,
            lookups: self.lookups,
            hits: self.hits,
            ..ColumnMemo::default()
        };
    }

    /// The slot holding `value`, or the free one where it would go; `None` in an empty table.
    #[inline]
    fn probe(&self, hash: u64, value: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let s = &self.slots[i];
            if s.new_value == NewValue::Free
                || (s.hash == hash
                    && s.key_len as usize == value.len()
                    && same_bytes(self.key(s), value.as_bytes()))
            {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    fn key(&self, s: &Slot) -> &[u8] {
        let at = s.at as usize;
        &self.arena.as_bytes()[at..at + s.key_len as usize]
    }

    fn new_value(&self, s: &Slot) -> &str {
        let at = (s.at + s.key_len) as usize;
        &self.arena[at..at + s.new_len as usize]
    }

    /// Loads the slots the hashes start at, then the first and last bytes of the values they
    /// hold: the loads of a group are independent, so their trips to main memory overlap, and
    /// the lookups that follow find what they need in the cache. A hint only; it changes
    /// nothing.
    fn touch(&self, hashes: impl Iterator<Item = u64> + Clone) {
        if self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        for hash in hashes.clone() {
            std::hint::black_box(self.slots[hash as usize & mask].at);
        }
        let bytes = self.arena.as_bytes();
        for hash in hashes {
            let s = &self.slots[hash as usize & mask];
            if s.hash == hash {
                // Every cache line of the value (a comment spans two or three) up to a few,
                // and the one where its new value starts.
                let at = s.at as usize;
                let end = (at + (s.key_len as usize) + 1).min(at + TOUCHED_BYTES);
                for i in (at..end).step_by(64).chain([end - 1]) {
                    if let Some(b) = bytes.get(i) {
                        std::hint::black_box(*b);
                    }
                }
            }
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.new_value != NewValue::Free) {
            let mut i = s.hash as usize & mask;
            while self.slots[i].new_value != NewValue::Free {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }

    /// Remembers `value` (the caller has checked the budget and that a tally fits). An entry
    /// a writer made is not replaced by an examiner's, which knows less.
    fn insert(&mut self, hash: u64, value: &str, tally: Tally, state: NewValue, new: &str) {
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let i = self.probe(hash, value).expect("the table has room");
        if state == NewValue::Unknown
            && matches!(
                self.slots[i].new_value,
                NewValue::Unchanged | NewValue::Changed
            )
        {
            return;
        }
        let tally = if tally == Tally::default() {
            CLEAN
        } else if let Some(&id) = self.tally_ids.get(&tally) {
            id
        } else {
            let id = u16::try_from(self.tallies.len()).expect("checked by remember");
            self.tallies.push(tally);
            self.tally_ids.insert(tally, id);
            id
        };
        let at = self.arena.len() as u32;
        // One reservation, the one `growth` foresaw. A writer replacing an examiner's entry
        // writes the value again: the arena only grows.
        self.arena.reserve(value.len() + new.len());
        self.arena.push_str(value);
        self.arena.push_str(new);
        if self.slots[i].new_value == NewValue::Free {
            self.used += 1;
        }
        self.slots[i] = Slot {
            hash,
            at,
            key_len: value.len() as u32,
            new_len: new.len() as u32,
            tally,
            new_value: state,
        };
    }
}

impl Drop for MemoPass<'_> {
    /// Gives back the part of the rest it did not use, so short passes do not shorten rests.
    fn drop(&mut self) {
        if let Some(n) = self.memo.passes.get(self.column) {
            n.0.fetch_sub(1, Ordering::Relaxed);
        }
        if self.credit > 0 {
            let credit = self.credit;
            // Not worth waiting for: a rest cut short only means an earlier retry.
            if let Some(col) = self.column_if_free()
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
    /// Passes open on each column (see [`Memo::is_free`]).
    passes: Vec<Padded<AtomicUsize>>,
    /// Bytes held by all columns together.
    bytes: AtomicUsize,
}

/// What the memo knows of a value.
pub enum Recall {
    /// Nothing: compute it, then [`MemoPass::remember`] it (unless the column rests).
    Unknown { remember: bool },
    /// The value's tally (`None`: it adds nothing to the counts), and its new value appended
    /// to the caller's `out` when it changes.
    Known { tally: Option<Tally>, changed: bool },
}

impl Memo {
    /// A memo for `columns` columns.
    pub fn new(columns: usize) -> Self {
        Memo {
            columns: (0..columns).map(|_| Padded::default()).collect(),
            passes: (0..columns).map(|_| Padded::default()).collect(),
            bytes: AtomicUsize::new(0),
        }
    }

    /// Whether no worker has a pass open on `column` right now.
    pub fn is_free(&self, column: usize) -> bool {
        self.passes
            .get(column)
            .is_none_or(|n| n.0.load(Ordering::Relaxed) == 0)
    }

    /// One worker's pass over values of `column` (see [`MemoPass`]).
    pub fn pass(&self, column: usize) -> MemoPass<'_> {
        if let Some(n) = self.passes.get(column) {
            n.0.fetch_add(1, Ordering::Relaxed);
        }
        MemoPass {
            memo: self,
            column,
            held: None,
            credit: 0,
            ahead: [(0, 0, 0); AHEAD],
            ahead_len: 0,
            ahead_next: 0,
            last: (0, 0, 0),
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
    /// Values announced by [`look_ahead`](Self::look_ahead) and not yet looked up, from
    /// `ahead_next`: address, length and hash, so their lookups need not hash them again.
    ahead: [(usize, usize, u64); AHEAD],
    ahead_len: usize,
    ahead_next: usize,
    /// Address, length and hash of the value last looked up, for its `remember`.
    last: (usize, usize, u64),
}

impl<'m> MemoPass<'m> {
    /// The column's memo, locked; `None` for a column the memo was not made for.
    fn column(&mut self) -> Option<&mut ColumnMemo> {
        self.lock_column(true)
    }

    /// The column's memo if this pass holds its lock or can take it at once; `None` when
    /// another worker holds it. For [`remember`](Self::remember): a value not remembered is
    /// only computed again when it comes back, while waiting for the lock puts the thread to
    /// sleep, and the other worker may hold it through a run of lookups or while its table
    /// grows.
    fn column_if_free(&mut self) -> Option<&mut ColumnMemo> {
        self.lock_column(false)
    }

    /// The column's memo, locked by this pass if it was not already; without `wait`, `None`
    /// when another worker holds the lock.
    fn lock_column(&mut self, wait: bool) -> Option<&mut ColumnMemo> {
        if self.held.is_none() {
            let lock = &self.memo.columns.get(self.column)?.0;
            // A worker that panicked holding the lock left whole entries behind (an entry is
            // inserted in one step), so the memo is still sound.
            self.held = Some(if wait {
                lock.lock().unwrap_or_else(PoisonError::into_inner)
            } else {
                match lock.try_lock() {
                    Ok(guard) => guard,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(TryLockError::WouldBlock) => return None,
                }
            });
        }
        self.held.as_deref_mut()
    }

    /// Announces the next values this pass will be asked about, in order (at most
    /// [`AHEAD`]; the rest are ignored), so that the table's memory for all of them is fetched
    /// at once: a column of many distinct values (names, comments) otherwise waits on main
    /// memory at every lookup, one value after the other. Optional: values not announced are
    /// hashed at their lookup. Not done for a table that fits the cache ([`CACHED_SLOTS`]).
    pub fn look_ahead<'v>(&mut self, values: impl Iterator<Item = &'v str>) {
        self.ahead_len = 0;
        self.ahead_next = 0;
        if self.credit > 0 {
            return;
        }
        // A resting column looks nothing up, and a small table is in the cache already.
        let worth_it = self
            .column()
            .is_some_and(|col| col.resting == 0 && col.slots.len() > CACHED_SLOTS);
        if !worth_it {
            return;
        }
        for value in values.take(AHEAD) {
            self.ahead[self.ahead_len] = (value.as_ptr() as usize, value.len(), hash_of(value));
            self.ahead_len += 1;
        }
        let ahead = self.ahead;
        let n = self.ahead_len;
        if let Some(col) = self.column() {
            col.touch(ahead[..n].iter().map(|a| a.2));
        }
    }

    /// The hash of `value`: from [`look_ahead`](Self::look_ahead) when it announced it. A
    /// stale or mistaken hash costs a miss, never a wrong answer: a lookup compares the value.
    fn hash(&mut self, value: &str) -> u64 {
        let id = (value.as_ptr() as usize, value.len());
        let mut found = None;
        while self.ahead_len > 0 {
            let (ptr, len, hash) = self.ahead[self.ahead_next];
            self.ahead_next += 1;
            self.ahead_len -= 1;
            if (ptr, len) == id {
                found = Some(hash);
                break;
            }
        }
        let hash = found.unwrap_or_else(|| hash_of(value));
        self.last = (id.0, id.1, hash);
        hash
    }

    /// Looks `value` up; with `out`, a known changed value is appended to it (a value only
    /// examined before is unknown to a writer). After `Unknown { remember: true }` the lock is
    /// let go: the caller computes the value, then [`remember`](Self::remember)s it.
    pub fn recall(&mut self, value: &str, out: Option<&mut String>) -> Recall {
        const PASS_BY: Recall = Recall::Unknown { remember: false };
        if value.len() > LONGEST {
            // The caller computes the value: not while holding the lock.
            self.held = None;
            return PASS_BY;
        }
        if self.credit > 0 {
            self.credit -= 1;
            self.held = None;
            return PASS_BY;
        }
        let hash = self.hash(value);
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
        let slot = col
            .probe(hash, value)
            .map(|i| col.slots[i])
            .filter(|s| s.new_value != NewValue::Free);
        let known = slot.and_then(|s| {
            let tally = (s.tally != CLEAN).then(|| col.tallies[usize::from(s.tally)]);
            match (s.new_value, out) {
                (_, None) => Some((tally, tally.is_some_and(|t| t.changed))),
                (NewValue::Free | NewValue::Unknown, Some(_)) => None,
                (NewValue::Unchanged, Some(_)) => Some((tally, false)),
                (NewValue::Changed, Some(out)) => {
                    out.push_str(col.new_value(&s));
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
        let hash = match self.last {
            (ptr, len, hash) if (ptr, len) == (value.as_ptr() as usize, value.len()) => hash,
            _ => hash_of(value),
        };
        let total = &self.memo.bytes;
        let Some(col) = self.column_if_free() else {
            return;
        };
        if col.resting > 0 {
            // Another worker found the column not worth it meanwhile.
            return;
        }
        let text = value.len() + new.len();
        let others = |col: &ColumnMemo| total.load(Ordering::Relaxed) - col.bytes;
        let fits = |col: &ColumnMemo| others(col) + col.growth(text) <= MEMO_BYTES;
        if !fits(col) || col.tallies.len() == TALLIES {
            // Start afresh: what the next rows repeat is most likely what they are about to
            // see again, not what filled the memo. When other columns hold the budget, that
            // would not make room: this value is not remembered and the column keeps the rest.
            if others(col) + ColumnMemo::default().growth(text) > MEMO_BYTES {
                return;
            }
            col.clear(total);
        }
        col.insert(hash, value, tally, state, new);
        let size = col.size();
        total.fetch_add(size - col.bytes, Ordering::Relaxed);
        col.bytes = size;
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
            Recall::Known { tally, changed } => assert_eq!((tally, changed), (Some(t), true)),
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
        // Both entries' text (the arena only grows), the table and one tally.
        drop(pass);
        let held = memo.columns[0].0.lock().unwrap().size();
        assert_eq!(memo.bytes.load(Ordering::Relaxed), held);
        let least = "a@b.kza@b.kz[EMAIL]".len()
            + 64 * std::mem::size_of::<Slot>()
            + 2 * std::mem::size_of::<Tally>();
        assert!((least..least + 64).contains(&held), "{held}");
    }

    #[test]
    fn a_column_of_distinct_values_rests_then_tries_again() {
        let memo = Memo::new(1);
        let t = Tally::default();
        let n = 3 * (WINDOW + REST);
        let mut tried = 0;
        // Passes of 100 values, shorter than a credit: what is left of it is given back.
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
        let mut last = 0;
        loop {
            pass.remember(&format!("{i}{long}"), t, Some(None));
            let now = memo.bytes.load(Ordering::Relaxed);
            if now < last {
                break;
            }
            last = now;
            i += 1;
        }
        // The column started afresh with the value that did not fit.
        assert!(last > MEMO_BYTES / 2, "{last}");
        assert!(memo.bytes.load(Ordering::Relaxed) < 4 * LONGEST);
        assert!(matches!(
            pass.recall(&format!("{i}{long}"), None),
            Recall::Known { .. }
        ));
        assert!(matches!(
            pass.recall(&format!("0{long}"), None),
            Recall::Unknown { .. }
        ));
        // Another column has room again.
        let mut other = memo.pass(1);
        other.remember("x", t, Some(None));
        assert!(matches!(other.recall("x", None), Recall::Known { .. }));
    }

    #[test]
    fn announced_values_are_looked_up_alike() {
        let memo = Memo::new(1);
        // Enough distinct values for a table the look-ahead is done for (`CACHED_SLOTS`).
        let distinct = CACHED_SLOTS;
        let values: Vec<String> = (0..3 * distinct)
            .map(|i| format!("v{}", i % distinct))
            .collect();
        let run = |announce: bool| {
            let mut pass = memo.pass(0);
            let mut known = Vec::new();
            for (k, v) in values.iter().enumerate() {
                if announce && k % AHEAD == 0 {
                    pass.look_ahead(values[k..].iter().map(String::as_str));
                }
                match pass.recall(v, None) {
                    Recall::Known { .. } => known.push(k),
                    Recall::Unknown { remember } => {
                        if remember {
                            pass.remember(v, Tally::default(), Some(None));
                        }
                    }
                }
            }
            known
        };
        let plain = run(false);
        assert_eq!(plain, (distinct..3 * distinct).collect::<Vec<_>>());
        assert!(memo.columns[0].0.lock().unwrap().slots.len() > CACHED_SLOTS);
        assert_eq!(run(true), (0..3 * distinct).collect::<Vec<_>>());
        // Announcing values out of order, or never looking them up, changes no answer.
        let mut pass = memo.pass(0);
        pass.look_ahead(["v3", "zzz", "v1"].into_iter());
        assert!(matches!(pass.recall("v1", None), Recall::Known { .. }));
        assert!(matches!(pass.recall("v3", None), Recall::Known { .. }));
        assert!(matches!(pass.recall("zzz", None), Recall::Unknown { .. }));
    }

    #[test]
    fn a_clean_value_is_recalled_without_a_tally() {
        let memo = Memo::new(1);
        let mut pass = memo.pass(0);
        let found = tally_of(&[Kind::Name], Action::Keep);
        pass.remember("4Ә", Tally::default(), Some(None));
        pass.remember("Асель", found, Some(None));
        assert!(matches!(
            pass.recall("4Ә", Some(&mut String::new())),
            Recall::Known {
                tally: None,
                changed: false
            }
        ));
        match pass.recall("Асель", None) {
            Recall::Known { tally, .. } => assert_eq!(tally, Some(found)),
            Recall::Unknown { .. } => panic!("remembered"),
        }
    }

    #[test]
    fn same_bytes_is_slice_equality() {
        let words: Vec<Vec<u8>> = (0..40usize)
            .map(|n| (0..n).map(|i| b'a' + (i % 26) as u8).collect())
            .collect();
        for w in &words {
            assert!(same_bytes(w, w));
            for i in 0..w.len() {
                let mut other = w.clone();
                other[i] = b'#';
                assert!(!same_bytes(w, &other), "{} {i}", w.len());
            }
        }
        assert!(!same_bytes(b"abc", b"abcd"));
    }
}
