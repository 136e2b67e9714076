//! idguard-core: the engine of idguard, a static linter that finds sequential or
//! unencrypted user serial IDs exposed through APIs.
//!
//! Data moves forward only: [`walk`] -> [`lower`] (parse + lower into owned [`facts`], in
//! parallel) -> [`index`] (cross-file resolution and reachability) -> [`lint`] (rules, in
//! parallel) -> [`report`] (dedupe, filter, sort) -> [`render`]. This crate knows no rule:
//! rules live in `idguard-lints` and are passed in as [`lint::Rule`] values.

pub mod cache;
pub mod config;
mod demand;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod facts;
pub mod frameworks;
pub mod harness;
pub mod index;
pub mod isolate;
mod lex;
pub mod lint;
pub mod lower;
mod mask;
mod options;
pub mod prefilter;
mod prepare;
pub mod render;
pub mod report;
pub mod subject;
pub mod surface;
mod templates;
mod test_modules;
pub mod walk;

pub use diagnostic::{Diagnostic, Label, Location, Severity};
pub use engine::{ScanOptions, Workspace, scan};
pub use error::Error;
pub use lint::{Context, Rule};
pub use report::Report;
