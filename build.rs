//! Build script: turns the name lists under `patterns/names/` into sorted lookup keys once,
//! at compile time, so that the name detector starts in milliseconds instead of folding
//! 300 000 words at every run. The folding code is the detector's own (`src/detect/name/`),
//! included here, so the keys cannot drift from what the detector computes.
//!
//! Not here: anything else; the keys are written to `$OUT_DIR/name_keys.bin` (little-endian
//! `u64`s) and embedded by `src/detect/name/dict.rs`.

use std::io::Read;
use std::path::Path;

#[path = "src/detect/name/fold.rs"]
#[allow(dead_code)]
mod fold;
#[path = "src/detect/name/lists.rs"]
#[allow(dead_code)]
mod lists;

fn main() {
    println!("cargo::rerun-if-changed=src/detect/name/fold.rs");
    println!("cargo::rerun-if-changed=src/detect/name/lists.rs");
    let mut entries: Vec<u64> = Vec::with_capacity(400_000);
    for (file, flag) in lists::LISTS {
        let path = Path::new("patterns/names").join(file);
        println!("cargo::rerun-if-changed={}", path.display());
        let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut text)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        lists::add_list(&mut entries, &text, *flag);
    }
    entries.sort_unstable();
    entries.dedup();
    let bytes: Vec<u8> = entries.iter().flat_map(|k| k.to_le_bytes()).collect();
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("name_keys.bin");
    std::fs::write(&out, bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
