//! Nothing personal escapes: the store's planted IINs, phones, e-mails, Telegram handles and
//! names, and the key, are looked for in everything tazala prints or writes besides scrubbed
//! data: standard output and error of every command (help, verbose, progress bars on a
//! terminal, failing runs, a panic), reports, policies and key files. In scrubbed data they may
//! appear only in a column the policy keeps.

#[path = "support/cli.rs"]
mod cli;
#[path = "../fixtures/store/mod.rs"]
mod store;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cli::s;

struct Run {
    code: i32,
    out: String,
}

fn tazala_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = cli::command();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let run = cli::run(&mut cmd);
    Run {
        code: run.code,
        out: format!("{}\n{}", run.stdout, run.stderr),
    }
}

fn tazala(args: &[&str]) -> Run {
    tazala_env(args, &[])
}

/// Every personal value of the store, in the forms that must never be printed, and the key.
fn secrets(key: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for p in store::PERSONS {
        out.push(p.iin.to_string());
        out.push(p.iin.trim_start_matches('0').to_string());
        out.push(p.name.to_string());
        out.push(p.crm_name.to_string());
        out.push(p.phone.to_string());
        out.push(p.email.to_string());
        out.push(p.telegram.to_string());
    }
    let hex = fs::read_to_string(key).unwrap().trim().to_string();
    out.push(hex[..16].to_string());
    out.push(hex[hex.len() - 16..].to_string());
    out
}

fn assert_clean(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{what} shows a planted value (kind of {}…)",
            secret.chars().take(2).collect::<String>()
        );
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The runs of one command line on a pseudo-terminal (`script`), so progress bars are drawn.
fn on_a_terminal(args: &[&str], key: Option<&Path>) -> Option<Run> {
    let line: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_tazala"))
        .chain(args.iter().copied())
        .map(|a| format!("'{a}'"))
        .collect();
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line.join(" "), "/dev/null"])
        .env_remove("TAZALA_KEY_FILE");
    if let Some(k) = key {
        cmd.env("TAZALA_KEY_FILE", k);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    Some(Run {
        code: out.status.code().unwrap_or(-1),
        out: text,
    })
}

#[test]
fn no_planted_value_or_key_in_any_output_but_scrubbed_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let st = store::write_store(&d.join("store"), 300);
    store::write_parquet(&st.root.join("typed.parquet"));
    let key = d.join("tazala.key");
    assert_eq!(tazala(&["keygen", "-o", s(&key)]).code, 0);
    let secrets = secrets(&key);
    let root = s(&st.root);

    // Failing inputs, each holding planted values where the failure is.
    let bad = d.join("bad");
    fs::create_dir(&bad).unwrap();
    let p = &store::PERSONS[1];
    fs::write(
        bad.join("ragged.csv"),
        format!("ИИН,ФИО\n{},{},{}\n", p.iin, p.name, p.email),
    )
    .unwrap();
    fs::write(
        bad.join("quote.csv"),
        format!("ИИН,ФИО\n{},\"{} {}\n", p.iin, p.name, p.phone),
    )
    .unwrap();
    fs::write(
        bad.join("headerless.csv"),
        format!("{},{},{}\n", p.iin, p.email, p.name),
    )
    .unwrap();
    let mut late = format!("\u{feff}ИИН,ФИО\n{},", p.iin).into_bytes();
    late.extend_from_slice(&encoding_rs::WINDOWS_1251.encode(p.name).0);
    late.push(b'\n');
    fs::write(bad.join("late.csv"), late).unwrap();
    let key_of_data = d.join("data.key");
    fs::write(&key_of_data, format!("{} {}\n", p.iin, p.email)).unwrap();
    let text = d.join("notes.txt");
    let mut notes = String::new();
    for p in store::PERSONS {
        notes.push_str(&format!(
            "ИИН {} тел. +7{} почта {} tg @{} — {}\n",
            p.iin, p.phone, p.email, p.telegram, p.name
        ));
    }
    fs::write(&text, notes).unwrap();
    let keep_phone = d.join("keep.toml");
    fs::write(
        &keep_phone,
        "version = 1\n[[column]]\nname = \"Телефон\"\nkind = \"phone\"\naction = \"keep\"\n",
    )
    .unwrap();

    let out = d.join("out");
    let report = d.join("report.json");
    let policy = d.join("policy.toml");
    let kept_out = d.join("kept");
    let kept_report = d.join("kept.json");
    let bad_out = d.join("bad_out");
    let bad_report = d.join("bad.json");
    let new_key = d.join("new.key");
    let o = |p: &Path| p.to_str().unwrap().to_string();
    let runs: Vec<(Vec<String>, Option<i32>)> = vec![
        (vec!["--help".into()], Some(0)),
        (vec!["--version".into()], Some(0)),
        (vec!["help".into(), "scrub".into()], Some(0)),
        (vec!["scan".into(), "--help".into()], Some(0)),
        (vec!["scrub".into(), "--help".into()], Some(0)),
        (vec!["detect".into(), "--help".into()], Some(0)),
        (vec!["keygen".into(), "--help".into()], Some(0)),
        (
            vec!["policy".into(), "suggest".into(), "--help".into()],
            Some(0),
        ),
        (vec!["detect".into(), o(&text)], Some(1)),
        (
            vec![
                "detect".into(),
                "--kinds".into(),
                "iin,phone".into(),
                o(&text),
            ],
            Some(1),
        ),
        (vec!["scan".into(), root.into()], Some(1)),
        (
            vec![
                "scan".into(),
                "-v".into(),
                "--format".into(),
                "json".into(),
                root.into(),
            ],
            Some(1),
        ),
        (
            vec!["scan".into(), "--sample".into(), "5".into(), root.into()],
            Some(1),
        ),
        (
            vec![
                "scrub".into(),
                root.into(),
                "-o".into(),
                o(&out),
                "--key-file".into(),
                o(&key),
                "--report".into(),
                o(&report),
                "-v".into(),
            ],
            Some(0),
        ),
        (vec!["scan".into(), "-v".into(), o(&out)], Some(0)),
        (
            vec![
                "scrub".into(),
                root.into(),
                "-o".into(),
                o(&kept_out),
                "--key-file".into(),
                o(&key),
                "--policy".into(),
                o(&keep_phone),
                "--report".into(),
                o(&kept_report),
                "-v".into(),
            ],
            Some(0),
        ),
        (
            vec![
                "policy".into(),
                "suggest".into(),
                root.into(),
                "-o".into(),
                o(&policy),
            ],
            Some(0),
        ),
        (vec!["policy".into(), "check".into(), o(&policy)], Some(0)),
        (vec!["keygen".into(), "-o".into(), o(&new_key)], Some(0)),
        // Failing runs.
        (vec!["scan".into(), "-v".into(), o(&bad)], Some(2)),
        (
            vec!["scan".into(), "--keep-going".into(), "-v".into(), o(&bad)],
            Some(2),
        ),
        (
            vec![
                "scrub".into(),
                o(&bad),
                "-o".into(),
                o(&bad_out),
                "--key-file".into(),
                o(&key),
                "--keep-going".into(),
                "-v".into(),
                "--report".into(),
                o(&bad_report),
            ],
            Some(2),
        ),
        (
            vec!["scrub".into(), root.into(), "-o".into(), o(&d.join("x"))],
            Some(2),
        ),
        (
            vec![
                "scrub".into(),
                root.into(),
                "-o".into(),
                o(&d.join("y")),
                "--key-file".into(),
                o(&key_of_data),
            ],
            Some(2),
        ),
        (vec!["detect".into(), o(&bad.join("nothing.txt"))], Some(2)),
    ];
    for (args, code) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = tazala(&args);
        if let Some(c) = code {
            assert_eq!(r.code, *c, "tazala {args:?}: {}", r.out);
        }
        assert_clean(&format!("tazala {args:?}"), &r.out, &secrets);
    }
    let p = store::PERSONS[3].name;
    let panic = tazala_env(&["scan", root], &[("TAZALA_TEST_PANIC", p)]);
    assert_eq!(panic.code, 2);
    assert_clean("a panic", &panic.out, &secrets);

    // Progress bars and terminal output.
    let tty_out = d.join("tty_out");
    let terminal = [
        vec!["scan", root],
        vec!["scrub", root, "-o", s(&tty_out)],
        vec!["scan", s(&bad)],
    ];
    for args in &terminal {
        match on_a_terminal(args, Some(&key)) {
            Some(r) => assert_clean(&format!("on a terminal {args:?}"), &r.out, &secrets),
            None => eprintln!("skipped terminal runs: no `script` command"),
        }
    }

    // Files written besides scrubbed data.
    for file in [&report, &policy, &kept_report, &bad_report, &new_key] {
        assert_clean(
            &file.display().to_string(),
            &fs::read_to_string(file).unwrap(),
            &secrets,
        );
    }
    assert!(
        !bad_out.exists() || files(&bad_out).is_empty(),
        "failed files not written"
    );

    // Scrubbed data: the identifiers of identifier columns are gone.
    let identifiers: Vec<String> = store::PERSONS
        .iter()
        .flat_map(|p| [p.iin.to_string(), p.email.to_string()])
        .collect();
    for file in files(&out) {
        assert_clean(
            &file.display().to_string(),
            &store::read_text(&file),
            &identifiers,
        );
    }
    // A kept column keeps its values, in the data only.
    let kept_digits: String = store::read_text(&kept_out.join("crm/leads.csv"))
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    assert!(
        store::PERSONS.iter().any(|p| kept_digits.contains(p.phone)),
        "the kept phone column is kept"
    );
}
