//! Running the real `tazala` binary from the integration tests: one way to start it (without
//! the caller's `TAZALA_KEY_FILE`, so a developer's key never changes a result) and one record
//! of what it printed.

// Each test crate includes this file and uses part of it.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// Exit status (-1 when killed by a signal) and what the run printed, decoded lossily.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary under test, without the key variable of the caller's environment.
pub fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tazala"));
    cmd.env_remove("TAZALA_KEY_FILE");
    cmd
}

/// Runs a command made by [`command`] to its end.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run tazala");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `tazala ARGS...`.
pub fn tazala(args: &[&str]) -> Run {
    run(command().args(args))
}

/// A test path as an argument (test paths are always UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `tazala scrub INPUT -o OUTPUT --policy POLICY --key-file KEY EXTRA...`.
pub fn scrub_with_policy(
    input: &Path,
    output: &Path,
    policy: &Path,
    key: &Path,
    extra: &[&str],
) -> Run {
    let mut args = vec![
        "scrub",
        s(input),
        "-o",
        s(output),
        "--policy",
        s(policy),
        "--key-file",
        s(key),
    ];
    args.extend_from_slice(extra);
    tazala(&args)
}
