#[derive(serde::Serialize)]
pub struct RoomView {
    pub room_id: i64,
    pub title: String,
}

pub async fn get_room() -> axum::Json<RoomView> {
    todo!()
}

#[derive(serde::Serialize)]
pub struct PostView {
    pub id: i64,
}
