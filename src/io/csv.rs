//! CSV: the one place that reads, splits and writes CSV, and the read → transform → write loop.
//!
//! Reading. The first block of a file (1 MiB) decides the [`TextEncoding`] and the
//! [`Dialect`]: the delimiter is sniffed among `,` `;` tab `|` (the one that occurs outside
//! quotes as often on every line as on the header line, the most frequent on ties). Records
//! follow RFC 4180: fields may be quoted with `"`, a quote inside is doubled, a quoted field may
//! hold delimiters and line breaks; a record ends at `\n` or `\r\n`. The first record is the
//! header. A record with more or fewer fields than the header, a quoted field never closed,
//! bytes that are not UTF-8 in a file read as UTF-8, and a record longer than [`BATCH_BYTES`]
//! are errors naming the file, record and column, never the value (see `checks`).
//!
//! What "byte-identical" covers. Records are split on raw bytes and never re-encoded unless a
//! value in them changes, so:
//! - a record in which nothing changes and no column is dropped is written exactly as read;
//! - in a changed record, every untouched field is written exactly as read (its quotes, spaces
//!   and encoding included), as are the delimiters and the record's line terminator;
//! - a changed value is encoded in the file's encoding and quoted if the original was quoted or
//!   if it holds the delimiter, a quote or a line break;
//! - the byte-order mark and the header are kept (minus dropped columns); a compressed file is
//!   written with the same compression, and identity holds for its decompressed content.
//!
//! A lone `\r` is not a line terminator (old Mac files are read as one long record).
//!
//! Processing. Records are read and split in batches of [`Pipeline::batch_records`] (and at
//! most 32 MiB) on a thread of their own, one batch ahead; each batch is split into chunks
//! scrubbed in parallel (rayon, ordered; two batches at a time, so that no worker waits for
//! the last chunk of one), a chunk column by column (one pass of the scrubber per column, see
//! `scrub::ColumnPass`), and written in input order by a thread of its own, so the output is
//! the same whatever the number of threads, and memory is bounded by a few batches, not the
//! file. Columns are classified once, from the header and a first batch of a fixed size
//! (`CLASSIFY_RECORDS`, at most 32 MiB), so the classification, and the output, do not depend
//! on the batch size either.
//!
//! What this module is not: it decides nothing about values (see `scrub`).

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::VecDeque;
use std::io::Read;
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;

use super::encoding::{TextEncoding, UTF8_BOM};
use super::{AtomicOutput, FileJob, Pipeline};
use crate::classify::ColumnClass;
use crate::policy::ColumnPlan;
use crate::report::{ColumnReport, FileCounts, FileReport, FormatReport};
use crate::scrub::{self, Scratch, Scrubber};

/// Bytes read at a time, at most; also the sample that decides encoding and delimiter.
const READ_BYTES: usize = 1 << 20;
/// Bytes of a file's first read. Every read that fills its block doubles the next one, up to
/// [`READ_BYTES`]: a small file does not zero megabytes of buffer it never fills (a directory of
/// small exports spent more time zeroing than reading).
const FIRST_READ_BYTES: usize = 64 << 10;
/// Bytes of records at most in one batch (a batch also ends at `--batch-records`), so memory
/// stays bounded when records are long.
const BATCH_BYTES: usize = 32 << 20;
/// Bytes of one record at most: a longer one (most often an unclosed quote swallowing the rest
/// of the file) is an error rather than a file read whole into memory.
const MAX_RECORD_BYTES: usize = BATCH_BYTES;
/// Records handed to one worker at a time: enough that a column's pass over them (its memo
/// lock, its look-ahead) is worth setting up, few enough that a batch splits into a dozen tasks
/// or more for the workers to share.
const RECORDS_PER_TASK: usize = 1024;
/// Batches the workers have at once: a worker done with its chunks of one batch starts on the
/// next instead of waiting for the other workers' last chunks.
const IN_FLIGHT: usize = 2;
/// Records of the first batch, whatever the batch size: columns are classified from it, so
/// the classification (and the output) does not depend on `--batch-records`.
const CLASSIFY_RECORDS: usize = 16_384;
/// Lines of the first block looked at to sniff the delimiter.
const SNIFF_LINES: usize = 50;

const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How a CSV file is written: every reader and writer is configured from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
}

impl Dialect {
    pub const QUOTE: u8 = b'"';

    pub fn delimiter_name(self) -> String {
        match self.delimiter {
            b'\t' => "tab".to_string(),
            d => (d as char).to_string(),
        }
    }

    /// Sniffs the delimiter from the first block of a file (after any byte-order mark).
    pub fn sniff(block: &[u8]) -> Dialect {
        let mut lines: Vec<[usize; 4]> = Vec::new();
        let mut counts = [0usize; 4];
        let mut in_quotes = false;
        for &b in block {
            if b == Self::QUOTE {
                in_quotes = !in_quotes;
            } else if !in_quotes {
                if b == b'\n' {
                    lines.push(counts);
                    counts = [0; 4];
                    if lines.len() == SNIFF_LINES {
                        break;
                    }
                } else if let Some(i) = DELIMITERS.iter().position(|d| *d == b) {
                    counts[i] += 1;
                }
            }
        }
        if lines.is_empty() {
            lines.push(counts);
        }
        let header = lines[0];
        let best = (0..DELIMITERS.len())
            .filter(|&i| header[i] > 0)
            .max_by_key(|&i| {
                let agreeing = lines.iter().filter(|l| l[i] == header[i]).count();
                // Earlier candidates win ties: compare reversed index.
                (agreeing, header[i], std::cmp::Reverse(i))
            });
        Dialect {
            delimiter: best.map_or(b',', |i| DELIMITERS[i]),
        }
    }
}

/// A field's raw bytes in a buffer: the quotes of a quoted field included. Twelve bytes, not
/// twenty-four: the reader writes one per field and every column pass reads them again, and a
/// batch's buffer is far below 4 GiB (see [`BATCH_BYTES`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    start: u32,
    end: u32,
    pub quoted: bool,
}

impl FieldSpan {
    fn new(start: usize, end: usize, quoted: bool) -> Self {
        let offset = |at: usize| u32::try_from(at).expect("a batch's buffer is under 4 GiB");
        FieldSpan {
            start: offset(start),
            end: offset(end),
            quoted,
        }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// Where the field's raw bytes are.
    pub fn range(&self) -> Range<usize> {
        self.start()..self.end()
    }
}

/// A record's raw bytes in a buffer: `start..content_end` the fields, `content_end..end` its
/// line terminator (`\n`, `\r\n`, or nothing at the end of the file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    pub start: usize,
    pub content_end: usize,
    pub end: usize,
    pub fields: Range<usize>,
}

#[derive(Debug, PartialEq, Eq)]
enum Parsed {
    /// A whole record of this many bytes (terminator included) ending its content at `.1`.
    Record(usize, usize),
    /// The record runs past the data read so far.
    Incomplete,
}

/// Splits the record at the start of `data` into fields, appending their spans (offset by
/// `base`) to `fields`. With `eof`, the end of `data` ends the record.
fn parse_record(
    data: &[u8],
    eof: bool,
    delimiter: u8,
    base: usize,
    fields: &mut Vec<FieldSpan>,
) -> Parsed {
    let mark = fields.len();
    let len = data.len();
    let mut i = 0;
    loop {
        let start = i;
        let quoted = i < len && data[i] == Dialect::QUOTE;
        if quoted {
            i += 1;
            loop {
                match memchr::memchr(Dialect::QUOTE, &data[i..]) {
                    None if eof => {
                        i = len;
                        break;
                    }
                    None => {
                        fields.truncate(mark);
                        return Parsed::Incomplete;
                    }
                    Some(j) => {
                        i += j + 1;
                        if i < len && data[i] == Dialect::QUOTE {
                            i += 1;
                        } else if i == len && !eof {
                            // The next byte may be a second quote: wait for it.
                            fields.truncate(mark);
                            return Parsed::Incomplete;
                        } else {
                            break;
                        }
                    }
                }
            }
        }
        // Anything after a closing quote belongs to the field, as most CSV readers do.
        match find_either(delimiter, b'\n', &data[i..]) {
            Some(j) => i += j,
            None if eof => i = len,
            None => {
                fields.truncate(mark);
                return Parsed::Incomplete;
            }
        }
        let at_newline = i < len && data[i] == b'\n';
        let mut end = i;
        if at_newline && end > start && data[end - 1] == b'\r' {
            end -= 1;
        }
        fields.push(FieldSpan::new(base + start, base + end, quoted));
        if i == len {
            return Parsed::Record(len, len);
        }
        if at_newline {
            return Parsed::Record(i + 1, end);
        }
        i += 1;
        if i == len && !eof {
            fields.truncate(mark);
            return Parsed::Incomplete;
        }
    }
}

/// Bytes [`find_either`] looks through word by word before it hands over to `memchr2`.
const SHORT_FIELD: usize = 64;

/// Index of the first `a` or `b` in `data`. Most fields are short (a grade, a date, a name):
/// eight bytes at a time in a plain loop find their end before a SIMD search would have
/// started; the rest of a long field is left to `memchr2`.
fn find_either(a: u8, b: u8, data: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each zero byte of `x`, and perhaps of bytes above one: the lowest bit
    // set is always a zero byte's.
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let (all_a, all_b) = (ONES * u64::from(a), ONES * u64::from(b));
    let short = data.len().min(SHORT_FIELD);
    let mut i = 0;
    while i + 8 <= short {
        let word = u64::from_le_bytes(data[i..i + 8].try_into().expect("eight bytes"));
        let found = zero_bytes(word ^ all_a) | zero_bytes(word ^ all_b);
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    if data.len() <= SHORT_FIELD {
        return data[i..]
            .iter()
            .position(|&c| c == a || c == b)
            .map(|j| i + j);
    }
    memchr::memchr2(a, b, &data[i..]).map(|j| i + j)
}

/// The value of a field: quotes removed, doubled quotes undone.
pub fn unquote(raw: &[u8]) -> Cow<'_, [u8]> {
    let Some(inner) = raw.strip_prefix(&[Dialect::QUOTE]) else {
        return Cow::Borrowed(raw);
    };
    if let Some(body) = inner.strip_suffix(&[Dialect::QUOTE])
        && memchr::memchr(Dialect::QUOTE, body).is_none()
    {
        return Cow::Borrowed(body);
    }
    let mut out = Vec::with_capacity(inner.len());
    let mut i = 0;
    while i < inner.len() {
        let b = inner[i];
        if b == Dialect::QUOTE {
            if inner.get(i + 1) == Some(&Dialect::QUOTE) {
                out.push(b);
                i += 2;
                continue;
            }
            out.extend_from_slice(&inner[i + 1..]);
            break;
        }
        out.push(b);
        i += 1;
    }
    Cow::Owned(out)
}

/// A field's value (its raw bytes, quotes included) in `encoding`: borrowed from `raw` unless
/// it held doubled quotes or had to be decoded, and `true` when its bytes were not valid UTF-8
/// in a file read as UTF-8 (it is then decoded lossily).
pub fn decode_field(raw: &[u8], encoding: TextEncoding) -> (Cow<'_, str>, bool) {
    let lossy = |v: &Cow<str>| matches!(v, Cow::Owned(_)) && encoding != TextEncoding::Windows1251;
    match unquote(raw) {
        Cow::Borrowed(b) => {
            let value = encoding.decode(b);
            let l = lossy(&value);
            (value, l)
        }
        Cow::Owned(b) => {
            let value = encoding.decode(&b);
            let l = lossy(&value);
            (Cow::Owned(value.into_owned()), l)
        }
    }
}

/// [`unquote`] for text already known to be valid UTF-8.
pub fn unquote_text(raw: &str) -> Cow<'_, str> {
    let Some(inner) = raw.strip_prefix('"') else {
        return Cow::Borrowed(raw);
    };
    if let Some(body) = inner.strip_suffix('"')
        && memchr::memchr(Dialect::QUOTE, body.as_bytes()).is_none()
    {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = memchr::memchr(Dialect::QUOTE, rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(doubled) = after.strip_prefix('"') {
            out.push('"');
            rest = doubled;
        } else {
            // Anything after the closing quote belongs to the field, as in `unquote`.
            out.push_str(after);
            rest = "";
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Writes a changed value: quoted when the original was, or when it must be. `plain`: the
/// value is known to hold nothing that must be quoted (see `Scrubber::writes_plain_values`).
pub fn write_field(
    out: &mut Vec<u8>,
    value: &[u8],
    was_quoted: bool,
    plain: bool,
    dialect: Dialect,
) {
    // One pass without an early exit: new values are short, and two memchr calls cost more
    // than the look itself.
    let must = !plain
        && value.iter().fold(false, |must, &b| {
            must | (b == dialect.delimiter) | (b == Dialect::QUOTE) | (b == b'\n') | (b == b'\r')
        });
    if !(must || was_quoted) {
        out.extend_from_slice(value);
        return;
    }
    out.push(Dialect::QUOTE);
    let mut rest = value;
    while let Some(i) = memchr::memchr(Dialect::QUOTE, rest) {
        out.extend_from_slice(&rest[..=i]);
        out.push(Dialect::QUOTE);
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(Dialect::QUOTE);
}

/// Bytes read from the input: the first `len` bytes of `bytes`, whose rest is zeroed memory
/// kept for the next reads. A buffer is handed from batch to batch, so it is zeroed (and its
/// pages faulted in) once, not at every read, and only as far as reads have needed: memory
/// reserved beyond that is not touched.
#[derive(Default)]
struct ReadBuffer {
    bytes: Vec<u8>,
    len: usize,
}

impl std::ops::Deref for ReadBuffer {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl ReadBuffer {
    /// Makes room for `total` bytes in all, zeroing only memory never used before.
    fn make_room(&mut self, total: usize) {
        if self.bytes.len() < total {
            self.bytes.resize(total, 0);
        }
    }

    /// Reserves room for `total` bytes in all without touching it, so that later reads do
    /// not grow (and copy) the buffer.
    fn reserve(&mut self, total: usize) {
        self.bytes.reserve(total.saturating_sub(self.bytes.len()));
    }

    fn clear(&mut self) {
        self.len = 0;
    }

    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    fn extend_from_slice(&mut self, more: &[u8]) {
        self.make_room(self.len + more.len());
        self.bytes[self.len..self.len + more.len()].copy_from_slice(more);
        self.len += more.len();
    }

    /// Removes the first `n` bytes.
    fn drain_front(&mut self, n: usize) {
        self.bytes.copy_within(n..self.len, 0);
        self.len -= n;
    }

    /// Appends the next `size` bytes of `src` (less only at its end), sets `eof` when `src`
    /// has no more, and gives the number of bytes read.
    fn read_block(
        &mut self,
        src: &mut impl Read,
        eof: &mut bool,
        size: usize,
    ) -> std::io::Result<usize> {
        self.make_room(self.len + size);
        let block = &mut self.bytes[self.len..self.len + size];
        let mut n = 0;
        while n < block.len() {
            match src.read(&mut block[n..]) {
                Ok(0) => {
                    *eof = true;
                    break;
                }
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.len += n;
        Ok(n)
    }
}

/// Reads records in batches from a decompressed stream. Bytes are read straight into the
/// buffer of the batch they belong to: only the start of a record cut by the end of a read is
/// copied, into the next batch's buffer.
struct RecordReader {
    src: Box<dyn Read + Send>,
    /// Bytes read and not yet in a batch: from the start of the next record on.
    pending: ReadBuffer,
    eof: bool,
    /// Bytes of the next read (see [`FIRST_READ_BYTES`]).
    block: usize,
    dialect: Dialect,
    /// Records split so far, the header included: numbers records in error messages.
    records: u64,
}

/// One batch: its records' bytes, and spans into them.
#[derive(Default)]
struct Batch {
    bytes: ReadBuffer,
    records: Vec<RawRecord>,
    fields: Vec<FieldSpan>,
}

impl RecordReader {
    /// Reads the first [`READ_BYTES`] of the input (all of a smaller one) into `pending`: the
    /// sample that decides encoding and delimiter.
    fn fill(&mut self) -> std::io::Result<()> {
        let mut pending = std::mem::take(&mut self.pending);
        while pending.len < READ_BYTES && !self.eof {
            let most = READ_BYTES - pending.len;
            self.read_more(&mut pending, most)?;
        }
        self.pending = pending;
        Ok(())
    }

    /// Appends the next block of the input, of at most `most` bytes, to `bytes`.
    fn read_more(&mut self, bytes: &mut ReadBuffer, most: usize) -> std::io::Result<()> {
        let size = self.block.min(most);
        if bytes.read_block(&mut self.src, &mut self.eof, size)? == self.block {
            self.block = (2 * self.block).min(READ_BYTES);
        }
        Ok(())
    }

    /// Reads the next `max` records (fewer at the end, or past `BATCH_BYTES`) into `batch`,
    /// which then owns their bytes; no record at the end of the input.
    fn next_batch(&mut self, max: usize, batch: &mut Batch) -> std::io::Result<()> {
        batch.records.clear();
        batch.fields.clear();
        // A batch handed back lends its buffer to the batch after this one.
        let mut spare = std::mem::take(&mut batch.bytes);
        let mut bytes = std::mem::take(&mut self.pending);
        let mut scan = 0;
        while batch.records.len() < max && scan < BATCH_BYTES {
            let data = &bytes[scan..];
            if data.is_empty() && self.eof {
                break;
            }
            let first_field = batch.fields.len();
            match parse_record(
                data,
                self.eof,
                self.dialect.delimiter,
                scan,
                &mut batch.fields,
            ) {
                Parsed::Record(len, content_end) => {
                    batch.records.push(RawRecord {
                        start: scan,
                        content_end: scan + content_end,
                        end: scan + len,
                        fields: first_field..batch.fields.len(),
                    });
                    scan += len;
                    self.records += 1;
                }
                Parsed::Incomplete => {
                    if bytes.len() - scan > MAX_RECORD_BYTES {
                        let which = match self.records {
                            0 => "the header".to_string(),
                            n => format!("record {n}"),
                        };
                        return Err(std::io::Error::other(format!(
                            "{which}: longer than {} MiB (a quote never closed?)",
                            MAX_RECORD_BYTES >> 20
                        )));
                    }
                    self.read_more(&mut bytes, usize::MAX)?;
                }
            }
        }
        // What follows the batch's last record starts the next batch's buffer, made as large
        // as this batch (and some) at once rather than grown (and copied) read after read.
        spare.clear();
        spare.reserve(scan + scan / 4 + 2 * self.block);
        spare.extend_from_slice(&bytes[scan..]);
        self.pending = spare;
        bytes.truncate(scan);
        batch.bytes = bytes;
        Ok(())
    }

    /// Reads batches on a thread of `threads`, `limit` records in all: `first` records, then
    /// `size` at a time. It keeps one batch ahead, so reading, decompressing and splitting
    /// overlap with scrubbing, and it starts at once, so the batches after the first are read
    /// while the first classifies the columns. The batches come in order (an empty one ends
    /// the file); one done with goes back through [`ReadAhead::give_back`], and the reader fills
    /// it again, its memory already allocated and mapped.
    fn read_ahead<'scope>(
        mut self,
        threads: &'scope std::thread::Scope<'scope, '_>,
        first: usize,
        size: usize,
        limit: u64,
    ) -> ReadAhead {
        let (tx, rx) = std::sync::mpsc::sync_channel::<std::io::Result<Batch>>(1);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Batch>();
        threads.spawn(move || {
            let mut left = limit;
            let mut size_now = first;
            while left > 0 {
                let mut batch = done_rx.try_recv().unwrap_or_default();
                let n = usize::try_from(left).unwrap_or(usize::MAX).min(size_now);
                size_now = size;
                let read = self.next_batch(n, &mut batch);
                let done = read.is_err() || batch.records.is_empty();
                left -= batch.records.len() as u64;
                // A closed channel: the consumer stopped (on an error, or before the end).
                if tx.send(read.map(|()| batch)).is_err() || done {
                    break;
                }
            }
        });
        ReadAhead {
            batches: rx,
            spent: done_tx,
        }
    }

    /// Hands every batch of `size` records, in order, to `each` (see
    /// [`read_ahead`](Self::read_ahead)).
    fn for_each_batch(
        self,
        job: &FileJob,
        size: usize,
        mut each: impl FnMut(&Batch) -> Result<()>,
    ) -> Result<()> {
        std::thread::scope(|threads| {
            let incoming = self.read_ahead(threads, size, size, u64::MAX);
            loop {
                let batch = incoming.next().with_context(|| read_error(job))?;
                if batch.records.is_empty() {
                    return Ok(());
                }
                each(&batch)?;
                incoming.give_back(batch);
            }
        })
    }
}

/// The batches a reader thread reads ahead (see [`RecordReader::read_ahead`]). Dropping it
/// stops the reader at its next batch.
struct ReadAhead {
    batches: Receiver<std::io::Result<Batch>>,
    /// Batches done with, back to the reader.
    spent: Sender<Batch>,
}

impl ReadAhead {
    /// The next batch; an empty one at the end of the input.
    fn next(&self) -> std::io::Result<Batch> {
        // The reader stops after the end's empty batch, or after an error it sent.
        self.batches.recv().unwrap_or_else(|_| Ok(Batch::default()))
    }

    fn give_back(&self, batch: Batch) {
        // Unless the reader has stopped, in which case the batch is just dropped.
        let _ = self.spent.send(batch);
    }

    /// `work` on `first` (a batch taken with [`next`](Self::next) already; an empty one
    /// ends the file), then on the batches after it, in the pool's workers, [`IN_FLIGHT`]
    /// batches at a time; `done` gets the results in input order. `work` is given the batch
    /// and the number of its first record. The first error in input order (reading, `work`
    /// or `done`) stops the run and is returned.
    fn par_for_each<T: Send>(
        self,
        job: &FileJob,
        first: Batch,
        pool: &rayon::ThreadPool,
        work: impl Fn(&Batch, u64) -> Result<T> + Sync,
        mut done: impl FnMut(T) -> Result<()>,
    ) -> Result<()> {
        if first.records.is_empty() {
            return Ok(());
        }
        let work = &work;
        let mut incoming = std::iter::once(Ok(first)).chain(std::iter::from_fn(|| {
            Some(self.next()).filter(|b| !matches!(b, Ok(b) if b.records.is_empty()))
        }));
        pool.in_place_scope(|tasks| {
            let (result_tx, result_rx) = std::sync::mpsc::channel();
            // Results by batch number from `oldest` on; `None` until its work is done.
            let mut results: VecDeque<Option<(std::thread::Result<Result<T>>, Batch)>> =
                VecDeque::new();
            let (mut spawned, mut oldest, mut next_record) = (0usize, 0usize, 1u64);
            let mut more = true;
            loop {
                while more && spawned - oldest < IN_FLIGHT {
                    let batch = match incoming.next() {
                        Some(Ok(batch)) => batch,
                        Some(Err(e)) => {
                            // Reported in its place: after the batches read before it.
                            let e = anyhow::Error::new(e).context(read_error(job));
                            results.push_back(Some((Ok(Err(e)), Batch::default())));
                            spawned += 1;
                            more = false;
                            break;
                        }
                        None => {
                            more = false;
                            break;
                        }
                    };
                    let (number, first_record, result_tx) =
                        (spawned, next_record, result_tx.clone());
                    next_record += batch.records.len() as u64;
                    tasks.spawn(move |_| {
                        // A panic too is sent, to be raised again where the results are
                        // waited for: a task that sent nothing would be waited for forever.
                        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            work(&batch, first_record)
                        }));
                        // A closed channel: the run stopped on an earlier batch's error.
                        let _ = result_tx.send((number, result, batch));
                    });
                    spawned += 1;
                    results.push_back(None);
                }
                if oldest == spawned {
                    return Ok(());
                }
                while results[0].is_none() {
                    let (number, result, batch) =
                        result_rx.recv().expect("a task sends its result");
                    results[number - oldest] = Some((result, batch));
                }
                let (result, batch) = results.pop_front().flatten().expect("received");
                oldest += 1;
                done(result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?)?;
                self.give_back(batch);
            }
        })
    }
}

fn read_error(job: &FileJob) -> String {
    format!("cannot read {}", job.input.display())
}

/// A file opened for reading, its encoding and dialect decided, its header read.
struct OpenCsv {
    dialect: Dialect,
    encoding: TextEncoding,
    encoding_evidence: &'static str,
    /// The header record's raw bytes (terminator included), without any byte-order mark.
    header_raw: Vec<u8>,
    header_fields: Vec<FieldSpan>,
    headers: Vec<String>,
}

fn open_csv(job: &FileJob, progress: &indicatif::ProgressBar) -> Result<(OpenCsv, RecordReader)> {
    let src = super::open_input(&job.input, job.format.compression, progress)?;
    let mut reader = RecordReader {
        src,
        pending: ReadBuffer::default(),
        eof: false,
        block: FIRST_READ_BYTES,
        dialect: Dialect { delimiter: b',' },
        records: 0,
    };
    let file = || job.input.display().to_string();
    reader
        .fill()
        .with_context(|| format!("cannot read {}", file()))?;
    let (encoding, encoding_evidence) =
        TextEncoding::detect(&reader.pending, reader.eof).with_context(file)?;
    if encoding == (TextEncoding::Utf8 { bom: true }) {
        reader.pending.drain_front(UTF8_BOM.len());
    }
    reader.dialect = Dialect::sniff(&reader.pending);
    let mut batch = Batch::default();
    reader
        .next_batch(1, &mut batch)
        .with_context(|| format!("cannot read {}", file()))?;
    let Some(header) = batch.records.first() else {
        anyhow::bail!("{}: empty: no header record", file());
    };
    let header_raw = batch.bytes[header.start..header.end].to_vec();
    let raw_fields = &batch.fields[header.fields.clone()];
    check_record(job, 0, &batch.bytes, header, raw_fields, encoding)?;
    let header_fields: Vec<FieldSpan> = batch.fields[header.fields.clone()]
        .iter()
        .map(|f| FieldSpan::new(f.start() - header.start, f.end() - header.start, f.quoted))
        .collect();
    let headers = header_fields
        .iter()
        .map(|f| {
            encoding
                .decode(&unquote(&header_raw[f.range()]))
                .trim()
                .to_string()
        })
        .collect::<Vec<String>>();
    super::checks::unique_headers(&job.input, &headers)?;
    let open = OpenCsv {
        dialect: reader.dialect,
        encoding,
        encoding_evidence,
        header_raw,
        header_fields,
        headers,
    };
    Ok((open, reader))
}

/// Refuses a record with an unclosed quote or, in a UTF-8 file, bytes that are not UTF-8.
fn check_record(
    job: &FileJob,
    number: u64,
    buf: &[u8],
    record: &RawRecord,
    fields: &[FieldSpan],
    encoding: TextEncoding,
) -> Result<()> {
    check_quotes(job, number, buf, fields)?;
    let utf8 = matches!(encoding, TextEncoding::Utf8 { .. });
    if !utf8 || simdutf8::basic::from_utf8(&buf[record.start..record.end]).is_ok() {
        return Ok(());
    }
    for (col, f) in fields.iter().enumerate() {
        if std::str::from_utf8(&buf[f.range()]).is_err() {
            let how = if encoding == (TextEncoding::Utf8 { bom: true }) {
                "declared by its byte-order mark"
            } else {
                "found at its start"
            };
            return Err(field_error(
                job,
                number,
                col + 1,
                &format!(
                    "not valid UTF-8, although the file is UTF-8 ({how}): a value in another encoding cannot be searched; convert the whole file to one encoding"
                ),
            ));
        }
    }
    Ok(())
}

/// An unclosed quote runs to the end of the file, so only a last field can be unclosed.
fn check_quotes(job: &FileJob, number: u64, buf: &[u8], fields: &[FieldSpan]) -> Result<()> {
    if let Some(last) = fields.last().filter(|f| f.quoted)
        && !super::checks::quote_closed(&buf[last.range()])
    {
        return Err(field_error(
            job,
            number,
            fields.len(),
            "a quoted value is never closed",
        ));
    }
    Ok(())
}

/// An error about one field (never its value); record 0 is the header.
fn field_error(job: &FileJob, record: u64, column: usize, detail: &str) -> anyhow::Error {
    let what = if record == 0 {
        "header".to_string()
    } else {
        format!("record {record}")
    };
    anyhow::anyhow!("{}: {what}, column {column}: {detail}", job.input.display())
}

/// Classifies the columns from the first batch.
fn plan_from_batch(
    open: &OpenCsv,
    batch: &Batch,
    pipeline: &Pipeline,
) -> Vec<(ColumnClass, ColumnPlan)> {
    let n = open.headers.len();
    let mut samples: Vec<Vec<String>> = vec![Vec::new(); n];
    let buf = &batch.bytes;
    for r in &batch.records {
        for (col, f) in batch.fields[r.fields.clone()].iter().enumerate().take(n) {
            if samples[col].len() >= crate::classify::SAMPLE_VALUES {
                continue;
            }
            let value = open
                .encoding
                .decode(&unquote(&buf[f.range()]))
                .trim()
                .to_string();
            if !value.is_empty() {
                samples[col].push(value);
            }
        }
    }
    pipeline.pool.install(|| {
        scrub::plan_columns(
            &open.headers,
            &samples,
            pipeline.classifier,
            pipeline.detectors(),
            pipeline.policy,
        )
    })
}

fn format_report(open: &OpenCsv, job: &FileJob) -> FormatReport {
    FormatReport {
        format: "csv",
        compression: job.format.compression.name().map(String::from),
        encoding: Some(open.encoding.name()),
        encoding_evidence: Some(open.encoding_evidence),
        delimiter: Some(open.dialect.delimiter_name()),
    }
}

fn column_reports(
    headers: &[String],
    planned: Vec<(ColumnClass, ColumnPlan)>,
    counts: FileCounts,
    pipeline: &Pipeline,
    with_action: bool,
) -> Vec<ColumnReport> {
    planned
        .into_iter()
        .zip(counts.columns)
        .enumerate()
        .map(|(i, ((class, plan), counts))| ColumnReport {
            index: i,
            name: headers[i].clone(),
            kind: plan.kind,
            evidence: class.evidence,
            action: with_action.then(|| plan.action.label()),
            quasi_identifier: pipeline.classifier.is_quasi(&headers[i]),
            counts,
        })
        .collect()
}

fn say_assumptions(
    job: &FileJob,
    open: &OpenCsv,
    planned: &[(ColumnClass, ColumnPlan)],
    pipeline: &Pipeline,
) {
    if !pipeline.verbose {
        return;
    }
    eprintln!(
        "tazala: {}: {} ({}), delimiter {}",
        job.input.display(),
        open.encoding.name(),
        open.encoding_evidence,
        open.dialect.delimiter_name()
    );
    for (i, (class, plan)) in planned.iter().enumerate() {
        eprintln!(
            "tazala:   column {} {:?}: {} (by {}) -> {}",
            i + 1,
            open.headers[i],
            plan.kind,
            class.evidence.decided_by,
            plan.action.label()
        );
    }
}

/// Context for the values of one record, for error messages (never the value).
fn record_error(job: &FileJob, record: u64, detail: &str) -> anyhow::Error {
    anyhow::anyhow!("{}: record {record}: {detail}", job.input.display())
}

/// Counts what is in a file without writing anything (`tazala scan`).
pub fn scan_file(job: &FileJob, pipeline: &Pipeline) -> Result<FileReport> {
    let started = Instant::now();
    let size = std::fs::metadata(&job.input).map_or(0, |m| m.len());
    let progress = super::progress_bar(size, &pipeline.progress_label(job), pipeline.progress);
    let (open, reader) = open_csv(job, &progress)?;
    let limit = pipeline.max_records.unwrap_or(u64::MAX);
    let (planned, totals) = std::thread::scope(|threads| -> Result<_> {
        let incoming = reader.read_ahead(threads, CLASSIFY_RECORDS, pipeline.batch_records, limit);
        let first = incoming.next().with_context(|| read_error(job))?;
        let planned = plan_first_batch(job, &open, &first, pipeline)?;
        let plans = planned.iter().map(|(_, p)| p.clone()).collect();
        // A scan changes nothing: no key is needed even where the policy would pseudonymise.
        let scrubber = Scrubber::for_scan(plans, pipeline.detectors());
        let mut totals = FileCounts::new(open.headers.len());
        incoming.par_for_each(
            job,
            first,
            pipeline.pool,
            |batch, first_record| {
                process_batch(&open, batch, first_record, &scrubber, pipeline, job, None)
            },
            |counts| {
                totals += &counts;
                Ok(())
            },
        )?;
        Ok((planned, totals))
    })?;
    progress.finish_and_clear();
    Ok(FileReport {
        input: job.input.display().to_string(),
        output: None,
        format: format_report(&open, job),
        records_in: totals.records,
        records_out: None,
        columns: column_reports(&open.headers, planned, totals, pipeline, false),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Classifies a file's columns on its first batch and says what was assumed.
fn plan_first_batch(
    job: &FileJob,
    open: &OpenCsv,
    first: &Batch,
    pipeline: &Pipeline,
) -> Result<Vec<(ColumnClass, ColumnPlan)>> {
    // The first place the detectors are needed: they may still be being built until now.
    super::checks::header_is_not_data(&job.input, &open.headers, pipeline.detectors())?;
    let planned = plan_from_batch(open, first, pipeline);
    say_assumptions(job, open, &planned, pipeline);
    Ok(planned)
}

/// Scrubs one file into its output (`tazala scrub`).
pub fn scrub_file(job: &FileJob, pipeline: &Pipeline) -> Result<FileReport> {
    let started = Instant::now();
    let output = job.output.as_deref().expect("scrub jobs have an output");
    let size = std::fs::metadata(&job.input).map_or(0, |m| m.len());
    let progress = super::progress_bar(size, &pipeline.progress_label(job), pipeline.progress);
    let write_err = || format!("cannot write {}", output.display());
    let (open, reader) = open_csv(job, &progress)?;
    let spare = SpareBuffers::default();
    let (planned, totals) = std::thread::scope(|threads| -> Result<_> {
        let incoming =
            reader.read_ahead(threads, CLASSIFY_RECORDS, pipeline.batch_records, u64::MAX);
        let first = incoming.next().with_context(|| read_error(job))?;
        let planned = plan_first_batch(job, &open, &first, pipeline)?;
        let plans = planned.iter().map(|(_, p)| p.clone()).collect();
        let scrubber = Scrubber::new(plans, pipeline.detectors(), pipeline.pseudonymiser)
            .with_context(|| format!("{}", job.input.display()))?;

        // Opened only now that the file is classified and its plan accepted.
        let mut out = AtomicOutput::create(output, job.format.compression)?;
        if open.encoding == (TextEncoding::Utf8 { bom: true }) {
            out.writer().write_all(UTF8_BOM).with_context(write_err)?;
        }
        let header = write_header(&open, &scrubber);
        out.writer().write_all(&header).with_context(write_err)?;

        let mut totals = FileCounts::new(open.headers.len());
        // Batches are written on a thread of their own, so the workers scrub the next batch
        // meanwhile.
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        let spare = &spare;
        let writer = threads.spawn(move || -> Result<AtomicOutput> {
            let mut unsynced = 0;
            for chunks in full_rx {
                for bytes in chunks {
                    out.writer().write_all(&bytes).with_context(write_err)?;
                    unsynced += bytes.len();
                    spare.give_back(bytes);
                }
                if unsynced >= super::SYNC_BYTES {
                    out.sync_so_far().with_context(write_err)?;
                    unsynced = 0;
                }
            }
            Ok(out)
        });
        let read = incoming.par_for_each(
            job,
            first,
            pipeline.pool,
            |batch, first_record| {
                let mut chunk_out = Vec::new();
                let counts = process_batch(
                    &open,
                    batch,
                    first_record,
                    &scrubber,
                    pipeline,
                    job,
                    Some((&mut chunk_out, spare)),
                )?;
                Ok((chunk_out, counts))
            },
            |(chunk_out, counts)| {
                totals += &counts;
                // A closed channel: the writer stopped on an error, which its join reports.
                if full_tx.send(chunk_out).is_err() {
                    anyhow::bail!("the writer stopped");
                }
                Ok(())
            },
        );
        drop(full_tx);
        let written = writer
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        // The writer's error explains a read side that stopped because the writer did.
        let out = written?;
        read?;
        out.commit()?;
        Ok((planned, totals))
    })?;
    progress.finish_and_clear();
    let undecodable: u64 = totals.columns.iter().map(|c| c.undecodable).sum();
    if undecodable > 0 {
        eprintln!(
            "tazala: warning: {}: {undecodable} value(s) are not valid {} although the start of \
             the file is; where such a value was changed, its bad bytes became U+FFFD (see the \
             report's `undecodable` counts)",
            job.input.display(),
            open.encoding.name()
        );
    }
    let records = totals.records;
    Ok(FileReport {
        input: job.input.display().to_string(),
        output: Some(output.display().to_string()),
        format: format_report(&open, job),
        records_in: records,
        records_out: Some(records),
        columns: column_reports(&open.headers, planned, totals, pipeline, true),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The header as read, minus dropped columns.
fn write_header(open: &OpenCsv, scrubber: &Scrubber) -> Vec<u8> {
    let raw = &open.header_raw;
    if !(0..open.headers.len()).any(|i| scrubber.drops(i)) {
        return raw.clone();
    }
    let content_end = open.header_fields.last().map_or(0, |f| f.end());
    let mut out = Vec::with_capacity(raw.len());
    let mut first = true;
    for (i, f) in open.header_fields.iter().enumerate() {
        if scrubber.drops(i) {
            continue;
        }
        if !first {
            out.push(open.dialect.delimiter);
        }
        first = false;
        out.extend_from_slice(&raw[f.range()]);
    }
    out.extend_from_slice(&raw[content_end..]);
    out
}

/// Scrubs (with `out`, the output of each chunk pushed to it) or examines (without) one batch:
/// parallel over chunks, results in input order.
fn process_batch(
    open: &OpenCsv,
    batch: &Batch,
    first_record: u64,
    scrubber: &Scrubber,
    pipeline: &Pipeline,
    job: &FileJob,
    out: Option<(&mut Vec<Vec<u8>>, &SpareBuffers)>,
) -> Result<FileCounts> {
    // Writing when there are buffers to write into.
    let spare = out.as_ref().map(|(_, spare)| *spare);
    let columns = open.headers.len();
    let drops = (0..columns).any(|i| scrubber.drops(i));
    let plain: Vec<bool> = (0..columns)
        .map(|c| scrubber.writes_plain_values(c))
        .collect();
    let view = View {
        buf: &batch.bytes,
        encoding: open.encoding,
        dialect: open.dialect,
        plain: &plain,
    };
    let results: Vec<Result<(Vec<u8>, FileCounts)>> = pipeline.pool.install(|| {
        batch
            .records
            .par_chunks(RECORDS_PER_TASK)
            .enumerate()
            .map_init(Scratch::default, |scratch, (chunk_index, chunk)| {
                let lo = chunk.first().map_or(0, |r| r.start);
                let hi = chunk.last().map_or(0, |r| r.end);
                let number = |k: usize| first_record + (chunk_index * RECORDS_PER_TASK + k) as u64;
                let mut counts = FileCounts::new(columns);
                // UTF-8 validated once for the whole chunk: its values are then slices of it.
                let text = match view.encoding {
                    TextEncoding::Utf8 { .. } => simdutf8::basic::from_utf8(&view.buf[lo..hi]).ok(),
                    TextEncoding::Windows1251 => None,
                };
                for (k, record) in chunk.iter().enumerate() {
                    let fields = &batch.fields[record.fields.clone()];
                    if fields.len() != columns {
                        return Err(record_error(
                            job,
                            number(k),
                            &format!(
                                "{} fields but the header has {} (an unquoted delimiter or line \
                                 break in a value?)",
                                fields.len(),
                                columns
                            ),
                        ));
                    }
                    if text.is_none() {
                        check_record(job, number(k), view.buf, record, fields, view.encoding)?;
                    } else {
                        check_quotes(job, number(k), view.buf, fields)?;
                    }
                }
                counts.records = chunk.len() as u64;
                // Column by column: one column's memo and detectors stay warm over the chunk,
                // and its memo is locked once for a run of repeats (`Scrubber::pass`). The new
                // values go end to end into `new_text` (UTF-8) or, encoded, `new_bytes`;
                // `changed` holds (record in the chunk, column, span there) for each, as many
                // as there are changes, not fields.
                let mut buffers = CHUNK_BUFFERS.take();
                let ChunkBuffers {
                    new_bytes,
                    new_text,
                    new_value,
                    changed,
                    here,
                } = &mut buffers;
                let mut values: Vec<Cow<str>> = Vec::with_capacity(chunk.len());
                // Workers start on different columns, and skip a column another worker is in
                // (for now) rather than wait for its lock. `changed` then holds one run per
                // column, in record order, the run of column `c` at `runs[c]`.
                let first = chunk_index % columns.max(1);
                let mut todo: Vec<usize> = (0..columns).map(|s| (first + s) % columns).collect();
                let mut runs = vec![0..0; columns];
                while !todo.is_empty() {
                    let next = todo
                        .iter()
                        .position(|&c| scrubber.passes_through(c) || scrubber.column_is_free(c))
                        .unwrap_or(0);
                    let col = todo.remove(next);
                    let run_start = changed.len();
                    let col_counts = &mut counts.columns[col];
                    let field = |record: &RawRecord| batch.fields[record.fields.start + col];
                    if scrubber.passes_through(col) {
                        for record in chunk {
                            let f = field(record);
                            col_counts.values += 1;
                            let raw = &view.buf[f.range()];
                            let blank = if f.quoted {
                                unquote(raw).iter().all(u8::is_ascii_whitespace)
                            } else {
                                raw.iter().all(u8::is_ascii_whitespace)
                            };
                            col_counts.empty += u64::from(blank);
                        }
                        continue;
                    }
                    values.clear();
                    for record in chunk {
                        let f = field(record);
                        values.push(match text {
                            // Most fields are not quoted, as the reader noted: no call.
                            Some(text) if !f.quoted => {
                                Cow::Borrowed(&text[f.start() - lo..f.end() - lo])
                            }
                            Some(text) => unquote_text(&text[f.start() - lo..f.end() - lo]),
                            None => {
                                let (value, lossy) =
                                    decode_field(&view.buf[f.range()], view.encoding);
                                col_counts.undecodable += u64::from(lossy);
                                value
                            }
                        });
                    }
                    let mut pass = scrubber.pass(col);
                    for (k, value) in values.iter().enumerate() {
                        if k % scrub::LOOK_AHEAD == 0 {
                            pass.look_ahead(values[k..].iter().map(|v| v.as_ref()));
                        }
                        if spare.is_some() {
                            // UTF-8: the new value is scrubbed straight into `new_text`, which
                            // is then the chunk's buffer of new values.
                            let (from, out) = if text.is_some() {
                                (new_text.len(), &mut *new_text)
                            } else {
                                new_value.clear();
                                (new_bytes.len(), &mut *new_value)
                            };
                            if pass.scrub_into(value, number(k), scratch, col_counts, out) {
                                let end = if text.is_some() {
                                    new_text.len()
                                } else {
                                    new_bytes.extend_from_slice(&view.encoding.encode(new_value));
                                    new_bytes.len()
                                };
                                changed.push(NewValue {
                                    record: k,
                                    column: col,
                                    span: from..end,
                                });
                            }
                        } else {
                            pass.examine(value, number(k), scratch, col_counts);
                        }
                    }
                    runs[col] = run_start..changed.len();
                }
                let Some(spare) = spare else {
                    CHUNK_BUFFERS.set(buffers.emptied());
                    return Ok((Vec::new(), counts));
                };
                // Room for the chunk as read and pseudonyms a little longer than their values.
                let mut bytes = spare.take((hi - lo) + (hi - lo) / 4);
                let mut order = RecordOrder::new(&runs);
                for (k, record) in chunk.iter().enumerate() {
                    let fields = &batch.fields[record.fields.clone()];
                    order.changes_of(k, changed, here);
                    let changed = Changed {
                        values: here,
                        bytes: if text.is_some() {
                            new_text.as_bytes()
                        } else {
                            new_bytes
                        },
                    };
                    write_record(&mut bytes, &view, record, fields, &changed, drops, scrubber);
                }
                CHUNK_BUFFERS.set(buffers.emptied());
                Ok((bytes, counts))
            })
            .collect()
    });
    let mut totals = FileCounts::new(columns);
    let mut out = out;
    for r in results {
        let (bytes, counts) = r?;
        if let Some((out, _)) = out.as_mut() {
            out.push(bytes);
        }
        totals += &counts;
    }
    Ok(totals)
}

/// Output buffers the writer is done with, for the workers to fill again: a chunk's output is
/// a few hundred KiB, which the allocator would otherwise map afresh, and the kernel fault in
/// page by page, for every chunk. What is kept is bounded by the chunks in flight at once.
#[derive(Default)]
struct SpareBuffers(Mutex<Vec<Vec<u8>>>);

impl SpareBuffers {
    /// Buffers kept at most: more than the chunks of the batches in flight.
    const KEEP: usize = 64;

    /// An empty buffer with room for `capacity` bytes.
    fn take(&self, capacity: usize) -> Vec<u8> {
        let spare = self.0.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let mut bytes = spare.unwrap_or_default();
        bytes.reserve(capacity);
        bytes
    }

    fn give_back(&self, mut bytes: Vec<u8>) {
        bytes.clear();
        let mut spare = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < Self::KEEP {
            spare.push(bytes);
        }
    }
}

/// The changed values of a chunk record by record, each record's by column, from `changed` as
/// the scrub loop lists them: column by column, each in record order, the run of column `c` at
/// `runs[c]`. A merge of the runs, one cursor per column: no sort, and no copy of the list.
struct RecordOrder {
    /// Per column: the next of its changes not yet handed out, and the end of its run.
    cursors: Vec<Range<usize>>,
}

impl RecordOrder {
    fn new(runs: &[Range<usize>]) -> Self {
        RecordOrder {
            cursors: runs.to_vec(),
        }
    }

    /// Puts the changes of record `record` into `out`, by column. Records are asked for in
    /// increasing order.
    fn changes_of(&mut self, record: usize, changed: &[NewValue], out: &mut Vec<NewValue>) {
        out.clear();
        for cursor in &mut self.cursors {
            if let Some(c) = changed[cursor.clone()].first()
                && c.record == record
            {
                out.push(c.clone());
                cursor.start += 1;
            }
        }
    }
}

/// A worker's buffers for a chunk's new values, kept from chunk to chunk on its thread: made
/// afresh for every chunk they were copied at each doubling as they grew, and their pages
/// faulted in anew.
#[derive(Default)]
struct ChunkBuffers {
    /// New values end to end (UTF-8 input).
    new_text: String,
    /// New values encoded end to end (other encodings), and the one being encoded.
    new_bytes: Vec<u8>,
    new_value: String,
    /// What changed, column by column, and the changes of the record being written.
    changed: Vec<NewValue>,
    here: Vec<NewValue>,
}

impl ChunkBuffers {
    /// Bytes of new values a worker keeps between chunks; a chunk of huge values (a megabyte of
    /// text per field) gives its buffers back to the allocator instead.
    const KEEP_BYTES: usize = 8 << 20;

    /// The buffers cleared for the next chunk, their memory kept unless it is more than
    /// [`KEEP_BYTES`](Self::KEEP_BYTES).
    fn emptied(mut self) -> Self {
        let kept = self.new_text.capacity()
            + self.new_bytes.capacity()
            + (self.changed.capacity() + self.here.capacity()) * size_of::<NewValue>();
        if kept > Self::KEEP_BYTES {
            return ChunkBuffers::default();
        }
        self.new_text.clear();
        self.new_bytes.clear();
        self.new_value.clear();
        self.changed.clear();
        self.here.clear();
        self
    }
}

thread_local! {
    static CHUNK_BUFFERS: Cell<ChunkBuffers> = Cell::new(ChunkBuffers::default());
}

/// What workers need of an open file.
struct View<'a> {
    buf: &'a [u8],
    encoding: TextEncoding,
    dialect: Dialect,
    /// Per column: its new values need no look for bytes to quote.
    plain: &'a [bool],
}

/// A changed value of a chunk: its record (index in the chunk), column and encoded bytes' span
/// in the chunk's buffer of new values.
#[derive(Clone, Debug, Default, PartialEq)]
struct NewValue {
    record: usize,
    column: usize,
    span: Range<usize>,
}

/// The new values of one record, by column, and the buffer their spans point into; a field
/// not among them is written as read.
struct Changed<'a> {
    values: &'a [NewValue],
    bytes: &'a [u8],
}

/// Writes one record: as read but for its changed values when no column is dropped (`drops`),
/// else field by field.
fn write_record(
    out: &mut Vec<u8>,
    view: &View,
    record: &RawRecord,
    fields: &[FieldSpan],
    changed: &Changed,
    drops: bool,
    scrubber: &Scrubber,
) {
    let buf = view.buf;
    if !drops {
        // What lies between changed values (fields, delimiters, the line end) is copied as
        // read, one stretch at a time.
        let mut from = record.start;
        for v in changed.values {
            let f = &fields[v.column];
            out.extend_from_slice(&buf[from..f.start()]);
            let plain = view.plain[v.column];
            write_field(
                out,
                &changed.bytes[v.span.clone()],
                f.quoted,
                plain,
                view.dialect,
            );
            from = f.end();
        }
        out.extend_from_slice(&buf[from..record.end]);
        return;
    }
    let dialect = view.dialect;
    let mut first = true;
    let mut new_values = changed.values.iter().peekable();
    for (i, f) in fields.iter().enumerate() {
        let new = new_values.next_if(|v| v.column == i);
        if scrubber.drops(i) {
            continue;
        }
        if !first {
            out.push(dialect.delimiter);
        }
        first = false;
        match new {
            Some(v) => write_field(
                out,
                &changed.bytes[v.span.clone()],
                f.quoted,
                view.plain[i],
                dialect,
            ),
            None => out.extend_from_slice(&buf[f.range()]),
        }
    }
    out.extend_from_slice(&buf[record.content_end..record.end]);
}

// ---------------------------------------------------------------------------------------------
// Raw records for passes outside the scrub loop (`io::records`: risk, generalisation). Kept in
// this block so the reader above stays the one place that splits CSV.
// ---------------------------------------------------------------------------------------------

/// A CSV file opened for a pass of another module: how it is written, its header, its records.
pub struct RawCsv {
    pub dialect: Dialect,
    pub encoding: TextEncoding,
    /// The header record's raw bytes (terminator included), without any byte-order mark.
    pub header_raw: Vec<u8>,
    pub header_fields: Vec<FieldSpan>,
    pub headers: Vec<String>,
    reader: RecordReader,
}

/// Opens `job.input` and reads its header (an empty file is an error, as for the scrub).
pub fn open_raw(job: &FileJob) -> Result<RawCsv> {
    let hidden = indicatif::ProgressBar::hidden();
    let (open, reader) = open_csv(job, &hidden)?;
    Ok(RawCsv {
        dialect: open.dialect,
        encoding: open.encoding,
        header_raw: open.header_raw,
        header_fields: open.header_fields,
        headers: open.headers,
        reader,
    })
}

impl RawCsv {
    /// Hands every batch of records, in order, to `each`: the batch's bytes, its records and
    /// the spans of their fields (`RawRecord::fields` indexes the spans).
    pub fn for_each_batch(
        self,
        job: &FileJob,
        size: usize,
        mut each: impl FnMut(&[u8], &[RawRecord], &[FieldSpan]) -> Result<()>,
    ) -> Result<()> {
        self.reader
            .for_each_batch(job, size, |b| each(&b.bytes, &b.records, &b.fields))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::io::FileFormat;

    fn split(data: &[u8], delimiter: u8) -> Vec<Vec<String>> {
        let mut fields = Vec::new();
        let mut records = Vec::new();
        let mut pos = 0;
        while pos < data.len() {
            fields.clear();
            match parse_record(&data[pos..], true, delimiter, pos, &mut fields) {
                Parsed::Record(len, _) => {
                    records.push(
                        fields
                            .iter()
                            .map(|f| {
                                String::from_utf8(unquote(&data[f.range()]).into_owned()).unwrap()
                            })
                            .collect(),
                    );
                    pos += len;
                }
                Parsed::Incomplete => unreachable!("eof given"),
            }
        }
        records
    }

    /// A source that hands out its bytes a few hundred at a time, never a whole block.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf
                .len()
                .min(self.data.len() - self.at)
                .min(300 + self.at % 977);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    #[test]
    fn batches_read_in_pieces_and_refilled_hold_every_record_whole() {
        // Longer than several blocks, with quoted delimiters and line breaks that blocks and
        // batches cut anywhere.
        let mut data = Vec::new();
        for i in 0..60_000 {
            let note = "x".repeat(i % 90);
            data.extend_from_slice(
                format!("{i},\"a, \"\"b\"\"\n{note}\",{}\r\n", i * 7).as_bytes(),
            );
        }
        let whole = split(&data, b',');
        let mut reader = RecordReader {
            src: Box::new(Trickle {
                data: data.clone(),
                at: 0,
            }),
            pending: ReadBuffer::default(),
            eof: false,
            block: FIRST_READ_BYTES,
            dialect: Dialect { delimiter: b',' },
            records: 0,
        };
        // One batch filled again and again, as the reader's thread refills handed-back ones.
        let mut batch = Batch::default();
        let mut got: Vec<Vec<String>> = Vec::new();
        loop {
            reader.next_batch(7_001, &mut batch).unwrap();
            if batch.records.is_empty() {
                break;
            }
            for r in &batch.records {
                got.push(
                    batch.fields[r.fields.clone()]
                        .iter()
                        .map(|f| {
                            String::from_utf8(unquote(&batch.bytes[f.range()]).into_owned())
                                .unwrap()
                        })
                        .collect(),
                );
            }
        }
        assert_eq!(got.len(), 60_000);
        assert!(got == whole, "records differ from one reading of the whole");
    }

    fn reader_of(data: Vec<u8>) -> RecordReader {
        RecordReader {
            src: Box::new(Trickle { data, at: 0 }),
            pending: ReadBuffer::default(),
            eof: false,
            block: FIRST_READ_BYTES,
            dialect: Dialect { delimiter: b',' },
            records: 0,
        }
    }

    /// Records `1` to `n`, one number a line.
    fn numbers(n: usize) -> Vec<u8> {
        (1..=n)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect()
    }

    #[test]
    fn reads_start_small_and_double_up_to_a_megabyte() {
        // A small file zeroes no more buffer than its first read.
        let mut small = reader_of(numbers(1_000));
        small.fill().unwrap();
        assert!(small.eof);
        assert_eq!(small.pending.len, numbers(1_000).len());
        assert!(small.pending.bytes.len() <= FIRST_READ_BYTES);
        // A large one is sampled on its first megabyte, as before, read in doubling blocks.
        let mut large = reader_of(numbers(600_000));
        large.fill().unwrap();
        assert!(!large.eof);
        assert_eq!(large.pending.len, READ_BYTES);
        assert_eq!(large.block, READ_BYTES);
    }

    /// The batches' results, in order, of `work` over records 1 to 40: a first batch of 4,
    /// then batches of 3.
    fn run_batches(work: impl Fn(&Batch, u64) -> Result<u64> + Sync) -> (Result<()>, Vec<u64>) {
        let job = FileJob {
            input: "numbers.csv".into(),
            output: None,
            format: FileFormat::of(Path::new("numbers.csv")).unwrap(),
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let mut done = Vec::new();
        let result = std::thread::scope(|threads| {
            let incoming = reader_of(numbers(40)).read_ahead(threads, 4, 3, u64::MAX);
            let first = incoming.next().unwrap();
            incoming.par_for_each(&job, first, &pool, work, |n| {
                done.push(n);
                Ok(())
            })
        });
        (result, done)
    }

    /// Sleeps the longer the earlier the batch, so that batches in flight together finish
    /// in the reverse of their order.
    fn late_for_early_batches(first_record: u64) {
        std::thread::sleep(std::time::Duration::from_millis(40 - first_record));
    }

    #[test]
    fn a_spare_buffer_comes_back_empty_with_its_memory() {
        let spare = SpareBuffers::default();
        let mut bytes = spare.take(100);
        assert!(bytes.is_empty() && bytes.capacity() >= 100);
        bytes.extend_from_slice(&[7; 5000]);
        let held = bytes.as_ptr();
        spare.give_back(bytes);
        let again = spare.take(10);
        assert!(again.is_empty() && again.capacity() >= 5000);
        assert_eq!(again.as_ptr(), held);
        // No more are kept than a run has in flight.
        for _ in 0..2 * SpareBuffers::KEEP {
            spare.give_back(vec![1]);
        }
        assert_eq!(spare.0.lock().unwrap().len(), SpareBuffers::KEEP);
    }

    #[test]
    fn batches_in_flight_end_in_input_order() {
        let (result, done) = run_batches(|batch, first_record| {
            late_for_early_batches(first_record);
            assert_eq!(batch.records.len(), if first_record == 1 { 4 } else { 3 });
            Ok(first_record)
        });
        result.unwrap();
        let expected: Vec<u64> = std::iter::once(1).chain((5..=40).step_by(3)).collect();
        assert_eq!(done, expected);
    }

    #[test]
    fn of_failing_batches_in_flight_the_first_in_input_order_is_the_error() {
        // The batches from records 17 and 20, in flight together, fail; the later one first.
        let (result, done) = run_batches(|_, first_record| {
            late_for_early_batches(first_record);
            match first_record {
                17 | 20 => anyhow::bail!("batch from record {first_record}"),
                _ => Ok(first_record),
            }
        });
        assert_eq!(result.unwrap_err().to_string(), "batch from record 17");
        assert_eq!(done, [1, 5, 8, 11, 14]);
    }

    #[test]
    fn a_panic_in_a_batch_is_raised_again_not_waited_for() {
        let outcome = std::panic::catch_unwind(|| {
            run_batches(|_, first_record| {
                assert_ne!(first_record, 20, "a worker panics");
                Ok(first_record)
            })
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn splits_quotes_doubled_quotes_and_embedded_newlines() {
        let data = b"a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\n,,\n";
        assert_eq!(
            split(data, b','),
            vec![
                vec!["a", "b,c", "say \"hi\""],
                vec!["1", "two\nlines", "3"],
                vec!["", "", ""],
            ]
        );
    }

    #[test]
    fn agrees_with_the_csv_crate() {
        let data = "ИИН;ФИО;Комментарий\r\n871008401427;\"Иванов; Иван\";\"он сказал \"\"да\"\"\"\r\n;;\"многострочный\nтекст\"\r\nx;y;z".as_bytes();
        let mut expected = Vec::new();
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(data);
        for r in rdr.records() {
            expected.push(r.unwrap().iter().map(str::to_string).collect::<Vec<_>>());
        }
        assert_eq!(split(data, b';'), expected);
    }

    #[test]
    fn unquote_text_agrees_with_unquote() {
        for raw in [
            "plain",
            "\"quoted\"",
            "\"он сказал \"\"да\"\"\"",
            "\"\"",
            "\"",
            "\"closed\" then more",
            "\"a\"\"",
            "\"unclosed",
            "\"ends with doubled\"\"\"",
        ] {
            assert_eq!(
                unquote_text(raw).as_bytes(),
                &*unquote(raw.as_bytes()),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn incomplete_records_wait_for_more_data() {
        let mut fields = Vec::new();
        for cut in [b"a,\"b\nc" as &[u8], b"a,\"b\"", b"a,b", b"a,"] {
            assert_eq!(
                parse_record(cut, false, b',', 0, &mut fields),
                Parsed::Incomplete,
                "{cut:?}"
            );
            assert!(fields.is_empty());
        }
        assert_eq!(
            parse_record(b"a,b\r\nc", false, b',', 0, &mut fields),
            Parsed::Record(5, 3)
        );
    }

    #[test]
    fn sniffs_the_delimiter() {
        assert_eq!(Dialect::sniff(b"a,b,c\n1,2,3\n").delimiter, b',');
        assert_eq!(
            Dialect::sniff("ФИО;Телефон\nИванов, Иван;8701\n".as_bytes()).delimiter,
            b';'
        );
        assert_eq!(Dialect::sniff(b"a\tb\n1\t2\n").delimiter, b'\t');
        assert_eq!(Dialect::sniff(b"a|b|c\n1|2|3\n").delimiter, b'|');
        assert_eq!(Dialect::sniff(b"\"x,y\";b\n\"1,2\";3\n").delimiter, b';');
        assert_eq!(Dialect::sniff(b"single\n1\n").delimiter, b',');
    }

    #[test]
    fn changed_values_are_quoted_when_they_were_or_must_be() {
        let d = Dialect { delimiter: b';' };
        let mut out = Vec::new();
        write_field(&mut out, b"IIN-X", false, false, d);
        out.push(b'|');
        write_field(&mut out, b"IIN-X", true, false, d);
        out.push(b'|');
        write_field(&mut out, b"a;\"b\"", false, false, d);
        out.push(b'|');
        // Known plain: no look, but quoted still when the original was.
        write_field(&mut out, b"IIN-X", false, true, d);
        out.push(b'|');
        write_field(&mut out, b"IIN-X", true, true, d);
        assert_eq!(out, b"IIN-X|\"IIN-X\"|\"a;\"\"b\"\"\"|IIN-X|\"IIN-X\"");
    }

    #[test]
    fn changes_listed_column_by_column_come_out_by_record_then_column() {
        let new = |record, column| NewValue {
            record,
            column,
            span: record * 10 + column..record * 10 + column + 1,
        };
        // Four columns, the pass starting at column 2: columns 2, 3, 0, 1.
        let listed = vec![
            new(0, 2),
            new(3, 2),
            new(1, 3),
            new(0, 0),
            new(1, 0),
            new(3, 0),
            new(3, 1),
        ];
        let in_order = |listed: &[NewValue], runs: &[Range<usize>], records: usize| {
            let mut order = RecordOrder::new(runs);
            let (mut all, mut here) = (Vec::new(), Vec::new());
            for k in 0..records {
                order.changes_of(k, listed, &mut here);
                assert!(here.iter().all(|c| c.record == k));
                all.extend(here.iter().cloned());
            }
            all
        };
        let mut expected = listed.clone();
        expected.sort_by_key(|c| (c.record, c.column));
        assert_eq!(in_order(&listed, &[3..6, 6..7, 0..2, 2..3], 4), expected);
        assert_eq!(in_order(&listed[3..], &[0..3, 3..4], 4).len(), 4);
        assert!(in_order(&[], &[0..0, 0..0], 3).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn find_either_finds_what_memchr2_finds(
            data in proptest::collection::vec(proptest::sample::select(b",;\n\"a\xd0\xb0 0".to_vec()), 0..200),
            a in proptest::sample::select(b",;\t|".to_vec()),
        ) {
            proptest::prop_assert_eq!(find_either(a, b'\n', &data), memchr::memchr2(a, b'\n', &data));
        }
    }
}
