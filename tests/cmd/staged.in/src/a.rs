#[derive(serde::Serialize)]
pub struct UserView {
    pub user_id: i64,
}

pub async fn user() -> axum::Json<UserView> {
    todo!()
}
