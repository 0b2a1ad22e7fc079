//! `tazala detect`: text in, one JSON object per finding out.
//!
//! Input is read in batches of whole lines; each batch is searched in parallel and printed in
//! input order, so output is the same whatever the thread count. A line that is not valid UTF-8
//! is searched piece by piece (the valid runs between bad bytes), so offsets always refer to the
//! bytes of the input line.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use rayon::prelude::*;
use serde::Serialize;

use super::Outcome;
use crate::cli::DetectArgs;
use crate::detect::{DetectorSet, Finding, Kind};

/// Bytes read per batch; lines longer than this grow the batch.
const BATCH_BYTES: usize = 1 << 20;
/// Lines handed to one worker at a time: enough to amortise scheduling on short lines.
const LINES_PER_TASK: usize = 256;

/// A validated `detect` run: every input opened, every flag checked.
struct DetectRun {
    inputs: Vec<Input>,
    detectors: DetectorSet,
    show_values: bool,
    min_confidence: f32,
    name_files: bool,
    pool: rayon::ThreadPool,
}

enum Input {
    Stdin,
    File(PathBuf, File),
}

impl Input {
    fn name(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(path, _) => path.display().to_string(),
        }
    }
}

pub fn run(args: &DetectArgs) -> Result<Outcome> {
    let run = DetectRun::new(args)?;
    run.execute()
}

impl DetectRun {
    fn new(args: &DetectArgs) -> Result<Self> {
        ensure!(
            (0.0..=1.0).contains(&args.min_confidence),
            "--min-confidence must be between 0 and 1"
        );
        ensure!(args.threads != Some(0), "--threads must be at least 1");
        let mut inputs = Vec::new();
        if args.files.is_empty() {
            inputs.push(Input::Stdin);
        }
        for path in &args.files {
            if path.as_os_str() == "-" {
                inputs.push(Input::Stdin);
                continue;
            }
            inputs.push(Input::File(path.clone(), open_text_file(path)?));
        }
        let detectors = if args.kinds.is_empty() {
            DetectorSet::builtin()
        } else {
            DetectorSet::with_kinds(&args.kinds)
        };
        let mut pool = rayon::ThreadPoolBuilder::new();
        if let Some(n) = args.threads {
            pool = pool.num_threads(n);
        }
        let pool = pool.build().context("cannot start worker threads")?;
        Ok(DetectRun {
            name_files: inputs.len() > 1,
            inputs,
            detectors,
            show_values: args.show_values,
            min_confidence: args.min_confidence,
            pool,
        })
    }

    fn execute(self) -> Result<Outcome> {
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let mut found = false;
        for input in &self.inputs {
            let name = input.name();
            let file_field = self.name_files.then_some(name.as_str());
            let read_err = || format!("cannot read {name}");
            found |= match input {
                Input::Stdin => self.detect_stream(io::stdin().lock(), file_field, &mut out),
                Input::File(_, file) => self.detect_stream(file, file_field, &mut out),
            }
            .with_context(read_err)?;
        }
        out.flush().context("cannot write to standard output")?;
        Ok(if found {
            Outcome::Found
        } else {
            Outcome::Clean
        })
    }

    /// Searches one input; returns whether anything was found.
    fn detect_stream(
        &self,
        mut reader: impl Read,
        file: Option<&str>,
        out: &mut impl Write,
    ) -> Result<bool> {
        let mut found = false;
        let mut buf: Vec<u8> = Vec::with_capacity(BATCH_BYTES);
        let mut first_line_number: u64 = 1;
        let mut at_eof = false;
        while !at_eof {
            let filled = buf.len();
            buf.resize(filled + BATCH_BYTES, 0);
            let n = read_full(&mut reader, &mut buf[filled..])?;
            buf.truncate(filled + n);
            at_eof = n == 0;
            // Search only whole lines; the tail waits for the next read (or is the last line).
            let cut = if at_eof {
                buf.len()
            } else {
                match memchr::memrchr(b'\n', &buf) {
                    Some(i) => i + 1,
                    None => continue,
                }
            };
            if cut == 0 {
                continue;
            }
            let lines: Vec<&[u8]> = split_lines(&buf[..cut]);
            let per_line: Vec<Vec<Finding>> = self.pool.install(|| {
                lines
                    .par_chunks(LINES_PER_TASK)
                    .flat_map_iter(|chunk| chunk.iter().map(|line| self.detect_line(line)))
                    .collect()
            });
            for (i, findings) in per_line.iter().enumerate() {
                let line_number = first_line_number + i as u64;
                for f in findings {
                    found = true;
                    self.print(out, file, line_number, lines[i], f)?;
                }
            }
            first_line_number += lines.len() as u64;
            buf.drain(..cut);
        }
        Ok(found)
    }

    fn detect_line(&self, line: &[u8]) -> Vec<Finding> {
        let mut all = Vec::new();
        let mut offset = 0;
        for chunk in line.utf8_chunks() {
            let valid = chunk.valid();
            if !valid.is_empty() {
                for mut f in self.detectors.find(valid) {
                    if f.confidence >= self.min_confidence {
                        f.start += offset;
                        f.end += offset;
                        all.push(f);
                    }
                }
            }
            offset += valid.len() + chunk.invalid().len();
        }
        all
    }

    fn print(
        &self,
        out: &mut impl Write,
        file: Option<&str>,
        line: u64,
        line_bytes: &[u8],
        f: &Finding,
    ) -> Result<()> {
        let value = self
            .show_values
            .then(|| String::from_utf8_lossy(&line_bytes[f.start..f.end]));
        let record = FindingRecord {
            file,
            line,
            start: f.start,
            end: f.end,
            kind: f.kind,
            confidence: (f.confidence * 100.0).round() / 100.0,
            value: value.as_deref(),
            normalized: self.show_values.then_some(f.normalized.as_str()),
        };
        serde_json::to_writer(&mut *out, &record).context("cannot write to standard output")?;
        out.write_all(b"\n")
            .context("cannot write to standard output")?;
        Ok(())
    }
}

#[derive(Serialize)]
struct FindingRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    line: u64,
    start: usize,
    end: usize,
    kind: Kind,
    confidence: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<&'a str>,
}

fn open_text_file(path: &Path) -> Result<File> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot open {}", path.display()))?;
    if meta.is_dir() {
        bail!(
            "{} is a directory: `detect` reads text files (use `tazala scan` for a store)",
            path.display()
        );
    }
    Ok(file)
}

/// Fills `buf` as far as the reader allows; 0 only at end of input.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut total = 0;
    while total < buf.len() {
        match reader.read(&mut buf[total..]) {
            Ok(0) => break,
            Ok(n) => total += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(total)
}

/// Splits text into lines without their `\n` or `\r\n`; a final line without `\n` counts.
fn split_lines(text: &[u8]) -> Vec<&[u8]> {
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lines_like_a_text_editor() {
        assert_eq!(split_lines(b""), Vec::<&[u8]>::new());
        assert_eq!(split_lines(b"a\n"), vec![b"a" as &[u8]]);
        assert_eq!(split_lines(b"a\r\nb"), vec![b"a" as &[u8], b"b"]);
        assert_eq!(split_lines(b"\n\n"), vec![b"" as &[u8], b""]);
    }
}
