use model::ids::{MemberId, PublicId, RoomNo as Room};
use serde::Serialize;

/// Clean: the member is identified by a random public ID.
#[derive(Serialize)]
pub struct PublicMemberDto {
    pub member: PublicId,
    pub nickname: String,
}

/// Fires: the serial newtype from the `model` crate, reached through the envelope.
#[derive(Serialize)]
pub struct MemberDto {
    pub member: MemberId, //~ error: sequential-id-in-response
    pub room: Room, //~ warning: sequential-id-in-response
    pub email: String,
}

#[derive(Serialize)]
pub struct ApiResponse<T> {
    pub ok: bool,
    pub data: T,
}
