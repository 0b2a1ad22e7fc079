//! Format adapters: read records from files, hand values to the core, write the results.
//!
//! This module holds what every format shares: recognising a file's format and compression by
//! its name, opening (de)compressing streams, listing the files of an input directory and their
//! mirrored output paths, refusing an output that is the input, and writing every output under
//! a temporary name renamed into place only when complete.
//!
//! Compression of CSV files: `.gz` with `flate2` (the standard Rust binding, pure-Rust
//! backend), `.zst` with the `zstd` crate (bindings to the reference libzstd: the reference
//! decoder for every frame a producer may write, and an encoder at the usual levels; the
//! pure-Rust `ruzstd` encoder offers only its fastest level).
//!
//! What this module is not: it classifies and changes nothing itself; `csv` and `parquet` own
//! their read → transform → write loops.

pub mod checks;
pub mod csv;
pub mod encoding;
pub mod parquet;
pub mod records;

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::classify::Classifier;
use crate::detect::DetectorSet;
use crate::policy::Policy;
use crate::pseudonym::Pseudonymiser;

/// Bytes a writer lets pile up (before any compression) before [`AtomicOutput::sync_so_far`].
const SYNC_BYTES: usize = 4 << 20;

/// The detectors, perhaps still being built on another thread: a command starts building
/// them before it opens its first file, so that reading the file's start overlaps with it
/// (see [`Pipeline::detectors`]).
pub type Detectors = std::sync::OnceLock<DetectorSet>;

/// Everything a format adapter needs to process a file, resolved and validated beforehand.
#[derive(Clone, Copy)]
pub struct Pipeline<'a> {
    pub classifier: &'a Classifier,
    pub detectors: &'a Detectors,
    pub policy: &'a Policy,
    /// `None` when the policy does not pseudonymise (or in a scan).
    pub pseudonymiser: Option<&'a Pseudonymiser>,
    pub pool: &'a rayon::ThreadPool,
    /// Records per batch: bounds memory, and is the unit of the ordered parallel map.
    pub batch_records: usize,
    /// Read only this many records of each file (`scan --sample N`).
    pub max_records: Option<u64>,
    /// Show a progress bar when standard error is a terminal.
    pub progress: bool,
    /// Which file of the run this is and how many the run has, for the progress bar (`None`:
    /// not said).
    pub file_of: Option<(usize, usize)>,
    /// Say on standard error what was assumed about each file.
    pub verbose: bool,
}

impl Pipeline<'_> {
    /// The label of `job`'s progress bar: its path, after its place in a run of several files
    /// (`[3/12] exports/grades.csv`).
    pub fn progress_label(&self, job: &FileJob) -> String {
        file_label(&job.input, self.file_of)
    }

    /// The detectors; waits for them while another thread is building them (or builds them,
    /// when nobody has started to).
    pub fn detectors(&self) -> &DetectorSet {
        self.detectors.get_or_init(DetectorSet::builtin)
    }
}

/// Compression of a file, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn name(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gzip"),
            Compression::Zstd => Some("zstd"),
        }
    }
}

/// The table formats tazala reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Csv,
    Parquet,
}

/// A file tazala can read, by name: `.csv` or `.tsv`, optionally followed by `.gz` or `.zst`;
/// `.parquet`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileFormat {
    pub table: Table,
    pub compression: Compression,
}

impl FileFormat {
    pub fn of(path: &Path) -> Option<FileFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".parquet") {
            return Some(FileFormat {
                table: Table::Parquet,
                compression: Compression::None,
            });
        }
        let (stem, compression) = if let Some(s) = name.strip_suffix(".gz") {
            (s, Compression::Gzip)
        } else if let Some(s) = name.strip_suffix(".zst") {
            (s, Compression::Zstd)
        } else {
            (name.as_str(), Compression::None)
        };
        (stem.ends_with(".csv") || stem.ends_with(".tsv")).then_some(FileFormat {
            table: Table::Csv,
            compression,
        })
    }
}

/// Counts what is in one file without writing anything (`tazala scan`).
pub fn scan_file(job: &FileJob, pipeline: &Pipeline) -> Result<crate::report::FileReport> {
    match job.format.table {
        Table::Csv => csv::scan_file(job, pipeline),
        Table::Parquet => parquet::scan_file(job, pipeline),
    }
}

/// Scrubs one file into its output, in the input's format (`tazala scrub`).
pub fn scrub_file(job: &FileJob, pipeline: &Pipeline) -> Result<crate::report::FileReport> {
    match job.format.table {
        Table::Csv => csv::scrub_file(job, pipeline),
        Table::Parquet => parquet::scrub_file(job, pipeline),
    }
}

/// Counts bytes read from the file itself (before decompression), for the progress bar.
pub struct CountingReader<R> {
    inner: R,
    pub progress: indicatif::ProgressBar,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.inc(n as u64);
        Ok(n)
    }
}

/// Opens a file for reading, decompressing as its name says.
pub fn open_input(
    path: &Path,
    compression: Compression,
    progress: &indicatif::ProgressBar,
) -> Result<Box<dyn Read + Send>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let counting = BufReader::with_capacity(
        1 << 16,
        CountingReader {
            inner: file,
            progress: progress.clone(),
        },
    );
    Ok(match compression {
        Compression::None => Box::new(counting),
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(counting)),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(counting)
                .with_context(|| format!("cannot read {} as zstd", path.display()))?,
        ),
    })
}

/// An output file written under a temporary name in its directory and renamed onto its real
/// name by [`commit`](AtomicOutput::commit). Dropped without commit, the temporary file is
/// removed: a failed run leaves no half-written output.
pub struct AtomicOutput {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<Box<dyn FinishWrite>>,
    committed: bool,
    sync: BackgroundSync,
}

/// Syncs of a file being written, each on a thread of its own, so that its writer goes on
/// meanwhile (the Parquet writer encodes on the workers' threads). One runs at a time;
/// a sync asked for while one runs is skipped, since the next one covers it. An error is
/// reported at the next [`start`](Self::start) or at [`wait`](Self::wait): one file
/// description's write error is reported to one sync only, so a later sync may not see it.
#[derive(Default)]
pub struct BackgroundSync {
    running: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl BackgroundSync {
    /// Flushes `file` and starts putting what it holds on the disk, unless a sync still runs.
    pub fn start(&mut self, file: &mut BufWriter<File>) -> io::Result<()> {
        if self.running.as_ref().is_some_and(|s| !s.is_finished()) {
            return Ok(());
        }
        self.wait()?;
        file.flush()?;
        let file = file.get_ref().try_clone()?;
        self.running = Some(std::thread::spawn(move || file.sync_data()));
        Ok(())
    }

    /// Waits for the sync running, if any, and gives its result.
    pub fn wait(&mut self) -> io::Result<()> {
        match self.running.take() {
            Some(sync) => sync.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None => Ok(()),
        }
    }
}

/// A writer that must be finished (compression trailers) before the file is complete.
pub trait FinishWrite: Write + Send {
    fn finish(self: Box<Self>) -> io::Result<File>;

    /// The file as written so far, for [`AtomicOutput::sync_so_far`].
    fn file(&mut self) -> &mut BufWriter<File>;
}

impl FinishWrite for BufWriter<File> {
    fn finish(self: Box<Self>) -> io::Result<File> {
        self.into_inner().map_err(|e| e.into_error())
    }

    fn file(&mut self) -> &mut BufWriter<File> {
        self
    }
}

impl FinishWrite for flate2::write::GzEncoder<BufWriter<File>> {
    fn finish(self: Box<Self>) -> io::Result<File> {
        (*self).finish()?.into_inner().map_err(|e| e.into_error())
    }

    fn file(&mut self) -> &mut BufWriter<File> {
        self.get_mut()
    }
}

impl FinishWrite for zstd::stream::write::Encoder<'static, BufWriter<File>> {
    fn finish(self: Box<Self>) -> io::Result<File> {
        (*self).finish()?.into_inner().map_err(|e| e.into_error())
    }

    fn file(&mut self) -> &mut BufWriter<File> {
        self.get_mut()
    }
}

impl AtomicOutput {
    pub fn create(target: &Path, compression: Compression) -> Result<AtomicOutput> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .with_context(|| format!("{} is not a file name", target.display()))?;
        let temp = dir.join(format!(
            ".{}.tazala-{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = File::create(&temp)
            .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
        let buffered = BufWriter::with_capacity(1 << 16, file);
        let writer: Box<dyn FinishWrite> = match compression {
            Compression::None => Box::new(buffered),
            Compression::Gzip => Box::new(flate2::write::GzEncoder::new(
                buffered,
                flate2::Compression::default(),
            )),
            Compression::Zstd => Box::new(
                zstd::stream::write::Encoder::new(buffered, 0)
                    .context("cannot start zstd compression")?,
            ),
        };
        Ok(AtomicOutput {
            temp,
            target: target.to_path_buf(),
            writer: Some(writer),
            committed: false,
            sync: BackgroundSync::default(),
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        self.writer.as_mut().expect("writer not taken")
    }

    /// The writer, for an encoder that must own it; hand it back to
    /// [`commit_with`](Self::commit_with).
    pub fn take_writer(&mut self) -> Box<dyn FinishWrite> {
        self.writer.take().expect("writer taken once")
    }

    /// Starts putting what was written so far on the disk (a compressor's pending output stays
    /// pending: its stream is not changed; see [`BackgroundSync`]). A writer calls it now and
    /// then on a long output, so the sync before the rename waits only for the last part.
    pub fn sync_so_far(&mut self) -> io::Result<()> {
        let file = self.writer.as_mut().expect("writer not taken").file();
        self.sync.start(file)
    }

    /// Finishes the stream, syncs it and renames it onto the target.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.take_writer();
        self.commit_with(writer)
    }

    /// [`commit`](Self::commit) with the writer taken by [`take_writer`](Self::take_writer).
    pub fn commit_with(mut self, writer: Box<dyn FinishWrite>) -> Result<()> {
        self.sync
            .wait()
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        let file = writer
            .finish()
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot write {}", self.target.display()))?;
        fs::rename(&self.temp, &self.target).with_context(|| {
            format!(
                "cannot move the finished output onto {}",
                self.target.display()
            )
        })?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        if !self.committed {
            self.writer = None;
            let _ = fs::remove_file(&self.temp);
        }
    }
}
/// The canonical form of a path that may not exist yet: its nearest existing ancestor
/// canonicalised, the rest appended (`..` in the rest is resolved by its parent's existence
/// only, so such a path yields `None`).
fn canonical_target(path: &Path) -> Option<PathBuf> {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut missing = Vec::new();
    let mut existing = path.as_path();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in missing.iter().rev() {
                out.push(part);
            }
            return Some(out);
        }
        let name = existing.file_name()?;
        if name == ".." {
            return None;
        }
        missing.push(name.to_os_string());
        existing = existing.parent()?;
    }
}

/// Refuses an output that is the input, also through symbolic links or `..`.
pub fn refuse_same_file(input: &Path, output: &Path) -> Result<()> {
    let i = input
        .canonicalize()
        .with_context(|| format!("cannot open {}", input.display()))?;
    if canonical_target(output).is_some_and(|o| o == i) {
        bail!(
            "the output {} is the input {}: tazala never modifies its input",
            output.display(),
            input.display()
        );
    }
    Ok(())
}

/// One file to process and where its result goes.
#[derive(Clone, Debug, PartialEq)]
pub struct FileJob {
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub format: FileFormat,
}

/// The files of the inputs: a file as given, a directory walked recursively in name order.
/// With `output`, a directory input is mirrored under it; files of no supported format are
/// returned as skipped (never copied: they may hold personal data too).
pub fn list_jobs(input: &Path, output: Option<&Path>) -> Result<(Vec<FileJob>, Vec<PathBuf>)> {
    let meta = fs::metadata(input).with_context(|| format!("cannot open {}", input.display()))?;
    if !meta.is_dir() {
        let format = FileFormat::of(input).with_context(|| {
            format!(
                "{}: not a supported file (.csv or .tsv, optionally .gz or .zst; .parquet)",
                input.display()
            )
        })?;
        if let Some(o) = output {
            refuse_same_file(input, o)?;
            if o.is_dir() {
                bail!(
                    "the output {} is a directory but the input is a file",
                    o.display()
                );
            }
        }
        return Ok((
            vec![FileJob {
                input: input.to_path_buf(),
                output: output.map(Path::to_path_buf),
                format,
            }],
            Vec::new(),
        ));
    }
    if let Some(o) = output {
        let i = input.canonicalize()?;
        let oc = canonical_target(o).with_context(|| {
            format!(
                "cannot resolve the output {} (`..` below a missing directory?)",
                o.display()
            )
        })?;
        if oc.starts_with(&i) {
            bail!(
                "the output {} is inside the input {}: tazala never writes into its input",
                o.display(),
                input.display()
            );
        }
        if o.exists() && !o.is_dir() {
            bail!(
                "the input is a directory but the output {} is a file",
                o.display()
            );
        }
    }
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read directory {}", input.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        match (entry.file_type().is_file(), FileFormat::of(path)) {
            (true, Some(format)) => {
                let out =
                    output.map(|o| o.join(path.strip_prefix(input).expect("walked from input")));
                jobs.push(FileJob {
                    input: path.to_path_buf(),
                    output: out,
                    format,
                });
            }
            _ => skipped.push(path.to_path_buf()),
        }
    }
    Ok((jobs, skipped))
}

/// `path`, after its place in the run when the run has several files (see
/// [`Pipeline::progress_label`]).
fn file_label(path: &Path, file_of: Option<(usize, usize)>) -> String {
    match file_of {
        Some((k, n)) if n > 1 => format!("[{k}/{n}] {}", path.display()),
        _ => path.display().to_string(),
    }
}

/// A progress bar on standard error for an interactive terminal, counting bytes of the input
/// file; hidden otherwise.
pub fn progress_bar(len: u64, label: &str, enabled: bool) -> indicatif::ProgressBar {
    progress(len, label, enabled, "{bytes}/{total_bytes} {bytes_per_sec}")
}

/// Like [`progress_bar`], counting records (Parquet).
pub fn progress_records(len: u64, label: &str, enabled: bool) -> indicatif::ProgressBar {
    progress(
        len,
        label,
        enabled,
        "{human_pos}/{human_len} records {per_sec}",
    )
}

/// Like [`progress_bar`], counting files (a run of small files processed side by side).
pub fn progress_files(len: u64, enabled: bool) -> indicatif::ProgressBar {
    progress(
        len,
        "files",
        enabled,
        "{human_pos}/{human_len} files, {eta} left",
    )
}

fn progress(len: u64, label: &str, enabled: bool, counts: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!("{{msg}} [{{bar:30}}] {counts}"))
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progress_bar_names_its_file_and_its_place_in_the_run() {
        let path = Path::new("exports/grades.csv");
        assert_eq!(file_label(path, Some((3, 12))), "[3/12] exports/grades.csv");
        assert_eq!(file_label(path, Some((1, 1))), "exports/grades.csv");
        assert_eq!(file_label(path, None), "exports/grades.csv");
    }

    #[test]
    fn formats_by_name() {
        let f = |n: &str| FileFormat::of(Path::new(n)).map(|f| f.compression);
        assert_eq!(f("a.csv"), Some(Compression::None));
        assert_eq!(f("A.CSV.GZ"), Some(Compression::Gzip));
        assert_eq!(f("a.tsv.zst"), Some(Compression::Zstd));
        assert_eq!(f("a.PARQUET"), Some(Compression::None));
        assert_eq!(
            FileFormat::of(Path::new("a.parquet")).unwrap().table,
            Table::Parquet
        );
        assert_eq!(f("a.json"), None);
        assert_eq!(f("a.gz"), None);
    }

    #[test]
    fn output_equal_to_input_is_refused_also_via_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.csv");
        fs::write(&input, "x\n1\n").unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        assert!(refuse_same_file(&input, &input).is_err());
        assert!(refuse_same_file(&input, &dir.path().join("sub/../a.csv")).is_err());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(refuse_same_file(&input, &link).is_err());
        }
        assert!(refuse_same_file(&input, &dir.path().join("b.csv")).is_ok());
    }

    #[test]
    fn atomic_output_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut out = AtomicOutput::create(&target, Compression::None).unwrap();
        out.writer().write_all(b"a\n").unwrap();
        assert!(!target.exists());
        drop(out);
        assert!(!target.exists());
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            0,
            "temp file removed"
        );
        let mut out = AtomicOutput::create(&target, Compression::Gzip).unwrap();
        out.writer().write_all(b"a\n").unwrap();
        out.commit().unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(File::open(&target).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "a\n");
    }

    #[test]
    fn directories_are_mirrored_and_unknown_files_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(input.join("sub")).unwrap();
        fs::write(input.join("b.csv"), "x\n").unwrap();
        fs::write(input.join("sub/a.csv.gz"), "").unwrap();
        fs::write(input.join("notes.txt"), "").unwrap();
        let out = dir.path().join("out");
        let (jobs, skipped) = list_jobs(&input, Some(&out)).unwrap();
        let outs: Vec<_> = jobs.iter().map(|j| j.output.clone().unwrap()).collect();
        assert_eq!(outs, vec![out.join("b.csv"), out.join("sub/a.csv.gz")]);
        assert_eq!(skipped, vec![input.join("notes.txt")]);
        assert!(list_jobs(&input, Some(&input.join("sub"))).is_err());
        assert!(list_jobs(&input, Some(&input)).is_err());
        assert!(
            list_jobs(&input, Some(&input.join("new/deeper"))).is_err(),
            "an output inside the input is refused even before it exists"
        );
    }
}
