//! The render stage: a report in, bytes out. Renderers never decide anything; the CLI
//! writes what they return.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
