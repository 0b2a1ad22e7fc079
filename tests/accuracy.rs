//! Accuracy of the built-in detectors on the synthetic corpus (`fixtures/corpus/`), scored
//! against its labels per kind, and proof that the committed corpus is exactly what
//! `tazala::synth` generates.
//!
//! A finding is a true positive when a label has the same kind and exactly the same span; the
//! table also gives overlap-based figures (a finding that overlaps a label of its kind), which
//! tell a span-convention slip from a real miss. Misses and false positives are printed with
//! their text (the corpus is synthetic) so a detector can be tuned from the output:
//!
//! ```text
//! cargo test --release --test accuracy -- --nocapture
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tazala::detect::{DetectorSet, Kind};
use tazala::synth::{Corpus, Spec, sample};

#[path = "support/targets.rs"]
mod targets;
use targets::TARGETS;

/// Misses and false positives printed per kind.
const SHOW: usize = 20;

/// A span on a line of the corpus (lines numbered from 1, byte offsets within the line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
struct Span {
    line: usize,
    start: usize,
    end: usize,
    kind: Kind,
}

impl Span {
    fn overlaps(&self, other: &Span) -> bool {
        self.line == other.line && self.start < other.end && other.start < self.end
    }
}

#[derive(Debug, Default)]
struct Score {
    labelled: usize,
    found: usize,
    exact: usize,
    /// Labels overlapped by a finding of their kind.
    overlap_labels: usize,
    /// Findings overlapping a label of their kind.
    overlap_found: usize,
    misses: Vec<Span>,
    false_positives: Vec<Span>,
}

impl Score {
    fn recall(&self) -> f64 {
        ratio(self.exact, self.labelled)
    }

    fn precision(&self) -> f64 {
        ratio(self.exact, self.found)
    }
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}

/// Scores `found` against `truth`, per kind of either.
fn score(truth: &[Span], found: &[Span]) -> BTreeMap<Kind, Score> {
    let truth_set: BTreeSet<Span> = truth.iter().copied().collect();
    let found_set: BTreeSet<Span> = found.iter().copied().collect();
    let by_line = |spans: &[Span]| {
        let mut m: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
        for s in spans {
            m.entry(s.line).or_default().push(*s);
        }
        m
    };
    let truth_lines = by_line(truth);
    let found_lines = by_line(found);
    let overlaps_same_kind = |s: &Span, lines: &BTreeMap<usize, Vec<Span>>| {
        lines
            .get(&s.line)
            .is_some_and(|v| v.iter().any(|o| o.kind == s.kind && o.overlaps(s)))
    };
    let mut scores: BTreeMap<Kind, Score> = BTreeMap::new();
    for t in truth {
        let s = scores.entry(t.kind).or_default();
        s.labelled += 1;
        if found_set.contains(t) {
            s.exact += 1;
        } else {
            s.misses.push(*t);
        }
        if overlaps_same_kind(t, &found_lines) {
            s.overlap_labels += 1;
        }
    }
    for f in found {
        let s = scores.entry(f.kind).or_default();
        s.found += 1;
        if !truth_set.contains(f) {
            s.false_positives.push(*f);
        }
        if overlaps_same_kind(f, &truth_lines) {
            s.overlap_found += 1;
        }
    }
    scores
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn parse_labels(jsonl: &str) -> Vec<Span> {
    jsonl
        .lines()
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("labels.jsonl:{}: {e}", i + 1))
        })
        .collect()
}

/// The line with the span marked `⟦…⟧`, cut to some context around it.
fn show(lines: &[&str], s: &Span) -> String {
    let line = lines[s.line - 1];
    let mut from = s.start.saturating_sub(60);
    while !line.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (s.end + 60).min(line.len());
    while !line.is_char_boundary(to) {
        to += 1;
    }
    format!(
        "line {}: {}⟦{}⟧{}",
        s.line,
        &line[from..s.start],
        &line[s.start..s.end],
        &line[s.end..to]
    )
}

/// What a wrong finding overlaps, if anything: a label of another kind or another span.
fn why(s: &Span, truth_lines: &BTreeMap<usize, Vec<Span>>) -> String {
    match truth_lines
        .get(&s.line)
        .and_then(|v| v.iter().find(|t| t.overlaps(s)))
    {
        Some(t) if t.kind == s.kind => format!("  [span differs: label {}..{}]", t.start, t.end),
        Some(t) => format!("  [labelled {} {}..{}]", t.kind, t.start, t.end),
        None => String::new(),
    }
}

fn table(scores: &BTreeMap<Kind, Score>) -> String {
    let pct = |x: f64| format!("{:.2}%", 100.0 * x);
    let mut out = format!(
        "{:<10} {:>9} {:>7} {:>7} {:>10} {:>8} {:>12} {:>12}\n",
        "kind", "labelled", "found", "TP", "precision", "recall", "overlap-prec", "overlap-rec"
    );
    for (kind, s) in scores {
        out += &format!(
            "{:<10} {:>9} {:>7} {:>7} {:>10} {:>8} {:>12} {:>12}\n",
            kind.as_str(),
            s.labelled,
            s.found,
            s.exact,
            if s.found == 0 {
                "—".into()
            } else {
                pct(s.precision())
            },
            pct(s.recall()),
            if s.found == 0 {
                "—".into()
            } else {
                pct(ratio(s.overlap_found, s.found))
            },
            pct(ratio(s.overlap_labels, s.labelled)),
        );
    }
    out
}

#[test]
fn committed_corpus_is_what_the_generator_makes() {
    let corpus = Corpus::generate(Spec::CORPUS);
    let dir = fixtures();
    // Compare without printing megabytes on failure.
    let same = |path: PathBuf, generated: String| {
        let committed = read(&path);
        let first_diff = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b);
        assert!(
            committed == generated,
            "{} differs from `cargo run --release --example gen_corpus` (first differing line: {:?}, \
             {} vs {} bytes): regenerate and commit it",
            path.display(),
            first_diff.map(|i| i + 1),
            committed.len(),
            generated.len()
        );
    };
    same(dir.join("corpus/corpus.txt"), corpus.text());
    same(dir.join("corpus/labels.jsonl"), corpus.labels_jsonl());
    same(dir.join("sample.txt"), sample().text());
}

#[test]
fn corpus_has_enough_of_each_kind_to_measure() {
    let labels = parse_labels(&read(&fixtures().join("corpus/labels.jsonl")));
    let mut counts: BTreeMap<Kind, usize> = BTreeMap::new();
    for l in &labels {
        *counts.entry(l.kind).or_default() += 1;
    }
    // 99.9 % recall needs a few thousand instances to mean anything.
    for kind in [Kind::Iin, Kind::Phone, Kind::Email] {
        assert!(counts[&kind] >= 3000, "{kind}: only {}", counts[&kind]);
    }
    for kind in [Kind::Bin, Kind::Messenger, Kind::Card, Kind::Name] {
        assert!(counts[&kind] >= 500, "{kind}: only {}", counts[&kind]);
    }
}

#[test]
fn builtin_detectors_meet_the_accuracy_targets() {
    let dir = fixtures();
    let text = read(&dir.join("corpus/corpus.txt"));
    let truth = parse_labels(&read(&dir.join("corpus/labels.jsonl")));
    let lines: Vec<&str> = text.lines().collect();

    let detectors = DetectorSet::builtin();
    let mut found = Vec::new();
    let mut buf = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        detectors.find_into(line, &mut buf);
        found.extend(buf.iter().map(|f| Span {
            line: i + 1,
            start: f.start,
            end: f.end,
            kind: f.kind,
        }));
    }
    let scores = score(&truth, &found);

    let mut truth_lines: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
    for t in &truth {
        truth_lines.entry(t.line).or_default().push(*t);
    }
    let mut report = String::new();
    for (kind, s) in &scores {
        if s.found == 0 {
            report += &format!("\n== {kind}: no detector output, {} labels\n", s.labelled);
            continue;
        }
        report += &format!(
            "\n== {kind}: {} misses, {} false positives (first {SHOW} of each)\n",
            s.misses.len(),
            s.false_positives.len()
        );
        for m in s.misses.iter().take(SHOW) {
            report += &format!("  miss  {}\n", show(&lines, m));
        }
        for f in s.false_positives.iter().take(SHOW) {
            report += &format!("  false {}{}\n", show(&lines, f), why(f, &truth_lines));
        }
    }
    let table = table(&scores);
    println!("{report}\n{table}");

    let mut failures = Vec::new();
    for (kind, min_recall, min_precision) in TARGETS {
        let s = scores.get(&kind).expect("every asserted kind is labelled");
        if s.recall() < min_recall || s.precision() < min_precision {
            failures.push(format!(
                "{kind}: recall {:.3}% (min {:.1}%), precision {:.3}% (min {:.1}%)",
                100.0 * s.recall(),
                100.0 * min_recall,
                100.0 * s.precision(),
                100.0 * min_precision
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "below target:\n{}\n\n{table}",
        failures.join("\n")
    );
}

fn span(line: usize, start: usize, end: usize, kind: Kind) -> Span {
    Span {
        line,
        start,
        end,
        kind,
    }
}

#[test]
fn scoring_labels_against_themselves_is_perfect() {
    let truth = parse_labels(&read(&fixtures().join("corpus/labels.jsonl")));
    for (kind, s) in score(&truth, &truth) {
        assert_eq!(s.exact, s.labelled, "{kind}");
        assert_eq!((s.recall(), s.precision()), (1.0, 1.0), "{kind}");
        assert_eq!(s.overlap_labels, s.labelled);
        assert!(s.misses.is_empty() && s.false_positives.is_empty());
    }
}

#[test]
fn a_shifted_span_is_a_miss_and_a_false_positive() {
    let truth = [span(1, 10, 22, Kind::Iin), span(2, 0, 16, Kind::Phone)];
    let found = [span(1, 11, 22, Kind::Iin), span(2, 0, 16, Kind::Phone)];
    let scores = score(&truth, &found);
    let iin = &scores[&Kind::Iin];
    assert_eq!(
        (iin.exact, iin.misses.len(), iin.false_positives.len()),
        (0, 1, 1)
    );
    // It still overlaps, which the overlap figures show.
    assert_eq!((iin.overlap_labels, iin.overlap_found), (1, 1));
    assert_eq!(scores[&Kind::Phone].exact, 1);
}

#[test]
fn a_right_span_of_the_wrong_kind_counts_for_neither() {
    let scores = score(&[span(3, 0, 12, Kind::Iin)], &[span(3, 0, 12, Kind::Bin)]);
    assert_eq!(scores[&Kind::Iin].recall(), 0.0);
    assert_eq!(scores[&Kind::Bin].precision(), 0.0);
    assert_eq!(scores[&Kind::Bin].overlap_found, 0);
}

#[test]
fn sample_for_the_readme_is_about_thirty_lines() {
    let sample = read(&fixtures().join("sample.txt"));
    assert!((25..=40).contains(&sample.lines().count()));
}
