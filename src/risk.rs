//! k-anonymity: how identifiable records stay through their quasi-identifiers, and the local
//! suppression that makes every class reach k.
//!
//! An *equivalence class* is the set of records that share one combination of values of the
//! quasi-identifier columns (date of birth or birth year, sex, school, class, region…). A record
//! in a class of fewer than k records is *below k*: someone who knows those few attributes of a
//! person narrows them down to fewer than k records. [`ClassCounts`] counts the classes in one
//! pass (memory bounded by the number of distinct classes, not by the file), [`summarise`] gives
//! the figures `tazala risk` prints, and [`plan_suppression`] decides which quasi-identifier
//! values to replace by a placeholder.
//!
//! A null value (Parquet) and a suppressed value are the same value, so a class may mix records
//! that held a null with records whose value was suppressed.
//!
//! Suppression (`scrub --k N --suppress`), greedy by column:
//! 1. take the records below k; if there are none, stop;
//! 2. among the quasi-identifier columns not yet chosen, choose the one whose suppression in
//!    those records leaves the fewest records below k (ties: the one that costs fewer values,
//!    then the first column); suppress it, and the columns chosen before, in those records;
//! 3. repeat from 1. Records never leave a class of k or more, so at step t every record below
//!    k has exactly the first t chosen columns suppressed;
//! 4. when every column is suppressed and the fully suppressed records are still fewer than k,
//!    records are taken whole from the classes with the most records beyond k (which keeps those
//!    at k or more) and fully suppressed too; if that is not enough, the smallest classes are
//!    suppressed whole. Only a file of fewer than k records cannot reach k.
//!
//! It never touches a column that is not a quasi-identifier, and never a record in a class of k
//! or more (but for step 4's fewest needed).
//!
//! What this module is not: it reads no file (see `anonymise` and `cmd::risk`).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::classify::{Classifier, header_words};

/// Header words of quasi-identifiers that are identifiers in practice (nearly one value per
/// person): not suggested, since they make every record unique; scrub them instead.
const NOT_SUGGESTED: [&str; 10] = [
    "адрес",
    "мекенжайы",
    "address",
    "ip",
    "device",
    "удостоверения",
    "куәлік",
    "жеке",
    "номер",
    "нөмірі",
];

/// Headers of the columns `derive` writes and their usual names, suggested as quasi-identifiers.
const DERIVED: [&str; 8] = [
    "birth_year",
    "sex",
    "age_band",
    "год рождения",
    "возраст",
    "age",
    "туған жылы",
    "жасы",
];

/// The columns suggested as quasi-identifiers when none are named: headers of dates of birth,
/// sex, school, class, region, citizenship, nationality (`patterns/headers.toml`, `[quasi]`),
/// and of derived birth years, sexes and age bands.
pub fn suggest_quasi(headers: &[String], classifier: &Classifier) -> Vec<usize> {
    headers
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            let folded = crate::normalize::fold(h.trim());
            if DERIVED.iter().any(|d| crate::normalize::fold(d) == folded) {
                return true;
            }
            let words = header_words(h);
            classifier.is_quasi(h)
                && !words.iter().any(|w| {
                    NOT_SUGGESTED
                        .iter()
                        .any(|n| crate::normalize::fold(n) == *w)
                })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The columns named `names` (headers, case-insensitive), in the order named.
pub fn resolve_quasi(
    headers: &[String],
    names: &[String],
    file: &str,
) -> anyhow::Result<Vec<usize>> {
    let mut out = Vec::new();
    for name in names {
        let want = name.trim().to_lowercase();
        let Some(i) = headers.iter().position(|h| h.trim().to_lowercase() == want) else {
            anyhow::bail!(
                "{file}: no column {:?} for --quasi (columns: {})",
                name.trim(),
                headers
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        };
        if !out.contains(&i) {
            out.push(i);
        }
    }
    Ok(out)
}

/// Appends the class key of `values` to `out`: each value as `len:bytes`, a null as `-`, so no
/// two combinations share a key.
pub fn encode_key<'a>(values: impl IntoIterator<Item = Option<&'a str>>, out: &mut String) {
    for v in values {
        match v {
            None => out.push('-'),
            Some(v) => {
                let _ = write!(out, "{}:", v.len());
                out.push_str(v);
            }
        }
    }
}

/// The values of a class key.
pub fn decode_key(key: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('-') {
            out.push(None);
            rest = r;
            continue;
        }
        let colon = rest.find(':').expect("keys are encoded by encode_key");
        let len: usize = rest[..colon]
            .parse()
            .expect("keys are encoded by encode_key");
        let start = colon + 1;
        out.push(Some(rest[start..start + len].to_string()));
        rest = &rest[start + len..];
    }
    out
}

/// Records per equivalence class of the quasi-identifier columns.
#[derive(Clone, Debug, Default)]
pub struct ClassCounts {
    columns: usize,
    records: u64,
    classes: HashMap<String, u64>,
    scratch: String,
}

impl PartialEq for ClassCounts {
    fn eq(&self, other: &Self) -> bool {
        (self.columns, self.records, &self.classes)
            == (other.columns, other.records, &other.classes)
    }
}

impl ClassCounts {
    pub fn new(columns: usize) -> Self {
        ClassCounts {
            columns,
            ..Default::default()
        }
    }

    /// Counts one record's quasi-identifier values (in column order).
    pub fn add<'a>(&mut self, values: impl IntoIterator<Item = Option<&'a str>>) {
        let mut key = std::mem::take(&mut self.scratch);
        key.clear();
        encode_key(values, &mut key);
        self.add_key(&key, 1);
        self.scratch = key;
    }

    /// Adds `n` records under an encoded key.
    pub fn add_key(&mut self, key: &str, n: u64) {
        self.records += n;
        match self.classes.get_mut(key) {
            Some(c) => *c += n,
            None => {
                self.classes.insert(key.to_string(), n);
            }
        }
    }

    pub fn columns(&self) -> usize {
        self.columns
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn classes(&self) -> usize {
        self.classes.len()
    }

    /// Encoded keys and their counts.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.classes.iter().map(|(k, n)| (k.as_str(), *n))
    }

    /// The records of `key`'s class (0 when there is none).
    pub fn count(&self, key: &str) -> u64 {
        self.classes.get(key).copied().unwrap_or(0)
    }

    /// The counts with column `drop` left out.
    pub fn without(&self, drop: usize) -> ClassCounts {
        let mut out = ClassCounts::new(self.columns - 1);
        let mut key = String::new();
        for (k, n) in self.iter() {
            let values = decode_key(k);
            key.clear();
            encode_key(
                values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != drop)
                    .map(|(_, v)| v.as_deref()),
                &mut key,
            );
            out.add_key(&key, n);
        }
        out
    }

    /// Records in classes of fewer than `k`.
    pub fn below(&self, k: u64) -> u64 {
        self.classes.values().filter(|&&n| n < k).sum()
    }
}

/// One quasi-identifier's part in the risk.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnRisk {
    pub name: String,
    /// Distinct values (a null counts as one).
    pub distinct: u64,
    /// Records below k when this column is left out of the quasi-identifiers.
    pub below_k_without: u64,
    /// Records below k because of this column: below k with it, minus without it.
    pub contribution: u64,
    /// Records alone in their class when this column is left out.
    pub unique_without: u64,
}

/// The figures `tazala risk` reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskSummary {
    pub quasi_identifiers: Vec<String>,
    pub k: u64,
    pub records: u64,
    pub classes: u64,
    /// The smallest class (0 for an empty file).
    pub smallest_class: u64,
    /// Records in classes of fewer than k.
    pub records_below_k: u64,
    /// `records_below_k / records` (0 for an empty file).
    pub share_below_k: f64,
    pub classes_below_k: u64,
    /// Records alone in their class.
    pub unique_records: u64,
    pub columns: Vec<ColumnRisk>,
}

impl RiskSummary {
    /// Whether every class holds k records or more.
    pub fn reaches_k(&self) -> bool {
        self.records_below_k == 0
    }

    /// Aligned text for people.
    pub fn human(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "quasi-identifiers: {}   k = {}",
            self.quasi_identifiers.join(", "),
            self.k
        );
        let _ = writeln!(
            out,
            "records: {}   classes: {}   smallest class: {}",
            self.records, self.classes, self.smallest_class
        );
        let _ = writeln!(
            out,
            "below k: {} records ({:.2} %) in {} classes; unique: {} records",
            self.records_below_k,
            self.share_below_k * 100.0,
            self.classes_below_k,
            self.unique_records
        );
        let width = self
            .columns
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("column".len());
        let _ = writeln!(
            out,
            "{:<width$}  {:>9}  {:>15}  {:>12}  {:>14}",
            "column", "distinct", "below k without", "contribution", "unique without"
        );
        for c in &self.columns {
            let pad = width - c.name.chars().count();
            let _ = writeln!(
                out,
                "{}{}  {:>9}  {:>15}  {:>12}  {:>14}",
                c.name,
                " ".repeat(pad),
                c.distinct,
                c.below_k_without,
                c.contribution,
                c.unique_without
            );
        }
        let _ = writeln!(
            out,
            "{}",
            if self.reaches_k() {
                format!("every class holds at least {} records", self.k)
            } else {
                format!("{} records stay below k = {}", self.records_below_k, self.k)
            }
        );
        out
    }
}

/// The risk figures of `counts`, whose columns are named by `names`.
pub fn summarise(counts: &ClassCounts, names: &[String], k: u64) -> RiskSummary {
    let records = counts.records();
    let below = counts.below(k);
    let mut distinct: Vec<std::collections::HashSet<Option<String>>> =
        vec![Default::default(); counts.columns()];
    for (key, _) in counts.iter() {
        for (i, v) in decode_key(key).into_iter().enumerate() {
            distinct[i].insert(v);
        }
    }
    let columns = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let without = counts.without(i);
            let below_without = without.below(k);
            ColumnRisk {
                name: name.clone(),
                distinct: distinct[i].len() as u64,
                below_k_without: below_without,
                contribution: below.saturating_sub(below_without),
                unique_without: without.below(2),
            }
        })
        .collect();
    RiskSummary {
        quasi_identifiers: names.to_vec(),
        k,
        records,
        classes: counts.classes() as u64,
        smallest_class: counts.iter().map(|(_, n)| n).min().unwrap_or(0),
        records_below_k: below,
        share_below_k: if records == 0 {
            0.0
        } else {
            below as f64 / records as f64
        },
        classes_below_k: counts.iter().filter(|(_, n)| *n < k).count() as u64,
        unique_records: counts.below(2),
        columns,
    }
}

/// What suppression does to one class of the counts it was planned on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ClassPlan {
    /// The first `level` columns of the order are suppressed in every record of the class.
    level: usize,
    /// This many records of the class (the first met) are suppressed in every column.
    whole: u64,
}

/// Which values to suppress, planned on the class counts of a file (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    /// Columns in the order they were chosen.
    pub order: Vec<usize>,
    plans: HashMap<String, ClassPlan>,
    /// Values replaced by the placeholder (values already null are not counted).
    pub values_suppressed: u64,
    /// Records with at least one value suppressed.
    pub records_touched: u64,
    /// The class counts once suppressed.
    pub after: ClassCounts,
}

impl Suppression {
    /// Suppresses (sets to `None`) the values of one record, given in the column order of the
    /// planned counts and still as counted. Returns whether anything was suppressed.
    pub fn apply(&mut self, key: &str, values: &mut [Option<String>]) -> bool {
        let Some(plan) = self.plans.get_mut(key) else {
            return false;
        };
        if plan.whole > 0 {
            plan.whole -= 1;
            values.iter_mut().for_each(|v| *v = None);
            return true;
        }
        for &c in &self.order[..plan.level] {
            values[c] = None;
        }
        plan.level > 0
    }
}

fn key_with(values: &[Option<String>], suppressed: &[bool], out: &mut String) {
    out.clear();
    encode_key(
        values
            .iter()
            .zip(suppressed)
            .map(|(v, &s)| if s { None } else { v.as_deref() }),
        out,
    );
}

/// Plans the suppression that brings every class of `counts` to `k` records or more.
pub fn plan_suppression(counts: &ClassCounts, k: u64) -> Suppression {
    let q = counts.columns();
    let classes: Vec<(String, Vec<Option<String>>, u64)> = {
        let mut v: Vec<_> = counts
            .iter()
            .map(|(key, n)| (key.to_string(), decode_key(key), n))
            .collect();
        // Hash order is random: sort so the plan is the same every run.
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let mut level = vec![0usize; classes.len()];
    let mut order: Vec<usize> = Vec::new();
    let masks = |order: &[usize], upto: usize| -> Vec<bool> {
        let mut m = vec![false; q];
        for &c in &order[..upto] {
            m[c] = true;
        }
        m
    };
    let mut key = String::new();
    // Group counts when class `i` has its first `levels[i]` columns of `ord` suppressed.
    let group = |ord: &[usize], levels: &[usize], key: &mut String| -> HashMap<String, u64> {
        let mut g: HashMap<String, u64> = HashMap::new();
        let all_masks: Vec<Vec<bool>> = (0..=ord.len()).map(|l| masks(ord, l)).collect();
        for (i, (_, values, n)) in classes.iter().enumerate() {
            key_with(values, &all_masks[levels[i]], key);
            *g.entry(key.clone()).or_default() += n;
        }
        g
    };
    loop {
        let groups = group(&order, &level, &mut key);
        let current = masks(&order, order.len());
        let below: Vec<usize> = (0..classes.len())
            .filter(|&i| {
                key_with(&classes[i].1, &masks(&order, level[i]), &mut key);
                groups[&key] < k
            })
            .collect();
        if below.is_empty() || order.len() == q {
            break;
        }
        debug_assert!(below.iter().all(|&i| masks(&order, level[i]) == current));
        let mut best: Option<(u64, u64, usize)> = None;
        for c in (0..q).filter(|c| !order.contains(c)) {
            let mut trial_order = order.clone();
            trial_order.push(c);
            let mut trial_level = level.clone();
            for &i in &below {
                trial_level[i] = trial_order.len();
            }
            let g = group(&trial_order, &trial_level, &mut key);
            let still_below: u64 = g.values().filter(|&&n| n < k).sum();
            let cost: u64 = below
                .iter()
                .filter(|&&i| classes[i].1[c].is_some())
                .map(|&i| classes[i].2)
                .sum();
            let score = (still_below, cost, c);
            if best.is_none_or(|b| score < b) {
                best = Some(score);
            }
        }
        let (_, _, c) = best.expect("a column is left while order.len() < q");
        order.push(c);
        for &i in &below {
            level[i] = order.len();
        }
    }
    let mut whole = vec![0u64; classes.len()];
    if q > 0 {
        pad_fully_suppressed(&classes, &order, &level, &mut whole, k, &group);
    }
    let mut plans = HashMap::new();
    let mut after = ClassCounts::new(q);
    let mut values_suppressed = 0;
    let mut records_touched = 0;
    let none = vec![true; q];
    for (i, (key_i, values, n)) in classes.iter().enumerate() {
        let m = masks(&order, level[i]);
        let kept = n - whole[i];
        key_with(values, &m, &mut key);
        after.add_key(&key, kept);
        let lost = |mask: &[bool]| {
            values
                .iter()
                .zip(mask)
                .filter(|(v, s)| **s && v.is_some())
                .count() as u64
        };
        values_suppressed += kept * lost(&m) + whole[i] * lost(&none);
        if level[i] > 0 {
            records_touched += kept;
        }
        if whole[i] > 0 {
            key_with(values, &none, &mut key);
            after.add_key(&key, whole[i]);
            records_touched += whole[i];
        }
        if level[i] > 0 || whole[i] > 0 {
            plans.insert(
                key_i.clone(),
                ClassPlan {
                    level: level[i],
                    whole: whole[i],
                },
            );
        }
    }
    Suppression {
        order,
        plans,
        values_suppressed,
        records_touched,
        after,
    }
}

/// Group counts of the classes given the column order and each class's level.
type GroupFn<'a> = dyn Fn(&[usize], &[usize], &mut String) -> HashMap<String, u64> + 'a;

/// Step 4: the fully suppressed class, if below k, is filled up from classes beyond k, or else
/// with the smallest classes whole.
fn pad_fully_suppressed(
    classes: &[(String, Vec<Option<String>>, u64)],
    order: &[usize],
    level: &[usize],
    whole: &mut [u64],
    k: u64,
    group: &GroupFn,
) {
    let q = order.len();
    let mut key = String::new();
    let groups = group(order, level, &mut key);
    let mut none = String::new();
    encode_key(std::iter::repeat_n(None, q), &mut none);
    let have = groups.get(&none).copied().unwrap_or(0);
    if have == 0 || have >= k {
        return;
    }
    let mut need = k - have;
    // Classes by their group, groups other than the fully suppressed one.
    let mut members: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, values, _)) in classes.iter().enumerate() {
        let mut m = vec![false; values.len()];
        for &c in &order[..level[i]] {
            m[c] = true;
        }
        key_with(values, &m, &mut key);
        if key != none {
            members.entry(key.clone()).or_default().push(i);
        }
    }
    let mut donors: Vec<(&String, u64)> = members
        .keys()
        .map(|g| (g, groups[g]))
        .filter(|(_, n)| *n > k)
        .collect();
    let surplus: u64 = donors.iter().map(|(_, n)| n - k).sum();
    if surplus >= need {
        donors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (g, n) in donors {
            let mut take = (n - k).min(need);
            need -= take;
            for &i in &members[g] {
                let t = take.min(classes[i].2);
                whole[i] += t;
                take -= t;
            }
            if need == 0 {
                break;
            }
        }
        return;
    }
    let mut smallest: Vec<(&String, u64)> = members.keys().map(|g| (g, groups[g])).collect();
    smallest.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    for (g, n) in smallest {
        for &i in &members[g] {
            whole[i] = classes[i].2;
        }
        need = need.saturating_sub(n);
        if need == 0 {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rows: &[&[Option<&str>]]) -> ClassCounts {
        let mut c = ClassCounts::new(rows.first().map_or(0, |r| r.len()));
        for r in rows {
            c.add(r.iter().copied());
        }
        c
    }

    #[test]
    fn keys_round_trip_and_never_collide() {
        let values = [Some("a:1"), None, Some(""), Some("-"), Some("Алматы")];
        let mut key = String::new();
        encode_key(values.iter().copied(), &mut key);
        let back = decode_key(&key);
        assert_eq!(
            back.iter().map(|v| v.as_deref()).collect::<Vec<_>>(),
            values.to_vec()
        );
        let mut a = String::new();
        encode_key([Some("a"), Some("bc")], &mut a);
        let mut b = String::new();
        encode_key([Some("ab"), Some("c")], &mut b);
        assert_ne!(a, b);
    }

    #[test]
    fn summary_counts_classes_and_contributions() {
        let c = counts(&[
            &[Some("2010"), Some("F"), Some("12")],
            &[Some("2010"), Some("F"), Some("12")],
            &[Some("2010"), Some("M"), Some("12")],
            &[Some("2011"), Some("M"), Some("12")],
        ]);
        let names: Vec<String> = ["year", "sex", "school"].map(String::from).to_vec();
        let s = summarise(&c, &names, 2);
        assert_eq!((s.records, s.classes, s.smallest_class), (4, 3, 1));
        assert_eq!(
            (s.records_below_k, s.classes_below_k, s.unique_records),
            (2, 2, 2)
        );
        assert_eq!(s.share_below_k, 0.5);
        // Without sex: (2010,12)×3, (2011,12)×1 → 1 below.
        assert_eq!(s.columns[1].below_k_without, 1);
        assert_eq!(s.columns[1].contribution, 1);
        // Without year: (F,12)×2, (M,12)×2 → 0 below.
        assert_eq!(s.columns[0].contribution, 2);
        assert_eq!(s.columns[2].contribution, 0);
        assert_eq!(s.columns[0].distinct, 2);
        assert!(!s.reaches_k());
        assert!(s.human().contains("below k: 2 records (50.00 %)"));
        let empty = summarise(&ClassCounts::new(1), &names[..1], 5);
        assert_eq!(
            (empty.records, empty.smallest_class, empty.share_below_k),
            (0, 0, 0.0)
        );
    }

    #[test]
    fn suppression_chooses_the_column_that_frees_most_records() {
        // Sex alone makes records unique; year and school classes are large.
        let mut rows: Vec<[Option<&str>; 3]> = Vec::new();
        for _ in 0..4 {
            rows.push([Some("2010"), Some("F"), Some("12")]);
        }
        rows.push([Some("2010"), Some("M"), Some("12")]);
        rows.push([Some("2010"), Some("X"), Some("12")]);
        let c = counts(&rows.iter().map(|r| &r[..]).collect::<Vec<_>>());
        let mut s = plan_suppression(&c, 2);
        assert_eq!(s.order, vec![1]);
        assert_eq!(s.values_suppressed, 2);
        assert_eq!(s.records_touched, 2);
        assert_eq!(s.after.below(2), 0);
        let mut key = String::new();
        encode_key(rows[4].iter().copied(), &mut key);
        let mut values: Vec<Option<String>> = rows[4].iter().map(|v| v.map(String::from)).collect();
        assert!(s.apply(&key, &mut values));
        assert_eq!(values, vec![Some("2010".into()), None, Some("12".into())]);
        key.clear();
        encode_key(rows[0].iter().copied(), &mut key);
        let mut values: Vec<Option<String>> = rows[0].iter().map(|v| v.map(String::from)).collect();
        assert!(!s.apply(&key, &mut values), "records at k are untouched");
    }

    #[test]
    fn a_lone_record_is_filled_up_from_a_class_beyond_k() {
        let c = counts(&[
            &[Some("a"), Some("x")],
            &[Some("a"), Some("x")],
            &[Some("a"), Some("x")],
            &[Some("b"), Some("y")],
        ]);
        let s = plan_suppression(&c, 2);
        assert_eq!(s.after.below(2), 0);
        assert_eq!(s.after.records(), 4);
        // The lone record and one record of the class of three, both fully suppressed.
        assert_eq!(s.records_touched, 2);
        assert_eq!(s.values_suppressed, 4);
    }

    #[test]
    fn a_file_smaller_than_k_cannot_reach_it() {
        let c = counts(&[&[Some("a")], &[Some("b")]]);
        let s = plan_suppression(&c, 5);
        assert_eq!(s.after.classes(), 1);
        assert_eq!(s.after.below(5), 2);
    }

    #[test]
    fn nothing_is_suppressed_when_every_class_reaches_k() {
        let c = counts(&[&[Some("a")], &[Some("a")], &[None], &[None]]);
        let s = plan_suppression(&c, 2);
        assert_eq!((s.values_suppressed, s.records_touched), (0, 0));
        assert!(s.order.is_empty());
        assert_eq!(s.after, {
            let mut a = ClassCounts::new(1);
            for (k, n) in c.iter() {
                a.add_key(k, n);
            }
            a
        });
    }
}
