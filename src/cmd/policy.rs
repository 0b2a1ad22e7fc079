//! `tazala policy suggest | check`: write a starter policy from a scan, or validate one.

use std::collections::BTreeSet;
use std::io::Write;

use anyhow::{Context, Result};

use super::Outcome;
use crate::classify::{Classifier, ColumnKind};
use crate::cli::{PolicyCheckArgs, PolicyCommand, PolicySuggestArgs};
use crate::detect::DetectorSet;
use crate::io::{self as tio, Detectors, Pipeline};
use crate::policy::Policy;

/// Records read per file to suggest a policy: the classifier samples no more than that.
const SUGGEST_RECORDS: u64 = 10_000;

pub fn run(command: &PolicyCommand) -> Result<Outcome> {
    match command {
        PolicyCommand::Suggest(args) => suggest(args),
        PolicyCommand::Check(args) => check(args),
    }
}

fn suggest(args: &PolicySuggestArgs) -> Result<Outcome> {
    let mut jobs = Vec::new();
    for path in &args.paths {
        jobs.extend(tio::list_jobs(path, None)?.0);
    }
    // Refuse an existing file before reading anything.
    let mut file = match &args.output {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| {
                    format!(
                        "cannot create {} (an existing file is not overwritten)",
                        path.display()
                    )
                })?,
        ),
        None => None,
    };
    let classifier = Classifier::builtin();
    let detectors = Detectors::from(DetectorSet::builtin());
    let policy = Policy::defaults();
    let pool = super::thread_pool(None)?;
    let pipeline = Pipeline {
        classifier: &classifier,
        detectors: &detectors,
        policy: &policy,
        pseudonymiser: None,
        pool: &pool,
        batch_records: super::BATCH_RECORDS,
        max_records: Some(SUGGEST_RECORDS),
        progress: false,
        file_of: None,
        verbose: false,
    };
    let mut seen = BTreeSet::new();
    let mut columns = Vec::new();
    for job in &jobs {
        let report = tio::scan_file(job, &pipeline)?;
        for c in report.columns {
            let quasi = c.quasi_identifier;
            if (c.kind == ColumnKind::NotPersonal && !quasi) || !seen.insert(c.name.clone()) {
                continue;
            }
            let note = format!(
                "{}: {} by {}{}",
                job.input.display(),
                c.kind,
                c.evidence.decided_by,
                if quasi {
                    " (quasi-identifier: kept by default)"
                } else {
                    ""
                }
            );
            columns.push((c.name, c.kind, note));
        }
    }
    let text = Policy::suggest(&columns);
    match file.as_mut() {
        Some(f) => f
            .write_all(text.as_bytes())
            .context("cannot write the policy")?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .context("cannot write to standard output")?;
        }
    }
    Ok(Outcome::Clean)
}

fn check(args: &PolicyCheckArgs) -> Result<Outcome> {
    let policy = Policy::load(&args.file)?;
    println!(
        "{}: valid; {} column rule(s); {}; hash {}",
        args.file.display(),
        policy.rules().len(),
        if policy.needs_key() {
            "pseudonymises (needs a key)"
        } else {
            "does not pseudonymise (no key needed)"
        },
        policy.hash
    );
    Ok(Outcome::Clean)
}
