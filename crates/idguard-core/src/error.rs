//! The one error type of the engine: failures of the tool itself (exit status 2), as
//! opposed to findings and per-file problems, which are diagnostics.

use std::path::PathBuf;

/// A failure of idguard itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The root does not exist or cannot be read.
    #[error("cannot scan `{path}`")]
    Root {
        /// The root.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A configuration file could not be read.
    #[error("cannot read configuration `{path}`")]
    ConfigRead {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A configuration file is invalid; `span` points into `text`.
    #[error("{message} (in `{path}`)")]
    Config {
        /// The file.
        path: PathBuf,
        /// Its text, for rendering the error with a snippet.
        text: String,
        /// Byte range of the offending key or value.
        span: Option<std::ops::Range<usize>>,
        /// Lowercase explanation.
        message: String,
    },
    /// A baseline file could not be read or is not a baseline.
    #[error("cannot use baseline `{path}`: {message}")]
    Baseline {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// Git could not list the staged files.
    #[error("cannot list staged files: {0}")]
    Git(String),
    /// The worker pool could not start.
    #[error("cannot start worker threads: {0}")]
    Pool(String),
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}
