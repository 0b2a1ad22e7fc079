//! The scrub's invariants, as property tests on generated CSV files (the library's own file
//! loop, in process): the record count and order never change; a column the policy keeps is
//! never changed; the output does not depend on the number of threads or the batch size; and
//! scrubbing is idempotent (a scrubbed file scrubs to itself and scans clean).
//!
//! Values are drawn from planted identifiers in their written forms (domain-kz.md test
//! vectors), names, free text with CSV-hostile characters (quotes, delimiters, line breaks) and
//! random noise. Case counts are kept small: this runs in `cargo test --release`.

use std::path::Path;

use proptest::prelude::*;
use tazala::classify::Classifier;
use tazala::detect::DetectorSet;
use tazala::io::{self, Detectors, FileFormat, FileJob, Pipeline};
use tazala::key::Key;
use tazala::policy::Policy;
use tazala::pseudonym::Pseudonymiser;

const IINS: [&str; 6] = [
    "871008401427",
    "8710 0840 1427",
    "061211600012",
    "61211600012",
    "730703400015",
    "901123300258",
];
const PHONES: [&str; 5] = [
    "+7 701 234 56 78",
    "87771234501",
    "8 (727) 293-85-89",
    "+77051112233",
    "wa.me/77011234567",
];
const EMAILS: [&str; 3] = [
    "aigerim.zh@mail.ru",
    "d.akhmetova@school12.edu.kz",
    "x@y.kz",
];
const NAMES: [&str; 4] = [
    "Жумабекова Айгерим Нурлановна",
    "Сулейменов Нұрлан Асқарұлы",
    "ZHUMABEKOVA AIGERIM",
    "Иванов И.И.",
];
const WORDS: [&str; 10] = [
    "оплачено",
    "курс",
    "Алгебра 9",
    "ученик",
    "\"цитата\"",
    "a,b;c",
    "строка\nдве",
    "87 000 тг",
    "№ 1234567890",
    "  ",
];

/// One generated value, personal or not, as an export would hold it.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&IINS[..]).prop_map(String::from),
        prop::sample::select(&PHONES[..]).prop_map(String::from),
        prop::sample::select(&EMAILS[..]).prop_map(String::from),
        prop::sample::select(&NAMES[..]).prop_map(String::from),
        prop::sample::select(&WORDS[..]).prop_map(String::from),
        "[ -~а-яА-ЯәіңғүұқөһӘІ]{0,24}",
        Just(String::new()),
    ]
}

/// Free text: a few values and words run together.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(value(), 0..5).prop_map(|v| v.join(" "))
}

/// A file: its delimiter, line end, and records of (iin, name, phone, comment, grade, note);
/// a first column numbers the records.
#[derive(Clone, Debug)]
struct File {
    delimiter: u8,
    crlf: bool,
    records: Vec<[String; 6]>,
}

fn file(kept_values: BoxedStrategy<String>) -> impl Strategy<Value = File> {
    let record = (
        prop::sample::select(&IINS[..]).prop_map(String::from),
        prop::sample::select(&NAMES[..]).prop_map(String::from),
        prop::sample::select(&PHONES[..]).prop_map(String::from),
        text(),
        "[1-5]",
        kept_values,
    )
        .prop_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f]);
    (
        prop::sample::select(vec![b',', b';', b'\t']),
        any::<bool>(),
        prop::collection::vec(record, 0..60),
    )
        .prop_map(|(delimiter, crlf, records)| File {
            delimiter,
            crlf,
            records,
        })
}

const HEADER: [&str; 7] = [
    "Строка",
    "ИИН",
    "ФИО",
    "Телефон",
    "Комментарий",
    "Оценка",
    "Заметка",
];

impl File {
    fn bytes(&self) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .delimiter(self.delimiter)
            .terminator(if self.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(Vec::new());
        w.write_record(HEADER).unwrap();
        for (i, r) in self.records.iter().enumerate() {
            w.write_field((i + 1).to_string()).unwrap();
            w.write_record(r).unwrap();
        }
        w.into_inner().unwrap()
    }
}

fn records(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// What a run needs, built once per test.
struct Setup {
    classifier: Classifier,
    detectors: Detectors,
    policy: Policy,
    pseudonymiser: Pseudonymiser,
}

impl Setup {
    fn new() -> Setup {
        Setup {
            classifier: Classifier::builtin(),
            detectors: Detectors::from(DetectorSet::builtin()),
            // The note column is kept, whatever it holds.
            policy: Policy::parse(
                "version = 1\n[[column]]\nname = \"Заметка\"\naction = \"keep\"\n",
                "test",
            )
            .unwrap(),
            pseudonymiser: Pseudonymiser::new(&Key::generate().unwrap()),
        }
    }

    fn pipeline<'a>(&'a self, pool: &'a rayon::ThreadPool, batch: usize) -> Pipeline<'a> {
        Pipeline {
            classifier: &self.classifier,
            detectors: &self.detectors,
            policy: &self.policy,
            pseudonymiser: Some(&self.pseudonymiser),
            pool,
            batch_records: batch,
            max_records: None,
            progress: false,
            file_of: None,
            verbose: false,
        }
    }

    /// Scrubs `bytes` with `threads` workers and batches of `batch` records.
    fn scrub(&self, dir: &Path, bytes: &[u8], threads: usize, batch: usize) -> Vec<u8> {
        let input = dir.join(format!("in-{threads}-{batch}.csv"));
        let output = dir.join(format!("out-{threads}-{batch}.csv"));
        std::fs::write(&input, bytes).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let job = FileJob {
            format: FileFormat::of(&input).unwrap(),
            input,
            output: Some(output.clone()),
        };
        io::scrub_file(&job, &self.pipeline(&pool, batch)).expect("scrub");
        std::fs::read(output).unwrap()
    }

    fn personal_found(&self, dir: &Path, bytes: &[u8]) -> u64 {
        let input = dir.join("scan.csv");
        std::fs::write(&input, bytes).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let job = FileJob {
            format: FileFormat::of(&input).unwrap(),
            input,
            output: None,
        };
        io::scan_file(&job, &self.pipeline(&pool, 1000))
            .expect("scan")
            .personal_found()
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // More with `PROPTEST_CASES=1500 PROPTEST_RNG_SEED=random cargo test --release --test
        // props` (four such runs passed after the fixes named in src/detect/context.rs
        // `after_last_marker`, src/classify.rs and patterns/iin.toml `currency_words`).
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(24),
        failure_persistence: None,
        // A fixed seed keeps CI deterministic; explore with `PROPTEST_RNG_SEED=random` (or a
        // number) and more cases.
        rng_seed: match std::env::var("PROPTEST_RNG_SEED").ok().as_deref() {
            Some("random") => proptest::test_runner::RngSeed::Random,
            Some(n) => proptest::test_runner::RngSeed::Fixed(n.parse().unwrap_or(5)),
            None => proptest::test_runner::RngSeed::Fixed(5),
        },
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scrub_keeps_record_count_order_and_kept_columns(f in file(value().boxed())) {
        let setup = Setup::new();
        let dir = tempfile::tempdir().unwrap();
        let input = f.bytes();
        let output = setup.scrub(dir.path(), &input, 2, 16);
        let before = records(&input, f.delimiter);
        let after = records(&output, f.delimiter);
        prop_assert_eq!(after.len(), before.len(), "record count");
        prop_assert_eq!(&after[0], &before[0], "header");
        for (i, (a, b)) in after.iter().zip(&before).enumerate().skip(1) {
            prop_assert_eq!(&a[0], &i.to_string(), "record order");
            prop_assert_eq!(&a[5], &b[5], "grade");
            prop_assert_eq!(&a[6], &b[6], "the kept column, whatever it holds");
        }
    }

    #[test]
    fn scrub_output_is_the_same_for_any_threads_and_batch_size(
        f in file(value().boxed()),
        batch in 1usize..40,
    ) {
        let setup = Setup::new();
        let dir = tempfile::tempdir().unwrap();
        let input = f.bytes();
        let one = setup.scrub(dir.path(), &input, 1, 16_384);
        let many = setup.scrub(dir.path(), &input, 3, batch);
        prop_assert!(one == many, "1 thread vs 3 threads with batches of {}", batch);
    }

    #[test]
    fn scrubbing_scrubbed_output_changes_nothing_and_scans_clean(
        f in file(Just(String::new()).boxed()),
    ) {
        let setup = Setup::new();
        let dir = tempfile::tempdir().unwrap();
        let once = setup.scrub(dir.path(), &f.bytes(), 2, 16);
        let twice = setup.scrub(dir.path(), &once, 2, 16);
        prop_assert!(
            once == twice,
            "second scrub changed:\n{}\n---\n{}",
            String::from_utf8_lossy(&once),
            String::from_utf8_lossy(&twice)
        );
        prop_assert_eq!(setup.personal_found(dir.path(), &once), 0, "scan of the output");
    }
}
