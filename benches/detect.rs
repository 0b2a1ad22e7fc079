//! Throughput of the detectors over synthetic LMS/CRM text, in bytes per second.
//!
//! Three inputs from `tazala::synth`: the labelled corpus (`fixtures/corpus/`, personal data or
//! a look-alike on nearly every line: a worst case), the same records with nothing planted
//! (PII-free prose, where the prefilters should make detection nearly free), and `mixed`: the
//! prose with every tenth line from the corpus. Each detector runs alone (through
//! `DetectorSet::with_kinds`, so overlap resolution is included as in real use), then every kind
//! but names (`identifiers`), then the whole set. Text is searched line by line, as `tazala
//! detect` does.
//!
//! ```text
//! cargo bench --bench detect
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tazala::detect::{DetectorSet, Finding, Kind};
use tazala::synth::{Corpus, Spec};

/// The detectors to time alone, by the kinds they report (IIN and BIN share one detector).
const ALONE: [(&str, &[Kind]); 6] = [
    ("iin", &[Kind::Iin, Kind::Bin]),
    ("phone", &[Kind::Phone]),
    ("email", &[Kind::Email]),
    ("messenger", &[Kind::Messenger]),
    ("card", &[Kind::Card]),
    ("name", &[Kind::Name]),
];

/// Every kind but names: the set whose target is 100 MB/s (names have their own, 50 MB/s).
const IDENTIFIERS: [Kind; 6] = [
    Kind::Iin,
    Kind::Bin,
    Kind::Phone,
    Kind::Email,
    Kind::Messenger,
    Kind::Card,
];

/// PII-free prose with every tenth line taken from the labelled corpus: a store where personal
/// data is present but not on every line, as in real comments and tickets.
fn mixed_text(corpus_lines: &[&str], prose: &str) -> String {
    let mut out = String::with_capacity(prose.len());
    for (i, line) in prose.lines().enumerate() {
        out.push_str(if i % 10 == 0 {
            corpus_lines[i % corpus_lines.len()]
        } else {
            line
        });
        out.push('\n');
    }
    out
}

fn detect_lines(set: &DetectorSet, lines: &[&str], buf: &mut Vec<Finding>) -> usize {
    let mut n = 0;
    for line in lines {
        set.find_into(line, buf);
        n += buf.len();
    }
    n
}

fn bench(c: &mut Criterion) {
    let corpus = Corpus::generate(Spec::CORPUS).text();
    let prose = Corpus::generate(Spec::CORPUS.without_pii()).text();
    let corpus_lines: Vec<&str> = corpus.lines().collect();
    let mixed = mixed_text(&corpus_lines, &prose);
    let mut buf = Vec::new();

    for (input, text) in [("corpus", &corpus), ("mixed", &mixed), ("prose", &prose)] {
        let lines: Vec<&str> = text.lines().collect();
        let mut group = c.benchmark_group(format!("detect/{input}"));
        group
            .throughput(Throughput::Bytes(text.len() as u64))
            .sample_size(20)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(3));
        for (name, kinds) in ALONE {
            let set = DetectorSet::with_kinds(kinds);
            // A kind whose detector has not landed finds nothing even in the labelled corpus.
            if detect_lines(&set, &corpus_lines, &mut buf) == 0 {
                eprintln!("detect/{input}/{name}: skipped, no detector output yet");
                continue;
            }
            group.bench_function(name, |b| {
                b.iter(|| detect_lines(&set, black_box(&lines), &mut buf))
            });
        }
        let identifiers = DetectorSet::with_kinds(&IDENTIFIERS);
        group.bench_function("identifiers", |b| {
            b.iter(|| detect_lines(&identifiers, black_box(&lines), &mut buf))
        });
        let all = DetectorSet::builtin();
        group.bench_function("all", |b| {
            b.iter(|| detect_lines(&all, black_box(&lines), &mut buf))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
