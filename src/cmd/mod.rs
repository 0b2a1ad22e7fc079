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
