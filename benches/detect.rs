//! Throughput of the detectors over synthetic LMS/CRM text, in bytes per second.
//!
//! Two inputs from `tazala::synth`: the labelled corpus (`fixtures/corpus/`, dense with
//! personal data and look-alikes: a worst case) and the same records with nothing planted
//! (PII-free prose, the common case, where the prefilters should make detection nearly free).
//! Each detector runs alone (through `DetectorSet::with_kinds`, so overlap resolution is
//! included as in real use), then the whole set. Text is searched line by line, as
//! `tazala detect` does.
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
    let mut buf = Vec::new();

    for (input, text) in [("corpus", &corpus), ("prose", &prose)] {
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
        let all = DetectorSet::builtin();
        group.bench_function("all", |b| {
            b.iter(|| detect_lines(&all, black_box(&lines), &mut buf))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
