use serde::Serialize;

#[derive(Serialize)]
pub struct UserView {
    pub id: i64,
    pub email: String,
}

pub async fn get_user() -> axum::Json<UserView> {
    todo!()
}
