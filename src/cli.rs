//! The command line: the only module that knows clap. Parsed flags are turned into validated
//! configurations by each command before anything is read or written.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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

    /// Report which columns of CSV or Parquet files hold personal data, without printing any
    /// value.
    ///
    /// For each file and column: the kind found (iin, bin, phone, email, messenger, card, name,
    /// text, none), how the kind was decided (header, values), how many values hold personal
    /// data, their share of the records, and a few record numbers (1 = the first record after
    /// the header). Directories are walked recursively.
    ///
    /// Exit status: 0 nothing personal found, 1 found, 2 an error.
    ///
    /// Examples:
    ///   tazala scan export.csv
    ///   tazala scan --format json --sample 10000 /data/exports
    #[command(verbatim_doc_comment)]
    Scan(ScanArgs),

    /// Write a copy of a CSV or Parquet file, or of a directory of them, with personal data
    /// pseudonymised or removed.
    ///
    /// The output has the input's format, encoding, delimiter, column order (minus dropped
    /// columns), record count and order; in CSV, values the policy does not touch are written
    /// byte for byte as read; in Parquet, the schema, row groups, codecs and metadata are kept. Each output file is written under a temporary name and renamed when
    /// complete; the input is never modified. A directory is mirrored into OUTPUT.
    ///
    /// Without --policy the safe defaults apply: IINs, phones, e-mails, messenger accounts,
    /// cards and names are pseudonymised (names found in free text are redacted), BINs and
    /// everything else are kept. Pseudonymising needs a key (`tazala keygen`).
    ///
    /// Examples:
    ///   tazala keygen -o ~/.tazala.key
    ///   tazala scrub students.csv -o clean/students.csv --key-file ~/.tazala.key
    ///   TAZALA_KEY_FILE=~/.tazala.key tazala scrub exports/ -o clean/ --report run.json
    #[command(verbatim_doc_comment)]
    Scrub(ScrubArgs),

    /// Measure how identifiable the records of a CSV or Parquet file stay through their
    /// quasi-identifiers (k-anonymity), without printing any value.
    ///
    /// Records that share one combination of the quasi-identifier columns form a class; a
    /// record in a class of fewer than k records is "below k". Prints the records below k (number
    /// and share), the smallest class, the unique records, and per quasi-identifier its distinct
    /// values and how many records are below k because of it (below k with it, minus without it).
    ///
    /// Without --quasi, the quasi-identifiers are the columns whose headers name a date of birth,
    /// sex, school, class, region, citizenship or nationality, or a derived birth year, sex or
    /// age band (addresses, IP addresses and document numbers are identifiers: scrub them).
    ///
    /// One pass; memory grows with the number of distinct classes, not with the file.
    ///
    /// Exit status: 0 every class holds at least k records, 1 some records are below k, 2 an error.
    ///
    /// Examples:
    ///   tazala risk clean/students.csv
    ///   tazala risk clean/students.parquet --quasi "Год рождения,Пол,Школа" --k 10 --format json
    #[command(verbatim_doc_comment)]
    Risk(RiskArgs),

    /// Write a new random pseudonymisation key (32 bytes, hex) to a file readable only by you.
    ///
    /// Keep it apart from the data and use the same key every run: the same person then gets
    /// the same pseudonym in every file and every night. Whoever holds the key can check a
    /// guessed value against a pseudonym.
    Keygen(KeygenArgs),

    /// Write or check a policy file (which action applies to which column and kind).
    #[command(subcommand)]
    Policy(PolicyCommand),
}

/// How `scan` prints its results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Aligned text for people.
    Human,
    /// One JSON document (the run report).
    Json,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// CSV files (.csv, .tsv, optionally .gz or .zst), Parquet files (.parquet) or directories.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub format: ScanFormat,

    /// Read only the first N records of each file.
    #[arg(long, value_name = "N")]
    pub sample: Option<u64>,

    /// A policy whose `[[column]]` rules force column kinds (actions are ignored by a scan).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Say on standard error what was assumed about each file (encoding, delimiter, kinds).
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// In a directory, go on with the other files when one fails (it is listed, nothing of it
    /// is written, and the exit status is 2). Without it the run stops at the first failure.
    #[arg(long)]
    pub keep_going: bool,
}

#[derive(Debug, Args)]
pub struct ScrubArgs {
    /// A CSV or Parquet file, or a directory.
    #[arg(value_name = "INPUT")]
    pub input: PathBuf,

    /// Where to write: a file for a file input, a directory for a directory input.
    #[arg(long, short = 'o', value_name = "OUTPUT")]
    pub output: PathBuf,

    /// Policy file (TOML); see `tazala policy suggest`. Default: the built-in safe defaults.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Key file written by `tazala keygen` (default: $TAZALA_KEY_FILE).
    #[arg(long, value_name = "PATH")]
    pub key_file: Option<PathBuf>,

    /// Write a JSON run report (counts per file, column, kind and action; never values).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Worker threads (default: one per core). The output is the same for any number.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Say on standard error what was assumed about each file (encoding, delimiter, kinds).
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// After scrubbing, measure the k-anonymity of each output over the quasi-identifiers
    /// (`--quasi`, or suggested from the headers as `tazala risk` does) and put it in the report.
    #[arg(long, value_name = "N")]
    pub k: Option<u64>,

    /// With --k: replace the quasi-identifier values of the records still below k by `*` (null
    /// in Parquet) until every class holds k records (greedy by column; see README). Never
    /// touches other columns. The report says how many values it cost.
    #[arg(long, requires = "k")]
    pub suppress: bool,

    /// With --k: the quasi-identifier columns of the output, by header, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "COLUMN,...", requires = "k")]
    pub quasi: Vec<String>,

    /// In a directory, go on with the other files when one fails (it is listed, nothing of it
    /// is written, and the exit status is 2). Without it the run stops at the first failure;
    /// small files are scrubbed side by side, and one already begun beside it is finished.
    #[arg(long)]
    pub keep_going: bool,

    /// Records per batch (memory bound and unit of parallel work).
    #[arg(long, value_name = "N", default_value_t = 16_384, hide = true)]
    pub batch_records: usize,
}

#[derive(Debug, Args)]
pub struct RiskArgs {
    /// A CSV (.csv, .tsv, optionally .gz or .zst) or Parquet file.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,

    /// The quasi-identifier columns, by header (case-insensitive), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "COLUMN,...")]
    pub quasi: Vec<String>,

    /// The smallest class size accepted.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub k: u64,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub format: ScanFormat,
}

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The key file to create (never overwritten).
    #[arg(long, short = 'o', value_name = "PATH")]
    pub output: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Write a starter policy for the columns found in PATHs: the defaults plus one rule per
    /// column holding personal data or a quasi-identifier, to edit.
    Suggest(PolicySuggestArgs),
    /// Check a policy file and say what it does.
    Check(PolicyCheckArgs),
}

#[derive(Debug, Args)]
pub struct PolicySuggestArgs {
    /// CSV or Parquet files or directories to look at (their first records).
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Write the policy to this new file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    /// The policy file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
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
