//! `tazala risk`: the k-anonymity of one CSV or Parquet file over its quasi-identifiers.
//!
//! One pass over the file: the values of the quasi-identifier columns of every record are
//! counted per class (`risk::ClassCounts`); memory grows with the number of distinct classes,
//! not with the file. Nothing is written; no value is printed.

use anyhow::{Result, bail, ensure};

use super::Outcome;
use crate::classify::Classifier;
use crate::cli::{RiskArgs, ScanFormat};
use crate::io::{self as tio, FileJob, records};
use crate::risk::{self, ClassCounts, RiskSummary};

pub fn run(args: &RiskArgs) -> Result<Outcome> {
    ensure!(args.k >= 1, "--k must be at least 1");
    let (jobs, _) = tio::list_jobs(&args.path, None)?;
    let [job] = jobs.as_slice() else {
        bail!(
            "{}: tazala risk measures one file (a directory's files are separate tables)",
            args.path.display()
        );
    };
    let summary = measure(job, &args.quasi, args.k)?;
    match args.format {
        ScanFormat::Human => {
            println!("{}", job.input.display());
            print!("{}", summary.human());
        }
        ScanFormat::Json => {
            let mut value = serde_json::to_value(&summary)?;
            value["file"] = serde_json::Value::String(job.input.display().to_string());
            println!("{}", serde_json::to_string_pretty(&value)?);
        }
    }
    Ok(if summary.reaches_k() {
        Outcome::Clean
    } else {
        Outcome::Found
    })
}

/// Counts the classes of `job`'s file over the columns `quasi` names (or the suggested ones).
pub fn measure(job: &FileJob, quasi: &[String], k: u64) -> Result<RiskSummary> {
    let records = records::open(job)?;
    let file = job.input.display().to_string();
    let columns = if quasi.is_empty() {
        let suggested = risk::suggest_quasi(&records.headers, &Classifier::builtin());
        if suggested.is_empty() {
            bail!(
                "{file}: no column header names a quasi-identifier (date of birth, sex, school, \
                 class, region…): name them with --quasi"
            );
        }
        suggested
    } else {
        risk::resolve_quasi(&records.headers, quasi, &file)?
    };
    let names: Vec<String> = columns
        .iter()
        .map(|&c| records.headers[c].clone())
        .collect();
    let mut counts = ClassCounts::new(columns.len());
    records.for_each(job, &columns, |values| {
        counts.add(values.iter().copied());
        Ok(())
    })?;
    Ok(risk::summarise(&counts, &names, k))
}
