#[derive(serde::Serialize)]
pub struct AccountSummary {
    pub account_id: u64,
}

pub async fn account() -> axum::Json<AccountSummary> {
    todo!()
}

pub struct MemberId(pub i64);
