// A file the tokenizer rejects: the struct's brace is never closed. Reported, not fatal.
#[derive(Serialize)]
pub struct UserView { //~ warning: parse-error
    pub id: i64,
    pub name: String,
