//! The render stage: a report in, bytes out. Renderers never decide anything; the CLI
//! writes what they return.

pub mod cargo;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
