//! Throughput of `tazala scrub` on CSV, in bytes of input per second, through the library
//! (`io::scrub_file`: read, classify, scrub, write), on one worker thread.
//!
//! Three inputs, each about 8 MB, written to a temporary directory:
//! - `students`: the fixture store's `students.csv` (every record: IIN, name, phone, e-mail,
//!   statistics, a comment with personal data in half the records): identifier-dense, a worst
//!   case for the pseudonymiser;
//! - `corpus`: the labelled synthetic corpus (`tazala::synth`) as one free-text column: dense
//!   with findings and look-alikes, a worst case for the detectors;
//! - `prose`: the same records with nothing planted: the common case, where the file comes out
//!   as it went in.
//!
//! ```text
//! cargo bench --bench scrub
//! ```

#[path = "../fixtures/store/mod.rs"]
mod store;

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tazala::classify::Classifier;
use tazala::detect::DetectorSet;
use tazala::io::{Detectors, FileFormat, FileJob, Pipeline, scrub_file};
use tazala::key::Key;
use tazala::policy::Policy;
use tazala::pseudonym::Pseudonymiser;
use tazala::synth::{Corpus, Spec};

const TARGET_BYTES: usize = 8 << 20;

/// A CSV with one free-text column holding `text`'s lines, repeated to about 8 MB.
fn text_csv(path: &Path, text: &str) {
    let mut out = String::from("id,Комментарий\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while out.len() < TARGET_BYTES {
        let line = lines[i % lines.len()].replace('"', "\"\"");
        out.push_str(&format!("{i},\"{line}\"\n"));
        i += 1;
    }
    std::fs::write(path, out).unwrap();
}

fn inputs(dir: &Path) -> Vec<(&'static str, PathBuf)> {
    let store = store::write_store(&dir.join("store"), 45_000);
    let corpus = dir.join("corpus.csv");
    text_csv(&corpus, &Corpus::generate(Spec::CORPUS).text());
    let prose = dir.join("prose.csv");
    text_csv(&prose, &Corpus::generate(Spec::CORPUS.without_pii()).text());
    vec![
        ("students", store.root.join("students.csv")),
        ("corpus", corpus),
        ("prose", prose),
    ]
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let classifier = Classifier::builtin();
    let detectors = Detectors::from(DetectorSet::builtin());
    let policy = Policy::defaults();
    let pseudonymiser = Pseudonymiser::new(&Key::from_bytes([7; 32]));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let pipeline = Pipeline {
        classifier: &classifier,
        detectors: &detectors,
        policy: &policy,
        pseudonymiser: Some(&pseudonymiser),
        pool: &pool,
        batch_records: 16_384,
        max_records: None,
        progress: false,
        file_of: None,
        verbose: false,
    };
    let mut group = c.benchmark_group("scrub/csv");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (name, input) in inputs(dir.path()) {
        let size = std::fs::metadata(&input).unwrap().len();
        let job = FileJob {
            format: FileFormat::of(&input).unwrap(),
            output: Some(dir.path().join(format!("{name}.out.csv"))),
            input,
        };
        group.throughput(Throughput::Bytes(size));
        group.bench_function(name, |b| b.iter(|| scrub_file(&job, &pipeline).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
