//! The bundled demo (`demo/`) is what `examples/gen_demo.rs` makes, and the README's main
//! command works on it: the scrubbed store scans clean.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

#[path = "../fixtures/store/mod.rs"]
mod store;

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                out.push(path.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn committed_demo_is_what_the_generator_makes() {
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let fresh = tempfile::tempdir().unwrap();
    store::write_demo(fresh.path());
    let mut names = files_under(fresh.path());
    names.retain(|p| !p.starts_with("README.md"));
    let mut committed_names = files_under(&committed);
    committed_names.retain(|p| !p.starts_with("README.md"));
    assert_eq!(
        names, committed_names,
        "regenerate: cargo run --example gen_demo"
    );
    for name in names {
        assert!(
            fs::read(fresh.path().join(&name)).unwrap() == fs::read(committed.join(&name)).unwrap(),
            "demo/{} differs from what the generator makes: cargo run --example gen_demo",
            name.display()
        );
    }
}

#[test]
fn scrubbed_demo_scans_clean() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let out = tempfile::tempdir().unwrap();
    let scrubbed = out.path().join("clean");
    let tazala = env!("CARGO_BIN_EXE_tazala");
    let status = Command::new(tazala)
        .arg("scan")
        .arg(demo.join("store"))
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1), "the demo store holds personal data");
    let run = Command::new(tazala)
        .arg("scrub")
        .arg(demo.join("store"))
        .arg("-o")
        .arg(&scrubbed)
        .arg("--key-file")
        .arg(demo.join("demo.key"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let status = Command::new(tazala)
        .arg("scan")
        .arg(&scrubbed)
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(0), "the scrubbed demo scans clean");
}
