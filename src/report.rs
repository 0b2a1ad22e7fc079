//! Counts of a run: per file and column, what was found and what was done. Never values.
//!
//! Counts are plain values merged with `+=`: each batch of records is counted on its own (in
//! parallel) and the batches are added in input order, so a report is the same whatever the
//! number of threads. The JSON written by `--report` is [`RunReport`].
//!
//! What this module is not: it decides nothing and prints nothing but its own serialisation.

use std::collections::BTreeMap;
use std::ops::{Add, AddAssign, Index};

use serde::{Serialize, Serializer};

use crate::action::Action;
use crate::classify::{ColumnKind, Evidence};
use crate::detect::Kind;

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How many record numbers a column keeps as examples.
pub const EXAMPLES: usize = 5;

/// Counts for one column over some records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ColumnCounts {
    /// Values seen (one per record that has this field).
    pub values: u64,
    /// Values that were empty.
    pub empty: u64,
    /// Values in which something was found (a whole identifier, or findings in text).
    pub with_findings: u64,
    /// Values that are not valid in the encoding decided from the start of the file (CSV).
    #[serde(skip_serializing_if = "is_zero")]
    pub undecodable: u64,
    /// Values already pseudonymised, redacted or masked (not counted as findings).
    pub scrubbed: u64,
    /// Personal (or BIN) data found, per kind: whole values in an identifier column, findings
    /// in a free-text column.
    pub found: KindCounts,
    /// Values of an identifier column that did not validate as its kind (a typo, `6.12E+10`);
    /// they are included in `found` and get the column's action all the same.
    pub unverified: u64,
    /// Values the action changed.
    pub changed: u64,
    /// Actions applied, per action name, to values or findings.
    pub actions: ActionCounts,
    /// Numbers of the first records (1-based, header not counted) where something was found.
    pub examples: Vec<u64>,
}

impl ColumnCounts {
    pub fn found_total(&self) -> u64 {
        self.found.iter().map(|(_, n)| n).sum()
    }

    /// Found data that identifies a person (everything but BINs).
    pub fn personal_found(&self) -> u64 {
        self.found
            .iter()
            .filter(|(k, _)| k.is_personal())
            .map(|(_, n)| n)
            .sum()
    }

    pub fn add_found(&mut self, kind: Kind, record: u64) {
        self.found.add(kind, 1);
        self.add_example(record);
    }

    /// Record `record` is one where something was found: kept if among the first.
    pub fn add_example(&mut self, record: u64) {
        if self.examples.len() < EXAMPLES && self.examples.last() != Some(&record) {
            self.examples.push(record);
        }
    }
}

/// Adds each count of `rhs` to the same place in `counts`.
fn add_each(counts: &mut [u64], rhs: &[u64]) {
    for (a, b) in counts.iter_mut().zip(rhs) {
        *a += b;
    }
}

/// Counts per kind, kept in [`Kind::ALL`] order and written as a map of the kinds found (a
/// count is added for every value, so it is an array, not a map).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KindCounts([u64; Kind::ALL.len()]);

impl KindCounts {
    pub fn add(&mut self, kind: Kind, n: u64) {
        self.0[kind as usize] += n;
    }

    /// Adds `per_kind[i]` to the count of `Kind::ALL[i]`, for every kind: one value's findings,
    /// added without a branch per kind.
    pub fn add_all(&mut self, per_kind: &[u32; Kind::ALL.len()]) {
        for (a, &b) in self.0.iter_mut().zip(per_kind) {
            *a += u64::from(b);
        }
    }

    /// The kinds found and their counts, in [`Kind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, u64)> + '_ {
        Kind::ALL
            .iter()
            .zip(&self.0)
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| (*k, *n))
    }
}

impl Index<&Kind> for KindCounts {
    type Output = u64;
    fn index(&self, kind: &Kind) -> &u64 {
        &self.0[*kind as usize]
    }
}

impl AddAssign<&KindCounts> for KindCounts {
    fn add_assign(&mut self, rhs: &KindCounts) {
        add_each(&mut self.0, &rhs.0);
    }
}

impl Serialize for KindCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Counts per action (`mask` without its N), written as a map of the actions applied, by
/// name in alphabetical order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ActionCounts([u64; ActionCounts::NAMES.len()]);

impl ActionCounts {
    /// The actions' names, in the order of [`ActionCounts::index`].
    pub const NAMES: [&'static str; 6] = ["keep", "drop", "null", "redact", "mask", "pseudonymise"];
    /// Indices of [`NAMES`](Self::NAMES) in alphabetical order of the names.
    const ALPHABETICAL: [usize; 6] = [1, 0, 4, 2, 5, 3];

    /// Where `action` is counted.
    pub const fn index(action: Action) -> usize {
        match action {
            Action::Keep => 0,
            Action::Drop => 1,
            Action::Null => 2,
            Action::Redact => 3,
            Action::Mask(_) => 4,
            Action::Pseudonymise => 5,
        }
    }

    pub fn add(&mut self, action: Action, n: u64) {
        self.0[Self::index(action)] += n;
    }

    /// Adds `per_action[i]` to the action at [`index`](Self::index) `i`, for every action.
    pub fn add_all(&mut self, per_action: &[u32; Self::NAMES.len()]) {
        for (a, &b) in self.0.iter_mut().zip(per_action) {
            *a += u64::from(b);
        }
    }

    /// The actions applied and their counts, by name in alphabetical order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        Self::ALPHABETICAL
            .iter()
            .map(|&i| (Self::NAMES[i], self.0[i]))
            .filter(|(_, n)| *n > 0)
    }
}

impl Index<&str> for ActionCounts {
    type Output = u64;
    /// Panics for a name not in [`NAMES`](ActionCounts::NAMES).
    fn index(&self, name: &str) -> &u64 {
        let i = Self::NAMES
            .iter()
            .position(|n| *n == name)
            .unwrap_or_else(|| panic!("no action is named {name:?}"));
        &self.0[i]
    }
}

impl AddAssign<&ActionCounts> for ActionCounts {
    fn add_assign(&mut self, rhs: &ActionCounts) {
        add_each(&mut self.0, &rhs.0);
    }
}

impl Serialize for ActionCounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl AddAssign<&ColumnCounts> for ColumnCounts {
    fn add_assign(&mut self, rhs: &ColumnCounts) {
        self.values += rhs.values;
        self.empty += rhs.empty;
        self.with_findings += rhs.with_findings;
        self.undecodable += rhs.undecodable;
        self.scrubbed += rhs.scrubbed;
        self.unverified += rhs.unverified;
        self.changed += rhs.changed;
        self.found += &rhs.found;
        self.actions += &rhs.actions;
        for r in &rhs.examples {
            if self.examples.len() >= EXAMPLES {
                break;
            }
            if !self.examples.contains(r) {
                self.examples.push(*r);
            }
        }
    }
}

impl Add for ColumnCounts {
    type Output = ColumnCounts;
    fn add(mut self, rhs: ColumnCounts) -> ColumnCounts {
        self += &rhs;
        self
    }
}

/// Counts for the records of one file (or one batch of it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileCounts {
    pub records: u64,
    pub columns: Vec<ColumnCounts>,
}

impl FileCounts {
    pub fn new(columns: usize) -> Self {
        FileCounts {
            records: 0,
            columns: vec![ColumnCounts::default(); columns],
        }
    }

    pub fn personal_found(&self) -> u64 {
        self.columns.iter().map(ColumnCounts::personal_found).sum()
    }
}

impl AddAssign<&FileCounts> for FileCounts {
    fn add_assign(&mut self, rhs: &FileCounts) {
        self.records += rhs.records;
        if self.columns.len() < rhs.columns.len() {
            self.columns
                .resize(rhs.columns.len(), ColumnCounts::default());
        }
        for (a, b) in self.columns.iter_mut().zip(&rhs.columns) {
            *a += b;
        }
    }
}

impl Add for FileCounts {
    type Output = FileCounts;
    fn add(mut self, rhs: FileCounts) -> FileCounts {
        self += &rhs;
        self
    }
}

/// One column in a report.
#[derive(Clone, Debug, Serialize)]
pub struct ColumnReport {
    pub index: usize,
    pub name: String,
    pub kind: ColumnKind,
    pub evidence: Evidence,
    /// The action label (`keep`, `pseudonymise`, `spans`…); absent in a scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Whether the header names a quasi-identifier (kept, but worth knowing).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub quasi_identifier: bool,
    #[serde(flatten)]
    pub counts: ColumnCounts,
}

/// How a file was read.
#[derive(Clone, Debug, Serialize)]
pub struct FormatReport {
    pub format: &'static str,
    /// The file's compression (CSV: gzip, zstd) or the first column's codec (Parquet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// CSV only: the text encoding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// How the encoding was decided (byte-order mark, valid UTF-8, or assumed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_evidence: Option<&'static str>,
    /// CSV only: the delimiter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
}

/// One file in a report.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(flatten)]
    pub format: FormatReport,
    pub records_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records_out: Option<u64>,
    pub columns: Vec<ColumnReport>,
    pub seconds: f64,
}

impl FileReport {
    pub fn personal_found(&self) -> u64 {
        self.columns.iter().map(|c| c.counts.personal_found()).sum()
    }
}

/// A file that could not be processed, and why (the error names file, record and column,
/// never a value).
#[derive(Clone, Debug, Serialize)]
pub struct FailedFile {
    pub input: String,
    pub error: String,
}

/// A whole run: what `--report FILE` writes and `scan --format json` prints.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub tool: &'static str,
    pub version: &'static str,
    pub command: &'static str,
    /// Fingerprint of the key (never the key), when one was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_hash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_source: Option<String>,
    pub files: Vec<FileReport>,
    /// Files under an input directory that are not a supported format and were not written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
    /// Files that failed under `--keep-going` (nothing of them was written).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed: Vec<FailedFile>,
    pub totals: Totals,
    /// Per output file, when the policy generalises or derives or `--k` is given: see
    /// `anonymise` (counts and k-anonymity figures, never values).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub anonymity: Vec<crate::anonymise::FileAnonymity>,
    pub seconds: f64,
}

/// Sums over every file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub files: u64,
    pub records_in: u64,
    pub records_out: u64,
    pub found: BTreeMap<Kind, u64>,
    pub changed: u64,
}

impl AddAssign<&FileReport> for Totals {
    fn add_assign(&mut self, f: &FileReport) {
        self.files += 1;
        self.records_in += f.records_in;
        self.records_out += f.records_out.unwrap_or(0);
        for c in &f.columns {
            for (k, n) in c.counts.found.iter() {
                *self.found.entry(k).or_default() += n;
            }
            self.changed += c.counts.changed;
        }
    }
}

impl RunReport {
    pub fn new(command: &'static str) -> Self {
        RunReport {
            tool: "tazala",
            version: env!("CARGO_PKG_VERSION"),
            command,
            key_fingerprint: None,
            policy_hash: None,
            policy_source: None,
            files: Vec::new(),
            skipped: Vec::new(),
            failed: Vec::new(),
            totals: Totals::default(),
            anonymity: Vec::new(),
            seconds: 0.0,
        }
    }

    pub fn push(&mut self, file: FileReport) {
        self.totals += &file;
        self.files.push(file);
    }

    pub fn personal_found(&self) -> u64 {
        self.files.iter().map(FileReport::personal_found).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(found: &[(Kind, u64)], examples: &[u64]) -> ColumnCounts {
        let mut c = ColumnCounts {
            values: 10,
            ..Default::default()
        };
        for (k, n) in found {
            c.found.add(*k, *n);
        }
        c.examples = examples.to_vec();
        c.actions.add(Action::Pseudonymise, 1);
        c
    }

    #[test]
    fn column_counts_add_and_keep_the_first_examples_in_order() {
        let a = counts(&[(Kind::Iin, 2)], &[1, 3]);
        let b = counts(&[(Kind::Iin, 1), (Kind::Phone, 4)], &[11, 12, 13, 14]);
        let sum = a.clone() + b.clone();
        assert_eq!(sum.values, 20);
        assert_eq!(sum.found[&Kind::Iin], 3);
        assert_eq!(sum.found[&Kind::Phone], 4);
        assert_eq!(sum.actions["pseudonymise"], 2);
        assert_eq!(sum.examples, vec![1, 3, 11, 12, 13]);
        let mut c = ColumnCounts::default();
        c += &a;
        c += &b;
        assert_eq!(c, sum);
    }

    #[test]
    fn bins_are_not_personal() {
        let c = counts(&[(Kind::Bin, 5)], &[]);
        assert_eq!(c.found_total(), 5);
        assert_eq!(c.personal_found(), 0);
    }

    #[test]
    fn file_counts_add_column_by_column() {
        let mut a = FileCounts::new(2);
        a.records = 3;
        a.columns[1].add_found(Kind::Email, 2);
        let mut b = FileCounts::new(2);
        b.records = 4;
        b.columns[1].add_found(Kind::Email, 5);
        let sum = a + b;
        assert_eq!(sum.records, 7);
        assert_eq!(sum.columns[1].found[&Kind::Email], 2);
        assert_eq!(sum.columns[1].examples, vec![2, 5]);
        assert_eq!(sum.personal_found(), 2);
    }
}
