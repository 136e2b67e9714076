//! askama and rinja: `#[derive(Template)]` page structs rendered on the server; the fields
//! their template prints (`{{ user.id }}`) reach clients in the page.

use super::Framework;

/// askama and rinja.
pub const ASKAMA: Framework = Framework { name: "askama", page_derives: &["Template"], ..Framework::EMPTY };
