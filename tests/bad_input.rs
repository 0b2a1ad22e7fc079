//! Bad input through the real binary: every case is a clear error (exit status 2) naming the
//! file, and the record and column where they apply, never a value; nothing is written (no
//! output, no temporary file) and the input is left as it was.
//!
//! Under `--keep-going`, a file with ragged records fails as a whole, like any other failing
//! file: it is listed on standard error and in the report's `failed`, nothing of it is written,
//! and the run exits 2. A record is never dropped silently.

#[path = "support/cli.rs"]
mod cli;
#[path = "../fixtures/store/mod.rs"]
mod store;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cli::{Run, run, s, tazala};

/// A value planted in the bad records: it must never be printed.
const SECRET_IIN: &str = "760212350620";
const SECRET_NAME: &str = "Жумабекова";

/// A temporary directory with a key, an `in/` and an `out/` directory.
struct Case {
    dir: tempfile::TempDir,
    key: PathBuf,
}

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("tazala.key");
        assert_eq!(tazala(&["keygen", "-o", s(&key)]).code, 0);
        fs::create_dir(dir.path().join("in")).unwrap();
        fs::create_dir(dir.path().join("out")).unwrap();
        Case { dir, key }
    }

    fn input(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join("in").join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, bytes).unwrap();
        path
    }

    fn out(&self, name: &str) -> PathBuf {
        self.dir.path().join("out").join(name)
    }

    fn scrub(&self, input: &Path, output: &Path, extra: &[&str]) -> Run {
        let mut args = vec![
            "scrub",
            s(input),
            "-o",
            s(output),
            "--key-file",
            s(&self.key),
        ];
        args.extend_from_slice(extra);
        tazala(&args)
    }

    /// Everything under `in/`, to prove the input untouched.
    fn inputs(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files = Vec::new();
        for entry in walkdir(&self.dir.path().join("in")) {
            let bytes = fs::read(&entry).unwrap();
            files.push((entry, bytes));
        }
        files
    }

    fn outputs(&self) -> Vec<PathBuf> {
        walkdir(&self.dir.path().join("out"))
    }

    /// Scrubs `input` into `out/<name>`, expecting a refusal whose message holds every one of
    /// `expect`; then checks that nothing was written and the input is unchanged.
    fn refused(&self, input: &Path, expect: &[&str]) -> Run {
        let before = self.inputs();
        let output = self.out(input.file_name().unwrap().to_str().unwrap());
        let r = self.scrub(input, &output, &[]);
        assert_refusal(&r, expect);
        assert_eq!(self.outputs(), Vec::<PathBuf>::new(), "nothing written");
        assert!(self.inputs() == before, "input untouched");
        // A scan refuses the same file the same way.
        let scan = tazala(&["scan", s(input)]);
        assert_refusal(&scan, expect);
        r
    }
}

fn assert_refusal(r: &Run, expect: &[&str]) {
    assert_eq!(r.code, 2, "exit status; stderr: {}", r.stderr);
    for e in expect {
        assert!(r.stderr.contains(e), "{e:?} not in: {}", r.stderr);
    }
    for secret in [SECRET_IIN, SECRET_NAME] {
        assert!(!r.stderr.contains(secret), "value printed: {}", r.stderr);
        assert!(!r.stdout.contains(secret), "value printed: {}", r.stdout);
    }
    assert!(
        !r.stderr.contains("internal error"),
        "a bad input is not a bug: {}",
        r.stderr
    );
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn students(rows: usize) -> String {
    let mut text = String::from("ИИН,ФИО,Оценка\n");
    for i in 0..rows {
        text.push_str(&format!("871008401427,Ахметова Дана,{}\n", i % 5));
    }
    text
}

fn is_root() -> bool {
    // Root reads and writes whatever the mode bits say: permission cases cannot be made.
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    set_mode(&locked, 0o500);
    let root = fs::write(locked.join("probe"), "").is_ok();
    set_mode(&locked, 0o700);
    root
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn missing_file() {
    let c = Case::new();
    let missing = c.dir.path().join("in/nowhere.csv");
    c.refused(&missing, &["nowhere.csv", "No such file"]);
}

/// Root reads and writes a directory whatever its mode; without the capabilities that let it
/// (`CAP_DAC_OVERRIDE`, `CAP_DAC_READ_SEARCH`), dropped by `setpriv` from the bounding and the
/// inheritable set (either would hand them back at exec), it is refused like anyone.
const WITHOUT_ROOT_READ: [&str; 5] = [
    "--bounding-set",
    "-dac_override,-dac_read_search",
    "--inh-caps",
    "-dac_override,-dac_read_search",
    "--",
];

/// Whether `setpriv` can drop those capabilities here (a container may forbid it): tried on a
/// directory nobody may read, which must then be refused.
fn can_drop_root_read() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    fs::create_dir(&locked).unwrap();
    set_mode(&locked, 0o000);
    let refused = Command::new("setpriv")
        .args(WITHOUT_ROOT_READ)
        .arg("ls")
        .arg(&locked)
        .output()
        .is_ok_and(|o| {
            !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("ermission denied")
        });
    set_mode(&locked, 0o700);
    refused
}

/// `tazala ARGS...` as root without its read and write override.
fn tazala_without_root_read(args: &[&str]) -> Run {
    run(Command::new("setpriv")
        .args(WITHOUT_ROOT_READ)
        .arg(env!("CARGO_BIN_EXE_tazala"))
        .args(args))
}

#[test]
fn unreadable_directory() {
    let root = is_root();
    if root && !can_drop_root_read() {
        eprintln!("skipped: running as root, and setpriv cannot drop root's read override");
        return;
    }
    let c = Case::new();
    c.input("sub/a.csv", students(3).as_bytes());
    let sub = c.dir.path().join("in/sub");
    set_mode(&sub, 0o000);
    let out = c.out("tree");
    let tree = c.dir.path().join("in");
    let args = ["scrub", s(&tree), "-o", s(&out), "--key-file", s(&c.key)];
    let r = if root {
        tazala_without_root_read(&args)
    } else {
        tazala(&args)
    };
    set_mode(&sub, 0o700);
    assert_refusal(&r, &["sub", "ermission denied"]);
    assert!(!out.join("sub/a.csv").exists());
}

#[test]
fn zero_byte_file() {
    let c = Case::new();
    let input = c.input("empty.csv", b"");
    c.refused(&input, &["empty.csv", "no header"]);
    let bom_only = c.input("bom.csv", b"\xEF\xBB\xBF");
    c.refused(&bom_only, &["bom.csv", "no header"]);
}

#[test]
fn header_only_file_is_not_an_error() {
    let c = Case::new();
    let input = c.input("tonight.csv", "ИИН;ФИО;Оценка\r\n".as_bytes());
    let out = c.out("tonight.csv");
    let r = c.scrub(&input, &out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read(&out).unwrap(), "ИИН;ФИО;Оценка\r\n".as_bytes());
    assert_eq!(tazala(&["scan", s(&input)]).code, 0);
}

#[test]
fn ragged_record_with_more_fields() {
    let c = Case::new();
    let input = c.input(
        "more.csv",
        format!("ИИН,ФИО\n871008401427,Ахметова\n{SECRET_IIN},{SECRET_NAME},5\n").as_bytes(),
    );
    c.refused(
        &input,
        &["more.csv: record 2", "3 fields but the header has 2"],
    );
}

#[test]
fn ragged_record_with_fewer_fields() {
    let c = Case::new();
    let input = c.input(
        "fewer.csv",
        format!("ИИН,ФИО,Оценка\n871008401427,Ахметова,5\n{SECRET_IIN}\n").as_bytes(),
    );
    c.refused(
        &input,
        &["fewer.csv: record 2", "1 fields but the header has 3"],
    );
}

/// Batches are scrubbed two at a time, so a later batch can fail before an earlier one
/// does: the error reported is still the first in the file, whatever the threads and the
/// batch size.
#[test]
fn of_two_ragged_records_in_different_batches_the_first_is_named() {
    let c = Case::new();
    let mut text = students(20_000);
    text.push_str(&format!("{SECRET_IIN},{SECRET_NAME}\n"));
    // Record 20,090: in the next batch of 100, in flight at the same time.
    text.push_str(&students(88)[text.find('\n').unwrap() + 1..]);
    text.push_str(&format!("{SECRET_IIN},{SECRET_NAME},5,5\n"));
    let input = c.input("two.csv", text.as_bytes());
    for (threads, batch) in [("1", "16384"), ("2", "100"), ("2", "7"), ("2", "1")] {
        let r = c.scrub(
            &input,
            &c.out("two.csv"),
            &["--threads", threads, "--batch-records", batch],
        );
        assert_refusal(
            &r,
            &["two.csv: record 20001", "2 fields but the header has 3"],
        );
        assert!(!r.stderr.contains("20090"), "{}", r.stderr);
        assert_eq!(c.outputs(), Vec::<PathBuf>::new(), "nothing written");
    }
}

#[test]
fn unterminated_quote() {
    let c = Case::new();
    let input = c.input(
        "quote.csv",
        format!("ИИН,ФИО\n871008401427,Ахметова\n{SECRET_IIN},\"{SECRET_NAME}\n").as_bytes(),
    );
    c.refused(
        &input,
        &[
            "quote.csv: record 2, column 2",
            "quoted value is never closed",
        ],
    );
    let header = c.input("header_quote.csv", b"\"a,b\n1,2\n");
    c.refused(
        &header,
        &["header_quote.csv: header, column 1", "never closed"],
    );
}

#[test]
fn invalid_utf8_in_a_file_declared_utf8() {
    let c = Case::new();
    let mut bytes = format!("\u{feff}ИИН,ФИО\n{SECRET_IIN},").into_bytes();
    let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(SECRET_NAME);
    bytes.extend_from_slice(&cp);
    bytes.push(b'\n');
    let input = c.input("bom.csv", &bytes);
    c.refused(
        &input,
        &[
            "bom.csv: record 1, column 2",
            "not valid UTF-8",
            "byte-order mark",
        ],
    );
}

/// Detected as UTF-8 from its first megabyte, a file that turns to Windows-1251 later is
/// refused: such a value could not be searched, so a name in it would pass unseen.
#[test]
fn invalid_utf8_late_in_a_file_detected_utf8() {
    let c = Case::new();
    let mut bytes = students(40_000).into_bytes();
    assert!(bytes.len() > 1 << 20);
    let (cp, _, _) = encoding_rs::WINDOWS_1251.encode(SECRET_NAME);
    bytes.extend_from_slice(format!("{SECRET_IIN},").as_bytes());
    bytes.extend_from_slice(&cp);
    bytes.extend_from_slice(b",5\n");
    let input = c.input("late.csv", &bytes);
    c.refused(
        &input,
        &["late.csv: record 40001, column 2", "not valid UTF-8"],
    );
}

#[test]
fn encoding_that_cannot_be_detected() {
    let c = Case::new();
    let nul = c.input("binary.csv", b"a,b\n\x00\x01\x02,\x03\n");
    c.refused(&nul, &["binary.csv", "encoding cannot be told"]);
    let mut control = b"a,b\n".to_vec();
    control.extend_from_slice(&encoding_rs::WINDOWS_1251.encode(SECRET_NAME).0);
    control.extend_from_slice(b",\x02\x98\n");
    let control = c.input("control.csv", &control);
    c.refused(&control, &["control.csv", "encoding cannot be told"]);
    let utf16 = c.input("utf16.csv", b"\xFF\xFEa\x00,\x00b\x00\n\x00");
    c.refused(&utf16, &["utf16.csv", "UTF-16"]);
}

#[test]
fn duplicate_column_names() {
    let c = Case::new();
    let input = c.input(
        "dup.csv",
        format!("ИИН,Оценка,ИИН\n{SECRET_IIN},5,871008401427\n").as_bytes(),
    );
    c.refused(&input, &["dup.csv: header: columns 1 and 3"]);
}

#[test]
fn header_of_data_is_refused() {
    let c = Case::new();
    let input = c.input(
        "headerless.csv",
        format!("{SECRET_IIN},{SECRET_NAME},5\n871008401427,Ахметова,4\n").as_bytes(),
    );
    c.refused(&input, &["headerless.csv: header, column 1", "iin"]);
}

#[test]
fn fifty_megabyte_single_field() {
    let c = Case::new();
    let mut bytes = format!("ИИН,Комментарий\n{SECRET_IIN},\"").into_bytes();
    bytes.resize(bytes.len() + 50_000_000, b'x');
    bytes.extend_from_slice(b"\"\n871008401427,ok\n");
    let input = c.input("huge.csv", &bytes);
    c.refused(&input, &["huge.csv", "record 1", "longer than 32 MiB"]);
}

fn parquet(c: &Case, name: &str) -> (PathBuf, Vec<u8>) {
    let path = c.dir.path().join("in").join(name);
    store::write_parquet(&path);
    let bytes = fs::read(&path).unwrap();
    (path, bytes)
}

#[test]
fn parquet_truncated_mid_row_group() {
    let c = Case::new();
    let (path, bytes) = parquet(&c, "cut.parquet");
    fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    c.refused(&path, &["cut.parquet", "not a readable Parquet file"]);
}

#[test]
fn parquet_with_a_corrupt_footer() {
    let c = Case::new();
    let (path, mut bytes) = parquet(&c, "footer.parquet");
    let footer_len =
        u32::from_le_bytes(bytes[bytes.len() - 8..bytes.len() - 4].try_into().unwrap());
    let start = bytes.len() - 8 - footer_len as usize;
    for b in &mut bytes[start..start + footer_len as usize / 2] {
        *b = 0xEE;
    }
    fs::write(&path, &bytes).unwrap();
    c.refused(&path, &["footer.parquet", "not a readable Parquet file"]);
}

/// Footer intact, the pages of the second row group overwritten: the rows already scrubbed
/// are not published.
#[test]
fn parquet_with_corrupt_pages_mid_file() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let c = Case::new();
    let (path, mut bytes) = parquet(&c, "pages.parquet");
    let reader = SerializedFileReader::new(fs::File::open(&path).unwrap()).unwrap();
    let rg = reader.metadata().row_group(1);
    for col in rg.columns() {
        let (start, len) = col.byte_range();
        let (start, len) = (start as usize, len as usize);
        for (i, b) in bytes[start + 2..start + len].iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0x5A;
        }
    }
    fs::write(&path, &bytes).unwrap();
    c.refused(
        &path,
        &[
            "pages.parquet: not a readable Parquet file: row group 2, column 1, page 1",
            "(a corrupt page header)",
        ],
    );
}

/// Page headers intact, the end of the last page's data of the second row group's largest
/// column overwritten: the header check passes, the reader fails (or panics, which is caught)
/// while decoding, and the file is refused as corrupt without an internal error and without
/// output.
#[test]
fn parquet_with_corrupt_page_data_mid_file() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let c = Case::new();
    let (path, mut bytes) = parquet(&c, "data.parquet");
    let reader = SerializedFileReader::new(fs::File::open(&path).unwrap()).unwrap();
    let rg = reader.metadata().row_group(1);
    let (start, len) = rg
        .columns()
        .iter()
        .map(|col| col.byte_range())
        .max_by_key(|&(_, len)| len)
        .unwrap();
    let end = (start + len) as usize;
    for (i, b) in bytes[end - 6..end].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37) ^ 0xA5;
    }
    fs::write(&path, &bytes).unwrap();
    c.refused(&path, &["cannot read", "data.parquet", "row group"]);
}

#[test]
fn parquet_column_type_that_cannot_be_scrubbed() {
    use std::sync::Arc;

    use arrow_array::{Float64Array, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    let c = Case::new();
    let path = c.dir.path().join("in/typed.parquet");
    let schema = Arc::new(Schema::new(vec![Field::new(
        "phone",
        DataType::Float64,
        false,
    )]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![Arc::new(Float64Array::from(vec![77012345678.0]))],
    )
    .unwrap();
    let mut w =
        parquet::arrow::ArrowWriter::try_new(fs::File::create(&path).unwrap(), schema, None)
            .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let before = c.inputs();
    let r = c.scrub(&path, &c.out("typed.parquet"), &[]);
    assert_refusal(
        &r,
        &["typed.parquet", "column \"phone\"", "cannot rewrite values"],
    );
    assert!(c.outputs().is_empty());
    assert!(c.inputs() == before);
}

#[test]
fn output_directory_not_writable() {
    let c = Case::new();
    let input = c.input("a.csv", students(3).as_bytes());
    let before = c.inputs();
    let locked = c.dir.path().join("out/locked");
    fs::create_dir(&locked).unwrap();
    set_mode(&locked, 0o500);
    let target = locked.join("a.csv");
    let args = [
        "scrub",
        s(&input),
        "-o",
        s(&target),
        "--key-file",
        s(&c.key),
    ];
    let r = match (is_root(), can_drop_root_read()) {
        (false, _) => tazala(&args),
        // Root writes whatever the mode bits say, unless its override is dropped.
        (true, true) => tazala_without_root_read(&args),
        // Failing that, a directory under a file, which nobody can create.
        (true, false) => {
            let file = c.out("file");
            fs::write(&file, "").unwrap();
            c.scrub(&input, &file.join("sub/a.csv"), &[])
        }
    };
    set_mode(&locked, 0o700);
    assert_refusal(&r, &["cannot create"]);
    assert!(!target.exists());
    assert!(c.inputs() == before);
}

/// The disk fills up mid-write: a file-size limit (`ulimit -f`, SIGXFSZ ignored so the write
/// fails with an error instead of killing the process) stands in for a full disk without root.
#[test]
fn disk_full_mid_write_leaves_no_output() {
    let c = Case::new();
    let input = c.input("big.csv", students(20_000).as_bytes());
    let before = c.inputs();
    let out = c.out("big.csv");
    let script = format!(
        "trap '' XFSZ; ulimit -f 64; exec \"$0\" scrub '{}' -o '{}' --key-file '{}'",
        s(&input),
        s(&out),
        s(&c.key)
    );
    let r = run(Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_tazala")));
    assert_refusal(&r, &["cannot write", "big.csv"]);
    assert_eq!(
        c.outputs(),
        Vec::<PathBuf>::new(),
        "no output, no temporary file"
    );
    assert!(c.inputs() == before);
}

/// The same on a real full file system, where one can be mounted (root with tmpfs).
#[test]
fn disk_full_on_a_small_tmpfs() {
    let c = Case::new();
    let mount = c.dir.path().join("small");
    fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=256k", "tmpfs", s(&mount)])
        .output()
        .is_ok_and(|o| o.status.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and mount rights)");
        return;
    }
    let input = c.input("big.csv", students(20_000).as_bytes());
    let out = mount.join("big.csv");
    let r = c.scrub(&input, &out, &[]);
    let left: Vec<_> = fs::read_dir(&mount).unwrap().collect();
    let _ = Command::new("umount").arg(s(&mount)).status();
    assert_refusal(&r, &["cannot write", "big.csv"]);
    assert!(left.is_empty(), "no output, no temporary file");
}

/// A directory with a good file, a bad one and another good one after it.
fn tree(c: &Case) -> PathBuf {
    c.input("a_good.csv", students(3).as_bytes());
    c.input(
        "b_ragged.csv",
        format!("ИИН,ФИО\n871008401427,Ахметова\n{SECRET_IIN},{SECRET_NAME},x\n").as_bytes(),
    );
    c.input("c_good.csv", students(4).as_bytes());
    c.dir.path().join("in")
}

#[test]
fn directory_stops_at_the_first_failure() {
    let c = Case::new();
    let input = tree(&c);
    let before = c.inputs();
    // One thread: one file at a time, so nothing after the failing file is started.
    let out = c.out("tree");
    let r = c.scrub(&input, &out, &["--threads", "1"]);
    assert_refusal(&r, &["b_ragged.csv: record 2"]);
    assert!(
        out.join("a_good.csv").exists(),
        "files before the failure stay"
    );
    assert!(
        !out.join("b_ragged.csv").exists(),
        "nothing of the failing file"
    );
    assert!(!out.join("c_good.csv").exists(), "stopped at the failure");
    assert_eq!(walkdir(&out).len(), 1, "no temporary file");
    // Two threads: small files go side by side, so the file beside the failing one may be
    // finished; whatever is written is whole, and the run fails all the same.
    let out2 = c.out("tree2");
    let r = c.scrub(&input, &out2, &["--threads", "2"]);
    assert_refusal(&r, &["b_ragged.csv: record 2"]);
    assert!(!out2.join("b_ragged.csv").exists());
    for written in walkdir(&out2) {
        let name = written.file_name().unwrap();
        assert!(
            fs::read(&written).unwrap()
                == fs::read(out.join(name)).unwrap_or_else(|_| {
                    let alone = c.out(&format!("alone-{}", name.to_string_lossy()));
                    let r = c.scrub(&c.dir.path().join("in").join(name), &alone, &[]);
                    assert_eq!(r.code, 0, "{}", r.stderr);
                    fs::read(alone).unwrap()
                }),
            "{} is whole",
            written.display()
        );
    }
    assert!(c.inputs() == before);
}

#[test]
fn keep_going_processes_the_rest_and_lists_the_failures() {
    let c = Case::new();
    let input = tree(&c);
    c.input("d_empty.csv", b"");
    let out = c.out("tree");
    let report = c.dir.path().join("report.json");
    let r = c.scrub(&input, &out, &["--keep-going", "--report", s(&report)]);
    assert_refusal(
        &r,
        &[
            "b_ragged.csv: record 2",
            "d_empty.csv: empty",
            "2 of 4 file(s) failed and were not written",
        ],
    );
    let written: Vec<String> = walkdir(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, vec!["a_good.csv", "c_good.csv"]);
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    let failed: Vec<&str> = report["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["input"].as_str().unwrap())
        .collect();
    assert!(failed[0].ends_with("b_ragged.csv") && failed[1].ends_with("d_empty.csv"));
    assert_eq!(report["totals"]["files"], 2);
    let scan = tazala(&["scan", "--keep-going", s(&input)]);
    assert_refusal(&scan, &["b_ragged.csv: record 2", "2 of 4 file(s) failed"]);
    assert!(scan.stdout.contains("c_good.csv"), "{}", scan.stdout);
}

#[test]
fn a_panic_is_reported_without_its_message() {
    let c = Case::new();
    let input = c.input("a.csv", students(3).as_bytes());
    let out = c.out("a.csv");
    let r = run(cli::command()
        .args(["scrub", s(&input), "-o", s(&out), "--key-file", s(&c.key)])
        .env("TAZALA_TEST_PANIC", format!("{SECRET_IIN} {SECRET_NAME}")));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("internal error"), "{}", r.stderr);
    assert!(!r.stderr.contains(SECRET_IIN) && !r.stderr.contains(SECRET_NAME));
    assert!(!out.exists());
}

#[test]
fn world_readable_key_warns_with_the_fix_and_patterned_key_is_refused() {
    let c = Case::new();
    let input = c.input("a.csv", students(3).as_bytes());
    set_mode(&c.key, 0o644);
    let r = c.scrub(&input, &c.out("a.csv"), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("can be read by other users (chmod 600 it)"),
        "{}",
        r.stderr
    );
    let key_hex = fs::read_to_string(&c.key).unwrap();
    assert!(!r.stderr.contains(key_hex.trim()));

    let weak = c.dir.path().join("weak.key");
    fs::write(&weak, format!("{}\n", "ab".repeat(32))).unwrap();
    set_mode(&weak, 0o600);
    let out = c.out("b.csv");
    let r = tazala(&["scrub", s(&input), "-o", s(&out), "--key-file", s(&weak)]);
    assert_refusal(&r, &["weak.key", "a pattern, not 32 random bytes"]);
    assert!(!r.stderr.contains(&"ab".repeat(4)));
    assert!(!out.exists());
    let short = c.dir.path().join("short.key");
    fs::write(&short, &key_hex.trim()[..62]).unwrap();
    let r = tazala(&["scrub", s(&input), "-o", s(&out), "--key-file", s(&short)]);
    assert_refusal(&r, &["short.key", "64 hexadecimal digits"]);
    assert!(!r.stderr.contains(&key_hex.trim()[..16]));
}

/// Text nested in a list cannot be searched: without a rule the column is refused, so a name in
/// it never passes unseen; a rule that keeps or drops it is accepted.
#[test]
fn parquet_nested_text_needs_a_rule() {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, RecordBatch};
    let c = Case::new();
    let path = c.dir.path().join("in/nested.parquet");
    let mut tags = ListBuilder::new(StringBuilder::new());
    tags.values().append_value(SECRET_NAME);
    tags.append(true);
    let tags: ArrayRef = Arc::new(tags.finish());
    let ids: ArrayRef = Arc::new(Int64Array::from(vec![1]));
    let batch = RecordBatch::try_from_iter([("n", ids), ("tags", tags)]).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(
        fs::File::create(&path).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    c.refused(&path, &["nested.parquet: column 2", "can hold text"]);
    let policy = c.dir.path().join("p.toml");
    fs::write(
        &policy,
        "version = 1\n[[column]]\nname = \"tags\"\naction = \"drop\"\n",
    )
    .unwrap();
    let out = c.out("nested.parquet");
    let r = c.scrub(&path, &out, &["--policy", s(&policy)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.exists());
}

/// A fuzzer's input from `tests/regressions/`, copied into the case's input folder as `name`.
fn regression(c: &Case, file: &str, name: &str) -> PathBuf {
    let bytes = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/regressions")
            .join(file),
    )
    .unwrap();
    c.input(name, &bytes)
}

/// Found by `fuzz/` (parquet_reader): a footer giving a column chunk a negative offset made the
/// Parquet reader panic. The input is the fuzzer's, derived from the synthetic demo store.
#[test]
fn fuzz_parquet_negative_column_offset() {
    let c = Case::new();
    let input = regression(
        &c,
        "fuzz_parquet_negative_column_offset.parquet",
        "crash.parquet",
    );
    c.refused(
        &input,
        &[
            "crash.parquet: not a readable Parquet file: row group",
            "outside the file",
        ],
    );
}

/// Found by `fuzz/` (parquet_reader, fresh-clone CI run): a row group declaring -5 rows made
/// the reader's row count overflow (a panic with overflow checks on). The input is the
/// fuzzer's, derived from the synthetic demo store.
#[test]
fn fuzz_parquet_negative_row_count() {
    let c = Case::new();
    let input = regression(
        &c,
        "fuzz_parquet_negative_row_count.parquet",
        "rows.parquet",
    );
    c.refused(
        &input,
        &[
            "rows.parquet: not a readable Parquet file: row group 3",
            "negative number of rows",
        ],
    );
}

/// Found by `fuzz/` (parquet_reader): pages claiming a dictionary that is missing made the
/// Parquet reader panic ("Decoder for dict should have been set"). The reader's panics are
/// caught (`io::parquet::guarded_next`); this file is now refused before, by the page-header
/// check. The input is the fuzzer's, derived from the synthetic demo store, with one byte of
/// its footer (at 4452) set back from the type `i16` to `list`: the Parquet reader reads that
/// field as a list whatever type it declares, so it reads the file as before, but the footer
/// check that came later refuses a field of the wrong type before the pages are looked at.
#[test]
fn fuzz_parquet_dictionary_page_missing() {
    let c = Case::new();
    let input = regression(
        &c,
        "fuzz_parquet_dictionary_page_missing.parquet",
        "dict.parquet",
    );
    let out = c.out("dict.parquet");
    let r = c.scrub(&input, &out, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("dict.parquet: not a readable Parquet file: row group 1, column 8, page 1"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("(a corrupt page header)"), "{}", r.stderr);
    assert!(!r.stderr.contains("internal error"), "{}", r.stderr);
    assert!(c.outputs().is_empty());
}

/// Found by `fuzz/` (parquet_reader, random seed): a dictionary page header claiming far more
/// values than its bytes made the Parquet reader allocate for them: `tazala scan` of this 8 KB
/// file reached ~5 GB before failing. Page headers are now checked before anything is decoded.
/// The input is the fuzzer's, derived from the synthetic demo store.
#[test]
fn fuzz_parquet_oom_page_header() {
    let c = Case::new();
    let input = regression(&c, "fuzz_parquet_oom_page_header.parquet", "oom.parquet");
    c.refused(
        &input,
        &[
            "oom.parquet: not a readable Parquet file: row group 3, column 6, page 1",
            "the dictionary declares more values than its bytes can hold",
        ],
    );
}

/// Found by `fuzz/` (parquet_reader, CI mode): a page header's list claiming 2^60 boolean
/// elements made the page-header check itself loop for minutes; counts are now held to the
/// bytes left, and lists of booleans refused. The input is the fuzzer's, derived from the
/// synthetic demo store, with one byte of its footer (at 4452) set back to the type the reader
/// reads there (see `fuzz_parquet_dictionary_page_missing`).
#[test]
fn fuzz_parquet_slow_page_header() {
    let c = Case::new();
    let input = regression(&c, "fuzz_parquet_slow_page_header.parquet", "slow.parquet");
    c.refused(
        &input,
        &[
            "slow.parquet: not a readable Parquet file: row group 2, column 8, page 2",
            "(a corrupt page header)",
        ],
    );
}

/// Found by `fuzz/` (parquet_reader, CI mode): a footer holding a list of 2^31 booleans kept
/// the Parquet reader's footer decoding busy for seconds (over the fuzzer's 20 s limit with its
/// instrumentation), as its skip of an unknown field reads no bytes per boolean. The footer's
/// Thrift is now walked first. The input is the fuzzer's, derived from the synthetic demo store.
#[test]
fn fuzz_parquet_slow_footer() {
    let c = Case::new();
    let input = regression(&c, "fuzz_parquet_slow_footer.parquet", "footer.parquet");
    c.refused(
        &input,
        &[
            "footer.parquet: not a readable Parquet file: a list of booleans",
            "(a corrupt footer)",
        ],
    );
}

/// Found by `fuzz/` (parquet_reader, CI mode): on these corrupt pages the Parquet reader handed
/// on a string column holding bytes that are not UTF-8, which the detectors then misread (an
/// undefined-behaviour check fired in a debug build). Every batch's text is now validated.
/// The input is the fuzzer's, derived from the synthetic demo store.
#[test]
fn fuzz_parquet_invalid_utf8_text() {
    let c = Case::new();
    let input = regression(&c, "fuzz_parquet_invalid_utf8_text.parquet", "text.parquet");
    c.refused(
        &input,
        &[
            "cannot read",
            "text.parquet: row group",
            "column email holds text that is not UTF-8 (corrupt pages)",
        ],
    );
}

/// `tazala risk` reads user files through the same checks as the scrub: a corrupt page
/// header or text that is not UTF-8 is refused naming the file, and nothing panics.
#[test]
fn risk_refuses_corrupt_parquet_like_the_scrub() {
    let c = Case::new();
    for (file, quasi, expect) in [
        (
            "fuzz_parquet_oom_page_header.parquet",
            "iin",
            "row group 3, column 6, page 1: the dictionary declares more values",
        ),
        (
            "fuzz_parquet_invalid_utf8_text.parquet",
            "email",
            "column email holds text that is not UTF-8",
        ),
    ] {
        let input = regression(&c, file, file);
        let r = tazala(&["risk", s(&input), "--quasi", quasi]);
        assert_refusal(&r, &[file, expect]);
    }
}
