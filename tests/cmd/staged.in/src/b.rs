#[derive(serde::Serialize)]
pub struct MemberView {
    pub member_id: i64,
}

pub async fn member() -> axum::Json<MemberView> {
    todo!()
}
