//! The subject model: whose key a name denotes.
//!
//! Names are split into lowercase tokens on `_`, case changes and digits, and matched as
//! whole tokens against the vocabularies of `RULES.md`: user tokens (incident-grade),
//! personal-entity tokens, ID tokens and the never-flag list.

/// Whose key an identifier is, in decreasing order of harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectClass {
    /// A person: user, member, customer, author...
    User,
    /// A personal entity: message, chat room, order, payment, session...
    Entity,
    /// Anything else: posts, products, jobs...
    Content,
}

impl SubjectClass {
    /// The JSON name of the class (`content` has none: it is omitted).
    pub fn json_name(self) -> Option<&'static str> {
        match self {
            SubjectClass::User => Some("user"),
            SubjectClass::Entity => Some("entity"),
            SubjectClass::Content => None,
        }
    }

    /// How the class reads in messages.
    pub fn noun(self) -> &'static str {
        match self {
            SubjectClass::User => "user",
            SubjectClass::Entity => "personal-entity",
            SubjectClass::Content => "content",
        }
    }
}

/// A classified key name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The class.
    pub class: SubjectClass,
    /// The token (or name) that decided it, e.g. `member`.
    pub token: String,
}

/// The vocabulary: the built-in word lists of this module plus what configuration adds
/// (`[identifiers]`). Built once per scan and passed to every stage that reads names:
/// selection (the prefilter), lowering, the index and every rule.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Whole field or parameter names that denote a user key (`mbr_no`).
    pub user_names: Vec<String>,
    /// Type names whose `id` is a user key (`Subscriber`).
    pub user_types: Vec<String>,
    /// Types that are safe to expose (custom encrypted or random ID types).
    pub opaque_types: Vec<String>,
    /// The project's generic aliases of response wrappers that a file being lowered uses
    /// (`type ApiJson<T> = Json<Envelope<T>>`): functions returning them are handlers. Found
    /// across the project (see `surface::wrapper_aliases`), set per file by the pipeline.
    pub response_aliases: Vec<String>,
}

/// Words that every key or reference name contains (see [`Vocabulary::could_be_key`]):
/// the ID tokens, the reference tokens, a bare `sub`, and `by` (`created_by`).
const KEY_PARTS: [&[&str]; 3] = [ID_TOKENS, REFERENCE_TOKENS, &["sub", "by"]];

impl Vocabulary {
    /// A cheap test before the token split: whether `ident` could be a name that
    /// [`key_name`] or [`is_reference_name`] accepts. It contains (in any case) one of the
    /// words such names are made of, or it is a configured user key name.
    pub fn could_be_key(&self, ident: &[u8]) -> bool {
        // The parts that contain no other part (`id` covers `uid`, `ids`, `idx`): fewer to try.
        static PARTS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
        let parts = PARTS.get_or_init(|| {
            let all: Vec<&'static str> = KEY_PARTS.iter().flat_map(|list| list.iter().copied()).collect();
            let mut minimal: Vec<&'static str> =
                all.iter().copied().filter(|p| !all.iter().any(|q| q != p && p.contains(q))).collect();
            minimal.sort_unstable();
            minimal.dedup();
            minimal
        });
        let contains = |part: &str| ident.windows(part.len()).any(|w| w.eq_ignore_ascii_case(part.as_bytes()));
        (ident.len() >= 2 && parts.iter().any(|p| contains(p))) || self.user_names.iter().any(|n| n.as_bytes() == ident)
    }

    /// Whether a type name (or a name token: `patron` for `Patron`, also in the plural) is
    /// configured as a user type.
    pub fn is_user_type(&self, name: &str) -> bool {
        self.user_types
            .iter()
            .any(|t| t == name || t.eq_ignore_ascii_case(name) || t.eq_ignore_ascii_case(&singular(name)))
    }

    /// Whether the type is configured as safe to expose.
    pub fn is_opaque(&self, type_name: &str) -> bool {
        self.opaque_types.iter().any(|o| o == type_name)
    }
}

const USER_TOKENS: &[&str] = &[
    "user",
    "usr",
    "member",
    "mbr",
    "mem",
    "account",
    "acct",
    "person",
    "people",
    "customer",
    "cust",
    "participant",
    "profile",
    "player",
    "subscriber",
    "patient",
    "employee",
    "student",
    "owner",
    "author",
    "creator",
    "sender",
    "recipient",
    "receiver",
    "friend",
    "follower",
    "buyer",
    "seller",
    "uid",
    "guest",
    "viewer",
    "admin",
    "staff",
    "teacher",
    "actor",
    "assignee",
    "reviewer",
    "requester",
    "approver",
    "committer",
    "commenter",
    "inviter",
    "invitee",
    "moderator",
    "attendee",
    "signer",
    "payer",
    "payee",
    "manager",
    "supervisor",
    // pseudonym tokens: a "temporary" or "anonymous" id of a person is still a person's key
    "temp",
    "tmp",
    "adhoc",
    "ephemeral",
    "anon",
    "anonymous",
    "alias",
    "pseudonym",
    "masked",
    "nick",
    "handle",
];

const ENTITY_TOKENS: &[&str] = &[
    "message",
    "msg",
    "chat",
    "room",
    "order",
    "payment",
    "invoice",
    "address",
    "document",
    "doc",
    "file",
    "ticket",
    "appointment",
    "session",
    "device",
    "conversation",
    "transaction",
    "card",
    "wallet",
    "reservation",
    "booking",
];

const ID_TOKENS: &[&str] =
    &["id", "idx", "uid", "no", "num", "number", "seq", "serial", "sn", "pk", "key", "ids", "uids"];

/// Tokens that make a name something other than a key, wherever they stand.
const NEVER_TOKENS: &[&str] = &[
    "page",
    "per",
    "limit",
    "offset",
    "count",
    "total",
    "size",
    "len",
    "length",
    "version",
    "revision",
    "rev",
    "port",
    "status",
    "code",
    "age",
    "year",
    "month",
    "day",
    "at",
    "amount",
    "price",
    "qty",
    "quantity",
    "score",
    "level",
    "rank",
    "retries",
    "retry",
    "attempt",
    "attempts",
    "max",
    "min",
    "phone",
    "tel",
    "mobile",
    "fax",
    "zip",
    "postal",
    "timestamp",
    "time",
    "ts",
    "duration",
    "epoch",
    "seconds",
    "secs",
    "millis",
    "ms",
    "nanos",
    "line",
    "column",
    "col",
    "width",
    "height",
    "hash",
    "checksum",
    "crc",
    "agent",
    "name",
    "type",
    "kind",
    "flags",
    "mask",
    "bits",
    "ttl",
    "timeout",
    "interval",
    "delay",
    "priority",
    "weight",
    "capacity",
    "index",
    "position",
    "pos",
    "cursor",
    "depth",
    "batch",
    "chunk",
    "shard",
    "partition",
    "epoch",
    "nonce",
    "salt",
    "color",
    "number_of",
    "pid",
    "gid",
    "tid",
    "fd",
];

/// Irregular past participles that name an actor in `*_by` fields.
const PARTICIPLES: &[&str] = &[
    "sent", "written", "made", "held", "taken", "given", "done", "built", "sold", "bought", "chosen", "seen", "run",
    "paid", "read", "set",
];

/// Suffixes of DTO type names that do not change whose record it is.
const DTO_SUFFIXES: &[&str] = &[
    "response",
    "resp",
    "res",
    "dto",
    "view",
    "data",
    "summary",
    "public",
    "encodable",
    "model",
    "entity",
    "info",
    "detail",
    "details",
    "record",
    "row",
    "out",
    "output",
    "payload",
    "body",
    "schema",
    "object",
    "obj",
    // GraphQL: Relay nodes and `..Type` / `..Gql` object names.
    "node",
    "gql",
    "json",
    "brief",
    "full",
    "lite",
    "basic",
    "result",
    "reply",
    "item",
    "ref",
    "repr",
    "wire",
    "api",
    "active",
    "new",
    "create",
    "update",
    "patch",
];

/// Modifiers that stand between a subject and its ID token (`user_external_id`).
const MODIFIERS: &[&str] = &[
    "external",
    "internal",
    "public",
    "global",
    "primary",
    "parent",
    "target",
    "original",
    "new",
    "old",
    "other",
    "current",
    "my",
    "own",
    "main",
    "unique",
    "real",
    "db",
    "database",
    "row",
    "local",
    "remote",
    "source",
    "dest",
    "destination",
    "ref",
    "reference",
    "raw",
    "plain",
    // A thread is the chat's or the message's (`chat_thread_id`), or a forum's (content).
    "thread",
];

/// Names of other systems whose keys a service stores or receives (`github_id`,
/// `stripe_customer_id`, `GithubUser.id`): that system's public identifiers, not the
/// service's own serials (RULES.md: note at most).
const OTHER_SYSTEMS: &[&str] = &[
    "github",
    "gitlab",
    "bitbucket",
    "gitea",
    "google",
    "gmail",
    "facebook",
    "twitter",
    "discord",
    "slack",
    "stripe",
    "paypal",
    "apple",
    "microsoft",
    "azure",
    "aws",
    "okta",
    "auth0",
    "steam",
    "twitch",
    "telegram",
    "whatsapp",
    "spotify",
    "shopify",
    "linkedin",
    "keycloak",
    "mastodon",
    "matrix",
    "reddit",
    "youtube",
    "patreon",
    "zoom",
];

/// Words that name a key by its place in a sequence the client walks (seek keys and
/// cursors: `last_id`, `after_id`, `since_id`).
const SEEK_WORDS: &[&str] =
    &["last", "first", "next", "prev", "previous", "before", "after", "since", "until", "start", "end", "cursor"];

/// Splits an identifier into lowercase tokens on `_`, `-`, case changes and digits.
///
/// `userSeq` -> `user seq`; `UserID` -> `user id`; `HTTPServer2Id` -> `http server id`.
pub fn tokens(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() || c.is_ascii_digit() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The class of one subject token, if it names a person or a personal entity.
pub fn token_class(token: &str) -> Option<SubjectClass> {
    let t = singular(token);
    let t = t.as_str();
    if USER_TOKENS.contains(&token) || USER_TOKENS.contains(&t) {
        Some(SubjectClass::User)
    } else if ENTITY_TOKENS.contains(&token) || ENTITY_TOKENS.contains(&t) {
        Some(SubjectClass::Entity)
    } else {
        None
    }
}

/// The strongest subject among a name's tokens (`new_customer_id` -> customer, `get_user` ->
/// user): a person before a personal entity before content; a configured user type counts
/// as a user token. Content has an empty token.
pub fn strongest(name: &str, vocab: &Vocabulary) -> Subject {
    let mut best = Subject { class: SubjectClass::Content, token: String::new() };
    for token in tokens(name) {
        let class = token_class(&token).or_else(|| vocab.is_user_type(&token).then_some(SubjectClass::User));
        if let Some(class) = class
            && class < best.class
        {
            best = Subject { class, token: singular(&token) };
        }
    }
    best
}

/// Whether a value goes to a pseudonym, from the names it goes to (innermost first: its
/// binding or field, ..., the function): the innermost is a pseudonym name, or the
/// function is one and the innermost says nothing of an ID (`fn anon_ref() { let s = .. }`).
pub fn is_pseudonym_target(targets: &[String]) -> bool {
    let (Some(inner), Some(function)) = (targets.first(), targets.last()) else { return false };
    if is_pseudonym_name(inner) {
        return true;
    }
    if targets.len() > 1 {
        return !tokens(inner).iter().any(|t| is_id_token(t)) && is_pseudonym_name(function);
    }
    false
}

/// Whether the token is an ID token (`id`, `no`, `seq`, ...).
pub fn is_id_token(token: &str) -> bool {
    ID_TOKENS.contains(&token)
}

/// Whether a name is on the never-flag list (`page`, `user_count`, `phone_no`, `*_at`...).
pub fn is_never_flag(toks: &[String]) -> bool {
    toks.iter().any(|t| NEVER_TOKENS.contains(&t.as_str()))
}

/// The subject a type name carries, after removing DTO suffixes:
/// `MemberView` -> member (user); `ChatRoomResponse` -> room (entity); `Post` -> content.
pub fn container_subject(type_name: &str, vocab: &Vocabulary) -> Subject {
    if vocab.is_user_type(type_name) {
        return Subject { class: SubjectClass::User, token: type_name.to_owned() };
    }
    let mut toks = tokens(type_name);
    // `GithubUser`: another system's record; its keys are that system's.
    if let Some(system) = toks.iter().find(|t| OTHER_SYSTEMS.contains(&t.as_str())) {
        return Subject { class: SubjectClass::Content, token: system.clone() };
    }
    // `UserWithRoles`, `OrderAndItems`, `SettingsForUser`: what follows the first joining
    // word is a complement; the head noun comes before it.
    if let Some(at) = toks.iter().skip(1).position(|t| COMPLEMENT_WORDS.contains(&t.as_str())) {
        toks.truncate(at + 1);
    }
    while toks.len() > 1 && toks.last().is_some_and(|t| DTO_SUFFIXES.contains(&t.as_str())) {
        toks.pop();
    }
    subject_of_head(&toks)
}

/// Field names (with `_` and case ignored) that describe a person: the fields of a
/// person's record (`username`, `avatar_url`, `display_name`).
const PERSON_FIELDS: &[&str] = &[
    "username",
    "nickname",
    "displayname",
    "fullname",
    "firstname",
    "lastname",
    "avatar",
    "avatarurl",
    "email",
    "login",
];

/// Whether a field's name describes a person (see [`PERSON_FIELDS`]).
pub fn describes_person(field_name: &str) -> bool {
    let folded: String = field_name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect();
    PERSON_FIELDS.contains(&folded.as_str())
}

/// The user token of a type name that is not its head noun (`member` in
/// `MemberActivity`), if it has one.
pub fn user_modifier(type_name: &str) -> Option<String> {
    let toks = tokens(type_name);
    let (_, modifiers) = toks.split_last()?;
    modifiers.iter().find(|t| token_class(t) == Some(SubjectClass::User)).cloned()
}

/// Words that join a type name's head noun to a complement (`UserWithRoles`).
const COMPLEMENT_WORDS: &[&str] = &["with", "without", "and", "plus", "including", "for"];

/// Words that tie a key to what it is of (`member_of_id`: the membership's): never the
/// head noun.
const PREPOSITIONS: &[&str] = &["of", "for", "in", "on", "at", "to", "from", "with"];

/// The class of the head noun: the last token that is not a modifier or a preposition.
fn subject_of_head(toks: &[String]) -> Subject {
    let head = toks.iter().rev().find(|t| !MODIFIERS.contains(&t.as_str()) && !PREPOSITIONS.contains(&t.as_str()));
    match head {
        Some(h) => match token_class(h) {
            Some(class) => Subject { class, token: h.clone() },
            None => Subject { class: SubjectClass::Content, token: h.clone() },
        },
        None => Subject { class: SubjectClass::Content, token: String::new() },
    }
}

/// `users` -> `user`, `categories` -> `category`; other words unchanged (for table names
/// and route segments).
pub fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with('s') && !word.ends_with("ss") && word.len() > 3 {
        word[..word.len() - 1].to_owned()
    } else {
        word.to_owned()
    }
}

/// Whether a type is the record of `token` itself (`Person`, `PersonView`, `UserResponse`
/// for `person`/`user`), rather than a record about it (`AdminPurgePerson`).
pub fn is_record_of(type_name: &str, token: &str) -> bool {
    let mut toks = tokens(type_name);
    while toks.len() > 1 && toks.last().is_some_and(|t| DTO_SUFFIXES.contains(&t.as_str())) {
        toks.pop();
    }
    matches!(toks.as_slice(), [one] if singular(one) == token)
}

/// Tokens that make a name an identifier when it also names its subject: the words for
/// references shown to others (`participant_ref`, `user_token`).
pub const REFERENCE_TOKENS: &[&str] = &["ref", "reference", "token", "code", "tag", "key"];

/// Whether a name refers to a person or personal entity by reference (`participant_ref`,
/// `member_token`), though it is not a key name.
pub fn is_reference_name(name: &str) -> bool {
    let toks = tokens(name);
    toks.iter().any(|t| REFERENCE_TOKENS.contains(&t.as_str())) && toks.iter().any(|t| token_class(t).is_some())
}

/// Pseudonym tokens that say so on their own.
const PSEUDONYM_TOKENS: &[&str] = &["pseudonym", "nickname"];

/// Pseudonym tokens that need an identity token (or a second such token) beside them
/// (`temp_id`, `anon_handle`, `open_id`, `AnonymousParticipant`): alone they are everyday
/// words (`tmp`, `alias`, `Anonymous` unions, `ephemeral_key`s, `guest` memory).
const PSEUDONYM_QUALIFIERS: &[&str] = &[
    "pseudo",
    "anon",
    "anonymous",
    "alias",
    "nick",
    "guest",
    "ephemeral",
    "temp",
    "tmp",
    "temporary",
    "adhoc",
    "hoc",
    "masked",
    "open",
    "participant",
];

/// Tokens that make a name an identity: keys, references, handles.
const IDENTITY_TOKENS: &[&str] =
    &["id", "ids", "no", "num", "ref", "token", "code", "tag", "handle", "seq", "serial", "uid", "sn"];

/// Whether a name presents a value as temporary, anonymous or per-context: `temp_id`,
/// `anon_handle`, `pseudonym`, `OpenChatParticipant`, `participant_ref`, `nickname`. Not
/// `tmp`, `alias`, `open`, `file_handle`, `participant_count`, `ephemeral_key`.
pub fn is_pseudonym_name(name: &str) -> bool {
    let toks = tokens(name);
    if is_never_flag(&toks) {
        return false;
    }
    let has = |set: &[&str]| toks.iter().any(|t| set.contains(&t.as_str()));
    let qualifiers = toks.iter().filter(|t| PSEUDONYM_QUALIFIERS.contains(&t.as_str())).count();
    has(PSEUDONYM_TOKENS) || (qualifiers > 0 && (qualifiers > 1 || has(IDENTITY_TOKENS)))
}

/// Prefixes of table names that do not change what a row is (`app_users`, `local_user`,
/// `tbl_member`).
const TABLE_PREFIXES: &[&str] = &["app", "local", "site", "auth", "core", "public", "tbl", "t"];

/// The subject of a table whose rows are that subject: `users`, `user_`, `app_members`,
/// `local_user`. `None` for relation and log tables (`community_follower`, `crate_user`,
/// `admin_purge_person`): their key numbers relations, not people.
pub fn table_subject(table: &str, vocab: &Vocabulary) -> Option<Subject> {
    table_subject_among(table, &[], vocab)
}

/// [`table_subject`], knowing the project's other tables (`tables`): a table whose last
/// word is a user word and whose other words name none of them, nor a subject, has a
/// project's prefix (`mcaptcha_users`, `af_user`, `pam_users`: user tables), while one whose
/// words name another table is a relation (`crate_owners` beside `crates`).
pub fn table_subject_among(table: &str, tables: &[&str], vocab: &Vocabulary) -> Option<Subject> {
    let toks = tokens(table);
    let rest: Vec<&String> = toks.iter().skip_while(|t| TABLE_PREFIXES.contains(&t.as_str())).collect();
    match rest.as_slice() {
        [one] => Some(container_subject(&singular(one), vocab)),
        [prefix @ .., last] if token_class(last) == Some(SubjectClass::User) => {
            let names_table = |t: &str| tables.iter().any(|other| singular(other) == singular(t));
            let prefixed = prefix.iter().all(|t| token_class(t).is_none() && !names_table(t)) && !tables.is_empty();
            prefixed.then(|| Subject { class: SubjectClass::User, token: singular(last) })
        }
        _ => None,
    }
}

/// How a key name qualifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyName {
    /// The name carries its own subject: `user_id`, `member_no`, `author_id`, `uid`, `created_by`.
    Own(Subject),
    /// A bare `id`/`pk`: the subject comes from the container or context.
    Bare,
}

/// Classifies a field or parameter name as a key name, or `None` when it is not one
/// (look-alikes such as `page`, `user_count`, `phone_no`, `username`).
pub fn key_name(name: &str, vocab: &Vocabulary) -> Option<KeyName> {
    if vocab.user_names.iter().any(|n| n == name) {
        return Some(KeyName::Own(Subject { class: SubjectClass::User, token: name.to_owned() }));
    }
    let toks = tokens(name);
    if toks.is_empty() || is_never_flag(&toks) {
        return None;
    }
    match toks.as_slice() {
        [t] if matches!(t.as_str(), "id" | "pk" | "ids") => return Some(KeyName::Bare),
        [t] if matches!(t.as_str(), "uid" | "uids" | "sub") => {
            return Some(KeyName::Own(Subject { class: SubjectClass::User, token: t.clone() }));
        }
        _ => {}
    }
    let last = toks.last()?;
    if last == "by" && toks.len() >= 2 {
        // `created_by`, `updated_by`, `sent_by`: a person's key when typed as an integer.
        // Not `group_by`, `ahead_by`, `sort_by`: only a past participle names an actor.
        let verb = &toks[toks.len() - 2];
        let participle = (verb.len() > 3 && verb.ends_with("ed")) || PARTICIPLES.contains(&verb.as_str());
        if participle && !matches!(verb.as_str(), "need" | "speed" | "seed" | "feed" | "bed" | "shed") {
            return Some(KeyName::Own(Subject { class: SubjectClass::User, token: verb.clone() }));
        }
        return None;
    }
    if !is_id_token(last) || toks.len() < 2 {
        return None;
    }
    // `uid` is its own subject: `owner_uid`.
    let before = &toks[..toks.len() - 1];
    // `github_id`, `stripe_customer_id`: another system's public identifier.
    if let Some(system) = before.iter().find(|t| OTHER_SYSTEMS.contains(&t.as_str())) {
        return Some(KeyName::Own(Subject { class: SubjectClass::Content, token: system.clone() }));
    }
    // `last_id`, `after_id`, `since_id`: a seek key says where the client is in a sequence,
    // not whose key it is. It takes its subject from its context, like a bare `id`.
    if last != "uid"
        && last != "uids"
        && before.iter().any(|t| SEEK_WORDS.contains(&t.as_str()))
        && before.iter().all(|t| MODIFIERS.contains(&t.as_str()) || SEEK_WORDS.contains(&t.as_str()))
    {
        return Some(KeyName::Bare);
    }
    let mut subject = subject_of_head(before);
    if last == "uid" || last == "uids" {
        subject = Subject { class: SubjectClass::User, token: last.clone() };
    }
    Some(KeyName::Own(subject))
}

/// The person a name refers to when it ends in one user word in the singular (`sender`,
/// `owner`, `from_account`, `new_owner`): typed as a plain integer wider than a byte, it is
/// that person's key (RULES.md: `created_by` typed as an integer). Never-flag names
/// (`user_count`) and plurals (`members: i64` is a count) are not.
pub fn person_reference(name: &str) -> Option<Subject> {
    let toks = tokens(name);
    if toks.is_empty() || is_never_flag(&toks) || toks.iter().any(|t| OTHER_SYSTEMS.contains(&t.as_str())) {
        return None;
    }
    let last = toks.last()?;
    (token_class(last) == Some(SubjectClass::User) && singular(last) == *last && last != "sub")
        .then(|| Subject { class: SubjectClass::User, token: last.clone() })
}

/// [`key_name`] for a record's field: also the bare ID words other than `id` that a record
/// names the subject of (`Member.serial`, `Room.seq`, `Member.no`, `Member.sn`; RULES: a bare
/// ID word inside a type whose name carries a subject). A local named `seq` or `no` says
/// nothing of whose it is.
pub fn field_key_name(name: &str, vocab: &Vocabulary) -> Option<KeyName> {
    match name {
        "serial" | "seq" | "no" | "sn" => Some(KeyName::Bare),
        _ => key_name(name, vocab),
    }
}

/// Whether a name is an abbreviated key (`mid`, `cid`, `rid`: one letter and `id`), whose
/// subject comes from its context like a bare `id` (RULES.md: abbreviations take their
/// subject from the route, the handler or the type). `uid` names its own subject; `pid`,
/// `gid` and `tid` are process, group and thread ids and never flagged.
pub fn is_abbreviated_key(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 3 && b[0].is_ascii_lowercase() && &b[1..] == b"id" && !matches!(name, "uid" | "pid" | "gid" | "tid")
}

/// Whether a name says it holds the highest key so far (`last_user_id`, `max_id`,
/// `latest_no`): plus one, it is the next key.
pub fn names_predecessor(name: &str) -> bool {
    let toks = tokens(name);
    toks.iter().any(|t| matches!(t.as_str(), "last" | "max" | "latest" | "highest" | "greatest" | "top"))
        && toks.last().is_some_and(|t| is_id_token(t))
}

/// The subject of a collection of integer keys named by its people in the plural:
/// `members: Vec<i64>`, `participants: HashSet<u32>`, `ignored_users: Vec<i32>` (the last
/// token carries the plural). `ty_is_list` says the field is a collection: a plural name
/// on a single integer is a count (`members: i64`), not a key.
pub fn list_subject(name: &str, ty_is_list: bool, vocab: &Vocabulary) -> Option<Subject> {
    if !ty_is_list {
        return None;
    }
    let toks = tokens(name);
    if toks.is_empty() || is_never_flag(&toks) {
        return None;
    }
    let last = toks.last()?;
    let singular = if last == "people" { "person" } else { last.strip_suffix('s')? };
    let user = USER_TOKENS.contains(&singular) || vocab.user_names.iter().any(|n| n == singular);
    user.then(|| Subject { class: SubjectClass::User, token: singular.to_owned() })
}

/// Whether a type is a collection of single values (`Vec<T>`, `HashSet<T>`, a slice or an
/// array, also inside `Option`).
pub fn is_list_type(ty: &crate::facts::TypeRef) -> bool {
    use crate::facts::TypeRef;
    match ty {
        TypeRef::Path { segments, args, .. } => match segments.last().map(String::as_str) {
            Some("Option" | "Box" | "Arc") => args.first().is_some_and(is_list_type),
            Some("Vec" | "VecDeque" | "HashSet" | "BTreeSet" | "IndexSet" | "SmallVec") => args.len() == 1,
            _ => false,
        },
        TypeRef::Ref(inner) => is_list_type(inner),
        TypeRef::Slice(_) | TypeRef::Array(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cheap_key_test_passes_every_key_and_reference_name() {
        let vocab = Vocabulary { user_names: vec!["mbrcd".to_owned()], ..Vocabulary::default() };
        let names = [
            "id",
            "pk",
            "ids",
            "uid",
            "uids",
            "sub",
            "user_id",
            "memberNo",
            "mem_no",
            "user_seq",
            "mbr_sn",
            "owner_uid",
            "created_by",
            "sentBy",
            "account_number",
            "participant_ref",
            "member_token",
            "member_code",
            "user_key",
            "cust_idx",
            "customer_num",
            "mbrcd",
            "UserPK",
            "PlayerSerial",
        ];
        for name in names {
            let accepted = key_name(name, &vocab).is_some() || is_reference_name(name);
            assert!(accepted, "`{name}` is a key or reference name");
            assert!(vocab.could_be_key(name.as_bytes()), "the cheap test drops `{name}`");
        }
        assert!(!vocab.could_be_key(b"nickname"));
    }

    fn t(name: &str) -> Vec<String> {
        tokens(name)
    }

    #[test]
    fn pseudonym_names() {
        for yes in [
            "temp_id",
            "tmpRef",
            "anon_handle",
            "pseudonym",
            "OpenChatParticipant",
            "participant_ref",
            "open_id",
            "nickname",
            "AdHocId",
            "guest_tag",
            "AnonymousParticipant",
        ] {
            assert!(is_pseudonym_name(yes), "{yes}");
        }
        for no in [
            "tmp",
            "open",
            "file_handle",
            "participant_count",
            "participant",
            "masked",
            "user_id",
            "template_id",
            "handle",
            "alias",
            "Anonymous",
            "__bindgen_anon_1",
            "ephemeral_key",
            "temp_file_name",
            "pseudo",
        ] {
            assert!(!is_pseudonym_name(no), "{no}");
        }
    }

    #[test]
    fn tokenizes_cases_and_digits() {
        assert_eq!(t("userSeq"), ["user", "seq"]);
        assert_eq!(t("UserID"), ["user", "id"]);
        assert_eq!(t("mbr_sn"), ["mbr", "sn"]);
        assert_eq!(t("HTTPServer2Id"), ["http", "server", "id"]);
        assert_eq!(t("__id"), ["id"]);
    }

    fn class_of(name: &str) -> Option<SubjectClass> {
        match key_name(name, &Vocabulary::default())? {
            KeyName::Own(s) => Some(s.class),
            KeyName::Bare => None,
        }
    }

    #[test]
    fn classifies_key_names() {
        assert_eq!(class_of("user_id"), Some(SubjectClass::User));
        assert_eq!(class_of("mem_no"), Some(SubjectClass::User));
        assert_eq!(class_of("authorId"), Some(SubjectClass::User));
        assert_eq!(class_of("created_by"), Some(SubjectClass::User));
        assert_eq!(class_of("sent_by"), Some(SubjectClass::User));
        for not_actor in ["group_by", "vertical_group_by", "ahead_by", "behind_by", "sort_by", "order_by"] {
            assert_eq!(key_name(not_actor, &Vocabulary::default()), None, "{not_actor}");
        }
        assert_eq!(class_of("chat_member_id"), Some(SubjectClass::User));
        assert_eq!(class_of("user_session_id"), Some(SubjectClass::Entity));
        assert_eq!(class_of("room_id"), Some(SubjectClass::Entity));
        assert_eq!(class_of("post_id"), Some(SubjectClass::Content));
        assert_eq!(class_of("user_external_id"), Some(SubjectClass::User));
        assert_eq!(key_name("id", &Vocabulary::default()), Some(KeyName::Bare));
        for never in ["page", "user_count", "phone_no", "username", "user_agent", "created_at", "max_id", "per_page"] {
            assert_eq!(key_name(never, &Vocabulary::default()), None, "{never}");
        }
    }

    #[test]
    fn container_subjects() {
        let v = Vocabulary::default();
        assert_eq!(container_subject("MemberView", &v).class, SubjectClass::User);
        assert_eq!(container_subject("PersonResponse", &v).class, SubjectClass::User);
        assert_eq!(container_subject("ChatRoomDto", &v).class, SubjectClass::Entity);
        assert_eq!(container_subject("UserPost", &v).class, SubjectClass::Content);
        assert_eq!(container_subject("Users", &v).class, SubjectClass::User);
        // The head comes before a complement.
        assert_eq!(container_subject("UserWithRoles", &v).class, SubjectClass::User);
        assert_eq!(container_subject("MemberAndProfileView", &v).class, SubjectClass::User);
        assert_eq!(container_subject("SettingsForUser", &v).class, SubjectClass::Content);
        assert_eq!(container_subject("PostWithAuthor", &v).class, SubjectClass::Content);
    }
}
