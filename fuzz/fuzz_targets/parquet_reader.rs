//! Fuzzes the Parquet reader and scrub loop on arbitrary bytes written as a `.parquet` file:
//! errors are fine, panics are not. Seeded with valid files (see `scripts/fuzz.sh`), so the
//! mutations reach past the footer into pages and row groups.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    common::scan_and_scrub(data, "input.parquet");
});
