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

/// Files of at most this many bytes (as stored; a compressed one counts eight times) are
/// processed side by side: such a file is over before its records could keep the workers
/// busy, and what it costs is per file (opening, sniffing, classifying its columns, syncing
/// its output), on one thread at a time.
const SIDE_BY_SIDE_BYTES: u64 = 4 << 20;

/// Whether `job` is small enough to be processed next to another file (see
/// [`SIDE_BY_SIDE_BYTES`]).
fn is_small(job: &crate::io::FileJob) -> bool {
    let weight = match job.format.compression {
        crate::io::Compression::None => 1,
        _ => 8,
    };
    std::fs::metadata(&job.input)
        .is_ok_and(|m| m.len().saturating_mul(weight) <= SIDE_BY_SIDE_BYTES)
}

/// Runs `each` on every job, with the pipeline for its file, and hands its results to `done`
/// in job order. A run of consecutive small files (that `may_pair` allows) goes side by side,
/// one file per worker of `pipeline`'s pool, each file's own work still spread over the pool;
/// any other file runs alone. A file's pipeline names its place in the run, and shows a
/// progress bar only for a file alone: a run side by side shows one bar counting files. Each
/// file's output and report are what they would be alone. After a failure no new file is
/// started unless `keep_going`; an error from `done` stops the run.
pub fn for_each_job<T: Send>(
    jobs: &[crate::io::FileJob],
    pipeline: &crate::io::Pipeline,
    keep_going: bool,
    may_pair: impl Fn(&crate::io::FileJob) -> bool,
    each: impl Fn(&crate::io::FileJob, &crate::io::Pipeline) -> anyhow::Result<T> + Sync,
    mut done: impl FnMut(&crate::io::FileJob, anyhow::Result<T>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let lanes = pipeline.pool.current_num_threads();
    let paired = |job: &crate::io::FileJob| lanes > 1 && may_pair(job) && is_small(job);
    // Job `k`, alone or beside others.
    let each_at = |k: usize, alone: bool| {
        let pipeline = crate::io::Pipeline {
            progress: pipeline.progress && alone,
            file_of: Some((k + 1, jobs.len())),
            ..*pipeline
        };
        each(&jobs[k], &pipeline)
    };
    let mut start = 0;
    while start < jobs.len() {
        let end = start + jobs[start..].iter().take_while(|j| paired(j)).count();
        if end - start < 2 {
            done(&jobs[start], each_at(start, true))?;
            start += 1;
            continue;
        }
        let results = side_by_side(start..end, lanes, keep_going, pipeline.progress, &each_at);
        for (job, result) in jobs[start..end].iter().zip(results) {
            // A file not started: an earlier one failed, and its error ends the run first.
            let Some(result) = result else { break };
            done(job, result)?;
        }
        start = end;
    }
    Ok(())
}

/// `each` on every job of `group` (by index, not alone), `lanes` at a time, the results in
/// job order (`None` for a job not started after a failure).
fn side_by_side<T: Send>(
    group: std::ops::Range<usize>,
    lanes: usize,
    keep_going: bool,
    progress: bool,
    each: &(impl Fn(usize, bool) -> anyhow::Result<T> + Sync),
) -> Vec<Option<anyhow::Result<T>>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let results: Vec<Mutex<Option<anyhow::Result<T>>>> =
        group.clone().map(|_| Mutex::new(None)).collect();
    let bar = crate::io::progress_files(group.len() as u64, progress);
    std::thread::scope(|lanes_scope| {
        for _ in 0..lanes.min(group.len()) {
            lanes_scope.spawn(|| {
                while keep_going || !failed.load(Ordering::Relaxed) {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= results.len() {
                        break;
                    }
                    let result = each(group.start + k, false);
                    if result.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    *results[k].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    results
        .into_iter()
        .map(|r| r.into_inner().unwrap_or_else(|p| p.into_inner()))
        .collect()
}
