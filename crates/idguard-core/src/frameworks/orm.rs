//! ORMs, for persistence evidence: diesel's `table!`, sea-orm's `DeriveEntityModel`.

use super::Framework;

/// diesel and sea-orm.
pub const ORM: Framework = Framework {
    name: "orm",
    selection_derives: &["DeriveEntityModel"],
    declaration_macros: &["table"],
    ..Framework::EMPTY
};
