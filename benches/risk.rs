//! `tazala risk` on a 1 M-record CSV export with 4 quasi-identifiers (date of birth, region,
//! school, class) from the synthetic cohort (`fixtures/cohort`): the time to count every class
//! and compute the per-column contributions, in process, and through the release binary when
//! it is built (`cargo build --release` first). Target: under ~5 s.
//!
//! ```text
//! cargo bench --bench risk             # 1 M records
//! cargo bench --bench risk -- 200000   # another size
//! ```

#[path = "../fixtures/cohort/mod.rs"]
mod cohort;

use std::path::Path;
use std::time::Instant;

use tazala::io::{FileFormat, FileJob};

const QUASI: [&str; 4] = ["Дата рождения", "Регион", "Школа", "Класс"];

fn main() {
    let records: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("students.csv");
    let started = Instant::now();
    // Three records (subjects) per student.
    let text = cohort::students_csv(records.div_ceil(3), 40, 2025);
    std::fs::write(&path, &text).expect("write the export");
    let mb = text.len() as f64 / 1e6;
    drop(text);
    println!(
        "risk bench: {records} records, {mb:.0} MB, generated in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let job = FileJob {
        input: path.clone(),
        output: None,
        format: FileFormat::of(&path).expect("a csv name"),
    };
    let quasi: Vec<String> = QUASI.iter().map(|q| q.to_string()).collect();
    for run in 1..=3 {
        let started = Instant::now();
        let summary = tazala::cmd::risk::measure(&job, &quasi, 5).expect("risk");
        let secs = started.elapsed().as_secs_f64();
        println!(
            "in process, run {run}: {secs:.2} s ({:.1} M records/s); {} classes, {} records below k = 5",
            summary.records as f64 / secs / 1e6,
            summary.classes,
            summary.records_below_k
        );
    }
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/tazala");
    if binary.exists() {
        for run in 1..=3 {
            let started = Instant::now();
            let out = std::process::Command::new(&binary)
                .arg("risk")
                .arg(&path)
                .arg("--quasi")
                .arg(QUASI.join(","))
                .output()
                .expect("run tazala");
            let secs = started.elapsed().as_secs_f64();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "tazala risk failed"
            );
            println!("release binary, run {run}: {secs:.2} s wall");
        }
    } else {
        println!("(no target/release/tazala: `cargo build --release` to time the binary too)");
    }
}
