//! k-anonymity end to end: `tazala risk`, and `scrub` with derivations, generalisations,
//! `--k` and `--suppress`, through the real binary on a synthetic cohort (`fixtures/cohort`);
//! risk figures and suppression checked against brute-force counts on random inputs.

#[path = "support/cli.rs"]
mod cli;
#[path = "../fixtures/cohort/mod.rs"]
mod cohort;

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::sync::Arc;

use cli::{s, tazala};
use proptest::prelude::*;
use tazala::generalise::{Date, iin_facts};
use tazala::io::{FileFormat, FileJob};
use tazala::risk::{self, ClassCounts};

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_path(path).unwrap();
    let headers = r
        .headers()
        .unwrap()
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(String::from).collect())
        .collect();
    (headers, rows)
}

fn col(headers: &[String], name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
}

/// Records below k, smallest class and classes by brute force: each record compared with
/// every other.
fn brute_force(rows: &[Vec<Option<String>>], k: u64) -> (u64, u64, u64) {
    let mut below = 0;
    let mut smallest = u64::MAX;
    for r in rows {
        let n = rows.iter().filter(|o| *o == r).count() as u64;
        if n < k {
            below += 1;
        }
        smallest = smallest.min(n);
    }
    let mut distinct: Vec<&Vec<Option<String>>> = Vec::new();
    for r in rows {
        if !distinct.contains(&r) {
            distinct.push(r);
        }
    }
    (
        below,
        if rows.is_empty() { 0 } else { smallest },
        distinct.len() as u64,
    )
}

const POLICY: &str = r#"
[[column]]
name = "ИИН"
action = "pseudonymise"
derive = { birth_year = "Год рождения", sex = "Пол" }
[[column]]
name = "Дата рождения"
action = "age_band"
bands = [0, 7, 11, 14, 16, 18]
reference = "2025-09-01"
[[column]]
name = "Телефон родителя"
action = "truncate:5"
[[column]]
name = "Школа"
action = "top_code:30"
"#;

struct Cohort {
    dir: tempfile::TempDir,
    input: std::path::PathBuf,
    key: std::path::PathBuf,
    policy: std::path::PathBuf,
}

fn cohort(students: usize) -> Cohort {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("students.csv");
    fs::write(&input, cohort::students_csv(students, 12, 7)).unwrap();
    let key = dir.path().join("k.key");
    assert_eq!(tazala(&["keygen", "-o", s(&key)]).code, 0);
    let policy = dir.path().join("policy.toml");
    fs::write(&policy, POLICY).unwrap();
    Cohort {
        dir,
        input,
        key,
        policy,
    }
}

#[test]
fn scrub_derives_generalises_and_top_codes_exactly() {
    let c = cohort(400);
    let out = c.dir.path().join("out.csv");
    let run = cli::scrub_with_policy(&c.input, &out, &c.policy, &c.key, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (ih, input) = read_csv(&c.input);
    let (oh, output) = read_csv(&out);
    assert_eq!(input.len(), output.len());
    // Derived columns right after the IIN.
    assert_eq!(&oh[..3], &["ИИН", "Год рождения", "Пол"]);
    let reference = Date::new(2025, 9, 1).unwrap();
    let mut school_counts: HashMap<&str, usize> = HashMap::new();
    for r in &input {
        *school_counts.entry(&r[col(&ih, "Школа")]).or_default() += 1;
    }
    for (i, o) in input.iter().zip(&output) {
        let facts = iin_facts(&i[col(&ih, "ИИН")]).expect("cohort IINs are valid");
        assert_eq!(o[col(&oh, "Год рождения")], facts.birth.year.to_string());
        assert_eq!(o[col(&oh, "Пол")], facts.sex.as_str());
        assert!(o[col(&oh, "ИИН")].starts_with("IIN-"));
        let dob = Date::parse(&i[col(&ih, "Дата рождения")]).unwrap();
        assert_eq!(
            dob, facts.birth,
            "the cohort's IIN encodes its date of birth"
        );
        let age = tazala::generalise::age_on(dob, reference).unwrap();
        let band = match age {
            0..=6 => "0-6",
            7..=10 => "7-10",
            11..=13 => "11-13",
            14..=15 => "14-15",
            16..=17 => "16-17",
            _ => "18+",
        };
        assert_eq!(o[col(&oh, "Дата рождения")], band);
        // `+7 7xx …` → E.164 `+77xx…` → 5 characters: the operator code.
        let phone = &i[col(&ih, "Телефон родителя")];
        assert_eq!(
            o[col(&oh, "Телефон родителя")],
            format!("+7{}", &phone[3..6])
        );
        let school = &i[col(&ih, "Школа")];
        let expected = if school_counts[school.as_str()] < 30 {
            "other"
        } else {
            school.as_str()
        };
        assert_eq!(o[col(&oh, "Школа")], expected);
        for untouched in ["Регион", "Класс", "Предмет", "Оценка"] {
            assert_eq!(
                i[col(&ih, untouched)],
                o[col(&oh, untouched)],
                "{untouched}"
            );
        }
    }
    assert!(
        school_counts.values().any(|&n| n < 30),
        "the cohort has small schools to top-code"
    );
    let leftovers: Vec<_> = fs::read_dir(c.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn suppression_reaches_k_and_touches_only_quasi_identifiers_of_records_below_k() {
    let c = cohort(300);
    let plain = c.dir.path().join("plain.csv");
    let out = c.dir.path().join("out.csv");
    let report = c.dir.path().join("report.json");
    let quasi = "Год рождения,Пол,Школа,Класс";
    let base = [
        "--policy",
        s(&c.policy),
        "--key-file",
        s(&c.key),
        "--k",
        "5",
        "--quasi",
        quasi,
    ];
    let mut args = vec!["scrub", s(&c.input), "-o", s(&plain)];
    args.extend_from_slice(&base);
    let run = tazala(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("below k"), "{}", run.stderr);
    let mut args = vec![
        "scrub",
        s(&c.input),
        "-o",
        s(&out),
        "--suppress",
        "--report",
    ];
    args.push(s(&report));
    args.extend_from_slice(&base);
    let run = tazala(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);

    // Before: the plain output is below k; `risk` agrees with the report of `scrub --k`.
    let before = tazala(&["risk", s(&plain), "--quasi", quasi, "--format", "json"]);
    assert_eq!(before.code, 1, "{}", before.stderr);
    let before: serde_json::Value = serde_json::from_str(&before.stdout).unwrap();
    let rep: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    let a = &rep["anonymity"][0];
    assert_eq!(a["risk"]["records_below_k"], before["records_below_k"]);
    assert_eq!(a["risk"]["smallest_class"], before["smallest_class"]);

    // After: every class reaches k, as the report said.
    let after = tazala(&[
        "risk",
        s(&out),
        "--quasi",
        quasi,
        "--k",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(after.code, 0, "{}", after.stdout);
    let after: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    assert_eq!(after["records_below_k"], 0);
    assert_eq!(a["suppression"]["risk_after"]["classes"], after["classes"]);
    assert_eq!(
        a["suppression"]["risk_after"]["smallest_class"],
        after["smallest_class"]
    );

    // Only quasi-identifiers of records in classes below k changed, and each `*` was counted.
    let (ph, p_rows) = read_csv(&plain);
    let (oh, o_rows) = read_csv(&out);
    assert_eq!(ph, oh);
    let q: Vec<usize> = quasi.split(',').map(|n| col(&ph, n)).collect();
    let key = |r: &Vec<String>| q.iter().map(|&i| r[i].clone()).collect::<Vec<_>>();
    let mut sizes: HashMap<Vec<String>, u64> = HashMap::new();
    for r in &p_rows {
        *sizes.entry(key(r)).or_default() += 1;
    }
    let mut stars = 0u64;
    let mut touched_in_large = 0u64;
    for (p, o) in p_rows.iter().zip(&o_rows) {
        for i in 0..ph.len() {
            if q.contains(&i) {
                if p[i] != o[i] {
                    assert_eq!(o[i], "*");
                    stars += 1;
                }
            } else {
                assert_eq!(p[i], o[i], "column {} is not a quasi-identifier", ph[i]);
            }
        }
        if sizes[&key(p)] >= 5 && p != o {
            touched_in_large += 1;
        }
    }
    assert_eq!(a["suppression"]["values_suppressed"], stars);
    assert!(stars > 0);
    // Records of classes already at k are only taken when the fully suppressed class needs
    // filling (step 4), never more than k of them.
    assert!(touched_in_large < 5, "{touched_in_large}");
}

#[test]
fn risk_suggests_quasi_identifiers_and_exits_by_k() {
    let c = cohort(50);
    let run = tazala(&["risk", s(&c.input), "--k", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("quasi-identifiers: Дата рождения, Регион, Школа, Класс"),
        "{}",
        run.stdout
    );
    let run = tazala(&["risk", s(&c.input)]);
    assert_eq!(run.code, 1, "dates of birth single students out");
    let run = tazala(&["risk", s(&c.input), "--quasi", "Нет такой"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no column \"Нет такой\""),
        "{}",
        run.stderr
    );
    let run = tazala(&["risk", s(&c.input), "--k", "0"]);
    assert_eq!(run.code, 2);
    let none = c.dir.path().join("none.csv");
    fs::write(&none, "Оценка,Предмет\n5,Физика\n").unwrap();
    let run = tazala(&["risk", s(&none)]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--quasi"), "{}", run.stderr);
}

#[test]
fn derived_birth_year_and_sex_for_every_century_digit_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ids.csv");
    let mut text = String::from("id;ИИН;Оценка\n");
    let mut expected = Vec::new();
    for (digit, year, sex) in [
        (1, "1887", "M"),
        (2, "1887", "F"),
        (3, "1987", "M"),
        (4, "1987", "F"),
        (5, "2087", "M"),
        (6, "2087", "F"),
    ] {
        text.push_str(&format!(
            "{digit};{};5\n",
            cohort::iin(2087, 10, 8, digit, 142)
        ));
        expected.push((year.to_string(), sex.to_string()));
    }
    // Digit 7 = 0/7/9 with a valid check digit, a wrong check digit, Excel's lossy form, text.
    for bad in [
        cohort::iin(2087, 10, 8, 0, 142),
        cohort::iin(2087, 10, 8, 7, 142),
        cohort::iin(2087, 10, 8, 9, 142),
        "901123300255".to_string(),
        "6.12116E+10".to_string(),
        "нет".to_string(),
    ] {
        text.push_str(&format!("x;{bad};4\n"));
        expected.push((String::new(), String::new()));
    }
    fs::write(&input, text).unwrap();
    let policy = dir.path().join("p.toml");
    fs::write(
        &policy,
        "[[column]]\nname = \"ИИН\"\nkind = \"iin\"\naction = \"redact\"\nderive = [\"birth_year\", \"sex\"]\n",
    )
    .unwrap();
    let out = dir.path().join("out.csv");
    let key = dir.path().join("k.key");
    assert_eq!(tazala(&["keygen", "-o", s(&key)]).code, 0);
    let run = cli::scrub_with_policy(&input, &out, &policy, &key, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("id;ИИН;birth_year;sex;Оценка"));
    for (line, (year, sex)) in lines.zip(&expected) {
        let f: Vec<&str> = line.split(';').collect();
        assert_eq!((f[2], f[3]), (year.as_str(), sex.as_str()), "{line}");
        assert_eq!(f[1], "[IIN]");
    }
}

#[test]
fn parquet_gets_typed_derived_columns_and_null_placeholders() {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int16Type;
    use arrow_array::{Array, Date32Array, Int64Array, RecordBatch, StringArray};
    use arrow_schema::{DataType, Field, Schema};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("s.parquet");
    // IIN as int64 (the 2000s lose their leading zero), birth date as Date32.
    let iins = [
        cohort::iin(2006, 12, 11, 6, 1),
        cohort::iin(2007, 1, 1, 5, 2),
        cohort::iin(2007, 1, 2, 5, 3),
        cohort::iin(2007, 1, 3, 6, 4),
    ];
    let schema = Arc::new(Schema::new(vec![
        Field::new("iin", DataType::Int64, true),
        Field::new("birth_date", DataType::Date32, true),
        Field::new("school", DataType::Utf8, true),
    ]));
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            Arc::new(Int64Array::from(
                iins.iter()
                    .map(|i| i.parse::<i64>().unwrap())
                    .collect::<Vec<_>>(),
            )),
            Arc::new(Date32Array::from(vec![
                Some(13_493),
                Some(13_514),
                None,
                Some(13_516),
            ])),
            Arc::new(StringArray::from(vec!["A", "A", "A", "B"])),
        ],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(fs::File::create(&input).unwrap(), schema, None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let policy = dir.path().join("p.toml");
    fs::write(
        &policy,
        "[[column]]\nname = \"iin\"\naction = \"redact\"\nderive = [\"birth_year\", \"sex\"]\n\
         [[column]]\nname = \"birth_date\"\naction = \"year\"\n",
    )
    .unwrap();
    let out = dir.path().join("out.parquet");
    let key = dir.path().join("k.key");
    assert_eq!(tazala(&["keygen", "-o", s(&key)]).code, 0);
    let run = cli::scrub_with_policy(
        &input,
        &out,
        &policy,
        &key,
        &["--k", "2", "--suppress", "--quasi", "birth_year,school"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reader = ParquetRecordBatchReaderBuilder::try_new(fs::File::open(&out).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    let b = &batches[0];
    let names: Vec<String> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["iin", "birth_year", "sex", "birth_date", "school"]);
    assert_eq!(b.column(1).data_type(), &DataType::Int16);
    assert_eq!(b.column(2).data_type(), &DataType::Utf8);
    let years = b.column(1).as_primitive::<Int16Type>();
    let sex = b.column(2).as_string::<i32>();
    assert_eq!(
        sex.iter().collect::<Vec<_>>(),
        [Some("F"), Some("M"), Some("M"), Some("F")]
    );
    let dates = b.column(3).as_string::<i32>();
    assert_eq!(
        dates.iter().collect::<Vec<_>>(),
        [Some("2006"), Some("2007"), None, Some("2007")]
    );
    // (2006, A) is alone and (2007, B) is alone: suppression nulls them; (2007, A) ×2 stays.
    let school = b.column(4).as_string::<i32>();
    assert_eq!(years.value(1), 2007);
    assert_eq!(years.value(2), 2007);
    assert_eq!(school.value(1), "A");
    let risk = tazala(&["risk", s(&out), "--quasi", "birth_year,school", "--k", "2"]);
    assert_eq!(risk.code, 0, "{}", risk.stdout);
    assert!(years.is_null(0) || school.is_null(0));
}

fn write_rows(path: &Path, rows: &[Vec<Option<String>>], columns: usize) {
    let mut text = (0..columns)
        .map(|c| format!("q{c}"))
        .collect::<Vec<_>>()
        .join(",");
    text.push('\n');
    for r in rows {
        let line: Vec<&str> = r.iter().map(|v| v.as_deref().unwrap_or("")).collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    fs::write(path, text).unwrap();
}

fn rows_strategy() -> impl Strategy<Value = (usize, Vec<Vec<Option<String>>>, u64)> {
    (1usize..4, 0usize..40, 1u64..5).prop_flat_map(|(columns, n, k)| {
        let value = prop_oneof![Just("a"), Just("b"), Just("c"), Just("Ж")]
            .prop_map(|v| Some(v.to_string()));
        (
            Just(columns),
            proptest::collection::vec(proptest::collection::vec(value, columns), n),
            Just(k),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn risk_figures_match_a_brute_force_count((columns, rows, k) in rows_strategy()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.csv");
        write_rows(&path, &rows, columns);
        let job = FileJob { input: path.clone(), output: None, format: FileFormat::of(&path).unwrap() };
        let names: Vec<String> = (0..columns).map(|c| format!("q{c}")).collect();
        let summary = tazala::cmd::risk::measure(&job, &names, k).unwrap();
        let (below, smallest, classes) = brute_force(&rows, k);
        prop_assert_eq!(summary.records, rows.len() as u64);
        prop_assert_eq!(summary.records_below_k, below);
        prop_assert_eq!(summary.smallest_class, smallest);
        prop_assert_eq!(summary.classes, classes);
        prop_assert_eq!(summary.unique_records, brute_force(&rows, 2).0);
        for c in 0..columns {
            let without: Vec<Vec<Option<String>>> = rows
                .iter()
                .map(|r| r.iter().enumerate().filter(|(i, _)| *i != c).map(|(_, v)| v.clone()).collect())
                .collect();
            prop_assert_eq!(summary.columns[c].below_k_without, brute_force(&without, k).0);
        }
    }

    #[test]
    fn suppression_reaches_k_and_leaves_classes_at_k_alone((columns, rows, k) in rows_strategy()) {
        let mut counts = ClassCounts::new(columns);
        for r in &rows {
            counts.add(r.iter().map(|v| v.as_deref()));
        }
        let mut plan = risk::plan_suppression(&counts, k);
        let mut out = Vec::new();
        let mut suppressed = 0u64;
        let mut taken_from_large = 0u64;
        for r in &rows {
            let mut key = String::new();
            risk::encode_key(r.iter().map(|v| v.as_deref()), &mut key);
            let mut v = r.clone();
            let large = counts.count(&key) >= k;
            if plan.apply(&key, &mut v) && large {
                taken_from_large += 1;
            }
            suppressed += v.iter().zip(r).filter(|(a, b)| a != b).count() as u64;
            out.push(v);
        }
        let (below, _, _) = brute_force(&out, k);
        if rows.len() as u64 >= k {
            prop_assert_eq!(below, 0);
        }
        prop_assert_eq!(plan.values_suppressed, suppressed);
        prop_assert_eq!(plan.after.below(k), below);
        if brute_force(&rows, k).0 == 0 {
            prop_assert_eq!(suppressed, 0);
        }
        // Records of classes at k are taken only to fill the fully suppressed class.
        if taken_from_large > 0 {
            let mut none = String::new();
            risk::encode_key(std::iter::repeat_n(None, columns), &mut none);
            prop_assert!(plan.after.count(&none) >= k);
        }
    }
}
