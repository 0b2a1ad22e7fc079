//! `tazala scrub`: copy CSV files with personal data pseudonymised or removed.
//!
//! Everything that can fail on user input fails in `ScrubRun::new`, before any output is
//! opened: the policy, the key (required when the policy pseudonymises), the inputs and their
//! outputs (never the input), the report path.

use std::fs;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail, ensure};

use super::Outcome;
use crate::anonymise;
use crate::classify::Classifier;
use crate::cli::ScrubArgs;
use crate::detect::DetectorSet;
use crate::io::{self as tio, AtomicOutput, Compression, Detectors, FileJob, Pipeline};
use crate::key::{KEY_FILE_ENV, Key};
use crate::policy::Policy;
use crate::pseudonym::Pseudonymiser;
use crate::report::RunReport;

struct ScrubRun {
    jobs: Vec<FileJob>,
    skipped: Vec<PathBuf>,
    policy: Policy,
    key: Option<Key>,
    report: Option<PathBuf>,
    pool: rayon::ThreadPool,
    batch_records: usize,
    verbose: bool,
    anonymity: anonymise::Settings,
    keep_going: bool,
}

pub fn run(args: &ScrubArgs) -> Result<Outcome> {
    ScrubRun::new(args)?.execute()
}

/// Why a key is required, and how to get one: printed when it is missing.
const NO_KEY: &str = "the policy pseudonymises, and pseudonyms need a secret key: an unkeyed \
hash of an IIN is reversed by hashing the ~10^9 plausible IINs and looking the result up. \
Create a key once with `tazala keygen -o PATH`, keep it apart from the data, and pass it with \
--key-file PATH or the TAZALA_KEY_FILE environment variable (or use a policy that only \
redacts, masks, nulls or drops)";

impl ScrubRun {
    fn new(args: &ScrubArgs) -> Result<Self> {
        ensure!(args.threads != Some(0), "--threads must be at least 1");
        ensure!(args.batch_records > 0, "--batch-records must be at least 1");
        ensure!(args.k != Some(0), "--k must be at least 1");
        let policy = match &args.policy {
            Some(p) => Policy::load(p)?,
            None => Policy::defaults(),
        };
        let key_path = args.key_file.clone().or_else(|| {
            std::env::var_os(KEY_FILE_ENV)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        });
        let key = match key_path {
            Some(path) => {
                let key = Key::load(&path)?;
                if Key::readable_by_others(&path) {
                    eprintln!(
                        "tazala: warning: the key file {} can be read by other users \
                         (chmod 600 it): whoever reads it can test guesses against pseudonyms",
                        path.display()
                    );
                }
                Some(key)
            }
            None if policy.needs_key() => bail!("{NO_KEY}"),
            None => None,
        };
        let (jobs, skipped) = tio::list_jobs(&args.input, Some(&args.output))?;
        if let Some(report) = &args.report {
            for job in &jobs {
                tio::refuse_same_file(&job.input, report)
                    .context("--report would overwrite an input")?;
                if job.output.as_ref() == Some(report) {
                    bail!("--report {} is also an output file", report.display());
                }
            }
        }
        Ok(ScrubRun {
            jobs,
            skipped,
            policy,
            key,
            report: args.report.clone(),
            pool: super::thread_pool(args.threads)?,
            batch_records: args.batch_records,
            verbose: args.verbose,
            anonymity: anonymise::Settings {
                k: args.k,
                suppress: args.suppress,
                quasi: args.quasi.clone(),
            },
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
        let pseudonymiser = self.key.as_ref().map(Pseudonymiser::new);
        let pipeline = Pipeline {
            classifier: &classifier,
            detectors,
            policy: &self.policy,
            pseudonymiser: pseudonymiser.as_ref(),
            pool: &self.pool,
            batch_records: self.batch_records,
            max_records: None,
            progress: true,
            file_of: None,
            verbose: self.verbose,
        };
        let mut report = RunReport::new("scrub");
        report.key_fingerprint = self.key.as_ref().map(Key::fingerprint);
        report.policy_hash = Some(self.policy.hash.clone());
        report.policy_source = Some(self.policy.source.clone());
        report.skipped = self
            .skipped
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        for path in &self.skipped {
            eprintln!(
                "tazala: {}: skipped, not written (not .csv/.tsv, optionally .gz/.zst, nor .parquet)",
                path.display()
            );
        }
        let mut failures = super::Failures::default();
        // Side by side only where the lines said on standard error are one file's each: not
        // with `--verbose`, nor with the k-anonymity passes (`say_risk`).
        let may_pair =
            |_: &FileJob| !self.verbose && !anonymise::needed(&self.policy, &self.anonymity);
        super::for_each_job(
            &self.jobs,
            &pipeline,
            self.keep_going,
            may_pair,
            |job, pipeline| self.scrub_one(job, pipeline),
            |job, result| match result {
                Ok((file, anonymity)) => {
                    report.push(file);
                    if let Some(anonymity) = anonymity {
                        say_risk(&anonymity);
                        report.anonymity.push(anonymity);
                    }
                    Ok(())
                }
                Err(err) => failures.add(&job.input, err, self.keep_going),
            },
        )?;
        report.failed = failures.failed.clone();
        report.seconds = started.elapsed().as_secs_f64();
        if let Some(path) = &self.report {
            let mut out = AtomicOutput::create(path, Compression::None)?;
            serde_json::to_writer_pretty(out.writer(), &report)
                .with_context(|| format!("cannot write {}", path.display()))?;
            std::io::Write::write_all(out.writer(), b"\n")
                .with_context(|| format!("cannot write {}", path.display()))?;
            out.commit()?;
        }
        if self.verbose {
            eprintln!(
                "tazala: {} file(s), {} record(s), {} value(s) changed",
                report.totals.files, report.totals.records_in, report.totals.changed
            );
        }
        failures.finish(report.files.len())?;
        Ok(Outcome::Clean)
    }
}

/// One line per output on standard error with `--k`: the risk, and what suppression cost.
fn say_risk(a: &anonymise::FileAnonymity) {
    let Some(r) = &a.risk else { return };
    let mut line = format!(
        "tazala: {}: k = {}: {} of {} records below k ({:.2} %), smallest class {}",
        a.output,
        r.k,
        r.records_below_k,
        r.records,
        r.share_below_k * 100.0,
        r.smallest_class
    );
    if let Some(s) = &a.suppression {
        line.push_str(&format!(
            "; suppressed {} values in {} records -> {} below k, smallest class {}",
            s.values_suppressed,
            s.records_touched,
            s.risk_after.records_below_k,
            s.risk_after.smallest_class
        ));
    }
    eprintln!("{line}");
}

impl ScrubRun {
    /// One file: its output directory made, its output checked again (a link inside a
    /// directory may point at an input), then scrubbed — with the k-anonymity passes when
    /// `--k` or the policy's generalisations ask for them.
    fn scrub_one(
        &self,
        job: &FileJob,
        pipeline: &Pipeline,
    ) -> Result<(crate::report::FileReport, Option<anonymise::FileAnonymity>)> {
        if let Some(dir) = job.output.as_ref().and_then(|o| o.parent())
            && !dir.as_os_str().is_empty()
        {
            fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
        }
        if let Some(out) = &job.output {
            tio::refuse_same_file(&job.input, out)?;
        }
        if anonymise::needed(&self.policy, &self.anonymity) {
            let (file, anonymity) = anonymise::scrub_file(job, pipeline, &self.anonymity)?;
            Ok((file, Some(anonymity)))
        } else {
            Ok((tio::scrub_file(job, pipeline)?, None))
        }
    }
}
