//! Accuracy of the built-in detectors on the held-out set (`fixtures/holdout/*.txt`): text
//! written by hand the way real exports and chat logs look, apart from the generated corpus the
//! detectors were tuned on (see `fixtures/holdout/README.md`).
//!
//! Every record (one line; `# ` lines are comments) carries its expected spans as `⟦kind:text⟧`
//! markup, parsed by [`tazala::patterns::parse_marked`]. A finding is right when a marked span
//! has the same kind and exactly the same bytes. Names are not marked and not scored here.
//! Misses and false positives are printed with file and line (the text is synthetic):
//!
//! ```text
//! cargo test --release --test holdout -- --nocapture
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tazala::detect::{DetectorSet, Kind};
use tazala::patterns::parse_marked;

#[path = "support/targets.rs"]
mod targets;
use targets::TARGETS;

/// Kinds marked in the held-out set; findings of other kinds (names) are ignored.
const SCORED: [Kind; 6] = [
    Kind::Iin,
    Kind::Bin,
    Kind::Phone,
    Kind::Email,
    Kind::Messenger,
    Kind::Card,
];

/// One record of the set.
struct Record {
    file: String,
    line: usize,
    text: String,
    expected: Vec<(usize, usize, Kind)>,
}

#[derive(Default)]
struct Score {
    marked: usize,
    found: usize,
    exact: usize,
    errors: Vec<String>,
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

fn holdout_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/holdout")
}

fn records() -> Vec<Record> {
    let mut files: Vec<PathBuf> = fs::read_dir(holdout_dir())
        .expect("fixtures/holdout exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let content = fs::read_to_string(&path).unwrap();
        for (i, line) in content.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with("# ") || line == "#" {
                continue;
            }
            let example = parse_marked(line).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
            out.push(Record {
                file: name.clone(),
                line: i + 1,
                text: example.text,
                expected: example.expected,
            });
        }
    }
    out
}

/// The record with one span marked `⟦…⟧`.
fn show(r: &Record, start: usize, end: usize) -> String {
    format!(
        "{}:{}: {}⟦{}⟧{}",
        r.file,
        r.line,
        &r.text[..start],
        &r.text[start..end],
        &r.text[end..]
    )
}

fn table(scores: &BTreeMap<Kind, Score>) -> String {
    let mut out = format!(
        "{:<10} {:>7} {:>7} {:>7} {:>10} {:>8}\n",
        "kind", "marked", "found", "TP", "precision", "recall"
    );
    for (kind, s) in scores {
        out += &format!(
            "{:<10} {:>7} {:>7} {:>7} {:>9.2}% {:>7.2}%\n",
            kind.as_str(),
            s.marked,
            s.found,
            s.exact,
            100.0 * ratio(s.exact, s.found),
            100.0 * ratio(s.exact, s.marked),
        );
    }
    out
}

#[test]
fn holdout_set_is_large_and_covers_every_kind() {
    let records = records();
    assert!(records.len() >= 600, "only {} records", records.len());
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    for r in &records {
        for &(_, _, k) in &r.expected {
            *counts.entry(k).or_default() += 1;
        }
    }
    for kind in SCORED {
        assert!(
            counts.get(&kind).copied().unwrap_or(0) >= 30,
            "{kind}: only {:?} marked",
            counts.get(&kind)
        );
    }
    let unmarked = records.iter().filter(|r| r.expected.is_empty()).count();
    assert!(
        unmarked >= 150,
        "only {unmarked} records without PII (decoys)"
    );
}

#[test]
fn builtin_detectors_meet_the_targets_on_the_holdout_set() {
    let detectors = DetectorSet::builtin();
    let mut scores: BTreeMap<Kind, Score> =
        SCORED.into_iter().map(|k| (k, Score::default())).collect();
    let mut buf = Vec::new();
    for r in records() {
        detectors.find_into(&r.text, &mut buf);
        let found: Vec<(usize, usize, Kind)> = buf
            .iter()
            .filter(|f| SCORED.contains(&f.kind))
            .map(|f| (f.start, f.end, f.kind))
            .collect();
        for &(s, e, k) in &r.expected {
            let score = scores.get_mut(&k).unwrap();
            score.marked += 1;
            if found.contains(&(s, e, k)) {
                score.exact += 1;
            } else {
                score.errors.push(format!("  miss  {}", show(&r, s, e)));
            }
        }
        for &(s, e, k) in &found {
            let score = scores.get_mut(&k).unwrap();
            score.found += 1;
            if !r.expected.contains(&(s, e, k)) {
                let other = r
                    .expected
                    .iter()
                    .find(|&&(ms, me, _)| ms < e && s < me)
                    .map(|&(ms, me, mk)| format!("  [marked {mk} {:?}]", &r.text[ms..me]))
                    .unwrap_or_default();
                score
                    .errors
                    .push(format!("  false {}{other}", show(&r, s, e)));
            }
        }
    }
    let mut report = String::new();
    for (kind, s) in &scores {
        if !s.errors.is_empty() {
            report += &format!(
                "\n== {kind}: {} errors\n{}\n",
                s.errors.len(),
                s.errors.join("\n")
            );
        }
    }
    let table = table(&scores);
    println!("{report}\n{table}");

    let failures: Vec<String> = TARGETS
        .iter()
        .filter(|(kind, _, _)| SCORED.contains(kind))
        .filter_map(|&(kind, min_recall, min_precision)| {
            let s = &scores[&kind];
            let (recall, precision) = (ratio(s.exact, s.marked), ratio(s.exact, s.found));
            (recall < min_recall || precision < min_precision).then(|| {
                format!(
                    "{kind}: recall {:.2}% (min {:.1}%), precision {:.2}% (min {:.1}%)",
                    100.0 * recall,
                    100.0 * min_recall,
                    100.0 * precision,
                    100.0 * min_precision
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "below target:\n{}\n\n{table}{report}",
        failures.join("\n")
    );
}
