//! The one error type of the engine: failures of the tool itself (exit status 2), as
//! opposed to findings and per-file problems, which are diagnostics.

use std::path::PathBuf;

/// A failure of idguard itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The root does not exist or cannot be read.
    #[error("cannot scan `{path}`: {source}")]
    Root {
        /// The root.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The worker pool could not start.
    #[error("cannot start worker threads: {0}")]
    Pool(String),
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}
