//! Every file under `patterns/` is valid TOML, and every example in it is found exactly as
//! marked by the built-in detector set: rules and their examples are checked together.

use std::fs;
use std::path::Path;

use tazala::detect::{DetectorSet, Kind};
use tazala::patterns::examples_of;

#[test]
fn every_patterns_example_is_detected_as_marked() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    let detectors = DetectorSet::builtin();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut files: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no patterns files in {}", dir.display());
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let set = examples_of(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for example in &set.examples {
            checked += 1;
            let got: Vec<(usize, usize, Kind)> = detectors
                .find(&example.text)
                .into_iter()
                .filter(|f| set.covers.contains(&f.kind))
                .map(|f| (f.start, f.end, f.kind))
                .collect();
            if got != example.expected {
                failures.push(format!(
                    "{}: {:?}\n    expected {}\n    got      {}",
                    path.file_name().unwrap().to_string_lossy(),
                    example.text,
                    describe(&example.text, &example.expected),
                    describe(&example.text, &got),
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn describe(text: &str, spans: &[(usize, usize, Kind)]) -> String {
    let parts: Vec<String> = spans
        .iter()
        .map(|(s, e, k)| format!("{k}:{:?}", &text[*s..*e]))
        .collect();
    format!("[{}]", parts.join(", "))
}
