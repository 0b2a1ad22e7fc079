//! Records as text for the passes that come after a scrub or stand alone (`risk`, and the
//! derive / generalise / top-code / suppress passes of `anonymise`): read some columns of every
//! record, or rewrite a file with some columns replaced and new ones inserted.
//!
//! CSV goes through `csv`'s reader (same encoding, delimiter and quoting rules). A rewritten
//! CSV file keeps its encoding, byte-order mark, delimiter and line terminators; untouched fields
//! are copied byte for byte, every record is written with the header's number of fields.
//!
//! Parquet columns are read as text: strings, dictionaries of strings, integers, floats and
//! booleans as written in decimal, `Date32`/`Date64` as `YYYY-MM-DD`; other types cannot be
//! read here (an error names the column). In a rewritten Parquet file a replaced column is
//! written as nullable `Utf8`, an inserted column as `Int16` when it holds years, else `Utf8`;
//! the other columns pass through as read; codecs, key-value metadata and the largest row
//! group size are kept as the scrub keeps them (`parquet::writer_properties`; an inserted
//! column takes the first column's codec).
//!
//! What this module is not: it decides nothing about values; the caller's closure does.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Int16Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ParquetRecordBatchReaderBuilder};

use super::csv::{self, RawCsv};
use super::encoding::{TextEncoding, UTF8_BOM};
use super::{AtomicOutput, FileJob, Table};
use crate::generalise::Date;

/// Records read per batch.
const BATCH: usize = 16_384;

/// A column inserted by a rewrite.
#[derive(Clone, Debug, PartialEq)]
pub struct NewColumn {
    /// Inserted right after this column (new columns after one column keep their order).
    pub after: usize,
    pub header: String,
    /// Parquet: the column holds years (`Int16`).
    pub year: bool,
}

enum Source {
    Csv(Box<RawCsv>),
    Parquet(File, ArrowReaderMetadata),
}

/// A file opened for reading as text.
pub struct Records {
    pub headers: Vec<String>,
    pub table: Table,
    source: Source,
}

/// Opens `job.input` (an empty CSV file is an error, as for the scrub).
pub fn open(job: &FileJob) -> Result<Records> {
    match job.format.table {
        Table::Csv => {
            let raw = csv::open_raw(job)?;
            Ok(Records {
                headers: raw.headers.clone(),
                table: Table::Csv,
                source: Source::Csv(Box::new(raw)),
            })
        }
        Table::Parquet => {
            let (file, meta) = super::parquet::open_checked(job)?;
            let headers = meta
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            Ok(Records {
                headers,
                table: Table::Parquet,
                source: Source::Parquet(file, meta),
            })
        }
    }
}

fn csv_value<'a>(
    bytes: &'a [u8],
    field: Option<&csv::FieldSpan>,
    encoding: TextEncoding,
) -> std::borrow::Cow<'a, str> {
    match field {
        None => std::borrow::Cow::Borrowed(""),
        Some(f) => csv::decode_field(&bytes[f.range()], encoding).0,
    }
}

impl Records {
    /// Calls `each` with the values of `columns` of every record, in order: trimmed text, `None`
    /// for a Parquet null (a CSV field never is: missing fields read as empty). Returns the
    /// number of records.
    pub fn for_each(
        self,
        job: &FileJob,
        columns: &[usize],
        mut each: impl FnMut(&[Option<&str>]) -> Result<()>,
    ) -> Result<u64> {
        let mut records = 0u64;
        match self.source {
            Source::Csv(raw) => {
                let encoding = raw.encoding;
                raw.for_each_batch(job, BATCH, |bytes, recs, fields| {
                    for r in recs {
                        let fs = &fields[r.fields.clone()];
                        let texts: Vec<std::borrow::Cow<str>> = columns
                            .iter()
                            .map(|&c| csv_value(bytes, fs.get(c), encoding))
                            .collect();
                        let values: Vec<Option<&str>> =
                            texts.iter().map(|t| Some(t.trim())).collect();
                        each(&values)?;
                        records += 1;
                    }
                    Ok(())
                })?;
            }
            Source::Parquet(file, meta) => {
                let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta);
                let mask = ProjectionMask::roots(builder.parquet_schema(), columns.iter().copied());
                // The projection keeps schema order: map each wanted column to its position.
                let mut sorted: Vec<usize> = columns.to_vec();
                sorted.sort_unstable();
                sorted.dedup();
                let position: Vec<usize> = columns
                    .iter()
                    .map(|c| sorted.binary_search(c).expect("in sorted"))
                    .collect();
                let mut reader = builder
                    .with_projection(mask)
                    .with_batch_size(BATCH)
                    .build()?;
                while let Some(batch) = super::parquet::guarded_next(&mut reader) {
                    let batch =
                        batch.with_context(|| format!("cannot read {}", job.input.display()))?;
                    let texts: Vec<Vec<Option<String>>> = sorted
                        .iter()
                        .enumerate()
                        .map(|(p, &c)| texts(batch.column(p).as_ref(), &self.headers[c], job))
                        .collect::<Result<_>>()?;
                    let mut values: Vec<Option<&str>> = Vec::with_capacity(columns.len());
                    #[allow(clippy::needless_range_loop, reason = "row indexes every column")]
                    for row in 0..batch.num_rows() {
                        values.clear();
                        values.extend(
                            position
                                .iter()
                                .map(|&p| texts[p][row].as_deref().map(str::trim)),
                        );
                        each(&values)?;
                        records += 1;
                    }
                }
            }
        }
        Ok(records)
    }

    /// Writes `output` (compressed as `job.format` says) from `job.input`: for every record,
    /// `each` gets the values of `read` and fills the new values of the `changed` columns and of
    /// the `added` columns (`None`: empty in CSV, null in Parquet). Returns the number of records.
    pub fn rewrite(
        self,
        job: &FileJob,
        output: &Path,
        read: &[usize],
        changed: &[usize],
        added: &[NewColumn],
        mut each: impl FnMut(
            &[Option<&str>],
            &mut [Option<String>],
            &mut [Option<String>],
        ) -> Result<()>,
    ) -> Result<u64> {
        let mut new_changed: Vec<Option<String>> = vec![None; changed.len()];
        let mut new_added: Vec<Option<String>> = vec![None; added.len()];
        let mut out = AtomicOutput::create(output, job.format.compression)?;
        let records = match self.source {
            Source::Csv(raw) => {
                let header = rewrite_csv_header(&raw, added);
                out.writer()
                    .write_all(&header)
                    .with_context(|| format!("cannot write {}", output.display()))?;
                let (encoding, dialect, width) = (raw.encoding, raw.dialect, raw.headers.len());
                let mut buf = Vec::new();
                let mut records = 0u64;
                raw.for_each_batch(job, BATCH, |bytes, recs, fields| {
                    buf.clear();
                    for r in recs {
                        let fs = &fields[r.fields.clone()];
                        let texts: Vec<std::borrow::Cow<str>> = read
                            .iter()
                            .map(|&c| csv_value(bytes, fs.get(c), encoding))
                            .collect();
                        let values: Vec<Option<&str>> =
                            texts.iter().map(|t| Some(t.trim())).collect();
                        each(&values, &mut new_changed, &mut new_added)?;
                        for i in 0..width.max(fs.len()) {
                            if i > 0 {
                                buf.push(dialect.delimiter);
                            }
                            match (changed.iter().position(|&c| c == i), fs.get(i)) {
                                (Some(j), f) => {
                                    let v = new_changed[j].as_deref().unwrap_or("");
                                    csv::write_field(
                                        &mut buf,
                                        &encoding.encode(v),
                                        f.is_some_and(|f| f.quoted),
                                        false,
                                        dialect,
                                    );
                                }
                                (None, Some(f)) => buf.extend_from_slice(&bytes[f.range()]),
                                (None, None) => {}
                            }
                            for (a, _) in added.iter().enumerate().filter(|(_, c)| c.after == i) {
                                buf.push(dialect.delimiter);
                                let v = new_added[a].as_deref().unwrap_or("");
                                csv::write_field(
                                    &mut buf,
                                    &encoding.encode(v),
                                    false,
                                    false,
                                    dialect,
                                );
                            }
                        }
                        buf.extend_from_slice(&bytes[r.content_end..r.end]);
                        records += 1;
                    }
                    out.writer()
                        .write_all(&buf)
                        .with_context(|| format!("cannot write {}", output.display()))
                })?;
                records
            }
            Source::Parquet(file, meta) => {
                let builder = ParquetRecordBatchReaderBuilder::new_with_metadata(file, meta);
                let props = super::parquet::writer_properties(builder.metadata());
                let schema = builder.schema().clone();
                let mut fields: Vec<Arc<Field>> = Vec::new();
                for (i, f) in schema.fields().iter().enumerate() {
                    if changed.contains(&i) {
                        fields.push(Arc::new(Field::new(f.name(), DataType::Utf8, true)));
                    } else {
                        fields.push(f.clone());
                    }
                    for a in added.iter().filter(|a| a.after == i) {
                        let t = if a.year {
                            DataType::Int16
                        } else {
                            DataType::Utf8
                        };
                        fields.push(Arc::new(Field::new(&a.header, t, true)));
                    }
                }
                let out_schema =
                    Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
                let writer_box = out.take_writer();
                let mut writer = ArrowWriter::try_new(writer_box, out_schema.clone(), Some(props))
                    .with_context(|| format!("cannot write {}", output.display()))?;
                let mut records = 0u64;
                let mut reader = builder.with_batch_size(BATCH).build()?;
                while let Some(batch) = super::parquet::guarded_next(&mut reader) {
                    let batch =
                        batch.with_context(|| format!("cannot read {}", job.input.display()))?;
                    let texts: Vec<Vec<Option<String>>> = read
                        .iter()
                        .map(|&c| texts(batch.column(c).as_ref(), &self.headers[c], job))
                        .collect::<Result<_>>()?;
                    let rows = batch.num_rows();
                    let mut changed_cols: Vec<Vec<Option<String>>> =
                        vec![Vec::with_capacity(rows); changed.len()];
                    let mut added_cols: Vec<Vec<Option<String>>> =
                        vec![Vec::with_capacity(rows); added.len()];
                    let mut values: Vec<Option<&str>> = Vec::with_capacity(read.len());
                    for row in 0..rows {
                        values.clear();
                        values.extend(texts.iter().map(|t| t[row].as_deref().map(str::trim)));
                        each(&values, &mut new_changed, &mut new_added)?;
                        for (j, v) in new_changed.iter_mut().enumerate() {
                            changed_cols[j].push(v.take());
                        }
                        for (j, v) in new_added.iter_mut().enumerate() {
                            added_cols[j].push(v.take());
                        }
                    }
                    records += rows as u64;
                    let mut columns: Vec<ArrayRef> = Vec::new();
                    for i in 0..batch.num_columns() {
                        match changed.iter().position(|&c| c == i) {
                            Some(j) => columns.push(Arc::new(StringArray::from(std::mem::take(
                                &mut changed_cols[j],
                            )))),
                            None => columns.push(batch.column(i).clone()),
                        }
                        for (a, col) in added.iter().enumerate().filter(|(_, c)| c.after == i) {
                            let values = std::mem::take(&mut added_cols[a]);
                            columns.push(if col.year {
                                Arc::new(Int16Array::from(
                                    values
                                        .iter()
                                        .map(|v| v.as_deref().and_then(|v| v.parse::<i16>().ok()))
                                        .collect::<Vec<_>>(),
                                ))
                            } else {
                                Arc::new(StringArray::from(values))
                            });
                        }
                    }
                    let out_batch = RecordBatch::try_new(out_schema.clone(), columns)?;
                    writer
                        .write(&out_batch)
                        .with_context(|| format!("cannot write {}", output.display()))?;
                }
                let inner = writer
                    .into_inner()
                    .with_context(|| format!("cannot write {}", output.display()))?;
                out.commit_with(inner)?;
                return Ok(records);
            }
        };
        out.commit()?;
        Ok(records)
    }
}

/// The header of a rewritten CSV file: byte-order mark, fields as read, new headers inserted.
fn rewrite_csv_header(raw: &RawCsv, added: &[NewColumn]) -> Vec<u8> {
    let mut out = Vec::new();
    if raw.encoding == (TextEncoding::Utf8 { bom: true }) {
        out.extend_from_slice(UTF8_BOM);
    }
    let content_end = raw.header_fields.last().map_or(0, |f| f.end());
    for (i, f) in raw.header_fields.iter().enumerate() {
        if i > 0 {
            out.push(raw.dialect.delimiter);
        }
        out.extend_from_slice(&raw.header_raw[f.range()]);
        for a in added.iter().filter(|a| a.after == i) {
            out.push(raw.dialect.delimiter);
            csv::write_field(
                &mut out,
                &raw.encoding.encode(&a.header),
                false,
                false,
                raw.dialect,
            );
        }
    }
    let terminator = &raw.header_raw[content_end..];
    out.extend_from_slice(if terminator.is_empty() {
        b"\n"
    } else {
        terminator
    });
    out
}

/// A column's values as text (see the module documentation).
fn texts(array: &dyn Array, name: &str, job: &FileJob) -> Result<Vec<Option<String>>> {
    macro_rules! primitive {
        ($t:ty) => {
            array
                .as_primitive::<$t>()
                .iter()
                .map(|v| v.map(|v| v.to_string()))
                .collect()
        };
    }
    Ok(match array.data_type() {
        DataType::Utf8 => array
            .as_string::<i32>()
            .iter()
            .map(|v| v.map(String::from))
            .collect(),
        DataType::LargeUtf8 => array
            .as_string::<i64>()
            .iter()
            .map(|v| v.map(String::from))
            .collect(),
        DataType::Utf8View => array
            .as_string_view()
            .iter()
            .map(|v| v.map(String::from))
            .collect(),
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let values = texts(dict.values().as_ref(), name, job)?;
            dict.normalized_keys()
                .iter()
                .enumerate()
                .map(|(i, k)| {
                    if array.is_null(i) {
                        None
                    } else {
                        values.get(*k).cloned().flatten()
                    }
                })
                .collect()
        }
        DataType::Int8 => primitive!(Int8Type),
        DataType::Int16 => primitive!(Int16Type),
        DataType::Int32 => primitive!(Int32Type),
        DataType::Int64 => primitive!(Int64Type),
        DataType::UInt8 => primitive!(UInt8Type),
        DataType::UInt16 => primitive!(UInt16Type),
        DataType::UInt32 => primitive!(UInt32Type),
        DataType::UInt64 => primitive!(UInt64Type),
        DataType::Float32 => primitive!(Float32Type),
        DataType::Float64 => primitive!(Float64Type),
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .map(|v| v.map(|b| b.to_string()))
            .collect(),
        DataType::Date32 => array
            .as_primitive::<Date32Type>()
            .iter()
            .map(|v| v.map(|d| Date::from_days_since_epoch(i64::from(d)).to_string()))
            .collect(),
        DataType::Date64 => array
            .as_primitive::<Date64Type>()
            .iter()
            .map(|v| v.map(|ms| Date::from_days_since_epoch(ms.div_euclid(86_400_000)).to_string()))
            .collect(),
        other => bail!(
            "{}: column {name:?} has type {other}, which tazala cannot read as values here",
            job.input.display()
        ),
    })
}
