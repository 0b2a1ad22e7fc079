//! The passes that follow a scrub when the policy generalises or derives, or `scrub --k` asks for
//! the k-anonymity of the output: derive → scrub → count → rewrite, one file at a time.
//!
//! | pass | reads | writes | memory |
//! |---|---|---|---|
//! | derive (only when a rule has `derive`) | the input's IIN columns | a side file, one line of derived values per record | a record |
//! | scrub (`io::scrub_file`, unchanged) | the input | a hidden intermediate file next to the output | a batch |
//! | count (only with `top_code` or `--k`) | intermediate + side file | nothing | distinct values of top-coded columns + distinct classes |
//! | rewrite (when a value changes) | intermediate + side file | a temporary file renamed onto the output | the suppression plan: distinct classes touched |
//!
//! So files larger than memory work: memory is bounded by the number of distinct classes (and
//! of distinct values of top-coded columns), never by the number of records. The intermediate
//! and side files hold what the scrub kept of the generalised columns before generalisation (a
//! raw date of birth, say) and are removed when the file is done, whether it succeeded or not;
//! the output appears only complete.
//!
//! Where values go: derived columns right after their source column (in the order the rule
//! gives them), or at the end when the source column is dropped. A value that cannot be
//! generalised, and a derivation from something that is not an IIN, is empty (null in Parquet).
//! A suppressed value is `*` in CSV and null in Parquet. In Parquet a generalised, top-coded or
//! suppressed column is written as `Utf8`, a derived birth year as `Int16`, other derived
//! columns as `Utf8`. `top_code` and suppression see the generalised values; suppression sees
//! the top-coded ones. The risk after suppression is computed from the plan, so it is what
//! `tazala risk` measures on the output.
//!
//! What this module is not: it changes no scrub decision; the scrub runs exactly as without it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Serialize;

use crate::classify::{Classifier, ColumnKind};
use crate::detect::Kind;
use crate::generalise::{Derived, Generalisation, OTHER};
use crate::io::records::{self, NewColumn};
use crate::io::{self as tio, FileJob, Pipeline, Table};
use crate::normalize::{self, Scope};
use crate::report::FileReport;
use crate::risk::{self, ClassCounts, RiskSummary};

/// What `scrub --k N [--suppress] [--quasi …]` asks for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    pub k: Option<u64>,
    pub suppress: bool,
    pub quasi: Vec<String>,
}

/// What the passes did to one file: counts, never values.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileAnonymity {
    pub output: String,
    /// Per generalised column: the action and the values written empty because they could not
    /// be read.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub generalised: BTreeMap<String, Generalised>,
    /// Headers of the derived columns, and how many records derived nothing.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub derived_empty: BTreeMap<String, u64>,
    /// Per top-coded column: the values written `other`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub top_coded: BTreeMap<String, u64>,
    /// The output's k-anonymity before suppression (with `--k`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<RiskSummary>,
    /// With `--suppress`: what it cost, and the k-anonymity after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<SuppressionReport>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Generalised {
    pub action: &'static str,
    pub unreadable: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SuppressionReport {
    /// Quasi-identifiers in the order suppression chose them.
    pub order: Vec<String>,
    pub values_suppressed: u64,
    pub records_touched: u64,
    pub risk_after: RiskSummary,
}

/// Whether a scrub under `policy` with `settings` needs these passes.
pub fn needed(policy: &crate::policy::Policy, settings: &Settings) -> bool {
    policy.generalises() || settings.k.is_some()
}

/// A file removed when dropped (intermediate and side files).
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn temp_next_to(output: &Path, what: &str) -> PathBuf {
    let dir = output.parent().filter(|d| !d.as_os_str().is_empty());
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = format!(".{name}.tazala-{what}-{}", std::process::id());
    // Keep the output's extensions: the intermediate is read back in the same format.
    let temp = match name.find('.') {
        Some(i) => format!("{temp}{}", &name[i..]),
        None => temp,
    };
    dir.map_or_else(|| PathBuf::from(&temp), |d| d.join(&temp))
}

/// One involved column of the output: where its value comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum From {
    /// Column `.0` of the intermediate (its position among the values read).
    Scrubbed(usize),
    /// Value `.0` of the side file's line.
    Derived(usize),
}

/// Scrubs `job` through `pipeline`, then derives, generalises, top-codes, measures and
/// suppresses as the policy and `settings` say.
pub fn scrub_file(
    job: &FileJob,
    pipeline: &Pipeline,
    settings: &Settings,
) -> Result<(FileReport, FileAnonymity)> {
    let output = job.output.clone().expect("scrub jobs have an output");
    let policy = pipeline.policy;
    let parquet = job.format.table == Table::Parquet;

    // Derive: from the input, before the scrub pseudonymises it.
    let input = records::open(job)?;
    let derive_sources: Vec<(usize, Vec<(Derived, String)>)> = input
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let d = policy.derivations(h);
            (!d.is_empty()).then(|| (i, d.to_vec()))
        })
        .collect();
    let input_headers = input.headers.clone();
    let side = if derive_sources.is_empty() {
        drop(input);
        None
    } else {
        let side = TempFile(temp_next_to(&output, "derived"));
        let mut w =
            BufWriter::new(File::create(&side.0).with_context(|| {
                format!("cannot create a temporary file for {}", output.display())
            })?);
        let columns: Vec<usize> = derive_sources.iter().map(|(c, _)| *c).collect();
        let mut line = String::new();
        input.for_each(job, &columns, |values| {
            line.clear();
            let mut first = true;
            for (v, (_, ds)) in values.iter().zip(&derive_sources) {
                for (d, _) in ds {
                    if !first {
                        line.push('\t');
                    }
                    first = false;
                    if let Some(x) = v.and_then(|v| d.value(v)) {
                        line.push_str(&x);
                    }
                }
            }
            line.push('\n');
            w.write_all(line.as_bytes())
                .with_context(|| format!("cannot write a temporary file for {}", output.display()))
        })?;
        w.flush()
            .with_context(|| format!("cannot write a temporary file for {}", output.display()))?;
        Some(side)
    };

    // Scrub into an intermediate file.
    let intermediate = TempFile(temp_next_to(&output, "scrubbed"));
    let scrub_job = FileJob {
        input: job.input.clone(),
        output: Some(intermediate.0.clone()),
        format: job.format,
    };
    let mut report = tio::scrub_file(&scrub_job, pipeline)?;
    report.output = Some(output.display().to_string());
    let mut anonymity = FileAnonymity {
        output: output.display().to_string(),
        ..Default::default()
    };

    let mid_job = FileJob {
        input: intermediate.0.clone(),
        output: None,
        format: job.format,
    };
    let mid = records::open(&mid_job)?;
    let headers = mid.headers.clone();
    // Where derived columns go, and the output's headers.
    let mut added: Vec<NewColumn> = Vec::new();
    let mut derived_headers: Vec<String> = Vec::new();
    for (src, ds) in &derive_sources {
        let after = headers
            .iter()
            .position(|h| h == &input_headers[*src])
            .unwrap_or(headers.len().saturating_sub(1));
        for (d, header) in ds {
            if headers
                .iter()
                .any(|h| h.trim().eq_ignore_ascii_case(header))
                || derived_headers.contains(header)
            {
                bail!(
                    "{}: the derived column {header:?} already exists: name it otherwise in the policy",
                    job.input.display()
                );
            }
            added.push(NewColumn {
                after,
                header: header.clone(),
                year: *d == Derived::BirthYear,
            });
            derived_headers.push(header.clone());
        }
    }
    // Derived columns in output order (stable by `after`), each with its side-file position.
    let mut added_order: Vec<usize> = (0..added.len()).collect();
    added_order.sort_by_key(|&a| added[a].after);
    let mut final_headers: Vec<String> = Vec::new();
    let mut final_from: Vec<Option<From>> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        final_headers.push(h.clone());
        final_from.push(Some(From::Scrubbed(i)));
        for &a in added_order.iter().filter(|&&a| added[a].after == i) {
            final_headers.push(added[a].header.clone());
            final_from.push(Some(From::Derived(a)));
        }
    }
    if headers.is_empty() {
        for (a, c) in added.iter().enumerate() {
            final_headers.push(c.header.clone());
            final_from.push(Some(From::Derived(a)));
        }
    }

    // What happens to each output column.
    let kinds: HashMap<&str, ColumnKind> = report
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.kind))
        .collect();
    let generalisations: Vec<Option<Generalisation>> = headers
        .iter()
        .map(|h| policy.generalisation(h).cloned())
        .collect();
    let phone_columns: Vec<bool> = headers
        .iter()
        .map(|h| kinds.get(h.as_str()) == Some(&ColumnKind::Value(Kind::Phone)))
        .collect();
    let quasi: Vec<usize> = match settings.k {
        None => Vec::new(),
        Some(_) if settings.quasi.is_empty() => {
            let q = risk::suggest_quasi(&final_headers, &Classifier::builtin());
            if q.is_empty() {
                // In a directory, files without quasi-identifiers (a CRM's leads) are common.
                eprintln!(
                    "tazala: {}: no column header names a quasi-identifier: k not measured \
                     (name them with --quasi)",
                    output.display()
                );
            }
            q
        }
        Some(_) => risk::resolve_quasi(
            &final_headers,
            &settings.quasi,
            &output.display().to_string(),
        )?,
    };
    // Involved output columns: generalised, derived, quasi. `read` lists the intermediate's
    // columns the passes read.
    let mut involved: Vec<usize> = (0..final_headers.len())
        .filter(|&f| match final_from[f] {
            Some(From::Scrubbed(i)) => generalisations[i].is_some(),
            Some(From::Derived(_)) => true,
            None => false,
        })
        .collect();
    for &q in &quasi {
        if !involved.contains(&q) {
            involved.push(q);
        }
    }
    involved.sort_unstable();
    let read: Vec<usize> = involved
        .iter()
        .filter_map(|&f| match final_from[f] {
            Some(From::Scrubbed(i)) => Some(i),
            _ => None,
        })
        .collect();
    let slot_of: HashMap<usize, usize> =
        involved.iter().enumerate().map(|(s, &f)| (f, s)).collect();
    let quasi_slots: Vec<usize> = quasi.iter().map(|q| slot_of[q]).collect();
    let top_code: Vec<(usize, u64)> = involved
        .iter()
        .enumerate()
        .filter_map(|(s, &f)| match final_from[f] {
            Some(From::Scrubbed(i)) => match generalisations[i] {
                Some(Generalisation::TopCode(n)) => Some((s, n)),
                _ => None,
            },
            _ => None,
        })
        .collect();

    // Values of the involved columns for one record, generalised (not yet top-coded).
    let mut unreadable = vec![0u64; involved.len()];
    let mut derived_empty = vec![0u64; added.len()];
    let compute = |values: &[Option<&str>],
                   side_line: &str,
                   out: &mut Vec<Option<String>>,
                   unreadable: &mut [u64],
                   derived_empty: &mut [u64]| {
        out.clear();
        let mut read_pos = 0;
        let side: Vec<&str> = if side_line.is_empty() && added.is_empty() {
            Vec::new()
        } else {
            side_line.split('\t').collect()
        };
        for (s, &f) in involved.iter().enumerate() {
            let v = match final_from[f] {
                Some(From::Scrubbed(i)) => {
                    let raw = values[read_pos];
                    read_pos += 1;
                    match (&generalisations[i], raw) {
                        (None, raw) => raw.map(String::from),
                        (Some(_), None) => None,
                        (Some(g), Some(raw)) => {
                            let phone;
                            let raw = if phone_columns[i]
                                && matches!(g, Generalisation::Truncate(_))
                            {
                                phone = normalize::whole_value(Kind::Phone, raw, Scope::InColumn);
                                phone.as_deref().unwrap_or(raw)
                            } else {
                                raw
                            };
                            match g.apply(raw) {
                                Some(x) => Some(x),
                                None => {
                                    unreadable[s] += 1;
                                    (!parquet).then(String::new)
                                }
                            }
                        }
                    }
                }
                Some(From::Derived(a)) => {
                    let x = side.get(a).copied().unwrap_or("");
                    if x.is_empty() {
                        derived_empty[a] += 1;
                        (!parquet).then(String::new)
                    } else {
                        Some(x.to_string())
                    }
                }
                None => None,
            };
            out.push(v);
        }
    };
    let open_side = || -> Result<Option<BufReader<File>>> {
        side.as_ref()
            .map(|s| File::open(&s.0).map(BufReader::new))
            .transpose()
            .with_context(|| format!("cannot read a temporary file for {}", output.display()))
    };
    let mut side_line = String::new();
    let next_side = |reader: &mut Option<BufReader<File>>, line: &mut String| -> Result<()> {
        line.clear();
        if let Some(r) = reader {
            r.read_line(line).with_context(|| {
                format!("cannot read a temporary file for {}", output.display())
            })?;
            if line.ends_with('\n') {
                line.pop();
            }
        }
        Ok(())
    };

    // Count pass.
    let mut top_counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); top_code.len()];
    let mut classes = ClassCounts::new(quasi.len());
    if !top_code.is_empty() || settings.k.is_some() {
        let mut reader = open_side()?;
        let mut vals = Vec::new();
        let mut scratch_unreadable = vec![0u64; involved.len()];
        let mut scratch_empty = vec![0u64; added.len()];
        mid.for_each(&mid_job, &read, |values| {
            next_side(&mut reader, &mut side_line)?;
            compute(
                values,
                &side_line,
                &mut vals,
                &mut scratch_unreadable,
                &mut scratch_empty,
            );
            for (t, (s, _)) in top_code.iter().enumerate() {
                if let Some(v) = &vals[*s]
                    && !v.is_empty()
                {
                    match top_counts[t].get_mut(v.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            top_counts[t].insert(v.clone(), 1);
                        }
                    }
                }
            }
            classes.add(quasi_slots.iter().map(|&s| vals[s].as_deref()));
            Ok(())
        })?;
    } else {
        drop(mid);
    }
    // Rare values per top-coded column, and the classes as they will be once top-coded.
    let rare: Vec<HashSet<String>> = top_code
        .iter()
        .zip(&top_counts)
        .map(|((_, n), counts)| {
            counts
                .iter()
                .filter(|(_, c)| **c < *n)
                .map(|(v, _)| v.clone())
                .collect()
        })
        .collect();
    let top_code_slot = |s: usize| top_code.iter().position(|(t, _)| *t == s);
    let recode = |s: usize, v: &mut Option<String>| {
        if let Some(t) = top_code_slot(s)
            && let Some(x) = v
            && rare[t].contains(x.as_str())
        {
            *x = OTHER.to_string();
        }
    };
    if !top_code.is_empty() && !quasi.is_empty() {
        let mut recoded = ClassCounts::new(quasi.len());
        let mut key = String::new();
        for (k, n) in classes.iter() {
            let mut values = risk::decode_key(k);
            for (q, v) in values.iter_mut().enumerate() {
                recode(quasi_slots[q], v);
            }
            key.clear();
            risk::encode_key(values.iter().map(|v| v.as_deref()), &mut key);
            recoded.add_key(&key, n);
        }
        classes = recoded;
    }
    let quasi_names: Vec<String> = quasi.iter().map(|&q| final_headers[q].clone()).collect();
    let mut suppression = None;
    if let Some(k) = settings.k.filter(|_| !quasi.is_empty()) {
        anonymity.risk = Some(risk::summarise(&classes, &quasi_names, k));
        if settings.suppress {
            let plan = risk::plan_suppression(&classes, k);
            anonymity.suppression = Some(SuppressionReport {
                order: plan.order.iter().map(|&c| quasi_names[c].clone()).collect(),
                values_suppressed: plan.values_suppressed,
                records_touched: plan.records_touched,
                risk_after: risk::summarise(&plan.after, &quasi_names, k),
            });
            if plan.records_touched > 0 {
                suppression = Some(plan);
            }
        }
    }

    // Rewrite pass, when some value changes; else the intermediate is the output.
    let changes = involved.iter().any(|&f| match final_from[f] {
        Some(From::Scrubbed(i)) => generalisations[i].is_some(),
        _ => true,
    }) || suppression.is_some();
    if changes {
        let changed: Vec<usize> = involved
            .iter()
            .filter_map(|&f| match final_from[f] {
                Some(From::Scrubbed(i))
                    if generalisations[i].is_some()
                        || (suppression.is_some() && quasi.contains(&f)) =>
                {
                    Some(i)
                }
                _ => None,
            })
            .collect();
        let mid = records::open(&mid_job)?;
        let mut reader = open_side()?;
        let mut vals = Vec::new();
        let mut key = String::new();
        let mut quasi_values: Vec<Option<String>> = Vec::with_capacity(quasi.len());
        let mut top_coded = vec![0u64; involved.len()];
        mid.rewrite(
            &mid_job,
            &output,
            &read,
            &changed,
            &added,
            |values, new_changed, new_added| {
                next_side(&mut reader, &mut side_line)?;
                compute(
                    values,
                    &side_line,
                    &mut vals,
                    &mut unreadable,
                    &mut derived_empty,
                );
                for (s, v) in vals.iter_mut().enumerate() {
                    let before = v.clone();
                    recode(s, v);
                    if *v != before {
                        top_coded[s] += 1;
                    }
                }
                if let Some(plan) = suppression.as_mut() {
                    key.clear();
                    risk::encode_key(quasi_slots.iter().map(|&s| vals[s].as_deref()), &mut key);
                    quasi_values.clear();
                    quasi_values.extend(quasi_slots.iter().map(|&s| vals[s].clone()));
                    let before: Vec<bool> = quasi_values.iter().map(Option::is_some).collect();
                    if plan.apply(&key, &mut quasi_values) {
                        for (q, v) in quasi_values.iter_mut().enumerate() {
                            let s = quasi_slots[q];
                            vals[s] = match v.take() {
                                None if before[q] && !parquet => Some("*".to_string()),
                                None => None,
                                Some(x) => Some(x),
                            };
                        }
                    }
                }
                let mut c = 0;
                for (s, &f) in involved.iter().enumerate() {
                    match final_from[f] {
                        Some(From::Scrubbed(i)) if changed.get(c) == Some(&i) => {
                            new_changed[c] = vals[s].take();
                            c += 1;
                        }
                        Some(From::Derived(a)) => new_added[a] = vals[s].take(),
                        _ => {}
                    }
                }
                Ok(())
            },
        )?;
        for (s, &f) in involved.iter().enumerate() {
            if top_coded[s] > 0 {
                anonymity
                    .top_coded
                    .insert(final_headers[f].clone(), top_coded[s]);
            }
        }
    } else {
        drop(side);
        fs::rename(&intermediate.0, &output).with_context(|| {
            format!("cannot move the finished output onto {}", output.display())
        })?;
    }
    for (s, &f) in involved.iter().enumerate() {
        if let Some(From::Scrubbed(i)) = final_from[f]
            && let Some(g) = &generalisations[i]
        {
            anonymity.generalised.insert(
                final_headers[f].clone(),
                Generalised {
                    action: g.name(),
                    unreadable: unreadable[s],
                },
            );
        }
    }
    for (a, c) in added.iter().enumerate() {
        anonymity
            .derived_empty
            .insert(c.header.clone(), derived_empty[a]);
    }
    Ok((report, anonymity))
}
