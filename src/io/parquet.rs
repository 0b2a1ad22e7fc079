//! Parquet: the read → transform → write loop for typed, columnar exports.
//!
//! The output keeps what a reader of the file relies on (after arrow-rs `parquet-rewrite`):
//! - the Arrow schema (field names, types, nullability, metadata) minus dropped columns;
//! - the row groups: each input row group becomes one output row group with the same rows in
//!   the same order;
//! - each column's compression codec, and the file's key-value metadata (the `ARROW:schema`
//!   entry is written afresh by the writer).
//!
//! Values, by Arrow type:
//!
//! | type | how values are judged and changed |
//! |---|---|
//! | `Utf8`, `LargeUtf8`, `Utf8View` | as CSV values; `null` writes an empty string, nulls stay null |
//! | `Dictionary(_, Utf8)` | the dictionary's distinct values are scrubbed (counted once each), keys kept |
//! | `Int64`, `UInt64` | written in decimal and judged as text (an IIN that lost its leading zero is 11 digits); `pseudonymise` writes an integer pseudonym that no identifier can equal, `redact`/`mask`/`null` write a null |
//! | anything else (floats, dates, booleans, `Int32`, nested) | not searched: kept, or dropped by a rule. A header that names a personal kind over such a column is an error, so it is never kept silently; so is, without a rule, a type that can hold text (binary, or text nested in lists, structs, maps) |
//!
//! Untouched columns are passed on as the same Arrow arrays (no copy); Parquet's own encoding
//! of the pages is redone by the writer, so the file's bytes differ while its values do not.
//!
//! What this module is not: it decides nothing about values (see `scrub`).

use std::fs::File;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, Int64Array, LargeStringArray, RecordBatch, RecordBatchOptions, StringArray,
    StringViewArray, UInt64Array,
};
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use rayon::prelude::*;

use super::{AtomicOutput, Compression, FileJob, Pipeline};
use crate::classify::{ColumnClass, ColumnKind};
use crate::policy::{ColumnAction, ColumnPlan};
use crate::report::{ColumnCounts, ColumnReport, FileCounts, FileReport, FormatReport};
use crate::scrub::{self, IntegerChange, Scratch, Scrubber};

/// Rows handed to one worker at a time.
const ROWS_PER_TASK: usize = 4096;
/// Rows read to classify the columns, whatever the batch size (see `csv`).
const CLASSIFY_ROWS: usize = 16_384;

/// How tazala reads a column's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueType {
    Text,
    Integer {
        unsigned: bool,
    },
    /// Not searched (floats, dates, nested…).
    Opaque,
}

fn value_type(dt: &DataType) -> ValueType {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ValueType::Text,
        DataType::Dictionary(_, v) if value_type(v) == ValueType::Text => ValueType::Text,
        DataType::Int64 => ValueType::Integer { unsigned: false },
        DataType::UInt64 => ValueType::Integer { unsigned: true },
        _ => ValueType::Opaque,
    }
}

/// Whether values of a type tazala does not search can hold text or identifiers (binary, or
/// text nested in lists, structs, maps): kept unsearched, personal data in them would pass.
fn may_hold_text(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => true,
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _)
        | DataType::Map(f, _)
        | DataType::RunEndEncoded(_, f) => may_hold_text(f.data_type()),
        DataType::Struct(fields) => fields.iter().any(|f| may_hold_text(f.data_type())),
        DataType::Union(fields, _) => fields.iter().any(|(_, f)| may_hold_text(f.data_type())),
        DataType::Dictionary(_, v) => may_hold_text(v),
        _ => false,
    }
}

/// The values of a column slice as text, `None` for nulls (and for opaque types).
fn texts(array: &dyn Array) -> Vec<Option<String>> {
    let n = array.len();
    let mut out = Vec::with_capacity(n);
    match array.data_type() {
        DataType::Utf8 => out.extend(array.as_string::<i32>().iter().map(|v| v.map(String::from))),
        DataType::LargeUtf8 => {
            out.extend(array.as_string::<i64>().iter().map(|v| v.map(String::from)))
        }
        DataType::Utf8View => {
            out.extend(array.as_string_view().iter().map(|v| v.map(String::from)))
        }
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let values = texts(dict.values().as_ref());
            let keys = dict.normalized_keys();
            for (i, k) in keys.iter().enumerate() {
                out.push(if array.is_null(i) {
                    None
                } else {
                    values.get(*k).cloned().flatten()
                });
            }
        }
        DataType::Int64 => out.extend(
            array
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.map(|v| v.to_string())),
        ),
        DataType::UInt64 => out.extend(
            array
                .as_primitive::<UInt64Type>()
                .iter()
                .map(|v| v.map(|v| v.to_string())),
        ),
        _ => out.resize(n, None),
    }
    out
}

/// An opened file: its metadata read, nothing decoded yet.
struct OpenParquet {
    file: File,
    meta: ArrowReaderMetadata,
    schema: SchemaRef,
    types: Vec<ValueType>,
    headers: Vec<String>,
}

fn open(job: &FileJob) -> Result<OpenParquet> {
    let file =
        File::open(&job.input).with_context(|| format!("cannot open {}", job.input.display()))?;
    let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .with_context(|| format!("{}: not a readable Parquet file", job.input.display()))?;
    check_chunks(job, &file, &meta)?;
    let schema = meta.schema().clone();
    let types = schema
        .fields()
        .iter()
        .map(|f| value_type(f.data_type()))
        .collect();
    let headers: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    super::checks::unique_headers(&job.input, &headers)?;
    Ok(OpenParquet {
        file,
        meta,
        schema,
        types,
        headers,
    })
}

/// Refuses a footer whose column chunks lie outside the file: the reader would panic on a
/// negative offset (found by fuzzing, `fuzz_parquet_negative_column_offset`) or fail later.
fn check_chunks(job: &FileJob, file: &File, meta: &ArrowReaderMetadata) -> Result<()> {
    let len = file
        .metadata()
        .with_context(|| format!("cannot open {}", job.input.display()))?
        .len();
    for (r, rg) in meta.metadata().row_groups().iter().enumerate() {
        for (c, chunk) in rg.columns().iter().enumerate() {
            let start = chunk
                .dictionary_page_offset()
                .unwrap_or(chunk.data_page_offset());
            let size = chunk.compressed_size();
            let inside = u64::try_from(start)
                .ok()
                .zip(u64::try_from(size).ok())
                .is_some_and(|(start, size)| start.checked_add(size).is_some_and(|e| e <= len));
            if !inside {
                bail!(
                    "{}: not a readable Parquet file: row group {}, column {}: its pages lie \
                     outside the file (a corrupt footer)",
                    job.input.display(),
                    r + 1,
                    c + 1
                );
            }
        }
    }
    Ok(())
}

/// The next batch, a panic of the Parquet reader on corrupt pages turned into an error (found
/// by fuzzing, `fuzz_parquet_dictionary_page_missing`: "Decoder for dict should have been
/// set"), so a corrupt file is refused like any other, naming file and row group.
fn guarded_next(
    reader: &mut parquet::arrow::arrow_reader::ParquetRecordBatchReader,
) -> Option<Result<RecordBatch>> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.next())) {
        Ok(next) => next.map(|r| r.map_err(anyhow::Error::from)),
        Err(_) => Some(Err(anyhow::anyhow!(
            "the Parquet reader failed on corrupt pages"
        ))),
    }
}

impl OpenParquet {
    fn row_groups(&self) -> usize {
        self.meta.metadata().num_row_groups()
    }

    /// Reads one row group, or the whole file (`None`).
    fn reader(
        &self,
        row_group: Option<usize>,
        batch: usize,
    ) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader> {
        let file = self.file.try_clone()?;
        let mut builder =
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, self.meta.clone())
                .with_batch_size(batch);
        if let Some(rg) = row_group {
            builder = builder.with_row_groups(vec![rg]);
        }
        Ok(builder.build()?)
    }

    /// Classifies the columns from the first rows of the file.
    fn plan(&self, job: &FileJob, pipeline: &Pipeline) -> Result<Vec<(ColumnClass, ColumnPlan)>> {
        let mut samples: Vec<Vec<String>> = vec![Vec::new(); self.headers.len()];
        // Across row groups: the sample does not depend on how the file was grouped.
        if let Some(batch) = guarded_next(&mut self.reader(None, CLASSIFY_ROWS)?) {
            let batch = batch.with_context(|| format!("cannot read {}", job.input.display()))?;
            for (i, column) in batch.columns().iter().enumerate() {
                if self.types[i] == ValueType::Opaque {
                    continue;
                }
                samples[i] = texts(column.as_ref())
                    .into_iter()
                    .flatten()
                    .filter(|v| !v.trim().is_empty())
                    .take(crate::classify::SAMPLE_VALUES)
                    .collect();
            }
        }
        let mut planned = scrub::plan_columns(
            &self.headers,
            &samples,
            pipeline.classifier,
            pipeline.detectors,
            pipeline.policy,
        );
        for (i, (class, plan)) in planned.iter_mut().enumerate() {
            if self.types[i] != ValueType::Opaque {
                continue;
            }
            let leaves_alone = matches!(
                plan.action,
                ColumnAction::Whole(crate::action::Action::Keep | crate::action::Action::Drop)
            );
            if plan.kind != ColumnKind::NotPersonal && !leaves_alone {
                bail!(
                    "{}: column {:?} ({}) looks like {} but tazala cannot rewrite values of that \
                     type: add a policy rule for it with action \"drop\" or \"keep\"",
                    job.input.display(),
                    self.headers[i],
                    self.schema.field(i).data_type(),
                    plan.kind
                );
            }
            if plan.rule.is_none() && may_hold_text(self.schema.field(i).data_type()) {
                bail!(
                    "{}: column {} ({}) can hold text that tazala cannot search, so personal \
                     data in it would pass unseen: add a policy rule for it with action \
                     \"drop\" or \"keep\"",
                    job.input.display(),
                    i + 1,
                    self.schema.field(i).data_type()
                );
            }
            if plan.rule.is_none() {
                class.kind = ColumnKind::NotPersonal;
                class.evidence.decided_by = "type not searched";
                plan.kind = ColumnKind::NotPersonal;
            }
        }
        Ok(planned)
    }

    fn format_report(&self) -> FormatReport {
        let codec = self
            .meta
            .metadata()
            .row_groups()
            .first()
            .and_then(|rg| rg.columns().first())
            .map(|c| format!("{:?}", c.compression()).to_lowercase());
        FormatReport {
            format: "parquet",
            compression: codec,
            encoding: None,
            encoding_evidence: None,
            delimiter: None,
        }
    }

    /// Writer properties that keep the input's codecs, metadata and row group sizes.
    fn writer_properties(&self) -> WriterProperties {
        let metadata = self.meta.metadata();
        let mut props = WriterProperties::builder();
        let largest = metadata
            .row_groups()
            .iter()
            .map(|rg| rg.num_rows().max(1) as usize)
            .max()
            .unwrap_or(1);
        props = props.set_max_row_group_row_count(Some(largest));
        if let Some(rg) = metadata.row_groups().first() {
            for c in rg.columns() {
                props = props.set_column_compression(c.column_path().clone(), c.compression());
            }
        }
        let kv: Vec<KeyValue> = metadata
            .file_metadata()
            .key_value_metadata()
            .map(|kv| {
                kv.iter()
                    .filter(|e| e.key != "ARROW:schema")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !kv.is_empty() {
            props = props.set_key_value_metadata(Some(kv));
        }
        props.build()
    }
}

fn say_assumptions(
    job: &FileJob,
    headers: &[String],
    planned: &[(ColumnClass, ColumnPlan)],
    pipeline: &Pipeline,
) {
    if !pipeline.verbose {
        return;
    }
    eprintln!("tazala: {}: parquet", job.input.display());
    for (i, (class, plan)) in planned.iter().enumerate() {
        eprintln!(
            "tazala:   column {} {:?}: {} (by {}) -> {}",
            i + 1,
            headers[i],
            plan.kind,
            class.evidence.decided_by,
            plan.action.label()
        );
    }
}

/// Counts what is in a file without writing anything (`tazala scan`).
pub fn scan_file(job: &FileJob, pipeline: &Pipeline) -> Result<FileReport> {
    run(job, pipeline, None)
}

/// Scrubs one file into its output (`tazala scrub`).
pub fn scrub_file(job: &FileJob, pipeline: &Pipeline) -> Result<FileReport> {
    let output = job.output.as_deref().expect("scrub jobs have an output");
    run(job, pipeline, Some(output))
}

fn run(job: &FileJob, pipeline: &Pipeline, output: Option<&std::path::Path>) -> Result<FileReport> {
    let started = Instant::now();
    let open = open(job)?;
    super::checks::header_is_not_data(&job.input, &open.headers, pipeline.detectors)?;
    let planned = open.plan(job, pipeline)?;
    say_assumptions(job, &open.headers, &planned, pipeline);
    let plans: Vec<ColumnPlan> = planned.iter().map(|(_, p)| p.clone()).collect();
    let scrubber = match output {
        Some(_) => Scrubber::new(plans, pipeline.detectors, pipeline.pseudonymiser)
            .with_context(|| job.input.display().to_string())?,
        None => Scrubber::for_scan(plans, pipeline.detectors),
    };
    let kept: Vec<usize> = (0..open.headers.len())
        .filter(|i| !scrubber.drops(*i))
        .collect();
    let out_schema: SchemaRef = Arc::new(open.schema.project(&kept)?);

    let mut sink = match output {
        Some(path) => {
            let mut atomic = AtomicOutput::create(path, Compression::None)?;
            let writer = ArrowWriter::try_new(
                atomic.take_writer(),
                out_schema.clone(),
                Some(open.writer_properties()),
            )
            .with_context(|| format!("cannot write {}", path.display()))?;
            Some((atomic, writer))
        }
        None => None,
    };

    let limit = pipeline.max_records.unwrap_or(u64::MAX);
    let rows = open.meta.metadata().file_metadata().num_rows().max(0) as u64;
    let progress = super::progress_records(
        rows.min(limit),
        &job.input.display().to_string(),
        pipeline.progress,
    );
    let mut totals = FileCounts::new(open.headers.len());
    let mut first_record = 1u64;
    'groups: for rg in 0..open.row_groups() {
        let read_err = || format!("cannot read {}: row group {}", job.input.display(), rg + 1);
        let reader = open
            .reader(Some(rg), pipeline.batch_records)
            .with_context(read_err)?;
        let mut reader = reader;
        while let Some(batch) = guarded_next(&mut reader) {
            let mut batch = batch.with_context(read_err)?;
            let left = limit - (first_record - 1);
            if (batch.num_rows() as u64) > left {
                batch = batch.slice(0, left as usize);
            }
            let writing = sink.is_some();
            let results: Vec<Result<(Option<RecordBatch>, FileCounts)>> =
                pipeline.pool.install(|| {
                    let slices: Vec<(usize, RecordBatch)> = (0..batch.num_rows())
                        .step_by(ROWS_PER_TASK)
                        .map(|off| {
                            (
                                off,
                                batch.slice(off, ROWS_PER_TASK.min(batch.num_rows() - off)),
                            )
                        })
                        .collect();
                    slices
                        .into_par_iter()
                        .map_init(Scratch::default, |scratch, (off, slice)| {
                            scrub_slice(
                                &slice,
                                first_record + off as u64,
                                &open.types,
                                &scrubber,
                                &kept,
                                &out_schema,
                                scratch,
                                writing,
                            )
                            .with_context(|| job.input.display().to_string())
                        })
                        .collect()
                });
            for r in results {
                let (out, counts) = r?;
                if let (Some((_, writer)), Some(out)) = (sink.as_mut(), out) {
                    writer.write(&out)?;
                }
                totals += &counts;
            }
            first_record += batch.num_rows() as u64;
            progress.inc(batch.num_rows() as u64);
            if first_record > limit {
                break 'groups;
            }
        }
        if let Some((_, writer)) = sink.as_mut() {
            writer.flush()?;
        }
    }
    progress.finish_and_clear();
    if let Some((atomic, writer)) = sink {
        let path = output.expect("sink has a path");
        let inner = writer
            .into_inner()
            .with_context(|| format!("cannot write {}", path.display()))?;
        atomic.commit_with(inner)?;
    }
    let columns = planned
        .into_iter()
        .zip(totals.columns)
        .enumerate()
        .map(|(i, ((class, plan), counts))| ColumnReport {
            index: i,
            name: open.headers[i].clone(),
            kind: plan.kind,
            evidence: class.evidence,
            action: output.map(|_| plan.action.label()),
            quasi_identifier: pipeline.classifier.is_quasi(&open.headers[i]),
            counts,
        })
        .collect();
    Ok(FileReport {
        input: job.input.display().to_string(),
        output: output.map(|o| o.display().to_string()),
        format: open.format_report(),
        records_in: totals.records,
        records_out: output.map(|_| totals.records),
        columns,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Scrubs (or, without `writing`, examines) the rows of one slice; returns the output batch.
#[allow(clippy::too_many_arguments)]
fn scrub_slice(
    slice: &RecordBatch,
    first_record: u64,
    types: &[ValueType],
    scrubber: &Scrubber,
    kept: &[usize],
    out_schema: &SchemaRef,
    scratch: &mut Scratch,
    writing: bool,
) -> Result<(Option<RecordBatch>, FileCounts)> {
    let mut counts = FileCounts::new(types.len());
    counts.records = slice.num_rows() as u64;
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(kept.len());
    for (i, array) in slice.columns().iter().enumerate() {
        let c = &mut counts.columns[i];
        let new = if types[i] == ValueType::Opaque || scrubber.passes_through(i) {
            c.values += array.len() as u64;
            c.empty += array.null_count() as u64;
            None
        } else {
            scrub_array(
                array,
                i,
                types[i],
                first_record,
                scrubber,
                scratch,
                c,
                writing,
            )
        };
        if writing && kept.contains(&i) {
            columns.push(new.unwrap_or_else(|| array.clone()));
        }
    }
    if !writing {
        return Ok((None, counts));
    }
    let options = RecordBatchOptions::new().with_row_count(Some(slice.num_rows()));
    let batch = RecordBatch::try_new_with_options(out_schema.clone(), columns, &options).context(
        "a scrubbed column does not fit its type (a null in a non-nullable column? use \
         pseudonymise or drop there)",
    )?;
    Ok((Some(batch), counts))
}

/// A new array when some value changed, `None` when the array is kept as it is.
#[allow(clippy::too_many_arguments)]
fn scrub_array(
    array: &ArrayRef,
    column: usize,
    ty: ValueType,
    first_record: u64,
    scrubber: &Scrubber,
    scratch: &mut Scratch,
    counts: &mut ColumnCounts,
    writing: bool,
) -> Option<ArrayRef> {
    if let Some(dict) = array.as_any_dictionary_opt() {
        // Distinct values once; the keys say which record holds which.
        let values = dict.values();
        let new = scrub_array(
            values,
            column,
            ty,
            first_record,
            scrubber,
            scratch,
            counts,
            writing,
        )?;
        return Some(dict.with_values(new));
    }
    let values = texts(array.as_ref());
    match ty {
        ValueType::Text => {
            let mut changed = false;
            let mut out: Vec<Option<String>> = Vec::new();
            for (k, v) in values.iter().enumerate() {
                let record = first_record + k as u64;
                let new = match v {
                    None => {
                        counts.values += 1;
                        counts.empty += 1;
                        None
                    }
                    Some(v) if writing => scrubber.scrub(column, v, record, scratch, counts),
                    Some(v) => {
                        scrubber.examine(column, v, record, scratch, counts);
                        None
                    }
                };
                changed |= new.is_some();
                out.push(new.or_else(|| v.clone()));
            }
            if !changed {
                return None;
            }
            Some(match array.data_type() {
                DataType::LargeUtf8 => Arc::new(LargeStringArray::from(out)) as ArrayRef,
                DataType::Utf8View => Arc::new(StringViewArray::from(out)),
                _ => Arc::new(StringArray::from(out)),
            })
        }
        ValueType::Integer { unsigned } => {
            let mut changes: Vec<(usize, IntegerChange)> = Vec::new();
            for (k, v) in values.iter().enumerate() {
                match v {
                    None => {
                        counts.values += 1;
                        counts.empty += 1;
                    }
                    Some(v) => {
                        let record = first_record + k as u64;
                        let change = scrubber
                            .scrub_integer(column, v, unsigned, record, scratch, counts, writing);
                        if let Some(c) = change {
                            changes.push((k, c));
                        }
                    }
                }
            }
            if changes.is_empty() || !writing {
                return None;
            }
            Some(if unsigned {
                let old = array.as_primitive::<UInt64Type>();
                let mut vals: Vec<Option<u64>> = old.iter().collect();
                for (k, c) in changes {
                    vals[k] = match c {
                        IntegerChange::Unsigned(u) => Some(u),
                        _ => None,
                    };
                }
                Arc::new(UInt64Array::from(vals)) as ArrayRef
            } else {
                let old = array.as_primitive::<Int64Type>();
                let mut vals: Vec<Option<i64>> = old.iter().collect();
                for (k, c) in changes {
                    vals[k] = match c {
                        IntegerChange::Signed(i) => Some(i),
                        _ => None,
                    };
                }
                Arc::new(Int64Array::from(vals))
            })
        }
        ValueType::Opaque => None,
    }
}
