//! The command line: the only module that knows clap. Parsed flags are turned into validated
//! configurations by each command before anything is read or written.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::detect::Kind;

/// Finds personal data (IIN, phones, e-mails, messenger accounts, cards, names) in the exports
/// of Kazakhstan's learning platforms and CRMs, and pseudonymises or removes it.
#[derive(Debug, Parser)]
#[command(name = "tazala", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find personal data in text, one record per line, and print one JSON object per finding.
    ///
    /// Reads the FILEs (or standard input when none is given, or for `-`) and prints, for each
    /// finding, `{"line": N, "start": B, "end": B, "kind": "iin", "confidence": 0.95}`: `line` is
    /// 1-based, `start`/`end` are byte offsets in that line (end exclusive). With more than one
    /// input a `"file"` field names it. The matched text is never printed unless
    /// `--show-values` is given.
    ///
    /// Exit status, as grep: 0 nothing found, 1 something found, 2 an error.
    ///
    /// Examples:
    ///   tazala detect export.log
    ///   tazala detect --kinds iin,phone *.txt
    ///   zcat dump.sql.gz | tazala detect --kinds email
    #[command(verbatim_doc_comment)]
    Detect(DetectArgs),
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Files to read; `-` or none reads standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Report only these kinds (comma-separated): iin, bin, phone, email, messenger, card.
    #[arg(long, value_delimiter = ',', value_name = "KIND,...")]
    pub kinds: Vec<Kind>,

    /// Also print the matched text (`"value"`) and its normalised form (`"normalized"`).
    /// The output then holds personal data: do not keep it.
    #[arg(long)]
    pub show_values: bool,

    /// Report only findings at or above this confidence (0 to 1).
    #[arg(long, value_name = "C", default_value_t = 0.0)]
    pub min_confidence: f32,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
