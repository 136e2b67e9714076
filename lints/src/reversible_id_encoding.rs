//! `reversible-id-encoding`: a user serial passed through a transform anyone can invert.

use idguard_core::facts::item_path;
use idguard_core::subject::SubjectClass;
use idguard_core::{Context, Diagnostic, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "reversible-id-encoding",
    default_severity: Severity::Error,
    summary: "a user serial is encoded, hashed without a key or XOR-ed instead of replaced by a random ID",
    security_severity: Some("7.5"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r#"
## What it does
Finds user serials (and personal-entity keys) passed through a transform that anyone can
invert or enumerate: base64 (engines such as `URL_SAFE_NO_PAD.encode` and the legacy
`base64::encode`, also under a renamed import: `use base64::encode as b64;`), hex
(`hex::encode`, data-encoding's `HEXLOWER.encode`), radix formatting (`format!("{:x}", id)`,
`format!("{id:x}")`), XOR with a constant (`uid ^ 0x5bd1_e995`), multiplication by a
scrambling constant (`uid * 0x9E37_79B9 + 12345`), bit rotations (`uid.rotate_left(7)`),
unkeyed digests (`Sha256::digest`, `md5::compute`, `blake3::hash`: the domain of serials is
small enough to hash every one), hashids/sqids (`harsh.encode(&[id])`, `sqids.encode(&[id])`),
name-based UUIDs of the serial (`Uuid::new_v5(&NS, &id.to_be_bytes())`) and fake UUIDs
(`Uuid::from_u64_pair(0, id)`, `Uuid::from_u128(id as u128)`). The value is a serial when its
type resolves to one (a typed local or parameter, a field of a typed value: `member.id`, a
local bound to one: `let uid = member.id;`), or when its name is a key name and the code
shows it is an integer (`to_be_bytes()`, `as u64`, a radix format, XOR, hashids). A helper
whose parameter says nothing (`fn encode_public_id(n: i64)`) is followed to the arguments its
callers in the same package pass (`encode_public_id(member.id)`); the finding is in the helper,
with the call as a label. Cursors and tokens that serialize a record or tuple and encode it
count too: `URL_SAFE_NO_PAD.encode(serde_json::to_vec(&(crate_id, user_id))?)` encodes each
value, and a JWT (`jsonwebtoken::encode(&header, &claims, &key)`: base64url JSON, signed but
not encrypted) encodes the first key its claims hold (`claims.sub`, `claims.user.user_id`).
A radix format encodes only the argument it formats (`format!("{expire:x}_{uid}")` encodes
`expire`).

Severity: error for user keys, warning for personal entities. Keys of other content are not
reported (hex renderings of small integers fill error messages and logs).

## Why is this bad?
Encoding is not encryption. A "public ID" that is base64 or hashids of the serial is the
serial: decode it, add one, encode it again. An unkeyed hash of a small integer is undone
by hashing every candidate. This is the "obfuscated" temporary ID of the KakaoTalk
open-chat rooms that led attackers back to each member's serial.

## Example
```rust
pub fn public_ref(member_id: i64) -> String {
    URL_SAFE_NO_PAD.encode(member_id.to_be_bytes())
}
```

## Use instead
```rust
pub fn public_ref(member_id: i64, key: &HmacKey) -> String {
    // A keyed MAC (key from configuration), or better: a random ID stored with the member.
    URL_SAFE_NO_PAD.encode(hmac_sha256(key, b"member-ref"))
}
```

## Known limitations
- Values are followed within one function and through one helper call (same package);
  a serial stored in a collection or a struct and read back elsewhere is not followed.
- A keyed transform (HMAC, AES-SIV) is not reported; a literal key or fixed nonce is the
  job of `weak-id-encryption`.
- An offset alone (`BASE + id`) is index arithmetic and is not reported; only
  multiplication by a constant of at least 1,000 (or an `UPPER_CASE` constant) is.

## References
- CWE-656: Reliance on Security Through Obscurity
- CWE-328: Use of Weak Hash
- CWE-759: Use of a One-Way Hash without a Salt
- OWASP API1:2023 Broken Object Level Authorization
"#;

const HELP: &str = "give clients a random ID (UUIDv4 or a 128-bit token stored with the record); if the value must be derived, use HMAC-SHA-256 or AES-SIV with a key from configuration";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let path = index.path(file);
    let mut out = Vec::new();
    for enc in &index.files()[file as usize].encodings {
        let key = crate::common::key_of(
            ctx,
            file,
            &enc.value,
            &enc.target_names,
            enc.target_names.last().map(String::as_str),
            false,
        );
        // A record encoded whole (a JWT's claims, a cursor struct): the first key it holds.
        let (key, shown) = if let Some(key) = key {
            let shown = key.shown(&enc.value.text);
            (key, shown)
        } else {
            let Some((member, key)) = enc.value.ty.as_ref().and_then(|ty| held_key(ctx, ty, file, 0)) else {
                continue;
            };
            (key, format!("`{}.{member}`", enc.value.text))
        };
        let (severity, noun) = match key.subject.class {
            SubjectClass::User => (Severity::Error, "user serial"),
            SubjectClass::Entity => (Severity::Warning, "personal-entity serial"),
            // Content keys in hex are everywhere in error messages and logs: not reported.
            SubjectClass::Content => continue,
        };
        let message = format!("{noun} {shown} is only transformed by {}: anyone can undo it", enc.api);
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: enc.span,
            symbol: item_path(&[&enc.scope, &enc.value.text]),
            subject: key.subject.class,
            severity,
            message,
            primary_label: key.describe(index),
            labels: key.labels(index),
            help: HELP.to_owned(),
        };
        out.push(finding.diagnostic());
    }
    out
}

/// The first key of a person or personal entity a record holds, through the records it
/// holds (two levels): its path from the record (`user.user_id`) and the key.
fn held_key(
    ctx: &Context<'_>,
    ty: &idguard_core::facts::TypeRef,
    file: u32,
    depth: u32,
) -> Option<(String, crate::common::Key)> {
    use idguard_core::facts::TypeRef;
    use idguard_core::subject::{self, KeyName};
    let index = ctx.index;
    let mut ty = ty;
    loop {
        match ty {
            TypeRef::Ref(inner) => ty = inner,
            // `impl Into<User>`: what it converts into.
            TypeRef::ImplTrait(bounds) => match bounds.first() {
                Some(TypeRef::Path { args, .. }) if !args.is_empty() => ty = &args[0],
                _ => return None,
            },
            _ => break,
        }
    }
    if depth > 2 || index.serial_of(ty, file).is_some() {
        return None;
    }
    let id = index.lookup(ty, file)?;
    let decl = index.decl(id);
    for field in decl.fields.iter().filter(|f| !f.hidden) {
        let Some(name) = field.name.as_deref() else { continue };
        if let Some(serial) = index.serial_of(&field.ty, id.file) {
            let subject = match subject::field_key_name(name, ctx.vocab) {
                Some(KeyName::Own(s)) => s,
                Some(KeyName::Bare) => subject::container_subject(&decl.name, ctx.vocab),
                None => match subject::person_reference(name) {
                    Some(s) => s,
                    None => continue,
                },
            };
            if subject.class != SubjectClass::Content {
                return Some((name.to_owned(), crate::common::Key { serial: Some(serial), subject, via: None }));
            }
        } else if let Some((member, key)) = held_key(ctx, &field.ty, id.file, depth + 1) {
            return Some((format!("{name}.{member}"), key));
        }
    }
    None
}
