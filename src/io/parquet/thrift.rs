//! A reader of the Thrift compact protocol
//! (<https://github.com/apache/thrift/blob/master/doc/specs/thrift-compact-protocol.md>), just
//! enough to walk a Parquet footer or page header before the Parquet reader is trusted with it.
//!
//! Parquet's reader believes the counts it reads: a list claiming billions of elements makes it
//! allocate for them, or loop over them. In its skip of a field it does not know, a list of
//! booleans takes no bytes per element, so a list of 2^31 booleans in an 8 KB footer kept it
//! busy for seconds (found by fuzzing, `fuzz_parquet_slow_footer`; the same in a page header,
//! `fuzz_parquet_slow_page_header`). So the bytes are walked first, and refused when
//! - a container claims more elements than the bytes left could hold (every element takes one
//!   byte at least);
//! - a list, set or map holds booleans: neither the footer nor a page header of parquet-format
//!   has one, and the reader would read it with no bytes per element where the protocol has
//!   one, so that its reading and this walk would part ways on the bytes after it;
//! - a field the reader knows (listed in [`shape`]) has another type on the wire than the one
//!   the reader reads it as. The reader reads a known field by the type it expects, whatever
//!   the bytes declare; with the types checked, it reads the same bytes as this walk does, so
//!   whatever this walk accepts costs it no more than it cost this walk.
//!
//! The walk holds on the reader of parquet 60 (`file/metadata/thrift/mod.rs`, `basic.rs`); when
//! the `parquet` crate is upgraded, the shapes are checked against its readers again.

/// Compact-protocol type codes.
pub mod ty {
    pub const STOP: u8 = 0;
    pub const TRUE: u8 = 1;
    pub const FALSE: u8 = 2;
    pub const BYTE: u8 = 3;
    pub const I16: u8 = 4;
    pub const I32: u8 = 5;
    pub const I64: u8 = 6;
    pub const DOUBLE: u8 = 7;
    pub const BINARY: u8 = 8;
    pub const LIST: u8 = 9;
    pub const SET: u8 = 10;
    pub const MAP: u8 = 11;
    pub const STRUCT: u8 = 12;
    pub const UUID: u8 = 13;
}

/// Structs nested deeper than this are refused. A footer nests about ten levels (a timestamp's
/// unit inside its logical type inside a schema element), a page header four; the Parquet
/// reader's own limit is 64.
const MAX_DEPTH: u32 = 32;

pub type Parsed<T> = Result<T, &'static str>;

/// The struct needs bytes past the end of the slice.
pub const CUT: &str = "the Thrift struct is cut short";
/// The bytes are no compact-protocol struct.
pub const MALFORMED: &str = "the bytes do not parse as a Thrift struct";
pub const TOO_DEEP: &str = "the Thrift structs nest too deep";
pub const BOOLEAN_LIST: &str = "a list of booleans, which no Parquet footer or page header has";
pub const WRONG_TYPE: &str = "a field has another type than parquet-format gives it";

/// A reader of the Thrift compact protocol over a byte slice.
pub struct Compact<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// After a [`CUT`]: how many bytes from the slice's start the struct needs at least.
    needed: usize,
}

impl<'a> Compact<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Compact {
            bytes,
            pos: 0,
            needed: 0,
        }
    }

    /// Bytes read so far.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// After a [`CUT`]: how many bytes from the slice's start the struct needs at least.
    pub fn needed(&self) -> usize {
        self.needed
    }

    /// A cut: the struct needs `more` bytes past the current position.
    fn cut(&mut self, more: u64) -> &'static str {
        let more = usize::try_from(more).unwrap_or(usize::MAX);
        self.needed = self.pos.saturating_add(more);
        CUT
    }

    fn byte(&mut self) -> Parsed<u8> {
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err(self.cut(1));
        };
        self.pos += 1;
        Ok(b)
    }

    fn varint(&mut self) -> Parsed<u64> {
        let mut value = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            if shift == 63 && b > 1 {
                return Err(MALFORMED);
            }
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(MALFORMED)
    }

    fn zigzag(&mut self) -> Parsed<i64> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// An integer field of any width, read as i64; a field of another type (at nesting
    /// `depth`) is skipped and read as `None`.
    pub fn int(&mut self, field_type: u8, depth: u32) -> Parsed<Option<i64>> {
        Ok(match field_type {
            ty::I16 | ty::I32 | ty::I64 => Some(self.zigzag()?),
            ty::BYTE => Some(i64::from(self.byte()? as i8)),
            _ => {
                self.skip(field_type, depth)?;
                None
            }
        })
    }

    fn skip_bytes(&mut self, n: u64) -> Parsed<()> {
        match usize::try_from(n)
            .ok()
            .and_then(|n| self.pos.checked_add(n))
            .filter(|&e| e <= self.bytes.len())
        {
            Some(end) => {
                self.pos = end;
                Ok(())
            }
            None => Err(self.cut(n)),
        }
    }

    /// Refuses a container of `elements` of `element_type` that the bytes left cannot hold (in
    /// the protocol every element takes a byte at least), so that a corrupt count cannot make
    /// a walk loop for long, and any non-empty container of booleans (see the module's doc).
    fn container(&mut self, elements: u64, element_type: u8) -> Parsed<()> {
        if elements == 0 {
            return Ok(());
        }
        if matches!(element_type, ty::TRUE | ty::FALSE) {
            return Err(BOOLEAN_LIST);
        }
        if elements > (self.bytes.len() - self.pos) as u64 {
            return Err(self.cut(elements));
        }
        Ok(())
    }

    /// A list's or set's header: its number of elements and their type, checked by
    /// [`container`](Self::container).
    fn list_header(&mut self) -> Parsed<(u64, u8)> {
        let head = self.byte()?;
        let n = match head >> 4 {
            15 => self.varint()?,
            n => u64::from(n),
        };
        let element = head & 0x0f;
        self.container(n, element)?;
        Ok((n, element))
    }

    /// Skips one value of `field_type`.
    pub fn skip(&mut self, field_type: u8, depth: u32) -> Parsed<()> {
        if depth > MAX_DEPTH {
            return Err(TOO_DEEP);
        }
        match field_type {
            ty::TRUE | ty::FALSE => Ok(()),
            ty::BYTE => self.byte().map(drop),
            ty::I16 | ty::I32 | ty::I64 => self.varint().map(drop),
            ty::DOUBLE => self.skip_bytes(8),
            ty::UUID => self.skip_bytes(16),
            ty::BINARY => {
                let n = self.varint()?;
                self.skip_bytes(n)
            }
            ty::LIST | ty::SET => {
                let (n, element) = self.list_header()?;
                for _ in 0..n {
                    self.skip(element, depth + 1)?;
                }
                Ok(())
            }
            ty::MAP => {
                let n = self.varint()?;
                if n == 0 {
                    return Ok(());
                }
                let types = self.byte()?;
                let (key, value) = (types >> 4, types & 0x0f);
                self.container(n, key)?;
                self.container(n, value)?;
                for _ in 0..n {
                    self.skip(key, depth + 1)?;
                    self.skip(value, depth + 1)?;
                }
                Ok(())
            }
            ty::STRUCT => self.fields(depth + 1, |input, _, t| input.skip(t, depth + 1)),
            _ => Err(MALFORMED),
        }
    }

    /// Walks one value of wire type `field_type` that the reader reads as `shape`: refused
    /// when the types differ.
    pub fn walk(&mut self, shape: &Shape, field_type: u8, depth: u32) -> Parsed<()> {
        match (shape, field_type) {
            (Shape::Int, ty::I16 | ty::I32 | ty::I64)
            | (Shape::Byte, ty::BYTE)
            | (Shape::Bool, ty::TRUE | ty::FALSE)
            | (Shape::Double, ty::DOUBLE)
            | (Shape::Binary, ty::BINARY) => self.skip(field_type, depth),
            (Shape::List(element), ty::LIST) => {
                if depth > MAX_DEPTH {
                    return Err(TOO_DEEP);
                }
                let (n, element_type) = self.list_header()?;
                for _ in 0..n {
                    self.walk(element, element_type, depth + 1)?;
                }
                Ok(())
            }
            (Shape::Struct(known), ty::STRUCT) => {
                self.fields(depth + 1, |input, id, t| {
                    match known.iter().find(|(known_id, _)| *known_id == id) {
                        Some((_, shape)) => input.walk(shape, t, depth + 1),
                        None => input.skip(t, depth + 1),
                    }
                })
            }
            _ => Err(WRONG_TYPE),
        }
    }

    /// Reads a struct's fields up to its stop byte, handing each (id, type) to `field`, which
    /// must consume the value.
    pub fn fields(
        &mut self,
        depth: u32,
        mut field: impl FnMut(&mut Self, i16, u8) -> Parsed<()>,
    ) -> Parsed<()> {
        if depth > MAX_DEPTH {
            return Err(TOO_DEEP);
        }
        let mut last = 0i16;
        loop {
            let head = self.byte()?;
            let field_type = head & 0x0f;
            if field_type == ty::STOP {
                return Ok(());
            }
            let id = match head >> 4 {
                0 => i16::try_from(self.zigzag()?).map_err(|_| MALFORMED)?,
                delta => last.checked_add(i16::from(delta)).ok_or(MALFORMED)?,
            };
            last = id;
            field(self, id, field_type)?;
        }
    }
}

/// Walks a footer's metadata (the `FileMetaData` struct, without the length and magic that
/// follow it) as the checks above allow.
pub fn check_footer(metadata: &[u8]) -> Parsed<()> {
    Compact::new(metadata).walk(&shape::FILE_METADATA, ty::STRUCT, 0)
}

/// What the Parquet reader reads a value as. Integers of every width and enums are one
/// zigzag varint on the wire, so they are one shape.
pub enum Shape {
    Int,
    Byte,
    Bool,
    Double,
    Binary,
    List(&'static Shape),
    /// A struct or union: its fields that the reader knows, by id. Other fields are skipped,
    /// by the reader as here.
    Struct(&'static [(i16, Shape)]),
}

/// The structs of parquet-format (`parquet.thrift`) as the reader of parquet 60 reads them,
/// with every field it reads by type.
pub mod shape {
    use super::Shape::{self, Binary, Bool, Byte, Double, Int, List, Struct};

    /// A union member without a value: an empty struct.
    const EMPTY: Shape = Struct(&[]);

    const STATISTICS: Shape = Struct(&[
        (1, Binary),
        (2, Binary),
        (3, Int),
        (4, Int),
        (5, Binary),
        (6, Binary),
        (7, Bool),
        (8, Bool),
        (9, Int),
    ]);

    const TIME_UNIT: Shape = Struct(&[(1, EMPTY), (2, EMPTY), (3, EMPTY)]);
    const TIME_OR_TIMESTAMP: Shape = Struct(&[(1, Bool), (2, TIME_UNIT)]);
    const LOGICAL_TYPE: Shape = Struct(&[
        (1, EMPTY),
        (2, EMPTY),
        (3, EMPTY),
        (4, EMPTY),
        (5, Struct(&[(1, Int), (2, Int)])),
        (6, EMPTY),
        (7, TIME_OR_TIMESTAMP),
        (8, TIME_OR_TIMESTAMP),
        (10, Struct(&[(1, Byte), (2, Bool)])),
        (11, EMPTY),
        (12, EMPTY),
        (13, EMPTY),
        (14, EMPTY),
        (15, EMPTY),
        (16, Struct(&[(1, Byte)])),
        (17, Struct(&[(1, Binary)])),
        (18, Struct(&[(1, Binary), (2, Int)])),
        (19, EMPTY),
    ]);
    const SCHEMA_ELEMENT: Shape = Struct(&[
        (1, Int),
        (2, Int),
        (3, Int),
        (4, Binary),
        (5, Int),
        (6, Int),
        (7, Int),
        (8, Int),
        (9, Int),
        (10, LOGICAL_TYPE),
    ]);

    const KEY_VALUE: Shape = Struct(&[(1, Binary), (2, Binary)]);
    const PAGE_ENCODING_STATS: Shape = Struct(&[(1, Int), (2, Int), (3, Int)]);
    const SIZE_STATISTICS: Shape = Struct(&[(1, Int), (2, List(&Int)), (3, List(&Int))]);
    const BOUNDING_BOX: Shape = Struct(&[
        (1, Double),
        (2, Double),
        (3, Double),
        (4, Double),
        (5, Double),
        (6, Double),
        (7, Double),
        (8, Double),
    ]);
    const GEOSPATIAL_STATISTICS: Shape = Struct(&[(1, BOUNDING_BOX), (2, List(&Int))]);
    const COLUMN_METADATA: Shape = Struct(&[
        (1, Int),
        (2, List(&Int)),
        (3, List(&Binary)),
        (4, Int),
        (5, Int),
        (6, Int),
        (7, Int),
        (8, List(&KEY_VALUE)),
        (9, Int),
        (10, Int),
        (11, Int),
        (12, STATISTICS),
        (13, List(&PAGE_ENCODING_STATS)),
        (14, Int),
        (15, Int),
        (16, SIZE_STATISTICS),
        (17, GEOSPATIAL_STATISTICS),
    ]);
    const COLUMN_CHUNK: Shape = Struct(&[
        (1, Binary),
        (2, Int),
        (3, COLUMN_METADATA),
        (4, Int),
        (5, Int),
        (6, Int),
        (7, Int),
    ]);
    const SORTING_COLUMN: Shape = Struct(&[(1, Int), (2, Bool), (3, Bool)]);
    const ROW_GROUP: Shape = Struct(&[
        (1, List(&COLUMN_CHUNK)),
        (2, Int),
        (3, Int),
        (4, List(&SORTING_COLUMN)),
        (5, Int),
        (6, Int),
        (7, Int),
    ]);
    const COLUMN_ORDER: Shape = Struct(&[(1, EMPTY), (2, EMPTY), (3, EMPTY)]);

    pub const FILE_METADATA: Shape = Struct(&[
        (1, Int),
        (2, List(&SCHEMA_ELEMENT)),
        (3, Int),
        (4, List(&ROW_GROUP)),
        (5, List(&KEY_VALUE)),
        (6, Binary),
        (7, List(&COLUMN_ORDER)),
    ]);

    pub const PAGE_HEADER: Shape = Struct(&[
        (1, Int),
        (2, Int),
        (3, Int),
        (4, Int),
        (
            5,
            Struct(&[(1, Int), (2, Int), (3, Int), (4, Int), (5, STATISTICS)]),
        ),
        (6, EMPTY),
        (7, Struct(&[(1, Int), (2, Int), (3, Bool)])),
        (
            8,
            Struct(&[
                (1, Int),
                (2, Int),
                (3, Int),
                (4, Int),
                (5, Int),
                (6, Int),
                (7, Bool),
                (8, STATISTICS),
            ]),
        ),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Field 15 of a footer: a field that no version of parquet-format has, so the reader
    /// skips it whatever its type.
    const UNKNOWN_FIELD: u8 = 15 << 4;

    #[test]
    fn lists_of_booleans_are_refused_empty_ones_are_not() {
        // A list of three `true`s (one byte each, as the protocol has).
        let booleans = [UNKNOWN_FIELD | ty::LIST, 0x30 | ty::TRUE, 1, 1, 1, 0];
        assert_eq!(check_footer(&booleans), Err(BOOLEAN_LIST));
        let empty = [UNKNOWN_FIELD | ty::LIST, ty::TRUE, 0];
        assert_eq!(check_footer(&empty), Ok(()));
        // A map from i32 to booleans.
        let map = [
            UNKNOWN_FIELD | ty::MAP,
            1,
            ty::I32 << 4 | ty::FALSE,
            2,
            1,
            0,
        ];
        assert_eq!(check_footer(&map), Err(BOOLEAN_LIST));
    }

    #[test]
    fn a_count_past_the_bytes_is_refused_at_once() {
        // A list of i32 claiming 2^31 elements in a 9-byte struct.
        let mut bytes = vec![UNKNOWN_FIELD | ty::LIST, 0xf0 | ty::I32];
        bytes.extend([0x80, 0x80, 0x80, 0x80, 0x08]);
        bytes.extend([2, 0]);
        assert_eq!(check_footer(&bytes), Err(CUT));
    }

    /// The reader reads field 4 (the row groups) as a list whatever the bytes declare; declared
    /// a binary, its bytes would be read one way here and another way there.
    #[test]
    fn a_known_field_of_another_type_is_refused() {
        let as_binary = [0x15, 0x02, 0x38, 0x01, b'x', 0x00];
        assert_eq!(check_footer(&as_binary), Err(WRONG_TYPE));
        // Integers of any width are one varint on the wire: an i16 version passes.
        let version_i16 = [0x14, 0x02, 0x00];
        assert_eq!(check_footer(&version_i16), Ok(()));
        // A list of binaries where the row groups (structs) belong.
        let wrong_element = [0x49, 0x18, 0x01, b'x', 0x00];
        assert_eq!(check_footer(&wrong_element), Err(WRONG_TYPE));
    }

    #[test]
    fn footers_the_writer_makes_pass() {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
        use parquet::arrow::ArrowWriter;

        let batch = RecordBatch::try_from_iter([
            (
                "name",
                Arc::new(StringArray::from_iter_values(["a", "b"])) as ArrayRef,
            ),
            ("n", Arc::new(Int64Array::from(vec![Some(1), None]))),
        ])
        .unwrap();
        let mut file = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut file, batch.schema(), None).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let tail = &file[file.len() - 8..];
        let len = u32::from_le_bytes(tail[..4].try_into().unwrap()) as usize;
        let metadata = &file[file.len() - 8 - len..file.len() - 8];
        assert_eq!(check_footer(metadata), Ok(()));
        // Every cut of it is refused, none loops or panics.
        for end in 0..metadata.len() {
            assert!(check_footer(&metadata[..end]).is_err(), "cut at {end}");
        }
    }
}
