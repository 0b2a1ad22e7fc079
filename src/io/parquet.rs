//! Parquet: the read → transform → write loop for typed, columnar exports.
//!
//! The output keeps what a reader of the file relies on (after arrow-rs `parquet-rewrite`):
//! - the Arrow schema (field names, types, nullability, metadata) minus dropped columns, with
//!   the logical types that Arrow has a canonical extension type for (UUID, JSON): the reader
//!   marks such a column with its extension type and the writer writes the logical type back
//!   (`arrow_canonical_extension_types`; without it a UUID came out as plain 16-byte binary);
//! - the row groups: each input row group becomes one output row group with the same rows in
//!   the same order, except that an output row group is closed once it holds
//!   [`MAX_GROUP_BYTES`] (16 MiB) of encoded data (at the end of a batch), so memory stays
//!   bounded however large the input's row groups are;
//! - each column's compression codec, and the file's key-value metadata (the `ARROW:schema`
//!   entry is written afresh by the writer).
//!
//! Values, by Arrow type:
//!
//! | type | how values are judged and changed |
//! |---|---|
//! | `Utf8`, `LargeUtf8`, `Utf8View` | as CSV values; nulls stay null; `null` writes a null (an empty string where the schema forbids nulls) |
//! | `Dictionary(_, Utf8)` | the dictionary's distinct values are scrubbed (counted once each), keys kept |
//! | `Int64`, `UInt64` | written in decimal and judged as text (an IIN that lost its leading zero is 11 digits); `pseudonymise` writes an integer pseudonym that no identifier can equal, `redact`/`mask`/`null` write a null. A column classified `none` is not searched past its sample: a number column's type says what it holds, and one id or amount in ten passes the IIN check digit by chance |
//! | anything else (floats, dates, booleans, `Int32`, nested) | not searched: kept, or dropped by a rule (an `Int32` cannot hold a 12-digit IIN nor a 10- or 11-digit phone). A header that names a personal kind over such a column is an error, so it is never kept silently; so is, without a rule, a type that can hold text (binary, or text nested in lists, structs, maps) |
//!
//! Untouched columns are passed on as the same Arrow arrays (no copy); Parquet's own encoding
//! of the pages is redone by the writer, so the file's bytes differ while its values do not.
//!
//! Processing: a thread reads and decodes batches one ahead; each batch is scrubbed in slices on
//! the rayon pool; an encoder thread hands the scrubbed batches, in order, to the same pool,
//! where their columns are encoded in parallel beside the scrubbing of later batches; column
//! chunks are appended in schema order, so the output is the same whatever `--threads` is.
//!
//! Before anything is decoded, the footer's chunk positions and every page header are checked
//! (`check_chunks`, [`pages`]): the reader trusts their sizes and would allocate what a corrupt
//! one claims.
//!
//! What this module is not: it decides nothing about values (see `scrub`).

mod pages;
mod thrift;

use std::fs::File;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use arrow_array::builder::GenericStringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{
    Array, ArrayRef, GenericStringArray, Int64Array, OffsetSizeTrait, RecordBatch,
    RecordBatchOptions, StringViewArray, UInt64Array,
};
use arrow_schema::{DataType, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::arrow_writer::{
    ArrowColumnChunk, ArrowColumnWriter, ArrowLeafColumn, ArrowRowGroupWriterFactory,
    compute_leaves,
};
use parquet::file::metadata::{KeyValue, ParquetMetaData};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rayon::prelude::*;

use super::{AtomicOutput, BackgroundSync, Compression, FileJob, FinishWrite, Pipeline};
use crate::action::Action;
use crate::classify::{ColumnClass, ColumnKind};
use crate::policy::{ColumnAction, ColumnPlan};
use crate::report::{ColumnCounts, ColumnReport, FileCounts, FileReport, FormatReport};
use crate::scrub::{self, IntegerChange, Scratch, Scrubber};

/// Rows handed to one worker at a time.
const ROWS_PER_TASK: usize = 4096;
/// Rows read to classify the columns, whatever the batch size (see `csv`).
const CLASSIFY_ROWS: usize = 16_384;
/// Rows decoded at a time while the columns' samples are gathered.
const SAMPLE_BATCH: usize = 2048;

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

/// Opens `job.input` and reads its footer, refusing a file whose footer or page headers the
/// reader must not be trusted with (`check_chunks`, [`pages`]). Every reader of user files goes
/// through here, then reads its batches with [`guarded_next`].
pub(super) fn open_checked(job: &FileJob) -> Result<(File, ArrowReaderMetadata)> {
    let file =
        File::open(&job.input).with_context(|| format!("cannot open {}", job.input.display()))?;
    if let Err(why) =
        check_footer(&file).with_context(|| format!("cannot read {}", job.input.display()))?
    {
        bail!(
            "{}: not a readable Parquet file: {why} (a corrupt footer)",
            job.input.display()
        );
    }
    let meta = ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
        .with_context(|| format!("{}: not a readable Parquet file", job.input.display()))?;
    check_chunks(job, &file, &meta)?;
    if let Some((r, c, bad)) = pages::check_file(&file, meta.metadata())
        .with_context(|| format!("cannot read {}", job.input.display()))?
    {
        bail!(
            "{}: not a readable Parquet file: row group {r}, column {c}, page {}: {} (a corrupt \
             page header)",
            job.input.display(),
            bad.page,
            bad.why
        );
    }
    Ok((file, meta))
}

fn open(job: &FileJob) -> Result<OpenParquet> {
    let (file, meta) = open_checked(job)?;
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

/// Walks the footer's Thrift bytes ([`thrift::check_footer`]) before the Parquet reader
/// decodes them. A file too short for a footer, or without the `PAR1` magic, is left to the
/// reader, which says what is wrong with it.
fn check_footer(mut file: &File) -> std::io::Result<Result<(), &'static str>> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    if len < 12 {
        return Ok(Ok(()));
    }
    let mut tail = [0u8; 8];
    file.seek(SeekFrom::Start(len - 8))?;
    file.read_exact(&mut tail)?;
    let metadata_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    if &tail[4..] != b"PAR1" || metadata_len > len - 12 {
        return Ok(Ok(()));
    }
    let mut metadata = vec![0u8; metadata_len as usize];
    file.seek(SeekFrom::Start(len - 8 - metadata_len))?;
    file.read_exact(&mut metadata)?;
    Ok(thrift::check_footer(&metadata))
}

/// Refuses a footer whose row counts are negative or whose column chunks lie outside the file:
/// the reader would panic on a negative offset (found by fuzzing,
/// `fuzz_parquet_negative_column_offset`) or fail later.
fn check_chunks(job: &FileJob, file: &File, meta: &ArrowReaderMetadata) -> Result<()> {
    let len = file
        .metadata()
        .with_context(|| format!("cannot open {}", job.input.display()))?
        .len();
    for (r, rg) in meta.metadata().row_groups().iter().enumerate() {
        // The reader adds the row counts up: a negative one (`fuzz_parquet_negative_row_count`)
        // overflows that sum.
        if rg.num_rows() < 0 {
            bail!(
                "{}: not a readable Parquet file: row group {} declares a negative number of \
                 rows (a corrupt footer)",
                job.input.display(),
                r + 1
            );
        }
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

thread_local! {
    /// Set while `guarded_next` runs the reader on this thread.
    static IN_GUARDED_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside the guarded Parquet reader, whose panics are caught and turned
/// into an error naming the file. Panic hooks (the binary's, the fuzz targets') ask this: such
/// a panic is an expected refusal of a corrupt file, not a bug to report or to crash on.
pub fn inside_guarded_reader() -> bool {
    IN_GUARDED_READER.with(std::cell::Cell::get)
}

/// Clears the flag when `guarded_next` returns or unwinds.
struct GuardedReaderFlag;

impl GuardedReaderFlag {
    fn set() -> Self {
        IN_GUARDED_READER.with(|f| f.set(true));
        GuardedReaderFlag
    }
}

impl Drop for GuardedReaderFlag {
    fn drop(&mut self) {
        IN_GUARDED_READER.with(|f| f.set(false));
    }
}

/// Runs `read` with its panics caught, flagged as inside the guarded reader while it runs.
fn guarded<T>(read: impl FnOnce() -> T) -> std::thread::Result<T> {
    let _flag = GuardedReaderFlag::set();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
}

/// The next batch, a panic of the Parquet reader on corrupt pages turned into an error (found
/// by fuzzing, `fuzz_parquet_dictionary_page_missing`: "Decoder for dict should have been
/// set"; and in arrow's buffers below it), so a corrupt file is refused like any other, naming
/// file and row group.
pub(super) fn guarded_next(
    reader: &mut parquet::arrow::arrow_reader::ParquetRecordBatchReader,
) -> Option<Result<RecordBatch>> {
    match guarded(|| reader.next()) {
        Ok(next) => next.map(|r| r.map_err(anyhow::Error::from).and_then(valid_text)),
        Err(_) => Some(Err(anyhow::anyhow!(
            "the Parquet reader failed on corrupt pages"
        ))),
    }
}

/// Refuses a batch whose text columns hold bytes that are not UTF-8. The reader should never
/// hand such a string array on, but on some corrupt pages it does (found by fuzzing,
/// `fuzz_parquet_invalid_utf8_text`), and every string operation after it would misread them.
/// Validation runs at several GB/s: a small cost next to decoding.
fn valid_text(batch: RecordBatch) -> Result<RecordBatch> {
    // Named, not numbered: a projected read's batch numbers its columns its own way.
    for (column, field) in batch.columns().iter().zip(batch.schema().fields()) {
        if !is_utf8(column.as_ref()) {
            bail!(
                "column {} holds text that is not UTF-8 (corrupt pages)",
                field.name()
            );
        }
    }
    Ok(batch)
}

fn is_utf8(array: &dyn Array) -> bool {
    /// The bytes between the first and last offset are UTF-8 and every offset falls on a
    /// character boundary: then each value is UTF-8.
    fn offsets_utf8<O: arrow_array::OffsetSizeTrait>(data: &[u8], offsets: &[O]) -> bool {
        let (Some(first), Some(last)) = (offsets.first(), offsets.last()) else {
            return true;
        };
        let Some(bytes) = data.get(first.as_usize()..last.as_usize()) else {
            return false;
        };
        // Offsets that go backwards are no valid array either.
        simdutf8::basic::from_utf8(bytes).is_ok_and(|text| {
            offsets.iter().all(|o| {
                o.as_usize()
                    .checked_sub(first.as_usize())
                    .is_some_and(|at| text.is_char_boundary(at))
            })
        })
    }
    match array.data_type() {
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            offsets_utf8(a.value_data(), a.value_offsets())
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            offsets_utf8(a.value_data(), a.value_offsets())
        }
        DataType::Utf8View => array
            .as_string_view()
            .bytes_iter()
            .all(|v| simdutf8::basic::from_utf8(v).is_ok()),
        DataType::Dictionary(_, _) => is_utf8(array.as_any_dictionary().values().as_ref()),
        _ => true,
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

    /// Names the row groups that hold the file's first `records` records ("row group 1",
    /// "row groups 1–3"): where a failure in reading them can lie.
    fn groups_holding_first(&self, records: usize) -> String {
        let mut rows = 0i64;
        let mut groups = 0;
        for rg in self.meta.metadata().row_groups() {
            groups += 1;
            rows = rows.saturating_add(rg.num_rows());
            if rows >= records as i64 {
                break;
            }
        }
        match groups {
            0 | 1 => "row group 1".to_string(),
            n => format!("row groups 1–{n}"),
        }
    }

    /// Classifies the columns from the first rows of the file.
    fn plan(&self, job: &FileJob, pipeline: &Pipeline) -> Result<Vec<(ColumnClass, ColumnPlan)>> {
        let mut samples: Vec<Vec<String>> = vec![Vec::new(); self.headers.len()];
        let sampled = |samples: &[Vec<String>]| {
            (0..samples.len()).all(|i| {
                self.types[i] == ValueType::Opaque
                    || samples[i].len() >= crate::classify::SAMPLE_VALUES
            })
        };
        // Across row groups: the sample does not depend on how the file was grouped. Read a
        // little at a time, until every column has its sample or CLASSIFY_ROWS rows are read:
        // the first thousand or two rows usually suffice, and decoding all CLASSIFY_ROWS of
        // every column held up the start of every file.
        let mut reader = self.reader(None, SAMPLE_BATCH)?;
        let mut rows = 0;
        while rows < CLASSIFY_ROWS && !sampled(&samples) {
            let Some(batch) = guarded_next(&mut reader) else {
                break;
            };
            let batch = batch.with_context(|| {
                format!(
                    "cannot read {}: {} (the first records, read to classify the columns)",
                    job.input.display(),
                    self.groups_holding_first(CLASSIFY_ROWS)
                )
            })?;
            let batch = batch.slice(0, batch.num_rows().min(CLASSIFY_ROWS - rows));
            rows += batch.num_rows();
            for (i, column) in batch.columns().iter().enumerate() {
                let room = crate::classify::SAMPLE_VALUES.saturating_sub(samples[i].len());
                if self.types[i] == ValueType::Opaque || room == 0 {
                    continue;
                }
                samples[i].extend(
                    texts(column.as_ref())
                        .into_iter()
                        .flatten()
                        .filter(|v| !v.trim().is_empty())
                        .take(room),
                );
            }
        }
        let mut planned = pipeline.pool.install(|| {
            scrub::plan_columns(
                &self.headers,
                &samples,
                pipeline.classifier,
                pipeline.detectors(),
                pipeline.policy,
            )
        });
        for (i, (class, plan)) in planned.iter_mut().enumerate() {
            // `scrub` searches `none` columns past their sample; a number column is not: its
            // type says what it holds, and in an id or amount column one number in ten passes
            // the IIN check digit by chance, which would break joins and sums.
            if self.types[i] != ValueType::Text
                && plan.kind == ColumnKind::NotPersonal
                && plan.rule.is_none()
            {
                plan.action = ColumnAction::Whole(Action::Keep);
            }
            if self.types[i] != ValueType::Opaque {
                continue;
            }
            let leaves_alone = matches!(
                plan.action,
                ColumnAction::Whole(Action::Keep | Action::Drop)
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
        writer_properties(self.meta.metadata())
    }
}

/// Writer properties that keep a file's codecs (per column; a column the input lacks gets the
/// first column's), key-value metadata and largest row group size: for every rewrite of a
/// Parquet file (the scrub, and the passes of `anonymise` through `records`).
pub(super) fn writer_properties(metadata: &ParquetMetaData) -> WriterProperties {
    let mut props = WriterProperties::builder();
    let largest = metadata
        .row_groups()
        .iter()
        .map(|rg| rg.num_rows().max(1) as usize)
        .max()
        .unwrap_or(1);
    props = props.set_max_row_group_row_count(Some(largest));
    if let Some(rg) = metadata.row_groups().first() {
        if let Some(first) = rg.columns().first() {
            props = props.set_compression(first.compression());
        }
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
    super::checks::header_is_not_data(&job.input, &open.headers, pipeline.detectors())?;
    let planned = open.plan(job, pipeline)?;
    say_assumptions(job, &open.headers, &planned, pipeline);
    let plans: Vec<ColumnPlan> = planned.iter().map(|(_, p)| p.clone()).collect();
    let scrubber = match output {
        Some(_) => Scrubber::new(plans, pipeline.detectors(), pipeline.pseudonymiser)
            .with_context(|| job.input.display().to_string())?,
        None => Scrubber::for_scan(plans, pipeline.detectors()),
    };
    let kept: Vec<usize> = (0..open.headers.len())
        .filter(|i| !scrubber.drops(*i))
        .collect();
    let out_schema: SchemaRef = Arc::new(open.schema.project(&kept)?);
    let cannot_write = |path: &std::path::Path| format!("cannot write {}", path.display());

    let mut sink = match output {
        Some(path) => {
            let mut atomic = AtomicOutput::create(path, Compression::None)?;
            let writer = ParallelWriter::new(
                atomic.take_writer(),
                out_schema.clone(),
                open.writer_properties(),
            )
            .with_context(|| cannot_write(path))?;
            Some((atomic, writer))
        }
        None => None,
    };

    let limit = pipeline.max_records.unwrap_or(u64::MAX);
    let rows = open.meta.metadata().file_metadata().num_rows().max(0) as u64;
    let progress = super::progress_records(
        rows.min(limit),
        &pipeline.progress_label(job),
        pipeline.progress,
    );
    let mut totals = FileCounts::new(open.headers.len());
    let mut first_record = 1u64;
    let slices = Slicer {
        types: &open.types,
        scrubber: &scrubber,
        kept: &kept,
        out_schema: &out_schema,
        writing: sink.is_some(),
        job,
    };
    // The encoder runs on a thread of its own, fed scrubbed batches in order through a short
    // queue: it hands each batch's columns to the rayon pool, where they are encoded beside the
    // scrubbing of the next batches, with no wait for one another at every batch (a batch's
    // scrub and the previous one's encoding, joined, left a core idle while the longer ended).
    std::thread::scope(|scope| -> Result<()> {
        let (to_encoder, queue) = std::sync::mpsc::sync_channel::<Encode>(ENCODER_QUEUE);
        let encoder = sink.take().map(|(atomic, mut writer)| {
            let pool = &pipeline.pool;
            scope.spawn(move || -> Result<(AtomicOutput, ParallelWriter)> {
                for work in queue {
                    pool.install(|| match work {
                        Encode::Batches(batches) => writer.write(&batches),
                        Encode::GroupEnd => writer.end_group(),
                    })?;
                }
                Ok((atomic, writer))
            })
        });
        // `false` when the encoder has stopped (on an error, which its join gives).
        let send = |work: Encode| encoder.is_none() || to_encoder.send(work).is_ok();
        let read = open.for_each_read(job, pipeline.batch_records, limit, |read| {
            match read {
                Read::Batch(batch) => {
                    let (out, counts) = pipeline
                        .pool
                        .install(|| slices.scrub(&batch, first_record))?;
                    totals += &counts;
                    first_record += batch.num_rows() as u64;
                    progress.inc(batch.num_rows() as u64);
                    if !send(Encode::Batches(out)) {
                        bail!("the encoder stopped");
                    }
                }
                Read::GroupEnd => {
                    if !send(Encode::GroupEnd) {
                        bail!("the encoder stopped");
                    }
                }
            }
            Ok(())
        });
        drop(to_encoder);
        // A panic in the encoder goes on as the panic it was.
        let encoded = encoder.map(|e| {
            e.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        // The encoder's own error says more than "it stopped".
        let encoded = encoded.transpose()?;
        read?;
        sink = encoded;
        Ok(())
    })?;
    progress.finish_and_clear();
    if let Some((atomic, writer)) = sink {
        let path = output.expect("sink has a path");
        let inner = pipeline
            .pool
            .install(|| writer.finish())
            .with_context(|| cannot_write(path))?;
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

/// Scrubbed batches the encoder may hold queued: with the one it encodes and the one being
/// scrubbed, a few batches in memory at once.
const ENCODER_QUEUE: usize = 2;

/// What the scrubbing loop hands the encoder, in file order.
enum Encode {
    Batches(Vec<RecordBatch>),
    /// The end of an input row group: the output closes its row group too.
    GroupEnd,
}

/// What the reading thread hands on, in file order.
enum Read {
    Batch(RecordBatch),
    /// The end of an input row group: the output closes its row group too.
    GroupEnd,
}

impl OpenParquet {
    /// Reads the row groups' batches, `limit` records in all, on a thread of its own and hands
    /// them to `each` in order: decoding overlaps with scrubbing and encoding, and at most two
    /// batches wait in memory.
    fn for_each_read(
        &self,
        job: &FileJob,
        batch_records: usize,
        limit: u64,
        mut each: impl FnMut(Read) -> Result<()>,
    ) -> Result<()> {
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Read>>(2);
            scope.spawn(move || {
                let mut left = limit;
                for rg in 0..self.row_groups() {
                    if left == 0 {
                        break;
                    }
                    let read_err =
                        || format!("cannot read {}: row group {}", job.input.display(), rg + 1);
                    let reader = match self.reader(Some(rg), batch_records) {
                        Ok(r) => r,
                        Err(e) => {
                            let _ = tx.send(Err(e.context(read_err())));
                            return;
                        }
                    };
                    let mut reader = reader;
                    while let Some(batch) = guarded_next(&mut reader) {
                        let batch = match batch {
                            Ok(b) => b,
                            Err(e) => {
                                let _ = tx.send(Err(e.context(read_err())));
                                return;
                            }
                        };
                        let n = (batch.num_rows() as u64).min(left);
                        left -= n;
                        // A closed channel: the consumer stopped on an error.
                        if tx
                            .send(Ok(Read::Batch(batch.slice(0, n as usize))))
                            .is_err()
                        {
                            return;
                        }
                        if left == 0 {
                            break;
                        }
                    }
                    if tx.send(Ok(Read::GroupEnd)).is_err() {
                        return;
                    }
                }
            });
            for read in rx {
                each(read?)?;
            }
            Ok(())
        })
    }
}

/// Encoded bytes of an output row group above which it is closed after the batch being
/// written, whatever the size of the input's row group: the writer holds one row group, so
/// memory stays bounded by this and the batch size; and a closed group goes to the disk, and
/// is synced there, while the next is encoded (with 64 MiB, the bench's 41 MB output was one
/// group, written and synced after everything else: 62 ms of the end of the run).
const MAX_GROUP_BYTES: usize = 16 << 20;

/// A Parquet writer that encodes the columns of a row group in parallel (one column writer per
/// leaf, on the rayon pool it is called from) and appends them in schema order: the bytes are
/// those `ArrowWriter` writes, whatever the number of threads.
struct ParallelWriter {
    file: SerializedFileWriter<Box<dyn FinishWrite>>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    /// The column writers of the row group in progress.
    group: Option<Vec<ArrowColumnWriter>>,
    /// [`MAX_GROUP_BYTES`], smaller in tests.
    max_group_bytes: usize,
    /// Each row group is put on the disk as it is written, so the sync before the rename waits
    /// for the last one only.
    sync: BackgroundSync,
}

impl ParallelWriter {
    fn new(
        out: Box<dyn FinishWrite>,
        schema: SchemaRef,
        props: WriterProperties,
    ) -> Result<ParallelWriter> {
        // `ArrowWriter` converts the schema and records it as `ARROW:schema`, then lends its
        // file writer and column writer factory.
        let (file, factory) =
            ArrowWriter::try_new(out, schema.clone(), Some(props))?.into_serialized_writer()?;
        Ok(ParallelWriter {
            file,
            factory,
            schema,
            group: None,
            max_group_bytes: MAX_GROUP_BYTES,
            sync: BackgroundSync::default(),
        })
    }

    /// Encodes `batches`, in order, into the row group in progress; closes it when it has grown
    /// past [`MAX_GROUP_BYTES`].
    fn write(&mut self, batches: &[RecordBatch]) -> Result<()> {
        if batches.is_empty() {
            return Ok(());
        }
        let group = match &mut self.group {
            Some(g) => g,
            slot => slot.insert(
                self.factory
                    .create_column_writers(self.file.flushed_row_groups().len())?,
            ),
        };
        let mut leaves: Vec<Vec<ArrowLeafColumn>> = (0..group.len())
            .map(|_| Vec::with_capacity(batches.len()))
            .collect();
        for batch in batches {
            let mut slot = 0;
            for (field, column) in self.schema.fields().iter().zip(batch.columns()) {
                for leaf in compute_leaves(field, column)? {
                    leaves[slot].push(leaf);
                    slot += 1;
                }
            }
        }
        group
            .par_iter_mut()
            .zip(leaves.into_par_iter())
            .try_for_each(|(writer, leaves)| leaves.iter().try_for_each(|l| writer.write(l)))?;
        let buffered: usize = group.iter().map(|w| w.get_estimated_total_bytes()).sum();
        if buffered >= self.max_group_bytes {
            self.end_group()?;
        }
        Ok(())
    }

    /// Closes the row group in progress, if any, and writes it out.
    fn end_group(&mut self) -> Result<()> {
        let Some(group) = self.group.take() else {
            return Ok(());
        };
        let chunks: Vec<ArrowColumnChunk> = group
            .into_par_iter()
            .map(ArrowColumnWriter::close)
            .collect::<Result<_, _>>()?;
        let mut row_group = self.file.next_row_group()?;
        for chunk in chunks {
            chunk.append_to_row_group(&mut row_group)?;
        }
        row_group.close()?;
        self.file.flush()?;
        self.sync.start(self.file.inner_mut().file())?;
        Ok(())
    }

    /// Writes the last row group and the footer; returns the stream for the atomic rename.
    fn finish(mut self) -> Result<Box<dyn FinishWrite>> {
        self.end_group()?;
        self.sync.wait()?;
        Ok(self.file.into_inner()?)
    }
}

/// Scrubs batches slice by slice on the rayon pool.
struct Slicer<'a> {
    types: &'a [ValueType],
    scrubber: &'a Scrubber<'a>,
    kept: &'a [usize],
    out_schema: &'a SchemaRef,
    writing: bool,
    job: &'a FileJob,
}

impl Slicer<'_> {
    /// The batch's slices scrubbed in parallel, in order (none without `writing`), and counts.
    fn scrub(
        &self,
        batch: &RecordBatch,
        first_record: u64,
    ) -> Result<(Vec<RecordBatch>, FileCounts)> {
        let slices: Vec<(usize, RecordBatch)> = (0..batch.num_rows())
            .step_by(ROWS_PER_TASK)
            .map(|off| {
                (
                    off,
                    batch.slice(off, ROWS_PER_TASK.min(batch.num_rows() - off)),
                )
            })
            .collect();
        let results: Vec<Result<(Option<RecordBatch>, FileCounts)>> = slices
            .into_par_iter()
            .map_init(Scratch::default, |scratch, (off, slice)| {
                scrub_slice(
                    &slice,
                    first_record + off as u64,
                    self.types,
                    self.scrubber,
                    self.kept,
                    self.out_schema,
                    scratch,
                    self.writing,
                )
                .with_context(|| self.job.input.display().to_string())
            })
            .collect();
        let mut out = Vec::with_capacity(results.len());
        let mut totals = FileCounts::new(self.types.len());
        for r in results {
            let (batch, counts) = r?;
            out.extend(batch);
            totals += &counts;
        }
        Ok((out, totals))
    }
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
    let schema = slice.schema();
    for (i, array) in slice.columns().iter().enumerate() {
        let c = &mut counts.columns[i];
        let new = if types[i] == ValueType::Opaque || scrubber.passes_through(i) {
            c.values += array.len() as u64;
            c.empty += array.null_count() as u64;
            None
        } else {
            let column = Column {
                index: i,
                ty: types[i],
                // `null` writes a null where the schema allows one, as in a CSV an empty value.
                nulls: schema.field(i).is_nullable()
                    && scrubber.plans()[i].action == ColumnAction::Whole(Action::Null),
            };
            scrub_array(array, &column, first_record, scrubber, scratch, c, writing)
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

/// A column being scrubbed.
struct Column {
    index: usize,
    ty: ValueType,
    /// Changed values become nulls (the `null` action on a nullable column).
    nulls: bool,
}

/// A new array when some value changed, `None` when the array is kept as it is. Nulls stay
/// nulls; values are read in place, and only changed ones are allocated.
fn scrub_array(
    array: &ArrayRef,
    column: &Column,
    first_record: u64,
    scrubber: &Scrubber,
    scratch: &mut Scratch,
    counts: &mut ColumnCounts,
    writing: bool,
) -> Option<ArrayRef> {
    if let Some(dict) = array.as_any_dictionary_opt() {
        // Distinct values are scrubbed once for the new array (its keys say which record holds
        // which); rows are counted one by one, each a repeat the scrubber's memo answers, so
        // the report counts rows as it does for any other column.
        let new = if writing {
            let mut per_value = ColumnCounts::default();
            let values = dict.values();
            scrub_array(
                values,
                column,
                first_record,
                scrubber,
                scratch,
                &mut per_value,
                true,
            )
        } else {
            None
        };
        let values = dict.values();
        let value_at = |j: usize| -> Option<&str> {
            if values.is_null(j) {
                return None;
            }
            match values.data_type() {
                DataType::Utf8 => Some(values.as_string::<i32>().value(j)),
                DataType::LargeUtf8 => Some(values.as_string::<i64>().value(j)),
                DataType::Utf8View => Some(values.as_string_view().value(j)),
                _ => None,
            }
        };
        let mut pass = scrubber.pass(column.index);
        for (k, key) in dict.normalized_keys().into_iter().enumerate() {
            let value = if array.is_valid(k) {
                value_at(key)
            } else {
                None
            };
            match value {
                Some(v) => pass.examine(v, first_record + k as u64, scratch, counts),
                None => {
                    counts.values += 1;
                    counts.empty += 1;
                }
            }
        }
        return new.map(|new| dict.with_values(new));
    }
    // New values end to end in one string; each change is its record's index and its span
    // there (`None`: a null).
    let text = |values: &mut dyn Iterator<Item = Option<&str>>,
                scratch: &mut Scratch,
                counts: &mut ColumnCounts| {
        let values: Vec<Option<&str>> = values.collect();
        // New values are about as long as the old ones, or a pseudonym's length: reserved at
        // once rather than grown (and copied) by doubling. Room not written is never touched.
        let old_bytes: usize = values.iter().flatten().map(|v| v.len()).sum();
        let mut changes = Changes {
            text: String::with_capacity(old_bytes + values.len() * PSEUDONYM_ROOM),
            spans: Vec::new(),
        };
        let mut pass = scrubber.pass(column.index);
        for (k, &v) in values.iter().enumerate() {
            if k % scrub::LOOK_AHEAD == 0 {
                let group = &values[k..(k + scrub::LOOK_AHEAD).min(values.len())];
                pass.look_ahead(group.iter().flatten().copied());
            }
            let Some(v) = v else {
                counts.values += 1;
                counts.empty += 1;
                continue;
            };
            let record = first_record + k as u64;
            if writing {
                let start = changes.text.len();
                let new = &mut changes.text;
                if pass.scrub_into(v, record, scratch, counts, new) {
                    let span = (!column.nulls).then_some(start..changes.text.len());
                    changes.spans.push((k, span));
                }
            } else {
                pass.examine(v, record, scratch, counts);
            }
        }
        changes
    };
    match column.ty {
        ValueType::Text => {
            let array = array.as_ref();
            let changes = match array.data_type() {
                DataType::Utf8 => text(&mut array.as_string::<i32>().iter(), scratch, counts),
                DataType::LargeUtf8 => text(&mut array.as_string::<i64>().iter(), scratch, counts),
                DataType::Utf8View => text(&mut array.as_string_view().iter(), scratch, counts),
                _ => return None,
            };
            if changes.spans.is_empty() {
                return None;
            }
            Some(match array.data_type() {
                DataType::LargeUtf8 => {
                    Arc::new(string_with_changes(array.as_string::<i64>(), &changes)) as ArrayRef
                }
                DataType::Utf8View => Arc::new(
                    merged(array.as_string_view().iter(), &changes).collect::<StringViewArray>(),
                ),
                _ => Arc::new(string_with_changes(array.as_string::<i32>(), &changes)),
            })
        }
        ValueType::Integer { unsigned } => {
            let mut changes: Vec<(usize, IntegerChange)> = Vec::new();
            let mut decimal = String::with_capacity(20);
            // A value as (negative, magnitude).
            let mut each = |k: usize, v: Option<(bool, u64)>| {
                let Some((negative, magnitude)) = v else {
                    counts.values += 1;
                    counts.empty += 1;
                    return;
                };
                decimal.clear();
                push_decimal(&mut decimal, negative, magnitude);
                let record = first_record + k as u64;
                let change = scrubber.scrub_integer(
                    column.index,
                    &decimal,
                    unsigned,
                    record,
                    scratch,
                    counts,
                    writing,
                );
                if let Some(c) = change {
                    changes.push((k, c));
                }
            };
            if unsigned {
                let values = array.as_primitive::<UInt64Type>();
                for (k, v) in values.iter().enumerate() {
                    each(k, v.map(|v| (false, v)));
                }
            } else {
                let values = array.as_primitive::<Int64Type>();
                for (k, v) in values.iter().enumerate() {
                    each(k, v.map(|v| (v < 0, v.unsigned_abs())));
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

/// Appends an integer in decimal, as `Display` writes it: through `write!` the formatting cost
/// more than the rest of a typical value's scrub.
fn push_decimal(out: &mut String, negative: bool, mut magnitude: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if negative {
        out.push('-');
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// The new values of a text array: `spans` (sorted by index) say which value changes and
/// where its new value is in `text` (`None`: it becomes null).
#[derive(Default)]
struct Changes {
    text: String,
    spans: Vec<(usize, Option<std::ops::Range<usize>>)>,
}

/// Bytes reserved per value for its new value beyond the old value's length: a pseudonym
/// (`kdtbrmhsglnpcfjv@pseudonym.invalid`, 34 bytes) is longer than most identifiers.
const PSEUDONYM_ROOM: usize = 24;

/// `values` with the `changes` put in.
fn merged<'a>(
    values: impl Iterator<Item = Option<&'a str>>,
    changes: &'a Changes,
) -> impl Iterator<Item = Option<&'a str>> {
    let mut next = changes.spans.iter().peekable();
    values
        .enumerate()
        .map(move |(k, v)| match next.next_if(|(i, _)| *i == k) {
            Some((_, new)) => new.clone().map(|span| &changes.text[span]),
            None => v,
        })
}

/// A string array of `array`'s values with the `changes` put in, its buffers allocated at
/// their final size: a collect starts small and doubles, copying the values at each step (4 %
/// of the instructions of a scrub of the bench's Parquet file).
fn string_with_changes<O: OffsetSizeTrait>(
    array: &GenericStringArray<O>,
    changes: &Changes,
) -> GenericStringArray<O> {
    let offsets = array.value_offsets();
    let old_bytes = match (offsets.first(), offsets.last()) {
        (Some(first), Some(last)) => (*last - *first).as_usize(),
        _ => 0,
    };
    let mut builder =
        GenericStringBuilder::<O>::with_capacity(array.len(), old_bytes + changes.text.len());
    builder.extend(merged(array.iter(), changes));
    builder.finish()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use arrow_array::{DictionaryArray, LargeStringArray, StringArray, types::Int32Type};
    use arrow_schema::{Field, Schema};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReader;

    use super::*;
    use crate::classify::Classifier;
    use crate::detect::{DetectorSet, Kind};
    use crate::io::FileFormat;
    use crate::key::Key;
    use crate::policy::Policy;
    use crate::pseudonym::Pseudonymiser;

    fn scrub_with(input: &Path, output: &Path, policy: &Policy, threads: usize) -> FileReport {
        scrub_on(input, output, policy, threads, 2)
    }

    fn scrub_with_batches(
        input: &Path,
        output: &Path,
        policy: &Policy,
        batch_records: usize,
    ) -> FileReport {
        scrub_on(input, output, policy, 2, batch_records)
    }

    fn scrub_on(
        input: &Path,
        output: &Path,
        policy: &Policy,
        threads: usize,
        batch_records: usize,
    ) -> FileReport {
        let classifier = Classifier::builtin();
        let detectors = crate::io::Detectors::from(DetectorSet::builtin());
        let ps = Pseudonymiser::new(&Key::from_bytes([5; 32]));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let pipeline = Pipeline {
            classifier: &classifier,
            detectors: &detectors,
            policy,
            pseudonymiser: Some(&ps),
            pool: &pool,
            batch_records,
            max_records: None,
            progress: false,
            file_of: None,
            verbose: false,
        };
        let job = FileJob {
            input: input.to_path_buf(),
            output: Some(output.to_path_buf()),
            format: FileFormat::of(input).unwrap(),
        };
        scrub_file(&job, &pipeline).unwrap()
    }

    fn read_back(path: &Path) -> RecordBatch {
        let file = File::open(path).unwrap();
        let mut batches: Vec<RecordBatch> = ParquetRecordBatchReader::try_new(file, 1024)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(batches.len(), 1, "one batch of at most 1024 rows");
        batches.remove(0)
    }

    fn nulls(batch: &RecordBatch, name: &str) -> Vec<bool> {
        let c = batch.column_by_name(name).unwrap();
        (0..c.len()).map(|i| c.is_null(i)).collect()
    }

    /// A dictionary column is scrubbed value by distinct value, but counted row by row: the
    /// report's values, findings and example records are those of the rows.
    #[test]
    fn integers_are_written_in_decimal_as_display_writes_them() {
        for v in [
            0,
            7,
            -7,
            10,
            61211600012,
            -100_000_000_000_000_017,
            i64::MIN,
            i64::MAX,
        ] {
            let mut out = String::from("x");
            push_decimal(&mut out, v < 0, v.unsigned_abs());
            assert_eq!(out, format!("x{v}"));
        }
        let mut out = String::new();
        push_decimal(&mut out, false, u64::MAX);
        assert_eq!(out, u64::MAX.to_string());
    }

    #[test]
    fn dictionary_columns_are_counted_per_row() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.parquet");
        let dict_type = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        let schema = Arc::new(Schema::new(vec![
            Field::new("ИИН", dict_type.clone(), true),
            Field::new("Комментарий", dict_type, true),
        ]));
        let iins: DictionaryArray<Int32Type> = vec![
            Some("871008401427"),
            Some("871008401427"),
            None,
            Some("061211600012"),
            Some("871008401427"),
            Some("061211600012"),
        ]
        .into_iter()
        .collect();
        let notes: DictionaryArray<Int32Type> = vec![
            Some("сдано"),
            Some("сдано"),
            Some("сдано"),
            Some("звонить 8 701 123 45 67"),
            Some("сдано"),
            Some("звонить 8 701 123 45 67"),
        ]
        .into_iter()
        .collect();
        let batch =
            RecordBatch::try_new(schema.clone(), vec![Arc::new(iins), Arc::new(notes)]).unwrap();
        let mut w = ArrowWriter::try_new(File::create(&input).unwrap(), schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let policy = Policy::parse(
            "[[column]]\nname = \"ИИН\"\nkind = \"iin\"\n[[column]]\nname = \"Комментарий\"\nkind = \"text\"\n",
            "p",
        )
        .unwrap();
        for batch_records in [2, 1024] {
            let report = scrub_with_batches(
                &input,
                &dir.path().join("out.parquet"),
                &policy,
                batch_records,
            );
            let iin = &report.columns[0].counts;
            assert_eq!(
                (iin.values, iin.empty),
                (6, 1),
                "batches of {batch_records}"
            );
            assert_eq!(iin.found[&Kind::Iin], 5);
            assert_eq!(iin.changed, 5);
            assert_eq!(iin.examples, [1, 2, 4, 5, 6]);
            let text = &report.columns[1].counts;
            assert_eq!(text.values, 6);
            assert_eq!(text.found[&Kind::Phone], 2);
            assert_eq!(text.examples, [4, 6]);
        }
    }

    /// Issue 4: nulls of string columns must stay nulls (value identity), and the `null`
    /// action writes nulls where the schema allows them.
    #[test]
    fn nulls_stay_null_in_every_string_type_and_null_writes_nulls() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.parquet");
        let schema = Arc::new(Schema::new(vec![
            Field::new("ФИО", DataType::Utf8, true),
            Field::new("Телефон", DataType::LargeUtf8, true),
            Field::new("Комментарий", DataType::Utf8View, true),
            Field::new(
                "Курс",
                DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                true,
            ),
            Field::new("Email", DataType::Utf8, true),
            Field::new("Итог", DataType::Utf8, true),
        ]));
        let course: DictionaryArray<Int32Type> =
            vec![Some("Алгебра"), None, Some("Алгебра"), Some("Физика")]
                .into_iter()
                .collect();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(vec![
                Some("Жумабекова Айгерим"),
                None,
                Some("Ахметов Нурлан"),
                None,
            ])),
            Arc::new(LargeStringArray::from(vec![
                None,
                Some("+7 701 123 45 67"),
                None,
                Some("8 (702) 555-44-12"),
            ])),
            Arc::new(StringViewArray::from(vec![
                Some("перезвонить 8 701 123 45 67"),
                None,
                Some("всё хорошо"),
                None,
            ])),
            Arc::new(course),
            Arc::new(StringArray::from(vec![
                Some("aigerim.k@mail.ru"),
                None,
                Some("nurlan@inbox.ru"),
                Some(""),
            ])),
            Arc::new(StringArray::from(vec![None, Some("сдано"), None, Some("")])),
        ];
        let batch = RecordBatch::try_new(schema.clone(), columns).unwrap();
        let mut w = ArrowWriter::try_new(File::create(&input).unwrap(), schema, None).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();

        let policy =
            Policy::parse("[[column]]\nname = \"Email\"\naction = \"null\"\n", "p").unwrap();
        let output = dir.path().join("out.parquet");
        scrub_with(&input, &output, &policy, 2);
        let out = read_back(&output);
        for name in ["ФИО", "Телефон", "Комментарий", "Курс", "Итог"] {
            assert_eq!(nulls(&out, name), nulls(&batch, name), "{name}");
        }
        assert_eq!(
            nulls(&out, "Email"),
            [true, true, true, false],
            "null, kept empty"
        );
        let names = out.column_by_name("ФИО").unwrap().as_string::<i32>();
        assert!(names.value(0).starts_with("NAME-"));
        let phones = out.column_by_name("Телефон").unwrap().as_string::<i64>();
        assert!(phones.value(1).starts_with("PHONE-"));
        let comments = out.column_by_name("Комментарий").unwrap().as_string_view();
        assert!(comments.value(0).starts_with("перезвонить PHONE-"));
        assert_eq!(comments.value(2), "всё хорошо");
    }

    #[test]
    fn the_guarded_reader_flag_is_set_inside_only_and_cleared_by_a_panic() {
        assert!(!inside_guarded_reader());
        assert_eq!(guarded(inside_guarded_reader).ok(), Some(true));
        assert!(!inside_guarded_reader());
        // (The test harness's hook prints this panic; the binary's stays silent.)
        let caught = guarded(|| -> bool { panic!("a corrupt page") });
        assert!(caught.is_err());
        assert!(!inside_guarded_reader(), "cleared while unwinding");
    }

    #[test]
    fn text_of_every_string_type_passes_the_utf8_check_sliced_or_not() {
        use arrow_array::{LargeStringArray, StringViewArray};
        let values = [
            Some("Айгерім"),
            None,
            Some("ok"),
            Some(""),
            Some("Жұмабекова ұлы"),
        ];
        let plain = StringArray::from(values.to_vec());
        let large = LargeStringArray::from(values.to_vec());
        let view = StringViewArray::from(values.to_vec());
        let dict: DictionaryArray<Int32Type> = values.iter().copied().collect();
        for array in [
            Arc::new(plain) as ArrayRef,
            Arc::new(large),
            Arc::new(view),
            Arc::new(dict),
        ] {
            assert!(is_utf8(array.as_ref()));
            assert!(is_utf8(array.slice(1, 3).as_ref()));
            assert!(is_utf8(array.slice(4, 1).as_ref()));
            assert!(is_utf8(array.slice(2, 0).as_ref()));
        }
    }

    fn batches(rows: usize) -> (SchemaRef, Vec<RecordBatch>) {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("text", DataType::Utf8, true),
        ]));
        let batches = (0..rows)
            .step_by(100)
            .map(|start| {
                let ids = Int64Array::from_iter_values((start..start + 100).map(|i| i as i64));
                let texts = StringArray::from_iter(
                    (start..start + 100).map(|i| (i % 7 != 0).then(|| format!("value {i}"))),
                );
                RecordBatch::try_new(schema.clone(), vec![Arc::new(ids), Arc::new(texts)]).unwrap()
            })
            .collect();
        (schema, batches)
    }

    fn write_parallel(
        path: &Path,
        schema: &SchemaRef,
        batches: &[RecordBatch],
        threads: usize,
        max_group_bytes: usize,
    ) -> Vec<i64> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let out = Box::new(std::io::BufWriter::new(File::create(path).unwrap()));
        let mut w = ParallelWriter::new(out, schema.clone(), WriterProperties::default()).unwrap();
        w.max_group_bytes = max_group_bytes;
        pool.install(|| {
            for pair in batches.chunks(2) {
                w.write(pair).unwrap();
            }
            w.finish().unwrap().finish().unwrap();
        });
        let meta =
            ArrowReaderMetadata::load(&File::open(path).unwrap(), Default::default()).unwrap();
        meta.metadata()
            .row_groups()
            .iter()
            .map(|rg| rg.num_rows())
            .collect()
    }

    #[test]
    fn parallel_encoding_writes_what_arrow_writer_writes_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let (schema, batches) = batches(1000);
        let reference = dir.path().join("reference.parquet");
        let mut w =
            ArrowWriter::try_new(File::create(&reference).unwrap(), schema.clone(), None).unwrap();
        for b in &batches {
            w.write(b).unwrap();
        }
        w.close().unwrap();
        let expected = std::fs::read(&reference).unwrap();
        for threads in [1, 2, 3] {
            let path = dir.path().join(format!("t{threads}.parquet"));
            assert_eq!(
                write_parallel(&path, &schema, &batches, threads, MAX_GROUP_BYTES),
                [1000]
            );
            assert!(
                std::fs::read(&path).unwrap() == expected,
                "{threads} threads"
            );
        }
    }

    #[test]
    fn row_groups_are_closed_when_they_grow_past_the_bound() {
        let dir = tempfile::tempdir().unwrap();
        let (schema, batches) = batches(1000);
        let one = dir.path().join("one.parquet");
        let two = dir.path().join("two.parquet");
        let groups = write_parallel(&one, &schema, &batches, 1, 1);
        assert_eq!(groups, [200; 5], "closed after every write of two batches");
        assert_eq!(write_parallel(&two, &schema, &batches, 2, 1), groups);
        assert!(std::fs::read(&one).unwrap() == std::fs::read(&two).unwrap());
        let file = File::open(&one).unwrap();
        let read: Vec<RecordBatch> = ParquetRecordBatchReader::try_new(file, 100)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(read, batches);
    }
}
