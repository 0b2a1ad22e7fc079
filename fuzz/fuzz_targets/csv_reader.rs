//! Fuzzes the CSV reader: encoding detection, delimiter sniffing, record splitting, decoding,
//! classification and the scrub loop, on arbitrary bytes written as a `.csv` file. Any input
//! may be refused with an error; none may panic, and a scrub that succeeds keeps the record
//! count.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tazala::io::csv::Dialect;
use tazala::io::encoding::TextEncoding;

mod common;

fuzz_target!(|data: &[u8]| {
    let _ = Dialect::sniff(data);
    if let Ok((encoding, _)) = TextEncoding::detect(data, true) {
        let text = encoding.decode(data);
        let _ = encoding.encode(&text);
    }
    common::scan_and_scrub(data, "input.csv");
});
