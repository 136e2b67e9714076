//! `reversible-id-encoding`: a user serial passed through a transform anyone can invert.

use idguard_core::facts::{Encoding, TypeRef};
use idguard_core::index::Serial;
use idguard_core::subject::{self, KeyName, Subject, SubjectClass};
use idguard_core::{Context, Diagnostic, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "reversible-id-encoding",
    default_severity: Severity::Error,
    summary: "a user serial is encoded, hashed without a key or XOR-ed instead of replaced by a random ID",
    security_severity: Some("7.5"),
    doc: DOC,
    check,
};

const DOC: &str = r#"
## What it does
Finds user serials (and personal-entity keys) passed through a transform that anyone can
invert or enumerate: base64 (engines such as `URL_SAFE_NO_PAD.encode` and the legacy
`base64::encode`), hex (`hex::encode`, data-encoding's `HEXLOWER.encode`), radix formatting
(`format!("{:x}", id)`), XOR with a constant (`uid ^ 0x5bd1_e995`), unkeyed digests
(`Sha256::digest`, `md5::compute`, `blake3::hash`: the domain of serials is small enough to
hash every one), and hashids/sqids (`harsh.encode(&[id])`, `sqids.encode(&[id])`). The
value is a serial when its type resolves to one (a typed local or parameter, a field of a
typed value: `member.id`), or when its name is a key name and the code shows it is an
integer (`to_be_bytes()`, `as u64`, a radix format, XOR, hashids).

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
- Values are followed within one function (locals, parameters, struct literals, fields of
  typed values); a serial passed through a helper function is not followed yet.
- A keyed transform (HMAC, AES-SIV) is not reported; whether its key is a literal is the
  job of `weak-id-encryption`, not implemented yet.
- Multiplication or addition with constants and bit rotations are not recognised yet.

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
        let serial = serial_of(ctx, file, enc);
        if serial.is_none() && !enc.integer {
            continue;
        }
        let Some(subject) = value_subject(ctx, enc) else { continue };
        let severity = match (subject.class, serial.is_some()) {
            (SubjectClass::User, _) => Severity::Error,
            (SubjectClass::Entity, _) => Severity::Warning,
            // Content keys in hex are everywhere in error messages and logs: not reported.
            (SubjectClass::Content, _) => continue,
        };
        let key = match subject.class {
            SubjectClass::User => "user serial",
            SubjectClass::Entity => "personal-entity serial",
            SubjectClass::Content => "sequential key",
        };
        let message = format!("{key} `{}` is only transformed by {}: anyone can undo it", enc.value, enc.api);
        let scope = enc.target_names.last().cloned().unwrap_or_default();
        let symbol = format!("{scope}::{}", enc.value);
        let mut labels = Vec::new();
        if let Some(serial) = &serial {
            labels.extend(crate::common::hop_labels(index, serial));
        }
        labels.extend(crate::common::table_label(index, &subject.token));
        let primary_label = match &serial {
            Some(serial) => crate::common::serial_label(index, serial),
            None => "an integer key: decode, add one, encode".to_owned(),
        };
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: enc.span,
            symbol,
            subject: subject.class,
            severity,
            message,
            primary_label,
            labels,
            help: HELP.to_owned(),
        };
        out.push(finding.diagnostic());
    }
    out
}

/// Whether the value's type resolves to a serial: a typed local, or a field of a typed value.
fn serial_of(ctx: &Context<'_>, file: u32, enc: &Encoding) -> Option<Serial> {
    let index = ctx.index;
    if let Some(ty) = &enc.ty {
        // Bytes (`[u8; 32]`, `Vec<u8>`, `&[u8]`) are data, not a key.
        let mut inner = ty;
        while let TypeRef::Ref(t) = inner {
            inner = t;
        }
        if matches!(inner, TypeRef::Array(_) | TypeRef::Slice(_)) || inner.name() == Some("Vec") {
            return None;
        }
        return index.serial_of(ty, file);
    }
    let (base, field) = enc.field.as_ref()?;
    let decl_id = index.lookup(base, file)?;
    let decl = index.decl(decl_id);
    let f = decl.fields.iter().find(|f| f.name.as_deref() == Some(field.as_str()))?;
    index.serial_of(&f.ty, decl_id.file)
}

/// Whose key the value is: its own name (`member_id`, `uid`), or for a bare `id` the value
/// it belongs to (`member.id`), else the names it is assigned to (`public_member_ref`).
fn value_subject(ctx: &Context<'_>, enc: &Encoding) -> Option<Subject> {
    let names = enc.value_names.iter().chain(&enc.target_names);
    for (i, name) in enc.value_names.iter().enumerate() {
        match subject::key_name(name, ctx.vocab) {
            Some(KeyName::Own(s)) => return Some(s),
            Some(KeyName::Bare) => {
                let rest = enc.value_names[i + 1..].iter().chain(&enc.target_names);
                return rest
                    .map(|n| crate::common::strongest(n))
                    .find(|s| s.class != SubjectClass::Content)
                    .or(Some(Subject { class: SubjectClass::Content, token: name.clone() }));
            }
            None => {}
        }
    }
    names.skip(enc.value_names.len()).find_map(|n| match subject::key_name(n, ctx.vocab) {
        Some(KeyName::Own(s)) if s.class != SubjectClass::Content => Some(s),
        _ if subject::is_reference_name(n) => Some(crate::common::strongest(n)),
        _ => None,
    })
}
