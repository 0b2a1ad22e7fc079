//! What the reader targets share: the pipeline, built once, and a read of every record (as
//! `tazala risk` does), a scan and a scrub of the input written to a file in a private
//! temporary directory (in memory where `/dev/shm` is).

use std::path::PathBuf;
use std::sync::LazyLock;

use tazala::classify::Classifier;
use tazala::detect::DetectorSet;
use tazala::io::{self, Detectors, FileFormat, FileJob, Pipeline};
use tazala::key::Key;
use tazala::policy::Policy;
use tazala::pseudonym::Pseudonymiser;

struct Fixed {
    classifier: Classifier,
    detectors: Detectors,
    policy: Policy,
    pseudonymiser: Pseudonymiser,
    pool: rayon::ThreadPool,
    dir: PathBuf,
}

static FIXED: LazyLock<Fixed> = LazyLock::new(|| {
    let base = ["/dev/shm", "/tmp"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("tazala-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    // libFuzzer aborts on every panic, even a caught one. tazala catches the Parquet reader's
    // panics on corrupt pages (`io::parquet::guarded_next`, wherever in parquet or arrow they
    // happen) and refuses the file; such a panic is let through here, and any other still ends
    // in libfuzzer-sys's abort.
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !tazala::io::parquet::inside_guarded_reader() {
            fuzzer_hook(info);
        }
    }));
    Fixed {
        classifier: Classifier::builtin(),
        detectors: Detectors::from(DetectorSet::builtin()),
        policy: Policy::defaults(),
        pseudonymiser: Pseudonymiser::new(&Key::from_bytes([7; 32])),
        pool: rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool"),
        dir,
    }
});

/// Reads every record of `data` written as `name` (as `risk` does), then scans and scrubs it:
/// errors are fine, panics are not, and a scrub that succeeds writes as many records as it
/// read.
pub fn scan_and_scrub(data: &[u8], name: &str) {
    let f = &*FIXED;
    let input = f.dir.join(name);
    std::fs::write(&input, data).expect("write fuzz input");
    let output = f.dir.join(format!("out-{name}"));
    let format = FileFormat::of(&input).expect("a known extension");
    let pipeline = Pipeline {
        classifier: &f.classifier,
        detectors: &f.detectors,
        policy: &f.policy,
        pseudonymiser: Some(&f.pseudonymiser),
        pool: &f.pool,
        // Small batches: batch boundaries are crossed even by short inputs.
        batch_records: 7,
        max_records: None,
        progress: false,
        file_of: None,
        verbose: false,
    };
    let job = FileJob {
        input: input.clone(),
        output: None,
        format,
    };
    // What `tazala risk` and the anonymisation passes read: every column of every record.
    if let Ok(records) = io::records::open(&job) {
        let columns: Vec<usize> = (0..records.headers.len()).collect();
        let _ = records.for_each(&job, &columns, |_| Ok(()));
    }
    let scanned = io::scan_file(&job, &pipeline);
    let job = FileJob {
        output: Some(output.clone()),
        ..job
    };
    if let Ok(report) = io::scrub_file(&job, &pipeline) {
        assert_eq!(
            report.records_out,
            Some(report.records_in),
            "record count kept"
        );
        if let Ok(scan) = scanned {
            assert_eq!(scan.records_in, report.records_in, "scan and scrub agree");
        }
    }
    let _ = std::fs::remove_file(&output);
}
