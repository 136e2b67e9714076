#[derive(serde::Serialize)]
pub struct AccountSummary {
    pub account_id: u64,
}

pub struct MemberId(pub i64);
