//! `tazala detect` through the real binary: output format, exit codes, privacy of the output.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn tazala(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tazala"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tazala starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn records(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect()
}

const TEXT: &str = "Ученик: ИИН 871008401427, почта aigerim.k@mail.ru\n\
                    Строка без данных\n\
                    Родитель: тел. +7 (701) 123-45-67\n";

#[test]
fn prints_one_json_object_per_finding_without_values() {
    let out = tazala(&["detect"], TEXT.as_bytes());
    assert_eq!(out.status.code(), Some(1), "found → exit 1");
    let recs = records(&out);
    let kinds: Vec<(u64, &str)> = recs
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [(1, "iin"), (1, "email"), (3, "phone")]);
    let line1 = TEXT.lines().next().unwrap();
    let (s, e) = (
        recs[0]["start"].as_u64().unwrap() as usize,
        recs[0]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        &line1[s..e],
        "871008401427",
        "offsets are bytes of the line"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    for secret in ["871008401427", "aigerim", "123-45-67", "77011234567"] {
        assert!(!stdout.contains(secret), "value {secret} printed");
    }
    for r in &recs {
        let c = r["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
        assert!(r.get("value").is_none() && r.get("file").is_none());
    }
}

#[test]
fn show_values_prints_value_and_normalised_form() {
    let out = tazala(
        &["detect", "--show-values", "--kinds", "phone"],
        TEXT.as_bytes(),
    );
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["value"], "+7 (701) 123-45-67");
    assert_eq!(recs[0]["normalized"], "+77011234567");
}

#[test]
fn clean_input_exits_zero_and_prints_nothing() {
    let out = tazala(
        &["detect"],
        "Оценка 5, посещаемость 98 %\nGrade: A\n".as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn several_files_are_named_and_missing_file_is_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    std::fs::write(&a, "ничего\n").unwrap();
    std::fs::write(&b, "e-mail: test.user@gmail.com\n").unwrap();
    let out = tazala(&["detect", a.to_str().unwrap(), b.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["file"], b.to_str().unwrap());

    let missing = dir.path().join("missing.txt");
    let out = tazala(&["detect", missing.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.txt"), "error names the file: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn invalid_utf8_keeps_byte_offsets_of_the_input() {
    let mut input = b"\xff\xfe broken ".to_vec();
    input.extend_from_slice(b"test.user@gmail.com\r\n");
    let out = tazala(&["detect", "--show-values"], &input);
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    let (s, e) = (
        recs[0]["start"].as_u64().unwrap() as usize,
        recs[0]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&input[s..e], b"test.user@gmail.com");
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let text = TEXT.repeat(5000);
    let one = tazala(&["detect", "--threads", "1"], text.as_bytes());
    let two = tazala(&["detect", "--threads", "2"], text.as_bytes());
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(one.stdout, two.stdout);
    assert_eq!(records(&one).len(), 3 * 5000);
}

#[test]
fn bad_flags_are_exit_two() {
    let out = tazala(&["detect", "--kinds", "passport"], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = tazala(&["detect", "--min-confidence", "3"], b"");
    assert_eq!(out.status.code(), Some(2));
}
