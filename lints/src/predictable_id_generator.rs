//! `predictable-id-generator`: an identifier of a person or personal entity minted
//! predictably.

use idguard_core::facts::item_path;
use idguard_core::facts::{Mint, MintKind};
use idguard_core::subject::{self, KeyName, Subject, SubjectClass};
use idguard_core::{Context, Diagnostic, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "predictable-id-generator",
    default_severity: Severity::Error,
    summary: "a user-facing ID is minted by a counter, the clock or a weak random generator",
    security_severity: Some("7.5"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r#"
## What it does
Finds identifiers of people and personal entities minted predictably: atomic counters
(`NEXT_MEMBER_ID.fetch_add(1, ..)`), plain counters (`self.next_member_no += 1`), name-based
UUIDs of guessable input (`Uuid::new_v5(&NS, email.as_bytes())`; of a serial, that is
`reversible-id-encoding`, which wins on the same span), timestamps (`Utc::now().timestamp_millis()`,
`SystemTime::now().duration_since(UNIX_EPOCH)`), time-based UUIDs (`Uuid::new_v1`, `now_v1`,
`new_v6`, `now_v6`), non-cryptographic or seeded random generators (`SmallRng`,
`StdRng::seed_from_u64`, `fastrand`, nanoid's `non_secure`), monotonic ULID generators, ID
generator objects (`state.id_gen.lock()?.next_id()`; a Snowflake where a name says so, or
idgenerator's `IdInstance::next_id()`: time-ordered, a timestamp, a worker number and a
sequence) and stored counters (Redis `conn.incr("next_user_id", 1)`, `nextval`, helpers such as
`incr_id(&db, "users_count")`: a key's trailing `_count` is the counter, not what it counts).
Whose identifier it is comes from the names around the expression: the `let` binding or
struct field it is assigned to (`member_id`, `public_ref` in `MemberRef { .. }`), the
counter's own name (`NEXT_USER_ID`), or the function (`new_member_ref`).

Severity: error for people, warning for personal entities (orders, rooms, messages).
`Uuid::now_v7()` and `Ulid::new()` are unguessable but carry their creation time: a note.
Counters of internal things (tasks, connections, streams, requests) are not reported; in a
name that says it makes something (`request_new_order_token`), the words after its maker
word (`new`, `gen`, `next`...) say what, not a verb before it.

## Why is this bad?
An identifier minted by a counter or the clock is a guess away from its neighbours: anyone
who holds one can enumerate the others, estimate how many exist and when they were made.
Non-cryptographic generators (xorshift, wyrand, a seeded `StdRng`) can be predicted from a
few outputs. A "temporary" or "public" ID minted this way is the KakaoTalk open-chat
mistake again: a value shown to strangers that leads back to the person.

## Example
```rust
static NEXT_MEMBER_ID: AtomicU64 = AtomicU64::new(1);

pub fn register(nickname: String) -> Member {
    let member_id = NEXT_MEMBER_ID.fetch_add(1, Ordering::Relaxed);
    Member { member_id, nickname }
}
```

## Use instead
```rust
pub fn register(nickname: String) -> Member {
    let member_id = Uuid::new_v4(); // 122 random bits from the OS generator
    Member { member_id, nickname }
}
```

## Known limitations
- The subject comes from names in the same function (binding, field, counter, function);
  a value minted in one function and named in another is not followed.
- A `+= 1` counter counts when its own name (or the enclosing function's) names the
  identifier; one incremented in one function and read in another is reported where it is
  incremented only if its name says what it counts.
- A timestamp is reported only where it is assigned to a key name; one mixed with random
  bits is not told apart.

## References
- CWE-340: Generation of Predictable Numbers or Identifiers
- CWE-330: Use of Insufficiently Random Values
- CWE-342: Predictable Exact Value from Previous Values
- OWASP API1:2023 Broken Object Level Authorization
"#;

const HELP: &str = "mint it with `Uuid::new_v4()` or 128 bits from a cryptographic generator (`OsRng`, `rand::rng()`), stored alongside any internal key";

/// Name tokens of internal things whose counters never reach a client.
const INTERNAL: &[&str] = &[
    "task",
    "connection",
    "conn",
    "stream",
    "request",
    "req",
    "job",
    "worker",
    "thread",
    "span",
    "trace",
    "frame",
    "packet",
    "channel",
    "tx",
    "rx",
    "op",
    "operation",
    "call",
    "timer",
    "query",
    "batch",
    "chunk",
    "slot",
    "waker",
    "generation",
    "epoch",
    "version",
    "revision",
    "nonce",
    "counter",
    "count",
    "metric",
    "event",
    "log",
];

/// First words of functions that make a new value.
const MAKERS: &[&str] = &["new", "make", "gen", "generate", "create", "issue", "mint", "next", "alloc", "assign"];

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let path = index.path(file);
    let mut out = Vec::new();
    for mint in &index.files()[file as usize].mints {
        let Some((name, subject)) = minted_subject(ctx, mint) else { continue };
        let severity = match (mint.kind, subject.class) {
            (MintKind::TimeOrdered, SubjectClass::User | SubjectClass::Entity) => Severity::Note,
            (_, SubjectClass::User) => Severity::Error,
            (_, SubjectClass::Entity) => Severity::Warning,
            (_, SubjectClass::Content) => continue,
        };
        let how = match mint.kind {
            MintKind::Counter => "a counter",
            MintKind::Clock => "the clock",
            MintKind::WeakRandom => "a predictable random generator",
            MintKind::TimeOrdered => "a time-ordered generator (it reveals when it was made)",
            MintKind::NameBased => "a name-based UUID (anyone who knows the input computes it)",
            MintKind::Generator => "an ID generator (each ID follows from the last)",
            MintKind::Snowflake => "a Snowflake generator (time-ordered: a timestamp, a worker number and a sequence)",
        };
        let who = if subject.class == SubjectClass::User { "user" } else { "personal-entity" };
        let message = format!("{who} identifier `{name}` is minted by {how}: {}", mint.api);
        let symbol = item_path(&[&mint.scope, &name]);
        let mut labels = Vec::new();
        if let Some(table) = crate::common::table_label(index, &subject.token) {
            labels.push(table);
        }
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: mint.span,
            symbol,
            subject: subject.class,
            severity,
            message,
            primary_label: match mint.kind {
                MintKind::TimeOrdered => "unguessable, but it tells when it was made".to_owned(),
                MintKind::NameBased => "the same input always gives the same UUID".to_owned(),
                MintKind::Snowflake => "time-ordered: guessable from when it was made".to_owned(),
                _ => "the next one is a guess away".to_owned(),
            },
            labels,
            help: HELP.to_owned(),
        };
        out.push(finding.diagnostic());
    }
    out
}

/// The first name around the mint that is a key of a person or personal entity, and its
/// subject: a name with its own subject (`member_id`, `NEXT_USER_ID`, `participant_ref`), or
/// a bare `id` whose subject comes from the next names out (`Account { id: .. }`,
/// `fn new_customer_id()`). `None` for internal counters.
fn minted_subject(ctx: &Context<'_>, mint: &Mint) -> Option<(String, Subject)> {
    // Anything internal around it (the counter, the binding, the function) rules it out;
    // in a name that says it makes something (`request_new_order_token`), what it makes
    // (the words after the last maker word), not the verb before it.
    if mint.names.iter().any(|n| {
        let toks = subject::tokens(n);
        let made = toks.iter().rposition(|t| MAKERS.contains(&t.as_str())).map_or(0, |at| at + 1);
        toks[made..].iter().any(|t| INTERNAL.contains(&t.as_str()))
    }) {
        return None;
    }
    let last = mint.names.len().saturating_sub(1);
    for (i, name) in mint.names.iter().enumerate() {
        let toks = subject::tokens(name);
        // `NEXT_USER_ID`, `next_member_no`: a counter's name carries the key after `next`.
        let trimmed: Vec<&str> =
            toks.iter().map(String::as_str).filter(|t| !matches!(*t, "next" | "last" | "new" | "seeded")).collect();
        match subject::key_name(&trimmed.join("_"), ctx.vocab) {
            Some(KeyName::Own(s)) => return Some((name.clone(), s)),
            Some(KeyName::Bare) => {
                let found = mint.names[i + 1..]
                    .iter()
                    .map(|n| idguard_core::subject::strongest(n, ctx.vocab))
                    .find(|s| s.class != SubjectClass::Content)?;
                return Some((name.clone(), found));
            }
            None => {}
        }
        // A reference shown to others (`participant_ref`, `member_token`) counts where the
        // value is assigned, or in a function that makes one (`new_user_token`), not in any
        // function around it (`verify_owner_token`).
        let maker = toks.first().is_some_and(|t| MAKERS.contains(&t.as_str()));
        if (i == 0 && i != last || i == last && maker) && subject::is_reference_name(name) {
            let s = idguard_core::subject::strongest(name, ctx.vocab);
            if s.class != SubjectClass::Content {
                return Some((name.clone(), s));
            }
        }
    }
    None
}
