// Fixture for `invalid-suppression` (and for suppressions themselves). Never compiled.

// ---- must not fire: suppressions with a reason that suppress a real finding ---------

#[derive(Serialize)]
pub struct LegacyUserView {
    pub id: i64, // idguard: allow(sequential-id-in-response) v1 mobile clients only; removed in v3
    // idguard: allow(sequential-id-in-response): the line above a finding works too
    pub member_no: i64,
    pub nickname: String,
}

pub async fn legacy_user() -> Json<LegacyUserView> {
    todo!()
}

// A comment that merely mentions idguard is not a directive.
// See the idguard docs for allow(...) syntax.

// ---- must fire ------------------------------------------------------------------------

#[derive(Serialize)]
pub struct UserView {
    // No reason: reported, and the finding stays.
    pub id: i64, // idguard: allow(sequential-id-in-response) //~ warning: invalid-suppression //~ error: sequential-id-in-response
    pub user_no: i64, //~ error: sequential-id-in-response
    // An unknown rule name: reported, and the finding stays.
    pub owner_id: i64, // idguard: allow(sequental-id-in-response) typo in the rule name //~ warning: invalid-suppression //~ error: sequential-id-in-response
    pub nickname: String,
}

pub async fn user() -> Json<UserView> {
    todo!()
}

// idguard: allow(sequential-id-in-response) nothing here to suppress //~ warning: invalid-suppression

// idguard: alow(sequential-id-in-response) misspelt directive //~ warning: invalid-suppression
