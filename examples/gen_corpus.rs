//! Writes the synthetic corpus and the README sample:
//!
//! ```text
//! cargo run --release --example gen_corpus            # into fixtures/
//! cargo run --release --example gen_corpus -- DIR     # somewhere else
//! ```
//!
//! `fixtures/corpus/corpus.txt` (one record per line), `fixtures/corpus/labels.jsonl` (the
//! planted spans, in the form `tazala detect` prints) and `fixtures/sample.txt`. The output is
//! a pure function of `tazala::synth::Spec::CORPUS`: `tests/accuracy.rs` regenerates it and
//! demands the committed files byte for byte.

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result};
use tazala::synth::{Corpus, Spec, sample};

fn main() -> Result<()> {
    let root = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"));
    let dir = root.join("corpus");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;

    let corpus = Corpus::generate(Spec::CORPUS);
    let write = |path: PathBuf, text: String| {
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    let text = corpus.text();
    let labels = corpus.labels_jsonl();
    let (text_len, labels_len) = (text.len(), labels.len());
    write(dir.join("corpus.txt"), text)?;
    write(dir.join("labels.jsonl"), labels)?;
    write(root.join("sample.txt"), sample().text())?;
    println!(
        "{} records, {text_len} bytes of text, {labels_len} bytes of labels",
        corpus.records.len()
    );
    for (kind, n) in corpus.counts() {
        println!("{:>10} {n:>6}", kind.as_str());
    }
    Ok(())
}
