//! One module per subcommand: each turns a validated configuration into work and an exit status.

pub mod detect;

/// How a run ended, mapped to the process exit code in `main` (like grep: 0/1/2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Ran to the end and found nothing personal.
    Clean,
    /// Ran to the end and found personal data.
    Found,
}
