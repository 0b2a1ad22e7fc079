//! Checks each column chunk's page headers before the Parquet reader decodes a page.
//!
//! The reader trusts the sizes and counts a page header declares: a corrupt header claiming a
//! page of gigabytes or billions of values makes it allocate that much before it finds out
//! (found by fuzzing, `fuzz_parquet_oom_page_header`: an 8 KB file took `tazala scan` to ~5 GB).
//! So the headers are walked first, in the file's own bytes, and a file is refused when a
//! header does not pass the Thrift walk of [`super::thrift`] (it does not parse, a list in it
//! claims more elements than there are bytes, a field has the wrong type), a page runs past
//! its chunk, a size or count is negative, a page is bigger than [`MAX_PAGE_BYTES`] or (past
//! 16 MiB) than its chunk says all its pages are, a dictionary holds more entries than its
//! bytes can, a header is longer than 16 MiB, or a page's type or sub-header is missing or
//! unknown. Only the headers are read, never more than one header's worth at a time.
//!
//! The field numbers are those of `PageHeader` in parquet-format's `parquet.thrift`. Only the
//! fields checked here are read; the rest (statistics, CRC, encodings) are skipped.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

use parquet::file::metadata::ParquetMetaData;

use super::thrift::{CUT, Compact, Parsed, shape, ty};

/// No page may claim more than this, compressed or not: far above what writers produce (about
/// 1 MB by default) and low enough that a corrupt claim cannot exhaust memory.
pub const MAX_PAGE_BYTES: i64 = 1 << 30;

/// A page up to this size passes whatever its chunk's total says: a writer that got that total
/// wrong still writes readable files, and this much memory is no danger.
const TRUSTED_PAGE_BYTES: i64 = 16 << 20;

/// Page types of parquet-format.
const DATA_PAGE: i32 = 0;
const INDEX_PAGE: i32 = 1;
const DICTIONARY_PAGE: i32 = 2;
const DATA_PAGE_V2: i32 = 3;

/// Why a chunk's pages were refused; the caller names file, row group and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPage {
    /// 1-based page number within its chunk.
    pub page: usize,
    pub why: &'static str,
}

/// A chunk's location and what its metadata says of all its pages.
#[derive(Debug, Clone, Copy)]
pub struct Chunk {
    pub start: u64,
    pub len: u64,
    /// Uncompressed bytes of all its pages (headers included), from its metadata.
    pub uncompressed: i64,
    /// The fewest bytes a dictionary entry of the column's physical type takes (plain
    /// encoding): 4 for INT32, FLOAT and BYTE_ARRAY (its length), 8 for INT64 and DOUBLE, 12 for
    /// INT96, the type length for FIXED_LEN_BYTE_ARRAY; at least 1.
    pub entry_bytes: i64,
}

/// See [`Chunk::entry_bytes`].
fn entry_bytes(column: &parquet::file::metadata::ColumnChunkMetaData) -> i64 {
    use parquet::basic::Type;
    let descr = column.column_descr();
    match descr.physical_type() {
        Type::BOOLEAN => 1,
        Type::INT32 | Type::FLOAT | Type::BYTE_ARRAY => 4,
        Type::INT64 | Type::DOUBLE => 8,
        Type::INT96 => 12,
        Type::FIXED_LEN_BYTE_ARRAY => i64::from(descr.type_length()).max(1),
    }
}

/// Walks the page headers of every column chunk of every row group in `file`, reading only
/// the headers. The first bad page is returned as `(row group, column, page)`, all 1-based.
pub fn check_file(
    file: &File,
    meta: &ParquetMetaData,
) -> std::io::Result<Option<(usize, usize, BadPage)>> {
    let mut input = std::io::BufReader::with_capacity(FIRST_READ as usize, file);
    for (r, rg) in meta.row_groups().iter().enumerate() {
        for (c, column) in rg.columns().iter().enumerate() {
            let start = column
                .dictionary_page_offset()
                .unwrap_or(column.data_page_offset());
            // Offsets and sizes were checked to lie inside the file before this is called.
            let (Ok(start), Ok(len)) = (
                u64::try_from(start),
                u64::try_from(column.compressed_size()),
            ) else {
                continue;
            };
            let chunk = Chunk {
                start,
                len,
                uncompressed: column.uncompressed_size(),
                entry_bytes: entry_bytes(column),
            };
            if let Err(bad) = check_chunk(&mut input, &chunk)? {
                return Ok(Some((r + 1, c + 1, bad)));
            }
        }
    }
    Ok(None)
}

/// No page header is longer (parquet-cpp's default limit): statistics are truncated long before.
const MAX_HEADER_BYTES: u64 = 16 << 20;

/// Bytes read for a page header at first: most fit; one with long statistics is read again
/// with a larger window, up to its chunk's end.
const FIRST_READ: u64 = 512;

/// Checks every page header of one chunk, seeking past each page's data.
pub fn check_chunk<R: Read + Seek>(
    input: &mut R,
    chunk: &Chunk,
) -> std::io::Result<Result<(), BadPage>> {
    let end = chunk.start.saturating_add(chunk.len);
    let mut pos = chunk.start;
    let mut page = 0usize;
    let mut window = Vec::new();
    while pos < end {
        page += 1;
        let bad = |why| BadPage { page, why };
        let left = end - pos;
        // The window may grow to the header limit or the chunk's end, whichever comes first.
        let most = left.min(MAX_HEADER_BYTES);
        let mut want = FIRST_READ.min(most);
        let (header, header_len) = loop {
            input.seek(SeekFrom::Start(pos))?;
            window.clear();
            input.by_ref().take(want).read_to_end(&mut window)?;
            // The field types first, so that the reader reads the header as this walk does.
            let mut compact = Compact::new(&window);
            let parsed = compact
                .walk(&shape::PAGE_HEADER, ty::STRUCT, 0)
                .and_then(|()| page_header(&mut Compact::new(&window)));
            match parsed {
                Ok(header) => break (header, compact.pos() as u64),
                // Read more only when the header says how much more it needs and that fits.
                Err(CUT)
                    if window.len() as u64 == want
                        && want < most
                        && compact.needed() as u64 <= most =>
                {
                    want = want
                        .saturating_mul(8)
                        .max(compact.needed() as u64)
                        .min(most);
                }
                Err(CUT)
                    if compact.needed() as u64 > MAX_HEADER_BYTES && left > MAX_HEADER_BYTES =>
                {
                    return Ok(Err(bad("a page header is longer than 16 MiB")));
                }
                Err(CUT) => return Ok(Err(bad(CUT_BY_CHUNK))),
                Err(why) => return Ok(Err(bad(why))),
            }
        };
        if let Err(why) = check_header(&header, chunk) {
            return Ok(Err(bad(why)));
        }
        // check_header bounds the size to 1 GiB.
        let data = header.compressed.unwrap_or(0) as u64;
        match header_len.checked_add(data).filter(|&n| n <= left) {
            Some(n) => pos += n,
            None => return Ok(Err(bad("the page runs past the end of its column chunk"))),
        }
    }
    Ok(Ok(()))
}

fn check_header(h: &PageHeader, chunk: &Chunk) -> Result<(), &'static str> {
    let kind = h.kind.ok_or("the page header has no page type")?;
    let (Some(compressed), Some(uncompressed)) = (h.compressed, h.uncompressed) else {
        return Err("the page header has no page size");
    };
    if compressed < 0 || uncompressed < 0 {
        return Err("the page declares a negative size");
    }
    if compressed > MAX_PAGE_BYTES || uncompressed > MAX_PAGE_BYTES {
        return Err("the page declares more than 1 GiB");
    }
    if uncompressed > chunk.uncompressed.max(TRUSTED_PAGE_BYTES) {
        return Err("the page declares more bytes than its whole column chunk");
    }
    let values = match kind {
        DATA_PAGE => h
            .data_values
            .ok_or("a data page without its data page header")?,
        DATA_PAGE_V2 => {
            let v2 = h.v2.ok_or("a data page without its data page header")?;
            if v2.nulls < 0 || v2.rows < 0 || v2.definition_bytes < 0 || v2.repetition_bytes < 0 {
                return Err("the page declares a negative count");
            }
            // Every row and every null is at least one entry of the page's values.
            if v2.nulls > v2.values || v2.rows > v2.values {
                return Err("the page declares more rows or nulls than values");
            }
            if v2.definition_bytes.saturating_add(v2.repetition_bytes) > compressed {
                return Err("the page's levels are bigger than the page");
            }
            v2.values
        }
        DICTIONARY_PAGE => {
            let values = h
                .dictionary_values
                .ok_or("a dictionary page without its dictionary page header")?;
            // A dictionary may hold more entries than its chunk has values (writers keep unused
            // categories and enum members), but never more than its bytes can hold.
            if values > uncompressed / chunk.entry_bytes {
                return Err("the dictionary declares more values than its bytes can hold");
            }
            values
        }
        INDEX_PAGE => 0,
        _ => return Err("the page has an unknown page type"),
    };
    // A data page's count is not held to its chunk's: early parquet-cpp counted the chunk's
    // values without nulls, and the reader decodes batch by batch, not by this count.
    if values < 0 {
        return Err("the page declares a negative count");
    }
    Ok(())
}

/// The fields of a page header that are checked.
#[derive(Debug, Default)]
struct PageHeader {
    kind: Option<i32>,
    uncompressed: Option<i64>,
    compressed: Option<i64>,
    data_values: Option<i64>,
    dictionary_values: Option<i64>,
    v2: Option<V2>,
}

#[derive(Debug, Clone, Copy)]
struct V2 {
    values: i64,
    nulls: i64,
    rows: i64,
    definition_bytes: i64,
    repetition_bytes: i64,
}

/// A data or dictionary page header's required count is missing.
const NO_COUNT: &str = "a page header lacks its value count";
/// The header needs bytes past the window read (or past its chunk, when the window is the
/// rest of the chunk).
const CUT_BY_CHUNK: &str = "a page header is cut short by the end of its column chunk";

/// A data or dictionary page header (a struct whose field 1 is its value count): the count.
fn value_count(input: &mut Compact) -> Parsed<i64> {
    let mut count = None;
    input.fields(1, |input, id, t| match id {
        1 => input.int(t, 2).map(|v| count = v),
        _ => input.skip(t, 2),
    })?;
    count.ok_or(NO_COUNT)
}

fn page_header(input: &mut Compact) -> Parsed<PageHeader> {
    let mut h = PageHeader::default();
    input.fields(0, |input, id, t| {
        match id {
            1 => h.kind = input.int(t, 1)?.and_then(|v| i32::try_from(v).ok()),
            2 => h.uncompressed = input.int(t, 1)?,
            3 => h.compressed = input.int(t, 1)?,
            5 if t == ty::STRUCT => h.data_values = Some(value_count(input)?),
            7 if t == ty::STRUCT => h.dictionary_values = Some(value_count(input)?),
            8 if t == ty::STRUCT => {
                let mut counts = [None; 6];
                input.fields(1, |input, id, t| match id {
                    1..=3 | 5 | 6 => input.int(t, 2).map(|v| counts[id as usize - 1] = v),
                    _ => input.skip(t, 2),
                })?;
                let [
                    Some(values),
                    Some(nulls),
                    Some(rows),
                    _,
                    Some(def),
                    Some(rep),
                ] = counts
                else {
                    return Err(NO_COUNT);
                };
                h.v2 = Some(V2 {
                    values,
                    nulls,
                    rows,
                    definition_bytes: def,
                    repetition_bytes: rep,
                });
            }
            _ => input.skip(t, 1)?,
        }
        Ok(())
    })?;
    Ok(h)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::file::properties::{WriterProperties, WriterVersion};
    use parquet::file::reader::{FileReader, SerializedFileReader};

    use super::super::thrift::{BOOLEAN_LIST, MALFORMED, TOO_DEEP, WRONG_TYPE};
    use super::*;

    /// Writes a compact-protocol page header field by field.
    #[derive(Default)]
    struct Header(Vec<u8>);

    impl Header {
        fn varint(&mut self, mut v: u64) {
            while v >= 0x80 {
                self.0.push(v as u8 | 0x80);
                v >>= 7;
            }
            self.0.push(v as u8);
        }
        fn field(&mut self, delta: u8, field_type: u8) -> &mut Self {
            self.0.push(delta << 4 | field_type);
            self
        }
        fn i32(&mut self, delta: u8, v: i64) -> &mut Self {
            self.field(delta, ty::I32);
            self.varint(((v << 1) ^ (v >> 63)) as u64);
            self
        }
        fn stop(&mut self) -> &mut Self {
            self.0.push(ty::STOP);
            self
        }
        /// type, sizes and, for a data or dictionary page, its sub-header with `values`.
        fn page(kind: i32, uncompressed: i64, compressed: i64, values: i64) -> Vec<u8> {
            let mut h = Header::default();
            h.i32(1, i64::from(kind))
                .i32(1, uncompressed)
                .i32(1, compressed);
            match kind {
                DATA_PAGE => {
                    h.field(2, ty::STRUCT)
                        .i32(1, values)
                        .i32(1, 0)
                        .i32(1, 3)
                        .i32(1, 3);
                    h.stop();
                }
                DICTIONARY_PAGE => {
                    h.field(4, ty::STRUCT).i32(1, values).i32(1, 0).stop();
                }
                _ => {}
            }
            h.stop();
            h.0
        }
    }

    /// A BYTE_ARRAY column's chunk.
    const CHUNK: Chunk = Chunk {
        start: 0,
        len: 0,
        uncompressed: 10_000,
        entry_bytes: 4,
    };

    /// Checks `pages` (header followed by `compressed` bytes of data each) as one chunk.
    fn check(pages: &[(Vec<u8>, usize)]) -> Result<(), BadPage> {
        check_counting(pages).0
    }

    /// Like [`check`], also giving the bytes read from the chunk.
    fn check_counting(pages: &[(Vec<u8>, usize)]) -> (Result<(), BadPage>, u64) {
        let mut bytes = Vec::new();
        for (header, data) in pages {
            bytes.extend_from_slice(header);
            bytes.resize(bytes.len() + data, 0);
        }
        let chunk = Chunk {
            len: bytes.len() as u64,
            ..CHUNK
        };
        let mut input = Counting {
            inner: Cursor::new(bytes),
            read: 0,
        };
        (check_chunk(&mut input, &chunk).unwrap(), input.read)
    }

    /// Counts the bytes read through it.
    struct Counting<R> {
        inner: R,
        read: u64,
    }

    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read += n as u64;
            Ok(n)
        }
    }

    impl<R: Seek> Seek for Counting<R> {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.inner.seek(to)
        }
    }

    fn why(result: Result<(), BadPage>) -> &'static str {
        result.expect_err("refused").why
    }

    #[test]
    fn well_formed_pages_pass() {
        let dict = Header::page(DICTIONARY_PAGE, 40, 40, 10);
        let data = Header::page(DATA_PAGE, 120, 60, 100);
        assert_eq!(check(&[(dict, 40), (data, 60)]), Ok(()));
        // More than the chunk's total, but small: a wrong total is no reason to refuse.
        let small = Header::page(DATA_PAGE, CHUNK.uncompressed + 1, 60, 100);
        assert_eq!(check(&[(small, 60)]), Ok(()));
    }

    #[test]
    fn files_the_writer_makes_pass_v1_and_v2_with_statistics_and_dictionaries() {
        for version in [WriterVersion::PARQUET_1_0, WriterVersion::PARQUET_2_0] {
            let names: Vec<String> = (0..20_000).map(|i| format!("value {}", i % 700)).collect();
            let long: Vec<String> = (0..20_000).map(|i| "x".repeat(i % 3000)).collect();
            let batch = RecordBatch::try_from_iter([
                (
                    "name",
                    Arc::new(StringArray::from_iter_values(&names)) as ArrayRef,
                ),
                (
                    "long",
                    Arc::new(StringArray::from_iter_values(&long)) as ArrayRef,
                ),
                (
                    "n",
                    Arc::new(Int64Array::from_iter(
                        (0..20_000).map(|i| (i % 5 != 0).then_some(i)),
                    )),
                ),
            ])
            .unwrap();
            let props = WriterProperties::builder()
                .set_writer_version(version)
                .set_data_page_size_limit(4096)
                .set_max_row_group_row_count(Some(7_000))
                .build();
            let mut file = tempfile::tempfile().unwrap();
            let mut writer = ArrowWriter::try_new(&mut file, batch.schema(), Some(props)).unwrap();
            writer.write(&batch).unwrap();
            writer.close().unwrap();
            let reader = SerializedFileReader::new(file.try_clone().unwrap()).unwrap();
            assert_eq!(check_file(&file, reader.metadata()).unwrap(), None);
        }
    }

    #[test]
    fn sizes_beyond_reason_or_negative_are_refused() {
        let huge = Header::page(DATA_PAGE, MAX_PAGE_BYTES + 1, 10, 5);
        assert_eq!(
            why(check(&[(huge, 10)])),
            "the page declares more than 1 GiB"
        );
        let negative = Header::page(DATA_PAGE, 10, -4, 5);
        assert_eq!(
            why(check(&[(negative, 0)])),
            "the page declares a negative size"
        );
        let bigger_than_chunk = Header::page(DATA_PAGE, TRUSTED_PAGE_BYTES + 1, 10, 5);
        assert_eq!(
            why(check(&[(bigger_than_chunk, 10)])),
            "the page declares more bytes than its whole column chunk"
        );
    }

    #[test]
    fn counts_beyond_the_bytes_are_refused_counts_beyond_the_chunk_are_not() {
        // pyarrow keeps unused categories, DuckDB every enum member: a dictionary may hold more
        // entries than its chunk has values; a data page may count more than old writers said.
        let dict = Header::page(DICTIONARY_PAGE, 40, 40, 10);
        let data = Header::page(DATA_PAGE, 100, 100, 1_000_000);
        assert_eq!(check(&[(dict, 40), (data, 100)]), Ok(()));
        // 9 BYTE_ARRAY entries need 36 bytes at least.
        let dict = Header::page(DICTIONARY_PAGE, 35, 35, 9);
        assert_eq!(
            why(check(&[(dict, 35)])),
            "the dictionary declares more values than its bytes can hold"
        );
        let negative = Header::page(DATA_PAGE, 100, 100, -1);
        assert_eq!(
            why(check(&[(negative, 100)])),
            "the page declares a negative count"
        );
    }

    #[test]
    fn a_page_past_its_chunk_is_refused_and_named_by_number() {
        let first = Header::page(DATA_PAGE, 10, 10, 5);
        let second = Header::page(DATA_PAGE, 50, 50, 5);
        let bad = check(&[(first, 10), (second, 20)]).unwrap_err();
        assert_eq!(bad.page, 2);
        assert_eq!(bad.why, "the page runs past the end of its column chunk");
    }

    #[test]
    fn missing_or_unknown_parts_are_refused() {
        assert_eq!(
            why(check(&[(Header::page(9, 10, 10, 0), 10)])),
            "the page has an unknown page type"
        );
        assert_eq!(
            why(check(&[(Header::page(DATA_PAGE_V2, 10, 10, 0), 10)])),
            "a data page without its data page header"
        );
        let mut no_type = Header::default();
        no_type.i32(2, 10).i32(1, 10).stop();
        assert_eq!(
            why(check(&[(no_type.0, 10)])),
            "the page header has no page type"
        );
        let mut no_count = Header::default();
        no_count.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
        no_count.field(2, ty::STRUCT).i32(2, 0).stop().stop();
        assert_eq!(
            why(check(&[(no_count.0, 10)])),
            "a page header lacks its value count"
        );
    }

    #[test]
    fn garbage_and_cut_headers_are_refused_without_reading_past_the_chunk() {
        assert_eq!(why(check(&[(vec![0xff; 40], 0)])), MALFORMED);
        let mut cut = Header::page(DATA_PAGE, 10, 10, 5);
        cut.truncate(4);
        assert_eq!(why(check(&[(cut, 0)])), CUT_BY_CHUNK);
        // A statistics value claiming 4 GB of bytes.
        let mut long = Header::default();
        long.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
        // Field 15, which no page header has: skipped, as the reader does.
        long.field(12, ty::BINARY).varint(1 << 32);
        assert_eq!(why(check(&[(long.0, 0)])), CUT_BY_CHUNK);
    }

    /// Found by `fuzz/` (parquet_reader; `bad_input::fuzz_parquet_slow_page_header`): a list of
    /// booleans written as `false` claiming 2^60 elements made this walk loop for minutes.
    #[test]
    fn a_list_longer_than_its_bytes_is_refused_at_once() {
        for (element, refused) in [
            (ty::FALSE, BOOLEAN_LIST),
            (ty::TRUE, BOOLEAN_LIST),
            (ty::I32, CUT_BY_CHUNK),
            (ty::STRUCT, CUT_BY_CHUNK),
        ] {
            let mut h = Header::default();
            h.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
            h.field(12, ty::LIST).0.push(0xf0 | element);
            h.varint(1 << 60);
            assert_eq!(why(check(&[(h.0, 0)])), refused);
        }
        let mut map = Header::default();
        map.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
        map.field(12, ty::MAP).varint(1 << 60);
        map.0.push(ty::I32 << 4 | ty::I32);
        assert_eq!(why(check(&[(map.0, 0)])), CUT_BY_CHUNK);
    }

    #[test]
    fn a_claimed_length_past_the_chunk_is_refused_without_reading_the_chunk() {
        let mut h = Header::default();
        h.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
        h.field(12, ty::BINARY).varint(5_000_000);
        let (result, read) = check_counting(&[(h.0, 1_000_000)]);
        assert_eq!(why(result), CUT_BY_CHUNK);
        assert!(read <= FIRST_READ, "read {read} bytes");
    }

    #[test]
    fn a_header_longer_than_16_mib_is_refused() {
        let mut h = Header::default();
        h.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
        h.field(12, ty::BINARY).varint(MAX_HEADER_BYTES);
        let (result, read) = check_counting(&[(h.0, MAX_HEADER_BYTES as usize + 100)]);
        assert_eq!(why(result), "a page header is longer than 16 MiB");
        assert!(read <= FIRST_READ, "read {read} bytes");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut deep = Header::default();
        deep.i32(1, i64::from(DATA_PAGE)).field(14, ty::STRUCT);
        for _ in 0..39 {
            deep.field(1, ty::STRUCT);
        }
        deep.0.extend([ty::STOP; 41]);
        assert_eq!(why(check(&[(deep.0, 0)])), TOO_DEEP);
    }

    /// The reader reads a known field by the type it expects: a data page header (field 5)
    /// written as a binary would be read by it as a struct, and the two readings would part.
    #[test]
    fn a_known_field_of_another_type_is_refused() {
        let mut h = Header::default();
        h.i32(1, i64::from(DATA_PAGE)).i32(1, 10).i32(1, 10);
        h.field(2, ty::BINARY).varint(2);
        h.0.extend([0x15, 0x00]);
        h.stop();
        assert_eq!(why(check(&[(h.0, 10)])), WRONG_TYPE);
    }

    #[test]
    fn a_header_longer_than_the_first_read_is_read_whole() {
        let mut h = Header::default();
        h.i32(1, i64::from(DATA_PAGE)).i32(1, 100).i32(1, 100);
        h.field(2, ty::STRUCT).i32(1, 50);
        // Statistics (field 5 of the data page header) with a 3000-byte max value.
        h.field(4, ty::STRUCT).field(1, ty::BINARY).varint(3000);
        h.0.resize(h.0.len() + 3000, b'a');
        h.stop().stop().stop();
        assert_eq!(check(&[(h.0, 100)]), Ok(()));
    }
}
