//! `tazala scan`: which columns of which files hold personal data; counts and record numbers,
//! never values. Exit 1 when anything personal is found.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, ensure};

use super::Outcome;
use crate::classify::{Classifier, ColumnKind};
use crate::cli::{ScanArgs, ScanFormat};
use crate::detect::DetectorSet;
use crate::io::{self as tio, Detectors, FileJob, Pipeline};
use crate::policy::Policy;
use crate::report::{FileReport, RunReport};

/// A validated scan: every input listed, the policy (if any) checked.
struct ScanRun {
    jobs: Vec<FileJob>,
    skipped: Vec<PathBuf>,
    policy: Policy,
    pool: rayon::ThreadPool,
    format: ScanFormat,
    sample: Option<u64>,
    verbose: bool,
    keep_going: bool,
}

pub fn run(args: &ScanArgs) -> Result<Outcome> {
    ScanRun::new(args)?.execute()
}

impl ScanRun {
    fn new(args: &ScanArgs) -> Result<Self> {
        ensure!(args.threads != Some(0), "--threads must be at least 1");
        ensure!(args.sample != Some(0), "--sample must be at least 1");
        let policy = match &args.policy {
            Some(p) => Policy::load(p)?,
            None => Policy::defaults(),
        };
        let mut jobs = Vec::new();
        let mut skipped = Vec::new();
        for path in &args.paths {
            let (j, s) = tio::list_jobs(path, None)?;
            jobs.extend(j);
            skipped.extend(s);
        }
        Ok(ScanRun {
            jobs,
            skipped,
            policy,
            pool: super::thread_pool(args.threads)?,
            format: args.format,
            sample: args.sample,
            verbose: args.verbose,
            keep_going: args.keep_going,
        })
    }

    fn execute(self) -> Result<Outcome> {
        let detectors = Detectors::new();
        // Built on a thread of their own while the first file is opened and its first
        // records read (see `Pipeline::detectors`).
        std::thread::scope(|scope| {
            scope.spawn(|| detectors.get_or_init(DetectorSet::builtin));
            self.execute_with(&detectors)
        })
    }

    fn execute_with(self, detectors: &Detectors) -> Result<Outcome> {
        let started = Instant::now();
        let classifier = Classifier::builtin();
        let pipeline = Pipeline {
            classifier: &classifier,
            detectors,
            policy: &self.policy,
            pseudonymiser: None,
            pool: &self.pool,
            batch_records: super::BATCH_RECORDS,
            max_records: self.sample,
            progress: self.format == ScanFormat::Human,
            file_of: None,
            verbose: self.verbose,
        };
        let mut report = RunReport::new("scan");
        if self.policy.source != "built-in defaults" {
            report.policy_hash = Some(self.policy.hash.clone());
            report.policy_source = Some(self.policy.source.clone());
        }
        report.skipped = self
            .skipped
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let mut failures = super::Failures::default();
        super::for_each_job(
            &self.jobs,
            &pipeline,
            self.keep_going,
            // With `--verbose`, what is said of each file stays together.
            |_| !self.verbose,
            tio::scan_file,
            |job, result| match result {
                Ok(file) => {
                    report.push(file);
                    Ok(())
                }
                Err(err) => failures.add(&job.input, err, self.keep_going),
            },
        )?;
        report.failed = failures.failed.clone();
        report.seconds = started.elapsed().as_secs_f64();
        let stdout = io::stdout();
        let mut out = stdout.lock();
        match self.format {
            ScanFormat::Json => {
                serde_json::to_writer_pretty(&mut out, &report)
                    .context("cannot write to standard output")?;
                writeln!(out).context("cannot write to standard output")?;
            }
            ScanFormat::Human => print_human(&mut out, &report, self.sample)
                .context("cannot write to standard output")?,
        }
        out.flush().context("cannot write to standard output")?;
        failures.finish(report.files.len())?;
        Ok(if report.personal_found() > 0 {
            Outcome::Found
        } else {
            Outcome::Clean
        })
    }
}

fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
}

fn print_human(out: &mut impl Write, report: &RunReport, sample: Option<u64>) -> io::Result<()> {
    for file in &report.files {
        print_file(out, file, sample)?;
    }
    for s in &report.skipped {
        writeln!(
            out,
            "{s}: skipped (not .csv/.tsv, optionally .gz/.zst, nor .parquet)"
        )?;
    }
    let with = report
        .files
        .iter()
        .filter(|f| f.personal_found() > 0)
        .count();
    writeln!(
        out,
        "{} file(s), {} record(s): personal data in {} file(s)",
        report.totals.files, report.totals.records_in, with
    )
}

fn print_file(out: &mut impl Write, file: &FileReport, sample: Option<u64>) -> io::Result<()> {
    let f = &file.format;
    let mut how = vec![f.format.to_string()];
    how.extend(f.compression.clone());
    how.extend(f.encoding.map(String::from));
    if let Some(d) = &f.delimiter {
        how.push(format!("delimiter \"{d}\""));
    }
    let sampled = if sample.is_some_and(|n| file.records_in >= n) {
        " (sampled)"
    } else {
        ""
    };
    writeln!(
        out,
        "{}: {}, {} records{}",
        file.input,
        how.join(", "),
        file.records_in,
        sampled
    )?;
    let width = file
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(32);
    for c in &file.columns {
        let name: String = c.name.chars().take(32).collect();
        let pad = width.saturating_sub(name.chars().count());
        let found = &c.counts;
        let detail = if found.found_total() > 0 {
            let kinds: Vec<String> = found
                .found
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let examples: Vec<String> = found.examples.iter().map(u64::to_string).collect();
            format!(
                "{} in {} of records; e.g. records {}",
                kinds.join(", "),
                percent(found.with_findings, file.records_in),
                examples.join(", ")
            )
        } else if c.quasi_identifier {
            "quasi-identifier (kept)".to_string()
        } else if found.scrubbed > 0 {
            format!("{} value(s) already scrubbed", found.scrubbed)
        } else if c.evidence.decided_by == "values already scrubbed" {
            "sampled values already scrubbed".to_string()
        } else {
            "nothing found".to_string()
        };
        let kind = match c.kind {
            ColumnKind::NotPersonal => "none".to_string(),
            k => format!("{k} (by {})", c.evidence.decided_by),
        };
        writeln!(out, "  {name}{:pad$}  {kind:<32} {detail}", "")?;
    }
    Ok(())
}
