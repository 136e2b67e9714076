// Fixture for `sequential-id-in-response`. Never compiled, only parsed.
// Look-alikes that must stay clean come first; cases that must fire follow,
// each annotated on the line of its primary span (format: see tests/ui.rs).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

// ---- look-alikes: must not fire -------------------------------------------------------

#[derive(Serialize)]
pub struct PageOfUsers {
    pub page: u32,
    pub per_page: u32,
    pub limit: i64,
    pub offset: i64,
    pub total: i64,
    pub count: usize,
    pub user_count: i64,
    pub member_count: u32,
    pub max_user_id: i64,
}

#[derive(Serialize)]
pub struct ProfileCard {
    pub public_id: Uuid,
    pub username: String,
    pub user_agent: String,
    pub phone_no: u64,
    pub created_at: i64,
    pub updated_at: i64,
    pub age: u8,
    pub year: i32,
    pub version: i32,
    pub port: u16,
    pub status: u16,
    pub code: i32,
    pub price: i64,
    pub amount: i64,
    pub score: i32,
    pub rank: u32,
    pub level: u8,
    pub retries: u8,
    pub group_by: i64,
    pub ahead_by: i64,
    pub behind_by: i64,
}

// Test-only code, however it is gated.
#[cfg(all(feature = "macros", feature = "tests-cfg"))]
#[derive(Serialize)]
pub struct FakeUser {
    pub user_id: i64,
}

// A UUID is not a serial.
#[derive(Serialize)]
pub struct AccountView {
    pub id: Uuid,
    pub account_id: Uuid,
    pub email: String,
}

// Hidden fields are not serialized.
#[derive(Serialize, async_graphql::SimpleObject)]
pub struct MemberView {
    #[serde(skip)]
    pub id: i64,
    #[serde(skip_serializing)]
    pub member_no: i64,
    #[graphql(skip)]
    #[serde(skip)]
    pub user_seq: i64,
    pub nickname: String,
}

// Never serialized: an internal row.
pub struct UserRow {
    pub id: i64,
    pub email: String,
}

// Deserialize only: a request body (the request rule's business, not this one).
#[derive(Deserialize)]
pub struct CreateComment {
    pub author_id: i64,
}

// Process ids in process contexts.
#[derive(Serialize)]
pub struct ProcessInfo {
    pub pid: u32,
    pub uid: u32,
    pub gid: u32,
}

// Positions of a wide tuple are not keys, whatever the container is called.
#[derive(Serialize)]
pub struct PunchCard(pub u8, pub u8, pub u32);

#[cfg(test)]
mod tests {
    #[derive(Serialize)]
    pub struct UserView {
        pub id: i64,
    }
}

// ---- must fire ----------------------------------------------------------------------

#[derive(Serialize)]
pub struct UserView {
    pub id: i64, //~ error: sequential-id-in-response
    pub email: String,
    pub display_name: String,
}

pub async fn get_user(Path(token): Path<Uuid>) -> Result<Json<UserView>, ApiError> {
    todo!()
}

// Foreign keys carry their own subject; `rename` and `skip_serializing_if` still expose.
#[derive(Serialize)]
pub struct CommentView {
    pub id: i64, //~ note: sequential-id-in-response
    #[serde(rename = "authorId")]
    pub author_id: i64, //~ error: sequential-id-in-response
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<i64>, //~ error: sequential-id-in-response
    pub room_id: u64, //~ warning: sequential-id-in-response
    pub body: String,
}

pub async fn list_comments() -> Json<Vec<CommentView>> {
    todo!()
}

// Korean-style serial names and containers.
#[derive(Serialize)]
pub struct OpenChatParticipant {
    pub user_seq: Vec<i64>, //~ error: sequential-id-in-response
    pub mem_no: Option<u64>, //~ error: sequential-id-in-response
    pub mbr_sn: Box<i64>, //~ error: sequential-id-in-response
    pub cust_no: [u32; 2], //~ error: sequential-id-in-response
    pub friend_ids: std::collections::HashMap<String, i64>, //~ error: sequential-id-in-response
    pub owner_uid: std::num::NonZeroU64, //~ error: sequential-id-in-response
    pub nickname: String,
}

pub fn participants() -> actix_web::web::Json<OpenChatParticipant> {
    todo!()
}

// Serializable but returned by no handler idguard can see: one step lower.
#[derive(Serialize, Deserialize)]
pub struct MemberSummary {
    pub id: i64, //~ warning: sequential-id-in-response
    pub chat_id: i64, //~ note: sequential-id-in-response
}

// An unknown `serialize_with` function lowers the severity one step.
#[derive(Serialize)]
pub struct SenderView {
    #[serde(serialize_with = "crate::ser::opaque")]
    pub sender_id: i64, //~ warning: sequential-id-in-response
}

pub async fn sender() -> Json<SenderView> {
    todo!()
}

// API schema derives expose without a traced handler.
#[derive(async_graphql::SimpleObject)]
pub struct Person {
    #[graphql(visible = false)]
    pub id: i32, //~ error: sequential-id-in-response
    pub name: String,
}

#[derive(juniper::GraphQLObject)]
pub struct Customer {
    pub customer_id: i64, //~ error: sequential-id-in-response
    pub invitee_id: i64, //~ error: sequential-id-in-response
}

#[derive(Clone, PartialEq, ::prost::Message)]
pub struct GetUserReply {
    #[prost(int64, tag = "1")]
    pub user_id: i64, //~ error: sequential-id-in-response
}

#[derive(utoipa::ToSchema, Serialize)]
pub struct PatientDto {
    pub id: u32, //~ error: sequential-id-in-response
}

#[derive(poem_openapi::Object)]
pub struct EmployeeData {
    pub employee_no: i64, //~ error: sequential-id-in-response
}

// Feature-gated derives still serialize.
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Claims {
    pub sub: i64, //~ warning: sequential-id-in-response
    pub exp: i64,
}

// Enum variants: the variant names the subject of a bare `id`.
#[derive(Serialize)]
pub enum Principal {
    User { id: i64 }, //~ warning: sequential-id-in-response
    Bot { id: i64 }, //~ note: sequential-id-in-response
    Member(u64), //~ warning: sequential-id-in-response
}

// An ORM entity: the table names the subject.
#[derive(Clone, Debug, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32, //~ warning: sequential-id-in-response
}

// Aliases, newtypes and transparent wrappers resolve to the integer.
pub type AccountNo = i64;
pub struct SubscriberId(pub u64);
#[derive(Serialize)]
#[serde(transparent)]
pub struct BuyerKey {
    inner: i64,
}

#[derive(Serialize)]
pub struct OrderView {
    pub id: i64, //~ warning: sequential-id-in-response
    pub account: AccountNo, //~ error: sequential-id-in-response
    pub subscriber: SubscriberId, //~ error: sequential-id-in-response
    pub buyer: BuyerKey, //~ error: sequential-id-in-response
    pub seller_id: &'static i64, //~ error: sequential-id-in-response
}

pub async fn order() -> (StatusCode, Json<OrderView>) {
    todo!()
}
