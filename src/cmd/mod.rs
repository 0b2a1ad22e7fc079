//! One module per subcommand: each turns a validated configuration into work and an exit status.

pub mod detect;
pub mod keygen;
pub mod policy;
pub mod risk;
pub mod scan;
pub mod scrub;

/// How a run ended, mapped to the process exit code in `main` (like grep: 0/1/2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Ran to the end and found nothing personal.
    Clean,
    /// Ran to the end and found personal data.
    Found,
}

/// The files a `--keep-going` run could not process: each is printed when it fails, and the
/// run ends with an error listing them (exit status 2).
#[derive(Default)]
pub struct Failures {
    pub failed: Vec<crate::report::FailedFile>,
}

impl Failures {
    /// Records a file's failure: returns the error when the run must stop now.
    pub fn add(
        &mut self,
        input: &std::path::Path,
        err: anyhow::Error,
        keep_going: bool,
    ) -> anyhow::Result<()> {
        if !keep_going {
            return Err(err);
        }
        eprintln!("tazala: {err:#}");
        self.failed.push(crate::report::FailedFile {
            input: input.display().to_string(),
            error: format!("{err:#}"),
        });
        Ok(())
    }

    /// The run's end: an error naming every failed file, if any.
    pub fn finish(&self, processed: usize) -> anyhow::Result<()> {
        if self.failed.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = self.failed.iter().map(|f| f.input.as_str()).collect();
        anyhow::bail!(
            "{} of {} file(s) failed and were not written: {}",
            self.failed.len(),
            processed + self.failed.len(),
            names.join(", ")
        )
    }
}

/// Records per batch for commands that do not let the user choose.
pub const BATCH_RECORDS: usize = 16_384;

/// The worker pool: `threads` workers, or one per core.
pub fn thread_pool(threads: Option<usize>) -> anyhow::Result<rayon::ThreadPool> {
    use anyhow::Context;
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        pool = pool.num_threads(n);
    }
    pool.build().context("cannot start worker threads")
}
