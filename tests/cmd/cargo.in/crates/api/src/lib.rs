use model::MemberId;

#[derive(serde::Serialize)]
pub struct MemberView {
    pub member: MemberId,
}

pub async fn member() -> axum::Json<MemberView> {
    todo!()
}
