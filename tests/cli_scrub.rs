//! End-to-end tests of `tazala scan`, `scrub`, `keygen` and `policy` through the real binary,
//! on the synthetic store of `fixtures/store` written into a temporary directory.
//!
//! Personal values in free text can only be found by the detectors; the checks on them apply
//! to what the built-in detector set finds in the planted text, so they tighten by themselves
//! as detectors land. Every check on identifier columns, decoys, statistics, joins, threads,
//! encodings and refusals holds whatever the detectors find.

#[path = "support/cli.rs"]
mod cli;
#[path = "../fixtures/store/mod.rs"]
mod store;

use std::fs;
use std::path::{Path, PathBuf};

use cli::{Run, s, tazala};
use tazala::detect::DetectorSet;

/// Records in `students.csv`: enough for several parallel chunks per batch.
const STUDENTS: usize = 700;

/// A store, a key and a scrubbed copy of the store.
struct Scrubbed {
    _dir: tempfile::TempDir,
    store: store::Store,
    key: PathBuf,
    out: PathBuf,
    report: PathBuf,
    run: Run,
}

fn scrubbed(extra: &[&str]) -> Scrubbed {
    let dir = tempfile::tempdir().unwrap();
    let store = store::write_store(&dir.path().join("store"), STUDENTS);
    let key = dir.path().join("tazala.key");
    let k = tazala(&["keygen", "-o", s(&key)]);
    assert_eq!(k.code, 0, "{}", k.stderr);
    let out = dir.path().join("clean");
    let report = dir.path().join("report.json");
    let mut args = vec![
        "scrub",
        s(&store.root),
        "-o",
        s(&out),
        "--key-file",
        s(&key),
        "--report",
        s(&report),
    ];
    args.extend_from_slice(extra);
    let run = tazala(&args);
    assert_eq!(run.code, 0, "scrub failed: {}", run.stderr);
    Scrubbed {
        _dir: dir,
        store,
        key,
        out,
        report,
        run,
    }
}

/// Relative paths of the files under `root`, sorted.
fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(root)
        .into_iter()
        .map(|p| p.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn delimiter_of(rel: &Path) -> u8 {
    let name = rel.to_string_lossy();
    if name.contains("leads") {
        b';'
    } else if name.contains("col7") {
        b'|'
    } else {
        b','
    }
}

/// Records of a store file (header first), decoded, parsed by the `csv` crate.
fn records(path: &Path, delimiter: u8) -> Vec<Vec<String>> {
    let text = store::read_text(path);
    let text = text.trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn column(records: &[Vec<String>], header: &str) -> Vec<String> {
    let i = records[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header}"));
    records[1..].iter().map(|r| r[i].clone()).collect()
}

#[test]
fn no_planted_personal_value_survives_scrubbing() {
    let t = scrubbed(&[]);
    let detectors = DetectorSet::builtin();
    let mut checked = 0;
    for rel in files_under(&t.out) {
        let text = store::read_text(&t.out.join(&rel));
        let planted: Vec<_> = t.store.planted.iter().filter(|p| p.file == rel).collect();
        // In free text only a detector can find a value: hold the scrubber to what the
        // built-in detectors find in the planted text.
        let undetected: Vec<&str> = planted
            .iter()
            .filter(|p| p.in_text && detectors.find(&p.written).is_empty())
            .map(|p| p.core.as_str())
            .collect();
        for p in planted {
            if undetected.iter().any(|u| u.contains(p.core.as_str())) {
                continue;
            }
            checked += 1;
            assert!(
                !text.contains(&p.written),
                "{} {} survived in {}",
                p.kind,
                p.written,
                rel.display()
            );
            assert!(
                !text.contains(&p.core),
                "{} core of {} survived in {}",
                p.kind,
                p.written,
                rel.display()
            );
        }
    }
    assert!(checked > 1000, "only {checked} planted values checked");
}

#[test]
fn output_mirrors_the_store_and_skips_what_is_not_a_table() {
    let t = scrubbed(&[]);
    let mut expected = files_under(&t.store.root);
    expected.retain(|p| p != Path::new("notes.txt"));
    assert_eq!(files_under(&t.out), expected);
    assert!(
        t.run.stderr.contains("notes.txt"),
        "a skipped file is named: {}",
        t.run.stderr
    );
}

#[test]
fn decoys_statistics_headers_and_record_order_survive() {
    let t = scrubbed(&[]);
    let mut all_text = String::new();
    for (rel, rows) in &t.store.records {
        let d = delimiter_of(rel);
        let input = records(&t.store.root.join(rel), d);
        let output = records(&t.out.join(rel), d);
        assert_eq!(output.len(), rows + 1, "{}: record count", rel.display());
        assert_eq!(output[0], input[0], "{}: header", rel.display());
        for stat in [
            "Класс",
            "Оценка",
            "Посещаемость",
            "Номер заказа",
            "БИН организации",
            "Сумма",
            "Статус",
            "Сынып",
            "Баға",
            "id",
            "score",
        ] {
            if input[0].iter().any(|h| h == stat) {
                assert_eq!(
                    column(&output, stat),
                    column(&input, stat),
                    "{}: {stat}",
                    rel.display()
                );
            }
        }
        all_text.push_str(&store::read_text(&t.out.join(rel)));
    }
    for decoy in &t.store.decoys {
        assert!(
            all_text.contains(decoy.as_str()),
            "decoy {decoy} did not survive"
        );
    }
}

#[test]
fn iin_phone_and_email_pseudonyms_join_across_files_and_forms() {
    let t = scrubbed(&[]);
    let students = records(&t.out.join("students.csv"), b',');
    let kz = records(&t.out.join("kz/oqushylar.csv"), b',');
    let col7 = records(&t.out.join("col7.csv"), b'|');
    let s_iin = column(&students, "ИИН");
    let s_phone = column(&students, "Телефон");
    let s_email = column(&students, "Email");
    let s_name = column(&students, "ФИО");
    // oqushylar.csv holds persons 0, 1, 3, 5; person 3's IIN lost its leading zero in
    // students.csv, person 0 is grouped there in some records; phones are written differently.
    for (row, person) in [0usize, 1, 3, 5].into_iter().enumerate() {
        assert!(s_iin[person].starts_with("IIN-"), "{}", s_iin[person]);
        assert_eq!(
            column(&kz, "ЖСН")[row],
            s_iin[person],
            "IIN of person {person}"
        );
        assert_eq!(
            column(&kz, "Ұялы телефон")[row],
            s_phone[person],
            "phone of person {person}"
        );
        assert_eq!(
            column(&kz, "Электрондық пошта")[row],
            s_email[person],
            "email of person {person}"
        );
        assert_eq!(
            column(&kz, "Оқушының аты-жөні")[row],
            s_name[person],
            "name of person {person}"
        );
    }
    // Every record of one person, whatever the written form, has one pseudonym.
    for person in 0..store::PERSONS.len() {
        let rows: Vec<&String> = s_iin
            .iter()
            .skip(person)
            .step_by(store::PERSONS.len())
            .collect();
        assert!(
            rows.iter().all(|v| *v == rows[0]),
            "person {person}: {rows:?}"
        );
        assert_eq!(
            column(&col7, "col_7")[person],
            *rows[0],
            "col7 person {person}"
        );
    }
    // The CRM (Windows-1251, other phone forms) joins on the phone.
    let leads = records(&t.out.join("crm/leads.csv"), b';');
    let l_phone = column(&leads, "Телефон");
    for (r, phone) in l_phone.iter().enumerate() {
        let person = (r * 5) % store::PERSONS.len();
        assert_eq!(*phone, s_phone[person], "lead {r}");
    }
    assert!(column(&leads, "E-mail")[0].ends_with("@pseudonym.invalid"));
    assert!(column(&leads, "Telegram")[0].starts_with("MSG-"));
}

#[test]
fn output_is_byte_identical_whatever_the_threads_and_batch_size() {
    // The store's files are small: with two threads they are scrubbed side by side, and the
    // report still lists them in order, with the same counts.
    let a = scrubbed(&["--threads", "1"]);
    let without_timings = |path: &Path| {
        let mut report: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        report.as_object_mut().unwrap().remove("seconds");
        for file in report["files"].as_array_mut().unwrap() {
            file.as_object_mut().unwrap().remove("seconds");
            let output = file["output"].as_str().unwrap();
            let rel = Path::new(output).file_name().unwrap().to_owned();
            file["output"] = rel.to_string_lossy().into_owned().into();
        }
        report
    };
    let dir = tempfile::tempdir().unwrap();
    for (threads, batch) in [("2", "7"), ("2", "1000"), ("1", "3")] {
        let out = dir.path().join(format!("out-{threads}-{batch}"));
        let report = dir.path().join(format!("report-{threads}-{batch}.json"));
        let run = tazala(&[
            "scrub",
            s(&a.store.root),
            "-o",
            s(&out),
            "--key-file",
            s(&a.key),
            "--threads",
            threads,
            "--batch-records",
            batch,
            "--report",
            s(&report),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(
            without_timings(&report),
            without_timings(&a.report),
            "the report differs with --threads {threads} --batch-records {batch}"
        );
        for rel in files_under(&a.out) {
            let (x, y) = (
                fs::read(a.out.join(&rel)).unwrap(),
                fs::read(out.join(&rel)).unwrap(),
            );
            assert!(
                x == y,
                "{} differs with --threads {threads} --batch-records {batch}",
                rel.display()
            );
        }
    }
}

/// A scan of a directory of small files (side by side with two threads) reports what one
/// thread reports, file by file in order.
#[test]
fn scan_reports_the_same_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(dir.path(), 60);
    let json = |threads: &str| {
        let run = tazala(&[
            "scan",
            "--format",
            "json",
            "--threads",
            threads,
            s(&st.root),
        ]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let mut report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        report.as_object_mut().unwrap().remove("seconds");
        for file in report["files"].as_array_mut().unwrap() {
            file.as_object_mut().unwrap().remove("seconds");
        }
        report
    };
    let one = json("1");
    assert_eq!(one["files"].as_array().unwrap().len(), 6);
    assert_eq!(json("2"), one);
}

#[test]
fn scan_finds_the_store_personal_and_the_scrubbed_store_clean() {
    let t = scrubbed(&[]);
    let before = tazala(&["scan", s(&t.store.root)]);
    assert_eq!(before.code, 1, "{}{}", before.stdout, before.stderr);
    assert!(before.stdout.contains("iin"), "{}", before.stdout);
    let after = tazala(&["scan", s(&t.out)]);
    assert_eq!(after.code, 0, "{}{}", after.stdout, after.stderr);
    let json = tazala(&["scan", "--format", "json", s(&t.out)]);
    assert_eq!(json.code, 0);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["files"].as_array().unwrap().len(), 6);
}

#[test]
fn scan_reports_kinds_shares_and_record_numbers_never_values() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(dir.path(), 60);
    let run = tazala(&["scan", "--format", "json", s(&st.root.join("students.csv"))]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let columns = report["files"][0]["columns"].as_array().unwrap();
    let by_name = |n: &str| columns.iter().find(|c| c["name"] == n).unwrap();
    assert_eq!(by_name("ИИН")["kind"], "iin");
    assert_eq!(by_name("ИИН")["found"]["iin"], 60);
    assert_eq!(
        by_name("ИИН")["examples"],
        serde_json::json!([1, 2, 3, 4, 5])
    );
    assert_eq!(by_name("Телефон")["kind"], "phone");
    assert_eq!(by_name("Email")["kind"], "email");
    assert_eq!(by_name("ФИО")["kind"], "name");
    assert_eq!(by_name("Оценка")["kind"], "none");
    assert_eq!(by_name("Номер заказа")["kind"], "none");
    assert_eq!(by_name("Комментарий")["kind"], "text");
    for p in &st.planted {
        assert!(!run.stdout.contains(&p.written), "scan printed a value");
    }
    let sample = tazala(&[
        "scan",
        "--sample",
        "10",
        "--format",
        "json",
        s(&st.root.join("students.csv")),
    ]);
    let report: serde_json::Value = serde_json::from_str(&sample.stdout).unwrap();
    assert_eq!(report["files"][0]["records_in"], 10);
    let human = tazala(&["scan", s(&st.root.join("kz/oqushylar.csv"))]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("ЖСН") && human.stdout.contains("100.0%"),
        "{}",
        human.stdout
    );
}

#[test]
fn missing_key_is_refused_with_the_reason_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(&dir.path().join("store"), 20);
    let out = dir.path().join("clean");
    let run = tazala(&["scrub", s(&st.root), "-o", s(&out)]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("tazala keygen") && run.stderr.contains("10^9"),
        "{}",
        run.stderr
    );
    assert!(!out.exists(), "nothing may be written");
    // Through the environment variable it works.
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let ok = cli::run(
        cli::command()
            .args(["scrub", s(&st.root), "-o", s(&out)])
            .env("TAZALA_KEY_FILE", &key),
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // A policy that does not pseudonymise needs no key.
    let policy = dir.path().join("redact.toml");
    fs::write(&policy, "[kinds]\niin = \"redact\"\nphone = \"redact\"\nemail = \"redact\"\nmessenger = \"redact\"\ncard = \"redact\"\nname = \"redact\"\n[text]\niin = \"redact\"\nphone = \"redact\"\nemail = \"redact\"\nmessenger = \"redact\"\ncard = \"redact\"\n").unwrap();
    let run = tazala(&[
        "scrub",
        s(&st.root),
        "-o",
        s(&dir.path().join("r")),
        "--policy",
        s(&policy),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = store::read_text(&dir.path().join("r/students.csv"));
    assert!(text.contains("[IIN]") && text.contains("[NAME]"));
}

#[test]
fn output_equal_to_input_is_refused_and_the_input_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(&dir.path().join("store"), 20);
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let input = st.root.join("students.csv");
    let before = fs::read(&input).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let dotted = st.root.join("crm/../students.csv");
    for output in [&input, &link, &dotted] {
        let run = tazala(&["scrub", s(&input), "-o", s(output), "--key-file", s(&key)]);
        assert_eq!(run.code, 2, "{}", output.display());
        assert!(run.stderr.contains("is the input"), "{}", run.stderr);
    }
    let inside = st.root.join("clean");
    let run = tazala(&[
        "scrub",
        s(&st.root),
        "-o",
        s(&inside),
        "--key-file",
        s(&key),
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("inside the input"), "{}", run.stderr);
    assert_eq!(fs::read(&input).unwrap(), before);
    assert!(!inside.exists());
}

/// Redacting one column must leave every other byte of the file as it was: quotes, spaces,
/// line terminators, the byte-order mark.
#[test]
fn untouched_fields_are_written_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let rows: [[&str; 4]; 4] = [
        ["\"ИИН\"", "Оценка", " note ", "Дата"],
        ["871008401427", "\"5\"", "\"a, b\"", " 2024-01-02 "],
        ["\"760212350620\"", "4", "\"two\nlines\"", ""],
        ["", "\"\"\"q\"\"\"", "x", "2024-03-04"],
    ];
    let terminators = ["\r\n", "\n", "\r\n", ""];
    let mut text = String::from("\u{feff}");
    let mut expected = String::from("\u{feff}");
    for (row, term) in rows.iter().zip(terminators) {
        text.push_str(&row.join(","));
        text.push_str(term);
        let mut out = row.to_vec();
        out[0] = match row[0] {
            "871008401427" => "[IIN]",
            "\"760212350620\"" => "\"[IIN]\"",
            other => other,
        };
        expected.push_str(&out.join(","));
        expected.push_str(term);
    }
    fs::write(&input, &text).unwrap();
    let policy = dir.path().join("p.toml");
    fs::write(&policy, "[[column]]\nname = \"ИИН\"\nkind = \"iin\"\naction = \"redact\"\n[[column]]\nname = \"*\"\naction = \"keep\"\n").unwrap();
    let out = dir.path().join("out.csv");
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let run = cli::scrub_with_policy(&input, &out, &policy, &key, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(fs::read_to_string(&out).unwrap(), expected);
}

#[test]
fn encodings_delimiters_and_compression_are_kept() {
    let t = scrubbed(&[]);
    let leads = fs::read(t.out.join("crm/leads.csv")).unwrap();
    assert!(
        std::str::from_utf8(&leads).is_err(),
        "Windows-1251 in, Windows-1251 out"
    );
    let header = encoding_rs::WINDOWS_1251.decode(&leads).0;
    assert!(header.starts_with("Контакт;Телефон;E-mail;"));
    let students = fs::read(t.out.join("students.csv")).unwrap();
    assert!(
        students.starts_with(b"\xEF\xBB\xBF\xD0\x98\xD0\x98\xD0\x9D,"),
        "BOM and header kept"
    );
    assert!(students.ends_with(b"\r\n"));
    let gz = records(&t.out.join("archive/students_2025.csv.gz"), b',');
    assert_eq!(gz.len(), 31);
    let zst = fs::read(t.out.join("archive/leads_2025.csv.zst")).unwrap();
    let zst = zstd::decode_all(&zst[..]).unwrap();
    assert!(
        std::str::from_utf8(&zst).is_err(),
        "compressed Windows-1251 stays Windows-1251"
    );
    let kz = fs::read_to_string(t.out.join("kz/oqushylar.csv")).unwrap();
    assert!(!kz.contains('\r'), "LF stays LF");
}

#[test]
fn report_counts_per_file_and_column_and_never_shows_the_key() {
    let t = scrubbed(&["--verbose"]);
    let text = fs::read_to_string(&t.report).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let key_hex = fs::read_to_string(&t.key).unwrap();
    let key_hex = key_hex.trim();
    for shown in [&text, &t.run.stderr, &t.run.stdout] {
        assert!(!shown.contains(key_hex) && !shown.contains(&key_hex[..16]));
    }
    assert_eq!(report["key_fingerprint"].as_str().unwrap().len(), 16);
    assert_eq!(report["policy_source"], "built-in defaults");
    assert_eq!(report["totals"]["files"], 6);
    assert!(report["seconds"].as_f64().is_some());
    let files = report["files"].as_array().unwrap();
    let students = files
        .iter()
        .find(|f| f["input"].as_str().unwrap().ends_with("/students.csv"))
        .unwrap();
    assert_eq!(students["records_in"], STUDENTS);
    assert_eq!(students["records_out"], STUDENTS);
    assert_eq!(students["encoding"], "utf-8 with BOM");
    let iin = &students["columns"][0];
    assert_eq!(iin["kind"], "iin");
    assert_eq!(iin["action"], "pseudonymise");
    assert_eq!(iin["actions"]["pseudonymise"], STUDENTS);
    let leads = files
        .iter()
        .find(|f| f["input"].as_str().unwrap().ends_with("crm/leads.csv"))
        .unwrap();
    assert_eq!(leads["encoding"], "windows-1251");
    assert!(
        leads["encoding_evidence"]
            .as_str()
            .unwrap()
            .contains("assumed")
    );
    assert!(
        t.run.stderr.contains("windows-1251"),
        "--verbose says what was assumed"
    );
    for p in &t.store.planted {
        assert!(!text.contains(&p.written), "report holds a value");
    }
}

#[test]
fn a_policy_can_drop_null_mask_and_is_validated_before_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(&dir.path().join("store"), 12);
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "[kinds]\niin = \"hash\"\n").unwrap();
    let out = dir.path().join("o.csv");
    let input = st.root.join("students.csv");
    let run = cli::scrub_with_policy(&input, &out, &bad, &key, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown action"), "{}", run.stderr);
    assert!(!out.exists());

    let policy = dir.path().join("p.toml");
    fs::write(
        &policy,
        "[[column]]\nname = \"ФИО\"\naction = \"drop\"\n[[column]]\nname = \"Email\"\naction = \"null\"\n[[column]]\nname = \"Телефон\"\naction = \"mask:4\"\n",
    )
    .unwrap();
    let run = cli::scrub_with_policy(&input, &out, &policy, &key, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recs = records(&out, b',');
    assert!(!recs[0].iter().any(|h| h == "ФИО"));
    assert_eq!(recs[0].len(), 8);
    assert!(column(&recs, "Email").iter().all(String::is_empty));
    let phones = column(&recs, "Телефон");
    assert_eq!(
        phones[0],
        format!("********{}", &store::PERSONS[0].phone[6..]),
        "mask keeps the tail of +7XXXXXXXXXX"
    );
    let check = tazala(&["policy", "check", s(&policy)]);
    assert_eq!(check.code, 0);
    assert!(
        check.stdout.contains("3 column rule(s)"),
        "{}",
        check.stdout
    );
}

#[test]
fn policy_suggest_writes_a_policy_scrub_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(&dir.path().join("store"), 12);
    let policy = dir.path().join("suggested.toml");
    let run = tazala(&["policy", "suggest", s(&st.root), "-o", s(&policy)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = fs::read_to_string(&policy).unwrap();
    assert!(
        text.contains("name = \"ИИН\"") && text.contains("kind = \"iin\""),
        "{text}"
    );
    assert!(
        text.contains("name = \"Класс\""),
        "quasi-identifiers are listed: {text}"
    );
    for p in &st.planted {
        assert!(!text.contains(&p.written), "a suggestion holds a value");
    }
    let again = tazala(&["policy", "suggest", s(&st.root), "-o", s(&policy)]);
    assert_eq!(again.code, 2, "an existing file is not overwritten");
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let run = tazala(&[
        "scrub",
        s(&st.root),
        "-o",
        s(&dir.path().join("c")),
        "--policy",
        s(&policy),
        "--key-file",
        s(&key),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn keygen_writes_an_owner_only_key_and_never_overwrites() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    let run = tazala(&["keygen", "-o", s(&key)]);
    assert_eq!(run.code, 0);
    let text = fs::read_to_string(&key).unwrap();
    assert_eq!(text.trim().len(), 64);
    assert!(!run.stderr.contains(text.trim()), "the key is not printed");
    assert_eq!(
        fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(tazala(&["keygen", "-o", s(&key)]).code, 2);
    assert_eq!(fs::read_to_string(&key).unwrap(), text);
}

#[test]
fn a_bad_key_file_is_refused_without_quoting_it() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::write_store(&dir.path().join("store"), 5);
    let key = dir.path().join("k");
    fs::write(&key, "secretsecretsecret\n").unwrap();
    let run = tazala(&[
        "scrub",
        s(&st.root),
        "-o",
        s(&dir.path().join("c")),
        "--key-file",
        s(&key),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("64 hexadecimal digits"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("secret"), "{}", run.stderr);
}

#[test]
fn scrubbing_twice_changes_nothing() {
    let t = scrubbed(&[]);
    let again = t.out.with_file_name("again");
    let run = tazala(&["scrub", s(&t.out), "-o", s(&again), "--key-file", s(&t.key)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for rel in files_under(&t.out) {
        if rel.extension().is_some_and(|e| e == "gz" || e == "zst") {
            continue; // recompressed: compare the content
        }
        assert!(
            fs::read(t.out.join(&rel)).unwrap() == fs::read(again.join(&rel)).unwrap(),
            "{}",
            rel.display()
        );
    }
}

/// Writes the fixture store for a look by hand:
/// `TAZALA_STORE_DIR=/tmp/store cargo test --test cli_scrub -- --ignored write_store`.
#[test]
#[ignore = "writes the fixture store to $TAZALA_STORE_DIR for inspection"]
fn write_store_for_inspection() {
    let dir = std::env::var_os("TAZALA_STORE_DIR").expect("set TAZALA_STORE_DIR");
    store::write_store(Path::new(&dir), 60);
}

mod parquet_files {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::{Array, RecordBatch};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    struct Read {
        schema: arrow_schema::SchemaRef,
        batches: Vec<RecordBatch>,
        row_groups: Vec<i64>,
        codecs: Vec<String>,
        kv: Vec<(String, Option<String>)>,
    }

    fn read(path: &Path) -> Read {
        let builder =
            ParquetRecordBatchReaderBuilder::try_new(fs::File::open(path).unwrap()).unwrap();
        let meta = builder.metadata().clone();
        let schema = builder.schema().clone();
        let batches = builder.build().unwrap().map(Result::unwrap).collect();
        Read {
            schema,
            batches,
            row_groups: meta.row_groups().iter().map(|rg| rg.num_rows()).collect(),
            codecs: meta.row_groups()[0]
                .columns()
                .iter()
                .map(|c| format!("{:?}", c.compression()))
                .collect(),
            kv: meta
                .file_metadata()
                .key_value_metadata()
                .into_iter()
                .flatten()
                .filter(|kv| kv.key != "ARROW:schema")
                .map(|kv| (kv.key.clone(), kv.value.clone()))
                .collect(),
        }
    }

    fn strings(r: &Read, name: &str) -> Vec<Option<String>> {
        let i = r.schema.index_of(name).unwrap();
        let mut out = Vec::new();
        for b in &r.batches {
            let col = b.column(i);
            let col = arrow_cast_to_strings(col.as_ref());
            out.extend(col);
        }
        out
    }

    fn arrow_cast_to_strings(a: &dyn Array) -> Vec<Option<String>> {
        match a.data_type() {
            arrow_schema::DataType::Int64 => a
                .as_primitive::<Int64Type>()
                .iter()
                .map(|v| v.map(|v| v.to_string()))
                .collect(),
            arrow_schema::DataType::Float64 => a
                .as_primitive::<arrow_array::types::Float64Type>()
                .iter()
                .map(|v| v.map(|v| v.to_string()))
                .collect(),
            arrow_schema::DataType::Utf8 => a
                .as_string::<i32>()
                .iter()
                .map(|v| v.map(String::from))
                .collect(),
            arrow_schema::DataType::LargeUtf8 => a
                .as_string::<i64>()
                .iter()
                .map(|v| v.map(String::from))
                .collect(),
            arrow_schema::DataType::Dictionary(_, _) => {
                let d = a.as_any_dictionary();
                let values = arrow_cast_to_strings(d.values().as_ref());
                d.normalized_keys()
                    .iter()
                    .map(|k| values[*k].clone())
                    .collect()
            }
            other => panic!("{other}"),
        }
    }

    struct Case {
        _dir: tempfile::TempDir,
        input: PathBuf,
        out: PathBuf,
        key: PathBuf,
        planted: Vec<store::Planted>,
    }

    fn case() -> Case {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("lms.parquet");
        let planted = store::write_parquet(&input);
        let key = dir.path().join("k");
        tazala(&["keygen", "-o", s(&key)]);
        let out = dir.path().join("clean.parquet");
        let run = tazala(&[
            "scrub",
            s(&input),
            "-o",
            s(&out),
            "--key-file",
            s(&key),
            "-j",
            "2",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        Case {
            _dir: dir,
            input,
            out,
            key,
            planted,
        }
    }

    #[test]
    fn parquet_keeps_schema_row_groups_codecs_metadata_and_statistics() {
        let c = case();
        let (a, b) = (read(&c.input), read(&c.out));
        assert_eq!(
            a.schema, b.schema,
            "schema with types, nullability and metadata"
        );
        assert_eq!(b.row_groups, vec![5, 5, 2]);
        assert_eq!(a.row_groups, b.row_groups);
        assert_eq!(a.codecs, b.codecs);
        assert!(
            b.kv.contains(&("exported_by".to_string(), Some("lms 2.1".to_string()))),
            "{:?}",
            b.kv
        );
        for stat in ["grade", "amount", "course"] {
            assert_eq!(strings(&a, stat), strings(&b, stat), "{stat}");
        }
        assert_eq!(strings(&b, "comment")[1], strings(&a, "comment")[1]);
    }

    #[test]
    fn parquet_values_are_scrubbed_typed_and_joinable() {
        let c = case();
        let b = read(&c.out);
        let iins = strings(&b, "iin");
        assert_eq!(iins[2], None, "a null stays null");
        for (r, v) in iins.iter().enumerate().filter(|(r, _)| *r != 2) {
            let v: i64 = v.as_deref().unwrap().parse().unwrap();
            assert!(v < 0, "record {r}: an integer pseudonym is negative");
        }
        let detectors = DetectorSet::builtin();
        let mut all = String::new();
        for name in ["iin", "ФИО", "phone", "email", "comment"] {
            for v in strings(&b, name).into_iter().flatten() {
                all.push_str(&v);
                all.push('\n');
            }
        }
        for p in &c.planted {
            if p.in_text && detectors.find(&p.written).is_empty() {
                continue;
            }
            assert!(!all.contains(&p.core), "{} {} survived", p.kind, p.written);
        }
        // The same key gives the same pseudonyms as in a CSV for string values.
        let csv_dir = tempfile::tempdir().unwrap();
        let csv = csv_dir.path().join("p.csv");
        fs::write(&csv, format!("Email\n{}\n", store::PERSONS[0].email)).unwrap();
        let out = csv_dir.path().join("o.csv");
        assert_eq!(
            tazala(&["scrub", s(&csv), "-o", s(&out), "--key-file", s(&c.key)]).code,
            0
        );
        let from_csv = fs::read_to_string(&out).unwrap();
        assert_eq!(from_csv.lines().nth(1), strings(&b, "email")[0].as_deref());
    }

    #[test]
    fn parquet_output_is_identical_for_1_and_2_threads_and_scans_clean() {
        let c = case();
        let other = c.out.with_file_name("one-thread.parquet");
        let run = tazala(&[
            "scrub",
            s(&c.input),
            "-o",
            s(&other),
            "--key-file",
            s(&c.key),
            "-j",
            "1",
            "--batch-records",
            "3",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(fs::read(&other).unwrap() == fs::read(&c.out).unwrap());
        assert_eq!(tazala(&["scan", s(&c.input)]).code, 1);
        let after = tazala(&["scan", s(&c.out)]);
        assert_eq!(after.code, 0, "{}", after.stdout);
    }

    #[test]
    fn an_identifier_header_over_an_unsearchable_type_is_refused() {
        use std::sync::Arc;
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("f.parquet");
        let schema = Arc::new(arrow_schema::Schema::new(vec![
            arrow_schema::Field::new("ИИН", arrow_schema::DataType::Float64, false),
            arrow_schema::Field::new("Оценка", arrow_schema::DataType::Float64, false),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(arrow_array::Float64Array::from(vec![6.12116e10])),
                Arc::new(arrow_array::Float64Array::from(vec![4.5])),
            ],
        )
        .unwrap();
        let mut w =
            parquet::arrow::ArrowWriter::try_new(fs::File::create(&input).unwrap(), schema, None)
                .unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        let key = dir.path().join("k");
        tazala(&["keygen", "-o", s(&key)]);
        let out = dir.path().join("o.parquet");
        let run = tazala(&["scrub", s(&input), "-o", s(&out), "--key-file", s(&key)]);
        assert_eq!(run.code, 2);
        assert!(
            run.stderr.contains("cannot rewrite") && run.stderr.contains("Float64"),
            "{}",
            run.stderr
        );
        assert!(!out.exists());
        let policy = dir.path().join("p.toml");
        fs::write(&policy, "[[column]]\nname = \"ИИН\"\naction = \"drop\"\n").unwrap();
        let run = tazala(&[
            "scrub",
            s(&input),
            "-o",
            s(&out),
            "--key-file",
            s(&key),
            "--policy",
            s(&policy),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let names: Vec<String> = read(&out)
            .schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, vec!["Оценка".to_string()]);
    }
}

#[test]
fn a_ragged_record_is_an_error_naming_file_and_record_not_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ragged.csv");
    fs::write(
        &input,
        "ИИН,Оценка\n871008401427,5\n760212350620,4,Жумабекова\n",
    )
    .unwrap();
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let out = dir.path().join("o.csv");
    let run = tazala(&["scrub", s(&input), "-o", s(&out), "--key-file", s(&key)]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("ragged.csv: record 2"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("760212350620") && !run.stderr.contains("Жумабекова"));
    assert!(!out.exists(), "no half-written output");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no temporary file left"
    );
}

/// The encoding is decided from the first block: Windows-1251 bytes after a first megabyte of
/// ASCII cannot be searched as UTF-8, so the file is refused (issue 5), naming record and column.
#[test]
fn late_windows_1251_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("late.csv");
    let mut bytes = b"id,Status\n".to_vec();
    let mut i = 0;
    while bytes.len() < 1_200_000 {
        bytes.extend_from_slice(format!("{i},ok\n").as_bytes());
        i += 1;
    }
    let (cp, _, _) = encoding_rs::WINDOWS_1251.encode("Оплачен");
    bytes.extend_from_slice(b"x,");
    bytes.extend_from_slice(&cp);
    bytes.push(b'\n');
    fs::write(&input, &bytes).unwrap();
    let out = dir.path().join("o.csv");
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let run = tazala(&["scrub", s(&input), "-o", s(&out), "--key-file", s(&key)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "late.csv: record {}, column 2: not valid UTF-8",
            i + 1
        )),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

/// A column whose first values come late is classified from the same records whatever the
/// batch size, so the output does not depend on `--batch-records`.
#[test]
fn classification_does_not_depend_on_the_batch_size() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("sparse.csv");
    let mut text = String::from("id,x\n");
    for i in 0..6000 {
        let phone = if i >= 5000 {
            format!("+7 701 {:03} 45 67", i % 1000)
        } else {
            String::new()
        };
        text.push_str(&format!("{i},{phone}\n"));
    }
    fs::write(&input, &text).unwrap();
    let key = dir.path().join("k");
    tazala(&["keygen", "-o", s(&key)]);
    let mut outputs = Vec::new();
    for batch in ["3", "16384"] {
        let out = dir.path().join(format!("o{batch}.csv"));
        let run = tazala(&[
            "scrub",
            s(&input),
            "-o",
            s(&out),
            "--key-file",
            s(&key),
            "--batch-records",
            batch,
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        outputs.push(fs::read_to_string(&out).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
    assert!(
        outputs[0].contains("PHONE-") && !outputs[0].contains("+7 701"),
        "late phones found"
    );
}
