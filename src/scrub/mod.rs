//! The heart of a run: a column's plan and a value in, the value to write and its counts out.
//!
//! [`plan_columns`] classifies each column once (header + sample) and resolves the policy into
//! a [`ColumnPlan`]; a [`Scrubber`] then applies the plans value by value:
//!
//! | column kind | what is done to a non-empty value |
//! |---|---|
//! | iin, bin, phone, email, messenger, card, name | the whole value gets the column's action; pseudonyms and masks are computed over the canonical form (`normalize`, the same normaliser free text uses; for a value with more than the identifier in it, the one finding of the column's kind), falling back to a best-effort form for values that do not validate |
//! | text | every finding of the detector set gets its kind's action (or the column's, see `policy`), the rest of the value is unchanged |
//! | none, no `[[column]]` rule names it | searched as text: the sample held nothing personal, but later values may; a finding gets its kind's `[text]` action |
//! | none, named by a rule (`action = "keep"` or `kind = "none"`) | the column's action; a kept column's values are not even decoded |
//!
//! Detectors run at most once per value: identifier columns call them only for a value the
//! normaliser does not read. The scrubber remembers what repeated values became (`memo`), so a
//! name on every grade row or a template comment is searched once.
//!
//! Values that are already pseudonyms, placeholders or masks are left alone, so scrubbing twice
//! changes nothing. Empty values stay empty.
//!
//! What this module is not: it does no I/O, spawns no threads and knows no file format; the
//! adapters under `io` read records, call it from their workers and write what it returns.

mod memo;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::action::{self, Action};
use crate::classify::{Classifier, ColumnClass, ColumnKind, SAMPLE_VALUES};
use crate::detect::{DetectorSet, Finding, Kind};
use crate::normalize::{self, Scope};
use crate::policy::{ColumnAction, ColumnPlan, Policy};
use crate::pseudonym::{self, Pseudonymiser};
use crate::report::ColumnCounts;

use memo::Tally;

/// Classifies every column and resolves its plan. `samples[i]` holds the first non-empty values
/// of column `i` (at most [`SAMPLE_VALUES`] are looked at). A column a policy rule gives a
/// `kind` is not classified: its evidence says so. Columns are classified side by side on the
/// current rayon pool (an adapter calls this inside its pipeline's pool).
pub fn plan_columns(
    headers: &[String],
    samples: &[Vec<String>],
    classifier: &Classifier,
    detectors: &DetectorSet,
    policy: &Policy,
) -> Vec<(ColumnClass, ColumnPlan)> {
    headers
        .par_iter()
        .enumerate()
        .map(|(i, header)| {
            let class = match policy.forced_kind(header) {
                Some(kind) => ColumnClass {
                    kind,
                    evidence: crate::classify::Evidence {
                        decided_by: "policy rule",
                        ..Default::default()
                    },
                },
                None => {
                    let sample: Vec<&str> = samples
                        .get(i)
                        .map(|s| s.iter().take(SAMPLE_VALUES).map(String::as_str).collect())
                        .unwrap_or_default();
                    classifier.classify(header, &sample, detectors)
                }
            };
            let mut plan = policy.plan(header, class.kind);
            if plan.kind == ColumnKind::NotPersonal
                && plan.rule.is_none()
                && plan.action == ColumnAction::Whole(Action::Keep)
            {
                // Nothing personal in the sample is no promise about the rest of the column:
                // every value is searched, and a finding gets its kind's `[text]` action.
                plan.action = policy.plan(header, ColumnKind::Text).action;
            }
            (class, plan)
        })
        .collect()
}

/// Per-worker scratch space, reused across values so the common path does not allocate.
#[derive(Default)]
pub struct Scratch {
    findings: Vec<Finding>,
    /// The canonical form of the value at hand (see [`Scrubber::canonical_into`]).
    normalized: String,
}

/// Applies column plans to values. Built once per file; `Sync`, shared by every worker.
pub struct Scrubber<'a> {
    memo: memo::Memo,
    plans: Vec<ColumnPlan>,
    detectors: &'a DetectorSet,
    pseudonymiser: Option<&'a Pseudonymiser>,
}

impl<'a> Scrubber<'a> {
    /// Refuses plans that pseudonymise when no key was given.
    pub fn new(
        plans: Vec<ColumnPlan>,
        detectors: &'a DetectorSet,
        pseudonymiser: Option<&'a Pseudonymiser>,
    ) -> Result<Self> {
        let needs_key = plans.iter().any(|p| match p.action {
            ColumnAction::Whole(a) => a.needs_key(),
            ColumnAction::Spans(spans) => spans.iter().any(|a| a.needs_key()),
        });
        if needs_key && pseudonymiser.is_none() {
            bail!("the policy pseudonymises but no key was given");
        }
        Ok(Scrubber {
            memo: memo::Memo::new(plans.len()),
            plans,
            detectors,
            pseudonymiser,
        })
    }

    /// For `scan`: counts only, so no key is needed whatever the plans say.
    pub fn for_scan(plans: Vec<ColumnPlan>, detectors: &'a DetectorSet) -> Self {
        Scrubber {
            memo: memo::Memo::new(plans.len()),
            plans,
            detectors,
            pseudonymiser: None,
        }
    }

    /// Whether column `i` is kept as is without looking at its values (a `none` column kept):
    /// the adapter need not even decode them.
    pub fn passes_through(&self, column: usize) -> bool {
        self.plans.get(column).is_none_or(|p| {
            p.kind == ColumnKind::NotPersonal && p.action == ColumnAction::Whole(Action::Keep)
        })
    }

    /// Whether every new value of column `column` is a pseudonym, a placeholder or empty
    /// (`pseudonymise`, `redact` or `null` of whole values): ASCII letters and `-@.[]`, nothing
    /// a CSV writer must quote, so it need not look.
    pub fn writes_plain_values(&self, column: usize) -> bool {
        self.plans.get(column).is_some_and(|p| {
            matches!(
                p.action,
                ColumnAction::Whole(Action::Pseudonymise | Action::Redact | Action::Null)
            )
        })
    }

    pub fn plans(&self) -> &[ColumnPlan] {
        &self.plans
    }

    /// Whether no worker is in column `column`'s memo at this moment: a hint for choosing which
    /// column to scrub next, stale as soon as it is given.
    pub fn column_is_free(&self, column: usize) -> bool {
        self.memo.is_free(column)
    }

    /// Whether column `i` is left out of the output.
    pub fn drops(&self, column: usize) -> bool {
        self.plans.get(column).is_some_and(|p| p.action.is_drop())
    }

    /// A worker's pass over values of column `column`, in record order: what a batch adapter
    /// uses for a column of a chunk of records (see [`ColumnPass`]).
    pub fn pass(&self, column: usize) -> ColumnPass<'_, 'a> {
        ColumnPass {
            scrubber: self,
            column,
            memo: self.memo.pass(column),
            searched: self
                .plans
                .get(column)
                .is_some_and(|p| matches!(p.action, ColumnAction::Spans(_))),
        }
    }

    /// Scrubs one value of column `column` in record `record` (1-based). Returns the new value,
    /// or `None` when the value is to be written unchanged (or the column is dropped).
    pub fn scrub(
        &self,
        column: usize,
        value: &str,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
    ) -> Option<String> {
        self.pass(column).scrub(value, record, scratch, counts)
    }

    /// Counts what [`scrub`](Self::scrub) would find, without building new values (`scan`).
    pub fn examine(
        &self,
        column: usize,
        value: &str,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
    ) {
        self.pass(column).examine(value, record, scratch, counts);
    }

    /// Tallies what is in a non-empty value and, with `out`, appends the new value to it.
    /// `true` when the value changes. A function of the column and the value alone.
    fn process(
        &self,
        column: usize,
        value: &str,
        scratch: &mut Scratch,
        tally: &mut Tally,
        out: Option<&mut String>,
    ) -> bool {
        let trimmed = crate::detect::trim(value);
        let Some(plan) = self.plans.get(column) else {
            return false;
        };
        match (plan.kind, plan.action) {
            // `none` columns searched for what their sample did not show, and free text.
            (_, ColumnAction::Spans(actions)) => {
                self.scrub_spans(value, &actions, scratch, tally, out)
            }
            (ColumnKind::Text, ColumnAction::Whole(action)) => {
                // Counted so the report says what a kept or dropped text column held.
                self.find(value, scratch);
                for f in &scratch.findings {
                    tally.found(f.kind);
                }
                tally.with_findings = !scratch.findings.is_empty();
                self.whole(None, trimmed, "", action, tally, out)
            }
            (kind, ColumnAction::Whole(action)) => {
                let value_kind = kind.value_kind();
                if value_kind.is_some() && pseudonym::is_scrubbed(trimmed) {
                    tally.scrubbed = true;
                    return false;
                }
                match value_kind {
                    Some(k) => {
                        tally.found(k);
                        tally.with_findings = true;
                        if !self.canonical_into(k, trimmed, scratch) {
                            tally.unverified = true;
                            scratch.normalized = normalize::fallback(Some(k), trimmed);
                        }
                    }
                    None if action == Action::Keep => return false,
                    None => scratch.normalized = normalize::fallback(None, trimmed),
                };
                self.whole(value_kind, trimmed, &scratch.normalized, action, tally, out)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    /// Scrubs one value of a typed integer column (written in decimal), which can only hold a
    /// number: `redact` and `mask` write a null there, `pseudonymise` an integer pseudonym
    /// (see `pseudonym`). `None`: write the value unchanged (always, without `write`: a scan).
    pub fn scrub_integer(
        &self,
        column: usize,
        value: &str,
        unsigned: bool,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
        write: bool,
    ) -> Option<IntegerChange> {
        counts.values += 1;
        let mut tally = Tally::default();
        let planned = self.integer_action(column, value, scratch, &mut tally);
        tally.add_to(counts, record);
        let (kind, action) = planned?;
        if !write {
            return None;
        }
        let change = match action {
            Action::Keep | Action::Drop => return None,
            Action::Null | Action::Redact | Action::Mask(_) => IntegerChange::Null,
            Action::Pseudonymise => {
                let p = self.pseudonymiser.expect("checked in Scrubber::new");
                if unsigned {
                    IntegerChange::Unsigned(p.integer_u64(kind, &scratch.normalized))
                } else {
                    IntegerChange::Signed(p.integer_i64(kind, &scratch.normalized))
                }
            }
        };
        Some(change)
    }

    /// What [`scrub_integer`](Self::scrub_integer) does to a value, tallied: its kind and the
    /// action, with the canonical form the action works on in `scratch.normalized`; `None`
    /// when it is left alone.
    fn integer_action(
        &self,
        column: usize,
        value: &str,
        scratch: &mut Scratch,
        tally: &mut Tally,
    ) -> Option<(Option<Kind>, Action)> {
        let plan = self.plans.get(column)?;
        if pseudonym::is_scrubbed(value) && plan.kind != ColumnKind::NotPersonal {
            tally.scrubbed = true;
            return None;
        }
        let (kind, action) = match (plan.kind, plan.action) {
            (ColumnKind::Value(k), ColumnAction::Whole(a)) => {
                tally.found(k);
                tally.with_findings = true;
                if !self.canonical_into(k, value, scratch) {
                    tally.unverified = true;
                    scratch.normalized = normalize::fallback(Some(k), value);
                }
                (Some(k), a)
            }
            (ColumnKind::Text, ColumnAction::Spans(actions)) => {
                // A number holds one thing: a finding in it makes the whole number that kind.
                self.find(value, scratch);
                let f = scratch.findings.first()?;
                tally.found(f.kind);
                tally.with_findings = true;
                let kind = f.kind;
                scratch.normalized.clear();
                scratch.normalized.push_str(&f.normalized);
                (Some(kind), actions[kind as usize])
            }
            (_, ColumnAction::Whole(a)) => {
                scratch.normalized = normalize::fallback(None, value);
                (None, a)
            }
            (_, ColumnAction::Spans(_)) => return None,
        };
        tally.action(action);
        tally.changed = action.changes() && action != Action::Drop;
        Some((kind, action))
    }

    /// The canonical form of a whole value of kind `k`, into `scratch.normalized` (a buffer
    /// kept from value to value: a `String` per value was an allocation per identifier): the
    /// kind's normaliser's (the one free text uses too, see `normalize`); for a value that is
    /// more than the identifier alone (`8 701 123 45 67 (мама)`), the one finding of kind `k`
    /// the detectors see in it. `false`: the value does not validate.
    fn canonical_into(&self, k: Kind, value: &str, scratch: &mut Scratch) -> bool {
        scratch.normalized.clear();
        if k == Kind::Name {
            normalize::name_into(value, &mut scratch.normalized);
            return true;
        }
        if normalize::whole_value_into(k, value, Scope::InColumn, &mut scratch.normalized) {
            return true;
        }
        self.find(value, scratch);
        let mut of_kind = scratch
            .findings
            .iter_mut()
            .filter(|f| f.kind == k && !f.normalized.is_empty());
        match (of_kind.next(), of_kind.next()) {
            (Some(f), None) => {
                scratch.normalized.push_str(&f.normalized);
                true
            }
            _ => false,
        }
    }

    fn find(&self, text: &str, scratch: &mut Scratch) {
        self.detectors.find_into(text, &mut scratch.findings);
        scratch
            .findings
            .retain(|f| !pseudonym::is_scrubbed(&text[f.start..f.end]));
    }

    /// Applies `action` to a whole value, `trimmed` of the white space at its ends.
    fn whole(
        &self,
        kind: Option<Kind>,
        trimmed: &str,
        normalized: &str,
        action: Action,
        tally: &mut Tally,
        out: Option<&mut String>,
    ) -> bool {
        tally.action(action);
        if action == Action::Keep || action == Action::Drop {
            return false;
        }
        tally.changed = true;
        if let Some(out) = out {
            self.apply(kind, trimmed, normalized, action, out);
        }
        true
    }

    fn scrub_spans(
        &self,
        value: &str,
        actions: &[Action; 7],
        scratch: &mut Scratch,
        tally: &mut Tally,
        mut out: Option<&mut String>,
    ) -> bool {
        self.find(value, scratch);
        if scratch.findings.is_empty() {
            return false;
        }
        tally.with_findings = true;
        let mark = out.as_ref().map_or(0, |o| o.len());
        let mut last = 0;
        let mut changed = false;
        for f in &scratch.findings {
            tally.found(f.kind);
            let action = actions[f.kind as usize];
            tally.action(action);
            if action == Action::Keep {
                continue;
            }
            changed = true;
            if let Some(out) = out.as_deref_mut() {
                out.push_str(&value[last..f.start]);
                let span = &value[f.start..f.end];
                let fallback;
                let normalized = if f.normalized.is_empty() {
                    fallback = normalize::fallback(Some(f.kind), span);
                    &fallback
                } else {
                    &f.normalized
                };
                self.apply(Some(f.kind), span, normalized, action, out);
                last = f.end;
            }
        }
        if let Some(out) = out {
            if changed {
                out.push_str(&value[last..]);
            } else {
                out.truncate(mark);
            }
        }
        tally.changed = changed;
        changed
    }

    fn apply(
        &self,
        kind: Option<Kind>,
        text: &str,
        normalized: &str,
        action: Action,
        out: &mut String,
    ) {
        match action {
            Action::Keep | Action::Drop => out.push_str(text),
            Action::Null => {}
            Action::Redact => out.push_str(pseudonym::placeholder(kind)),
            // The canonical form, so every written form masks alike (`********4567`).
            Action::Mask(n) if kind.is_some() => action::mask(normalized, n, out),
            Action::Mask(n) => action::mask(text, n, out),
            Action::Pseudonymise => self
                .pseudonymiser
                .expect("checked in Scrubber::new")
                .pseudonym(kind, normalized, out),
        }
    }
}

/// How many values an adapter announces at once (see [`ColumnPass::look_ahead`]).
pub const LOOK_AHEAD: usize = memo::AHEAD;

/// One worker's pass over values of one column, in record order: the scrubber's memo of the
/// column is looked up without taking its lock for every value (see `memo::MemoPass`). Values
/// of other columns need passes of their own. A pass may hold its column's lock between calls,
/// so a thread keeps one pass alive at a time and calls nothing that could start another
/// (`Scrubber::scrub`, a rayon call) while it does.
pub struct ColumnPass<'s, 'a> {
    scrubber: &'s Scrubber<'a>,
    column: usize,
    memo: memo::MemoPass<'s>,
    /// The column's values are searched span by span: one the detectors can find nothing in
    /// is left as it is, and counts as nothing found.
    searched: bool,
}

impl ColumnPass<'_, '_> {
    /// Announces the next values this pass will scrub, in order (at most [`LOOK_AHEAD`]): their
    /// memo lookups then find the memo's memory for them in the cache. Optional, and changes
    /// no result.
    pub fn look_ahead<'v>(&mut self, values: impl Iterator<Item = &'v str>) {
        self.memo.look_ahead(values);
    }

    /// Scrubs one value of record `record` (1-based). Returns the new value, or `None` when
    /// the value is to be written unchanged (or the column is dropped).
    pub fn scrub(
        &mut self,
        value: &str,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
    ) -> Option<String> {
        let mut out = String::new();
        self.run(value, record, scratch, counts, Some(&mut out))
            .then_some(out)
    }

    /// Like [`scrub`](Self::scrub), appending the new value to `out`; `false` (and `out` as it
    /// was) when the value is to be written unchanged. Lets an adapter reuse one buffer.
    pub fn scrub_into(
        &mut self,
        value: &str,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
        out: &mut String,
    ) -> bool {
        self.run(value, record, scratch, counts, Some(out))
    }

    /// Counts what [`scrub`](Self::scrub) would find, without building new values (`scan`).
    pub fn examine(
        &mut self,
        value: &str,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
    ) {
        self.run(value, record, scratch, counts, None);
    }

    /// Counts the value into `counts` and, with `out`, appends its new value to it; `true` when
    /// the value changes. What a repeated value became comes from the scrubber's memo.
    fn run(
        &mut self,
        value: &str,
        record: u64,
        scratch: &mut Scratch,
        counts: &mut ColumnCounts,
        mut out: Option<&mut String>,
    ) -> bool {
        counts.values += 1;
        if is_blank(value) {
            counts.empty += 1;
            return false;
        }
        // Grades and percentages in a searched column: settled by a look at their bytes, cheaper
        // than a memo lookup. Nothing found means nothing to count.
        if self.searched && crate::detect::nothing_to_find(value) {
            return false;
        }
        let remember = match self.memo.recall(value, out.as_deref_mut()) {
            memo::Recall::Known { tally, changed } => {
                if let Some(tally) = tally {
                    tally.add_to(counts, record);
                }
                return changed;
            }
            memo::Recall::Unknown { remember } => remember,
        };
        let mark = out.as_ref().map_or(0, |o| o.len());
        let mut tally = Tally::default();
        let changed =
            self.scrubber
                .process(self.column, value, scratch, &mut tally, out.as_deref_mut());
        tally.add_to(counts, record);
        if remember {
            let new_value = out.map(|o| changed.then(|| &o[mark..]));
            self.memo.remember(value, tally, new_value);
        }
        changed
    }
}

/// Whether `value` is empty or white space only, as `value.trim().is_empty()` says, without
/// decoding a character when its first byte settles it: a letter, digit or sign, or the lead
/// byte of a Cyrillic letter, starts no white space (Unicode's beyond ASCII start with C2,
/// E1, E2 or E3).
fn is_blank(value: &str) -> bool {
    match value.as_bytes().first() {
        None => true,
        Some(b) if !b.is_ascii_whitespace() && !matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3) => false,
        Some(_) => value.trim().is_empty(),
    }
}

/// A new value for an integer column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntegerChange {
    Null,
    Signed(i64),
    Unsigned(u64),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::Key;

    fn plan(kind: ColumnKind, action: ColumnAction) -> ColumnPlan {
        ColumnPlan {
            kind,
            action,
            rule: None,
        }
    }

    fn run(plan_: ColumnPlan, value: &str) -> (Option<String>, ColumnCounts) {
        let detectors = DetectorSet::builtin();
        let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        let s = Scrubber::new(vec![plan_], &detectors, Some(&ps)).unwrap();
        let mut counts = ColumnCounts::default();
        let out = s.scrub(0, value, 1, &mut Scratch::default(), &mut counts);
        (out, counts)
    }

    const IIN: ColumnKind = ColumnKind::Value(Kind::Iin);

    #[test]
    fn each_whole_value_action() {
        let v = "871008401427";
        assert_eq!(run(plan(IIN, ColumnAction::Whole(Action::Keep)), v).0, None);
        assert_eq!(
            run(plan(IIN, ColumnAction::Whole(Action::Null)), v)
                .0
                .as_deref(),
            Some("")
        );
        assert_eq!(
            run(plan(IIN, ColumnAction::Whole(Action::Redact)), v)
                .0
                .as_deref(),
            Some("[IIN]")
        );
        assert_eq!(
            run(plan(IIN, ColumnAction::Whole(Action::Mask(4))), v)
                .0
                .as_deref(),
            Some("********1427")
        );
        let (p, counts) = run(plan(IIN, ColumnAction::Whole(Action::Pseudonymise)), v);
        let p = p.unwrap();
        assert!(p.starts_with("IIN-") && pseudonym::is_scrubbed(&p));
        assert_eq!(counts.found[&Kind::Iin], 1);
        assert_eq!((counts.changed, counts.unverified), (1, 0));
    }

    /// What `writes_plain_values` promises: whatever the value, even one that does not validate
    /// and holds every byte a CSV dialect quotes, its new value holds none of them.
    #[test]
    fn plain_actions_write_nothing_a_csv_writer_quotes() {
        let values = [
            "871008401427",
            "8 701 123 45 67",
            "a@b.kz",
            "Жумабекова, \"Айгерим\"\n; x|y\tz\r",
        ];
        let kinds = Kind::ALL
            .iter()
            .map(|&k| ColumnKind::Value(k))
            .chain([ColumnKind::Text, ColumnKind::NotPersonal]);
        for kind in kinds {
            for action in [Action::Pseudonymise, Action::Redact, Action::Null] {
                let p = plan(kind, ColumnAction::Whole(action));
                let detectors = DetectorSet::builtin();
                let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
                let s = Scrubber::new(vec![p.clone()], &detectors, Some(&ps)).unwrap();
                assert!(s.writes_plain_values(0));
                for v in values {
                    let new = run(p.clone(), v).0.unwrap_or_default();
                    assert!(
                        !new.bytes().any(|b| b",;|\t\"\n\r".contains(&b)),
                        "{kind:?} {action:?} {v:?} → {new:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn written_forms_of_one_iin_share_a_pseudonym() {
        let p = plan(IIN, ColumnAction::Whole(Action::Pseudonymise));
        let a = run(p.clone(), "061211600012").0;
        assert_eq!(a, run(p.clone(), "61211600012").0);
        assert_eq!(a, run(p.clone(), " 0612 1160 0012 ").0);
        let phone = plan(
            ColumnKind::Value(Kind::Phone),
            ColumnAction::Whole(Action::Pseudonymise),
        );
        assert_eq!(
            run(phone.clone(), "8 701 123-45-67").0,
            run(phone, "+77011234567").0
        );
    }

    /// One person, one pseudonym: the column path (`normalize`) and the free-text path (the
    /// detectors' `Finding::normalized`) agree on every spelling of one IIN, phone, e-mail and
    /// handle.
    #[test]
    fn columns_and_free_text_give_one_pseudonym_per_value_whatever_the_spelling() {
        let detectors = DetectorSet::builtin();
        let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        let whole = |k| {
            plan(
                ColumnKind::Value(k),
                ColumnAction::Whole(Action::Pseudonymise),
            )
        };
        let kinds = [Kind::Iin, Kind::Phone, Kind::Email, Kind::Messenger];
        let mut plans: Vec<ColumnPlan> = kinds.iter().map(|k| whole(*k)).collect();
        plans.push(plan(
            ColumnKind::Text,
            ColumnAction::Spans([Action::Pseudonymise; 7]),
        ));
        let text_column = plans.len() - 1;
        let s = Scrubber::new(plans, &detectors, Some(&ps)).unwrap();
        let cases: [(&str, &[&str], &[&str]); 4] = [
            (
                "ИИН",
                &["871008401427", "8710 0840 1427", "871-008-401-427"],
                &[" 871008401427 ", "'871008401427", "871008401427.0"],
            ),
            (
                "тел.",
                &[
                    "+7 701 123 45 67",
                    "8 (701) 123-45-67",
                    "87011234567",
                    "+77011234567",
                    "8-701-123-45-67",
                ],
                &["7011234567", "tel:+77011234567"],
            ),
            (
                "почта",
                &[
                    "Aigerim.K@Mail.RU",
                    "aigerim.k@mail.ru",
                    "AIGERIM.K@MAIL.RU",
                ],
                &["mailto:aigerim.k@mail.ru"],
            ),
            (
                "telegram",
                &["@Aigerim_K", "t.me/aigerim_k", "https://t.me/Aigerim_K"],
                &["aigerim_k"],
            ),
        ];
        for (column, (word, both, column_only)) in cases.iter().enumerate() {
            let mut seen = std::collections::BTreeSet::new();
            for v in *both {
                let mut c = ColumnCounts::default();
                let mut scratch = Scratch::default();
                let p = s.scrub(column, v, 1, &mut scratch, &mut c).unwrap();
                assert_eq!(c.unverified, 0, "{v}");
                let text = format!("{word} {v} , спасибо");
                let out = s
                    .scrub(text_column, &text, 1, &mut scratch, &mut c)
                    .unwrap_or_else(|| panic!("nothing found in {text:?}"));
                assert_eq!(out, format!("{word} {p} , спасибо"), "{v}");
                seen.insert(p);
            }
            for v in *column_only {
                let mut c = ColumnCounts::default();
                seen.insert(
                    s.scrub(column, v, 1, &mut Scratch::default(), &mut c)
                        .unwrap(),
                );
            }
            assert_eq!(seen.len(), 1, "{word}: {seen:?}");
        }
        let edu = |v: &str| {
            let mut c = ColumnCounts::default();
            s.scrub(2, v, 1, &mut Scratch::default(), &mut c)
        };
        assert_eq!(
            edu("A.Nurlan@School12.EDU.KZ"),
            edu("a.nurlan@school12.edu.kz"),
            "school mailboxes ignore case in columns as in text"
        );
    }

    #[test]
    fn invalid_values_in_an_identifier_column_are_still_scrubbed() {
        let (out, counts) = run(
            plan(IIN, ColumnAction::Whole(Action::Pseudonymise)),
            "6.12116E+10",
        );
        assert!(out.unwrap().starts_with("IIN-"));
        assert_eq!(counts.unverified, 1);
    }

    #[test]
    fn scrubbed_and_empty_values_are_left_alone() {
        let p = plan(IIN, ColumnAction::Whole(Action::Pseudonymise));
        let first = run(p.clone(), "871008401427").0.unwrap();
        let (again, counts) = run(p.clone(), &first);
        assert_eq!(again, None);
        assert_eq!(counts.scrubbed, 1);
        let (empty, counts) = run(p, "  ");
        assert_eq!(empty, None);
        assert_eq!(counts.empty, 1);
    }

    #[test]
    fn not_personal_columns_keep_values() {
        let p = plan(ColumnKind::NotPersonal, ColumnAction::Whole(Action::Keep));
        let (out, counts) = run(p, "87.5");
        assert_eq!(out, None);
        assert_eq!(counts.found_total(), 0);
    }

    #[test]
    fn pseudonymising_without_a_key_is_refused() {
        let detectors = DetectorSet::builtin();
        let p = plan(IIN, ColumnAction::Whole(Action::Pseudonymise));
        assert!(Scrubber::new(vec![p], &detectors, None).is_err());
        let p = plan(IIN, ColumnAction::Whole(Action::Redact));
        assert!(Scrubber::new(vec![p], &detectors, None).is_ok());
    }

    #[test]
    fn clean_values_are_remembered_per_scrubber_only() {
        let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        let text_plan = || {
            vec![plan(
                ColumnKind::Text,
                ColumnAction::Spans([Action::Redact; 7]),
            )]
        };
        let text = "Позвонить маме: +7 701 123 45 67";
        let scrub = |s: &Scrubber| {
            let mut counts = ColumnCounts::default();
            let out = s.scrub(0, text, 1, &mut Scratch::default(), &mut counts);
            (out, counts.values, counts.with_findings)
        };
        // Without a phone detector the text is clean, and remembered as such in this scrubber's memo.
        let emails_only = DetectorSet::with_kinds(&[Kind::Email]);
        let blind = Scrubber::new(text_plan(), &emails_only, Some(&ps)).unwrap();
        assert_eq!(scrub(&blind), (None, 1, 0));
        assert_eq!(
            scrub(&blind),
            (None, 1, 0),
            "a remembered value counts as a value"
        );
        // Another scrubber has a memo of its own.
        let all = DetectorSet::builtin();
        let seeing = Scrubber::new(text_plan(), &all, Some(&ps)).unwrap();
        let (out, _, found) = scrub(&seeing);
        assert_eq!(out.as_deref(), Some("Позвонить маме: [PHONE]"));
        assert_eq!(found, 1);
    }

    #[test]
    fn text_spans_found_by_detectors_are_replaced_and_the_rest_kept() {
        let detectors = DetectorSet::builtin();
        let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        let actions = [Action::Pseudonymise; 7];
        let s = Scrubber::new(
            vec![plan(ColumnKind::Text, ColumnAction::Spans(actions))],
            &detectors,
            Some(&ps),
        )
        .unwrap();
        let text = "Позвонить маме: +7 701 123 45 67, ИИН 871008401427.";
        let mut counts = ColumnCounts::default();
        let out = s.scrub(0, text, 1, &mut Scratch::default(), &mut counts);
        let found = detectors.find(text);
        match out {
            None => assert!(found.is_empty(), "findings must change the value"),
            Some(out) => {
                assert!(out.starts_with("Позвонить маме: "));
                for f in &found {
                    assert!(!out.contains(&text[f.start..f.end]));
                }
                assert_eq!(counts.found_total(), found.len() as u64);
            }
        }
    }

    #[test]
    fn integers_get_integer_pseudonyms_or_nulls() {
        let detectors = DetectorSet::builtin();
        let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        let plans = vec![
            plan(IIN, ColumnAction::Whole(Action::Pseudonymise)),
            plan(IIN, ColumnAction::Whole(Action::Redact)),
            plan(ColumnKind::NotPersonal, ColumnAction::Whole(Action::Keep)),
        ];
        let s = Scrubber::new(plans, &detectors, Some(&ps)).unwrap();
        let mut scratch = Scratch::default();
        let mut c = ColumnCounts::default();
        let lost_zero = s.scrub_integer(0, "61211600012", false, 1, &mut scratch, &mut c, true);
        let Some(IntegerChange::Signed(p)) = lost_zero else {
            panic!("{lost_zero:?}")
        };
        assert!(p < 0);
        assert_eq!(c.unverified, 0, "11 digits in an IIN column is an IIN");
        assert_eq!(
            s.scrub_integer(0, &p.to_string(), false, 2, &mut scratch, &mut c, true),
            None,
            "already a pseudonym"
        );
        assert!(matches!(
            s.scrub_integer(0, "61211600012", true, 1, &mut scratch, &mut c, true),
            Some(IntegerChange::Unsigned(u)) if u >= 10_000_000_000_000_000_000
        ));
        assert_eq!(
            s.scrub_integer(1, "871008401427", false, 1, &mut scratch, &mut c, true),
            Some(IntegerChange::Null)
        );
        assert_eq!(
            s.scrub_integer(2, "5", false, 1, &mut scratch, &mut c, true),
            None
        );
    }

    /// Issue 4: a `none` column was judged on its sample only, so a personal value after the
    /// sample passed through.
    #[test]
    fn none_columns_are_searched_past_their_sample_unless_a_rule_keeps_them() {
        let policy =
            Policy::parse("[[column]]\nname = \"Статус\"\naction = \"keep\"\n", "p").unwrap();
        let clean = vec!["сдано".to_string(), "не сдано".to_string()];
        let planned = plan_columns(
            &["Результат".into(), "Статус".into()],
            &[clean.clone(), clean],
            &Classifier::builtin(),
            &DetectorSet::builtin(),
            &policy,
        );
        let plans: Vec<ColumnPlan> = planned.into_iter().map(|(_, p)| p).collect();
        assert_eq!(plans[0].kind, ColumnKind::NotPersonal);
        assert!(matches!(plans[0].action, ColumnAction::Spans(_)));
        assert_eq!(plans[1].action, ColumnAction::Whole(Action::Keep));
        let detectors = DetectorSet::builtin();
        let ps = Pseudonymiser::new(&Key::from_bytes([9; 32]));
        let s = Scrubber::new(plans, &detectors, Some(&ps)).unwrap();
        assert!(!s.passes_through(0) && s.passes_through(1));
        let late = "сдано, ИИН 871008401427";
        let mut c = ColumnCounts::default();
        let out = s.scrub(0, late, 20_000, &mut Scratch::default(), &mut c);
        let out = out.expect("the IIN is replaced");
        assert!(out.starts_with("сдано, ИИН IIN-"), "{out}");
        assert_eq!(c.found[&Kind::Iin], 1);
        let mut c = ColumnCounts::default();
        assert_eq!(
            s.scrub(0, "сдано", 20_001, &mut Scratch::default(), &mut c),
            None
        );
    }

    #[test]
    fn plan_columns_follows_forced_kinds() {
        let policy = Policy::parse("[[column]]\nname = \"col_*\"\nkind = \"text\"\n", "p").unwrap();
        let plans = plan_columns(
            &["col_1".into(), "ИИН".into()],
            &[vec![], vec!["871008401427".into()]],
            &Classifier::builtin(),
            &DetectorSet::builtin(),
            &policy,
        );
        assert_eq!(plans[0].0.kind, ColumnKind::Text);
        assert_eq!(plans[0].0.evidence.decided_by, "policy rule");
        assert_eq!(plans[1].1.kind, IIN);
    }

    #[test]
    fn blank_values_are_those_trim_empties() {
        for v in [
            "",
            " ",
            "\t\r\n",
            "\u{a0}",
            "\u{2003} ",
            "\u{3000}",
            "\u{85}",
            "a",
            " a",
            "\u{a0}x",
            "Айгерим",
            "ә",
            "\u{2014}",
            "€",
            "日本",
        ] {
            assert_eq!(is_blank(v), v.trim().is_empty(), "{v:?}");
        }
    }
}
