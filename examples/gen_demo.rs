//! Writes the bundled demo store `demo/store/` and the demo key `demo/demo.key`: the input of
//! the README's main command. Everything in it is synthetic (see `fixtures/store/mod.rs`);
//! `tests/demo.rs` regenerates it and fails if the committed files differ.
//!
//! ```text
//! cargo run --release --example gen_demo            # writes demo/
//! cargo run --release --example gen_demo -- DIR     # writes DIR/store and DIR/demo.key
//! ```

use std::path::{Path, PathBuf};

#[path = "../fixtures/store/mod.rs"]
mod store;

fn main() {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("demo"));
    store::write_demo(&root);
    println!("wrote {}", root.display());
}
