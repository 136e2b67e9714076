//! idguard-lints: every idguard rule, one file each, holding the rule's documentation
//! (What it does / Why is this bad? / Example / Use instead / Known limitations /
//! References), its metadata and its check.
//!
//! [`REGISTRY`] is the one explicit list of rules. Its order is the tie-break when two
//! rules report the same span: the rule listed first is the more specific one and wins,
//! unless the other rule says it stands with it (`Rule::stands_with`: another flaw at the
//! same place).

use idguard_core::Rule;

mod common;
pub mod decrypted_id_echo;
pub mod invalid_suppression;
pub mod linkable_pseudonym;
pub mod parse_error;
pub mod predictable_id_generator;
pub mod reversible_id_encoding;
pub mod sequential_id_in_request;
pub mod sequential_id_in_response;
pub mod sequential_user_key;
pub mod weak_id_encryption;

/// Every rule, most specific first.
pub static REGISTRY: &[Rule] = &[
    reversible_id_encoding::RULE,
    linkable_pseudonym::RULE,
    decrypted_id_echo::RULE,
    weak_id_encryption::RULE,
    predictable_id_generator::RULE,
    sequential_id_in_response::RULE,
    sequential_id_in_request::RULE,
    sequential_user_key::RULE,
    invalid_suppression::RULE,
    parse_error::RULE,
];

/// The rule of that name.
pub fn find(name: &str) -> Option<&'static Rule> {
    REGISTRY.iter().find(|r| r.name == name)
}
