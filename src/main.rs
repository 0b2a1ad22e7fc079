//! The `tazala` binary: parse, run, print the error chain once, map to an exit code.

use std::process::ExitCode;

use clap::Parser;
use tazala::cli::{Cli, Command};
use tazala::cmd::{self, Outcome};

/// When set, the run panics at once with this variable's text as the panic message.
const PANIC_TEST_ENV: &str = "TAZALA_TEST_PANIC";

fn main() -> ExitCode {
    // A panic message may quote the data being processed: print only where it happened.
    std::panic::set_hook(Box::new(|info| {
        // The Parquet reader's panics on corrupt pages are caught and refused as a corrupt
        // file, named in the error: not a bug of tazala's.
        if tazala::io::parquet::inside_guarded_reader() {
            return;
        }
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("tazala: internal error{place}; this is a bug (no data was printed)");
    }));

    let cli = Cli::parse();
    // Unwinding drops every unfinished output (its temporary file is removed), then the run
    // ends as any other error: exit status 2, never a half-written file.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // Lets the tests prove that a panic's message (which may quote data) is never printed.
        if let Some(message) = std::env::var_os(PANIC_TEST_ENV) {
            panic!("{}", message.to_string_lossy());
        }
        match cli.command {
            Command::Detect(args) => cmd::detect::run(&args),
            Command::Scan(args) => cmd::scan::run(&args),
            Command::Scrub(args) => cmd::scrub::run(&args),
            Command::Risk(args) => cmd::risk::run(&args),
            Command::Keygen(args) => cmd::keygen::run(&args),
            Command::Policy(command) => cmd::policy::run(&command),
        }
    }))
    .unwrap_or_else(|_| Err(anyhow::anyhow!("stopped by the internal error above")));
    match result {
        Ok(Outcome::Clean) => ExitCode::from(0),
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::from(0);
            }
            eprintln!("tazala: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// A reader that closed the pipe (`tazala detect … | head`) wanted no more: not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
