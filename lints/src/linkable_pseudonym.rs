//! `linkable-pseudonym`: a temporary, anonymous or per-context ID built from the user's
//! serial without a key, or a pseudonym type that carries the serial itself.

use idguard_core::facts::item_path;
use idguard_core::index::DeclId;
use idguard_core::subject::{self, KeyName, SubjectClass};
use idguard_core::{Context, Diagnostic, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "linkable-pseudonym",
    default_severity: Severity::Error,
    summary: "a temporary or anonymous ID is built from the user's serial without a key",
    security_severity: Some("8.1"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r#"
## What it does
Finds values presented as temporary, anonymous or per-context identities (names such as
`temp_id`, `anon_handle`, `pseudonym`, `open_id`, `participant_ref`, `nickname`, `guest_tag`)
that are built from a user serial by an unkeyed construction: a `format!` with a room or
context ID (also inline `{uid}` captures), a tuple, bit packing (`(room << 32) | uid`),
arithmetic (`room * 1_000_000 + uid`), string or byte concatenation
(`[room.to_be_bytes(), uid.to_be_bytes()].concat()`). The construction goes to the
pseudonym-named `let`, struct field or assignment, or is what a pseudonym-named function
returns. Also: a pseudonym-named type sent to clients that carries the user's serial itself
(`struct AnonParticipant { member_id: i64, .. }`). A name is pseudonym-named when it has a
pseudonym word (temp, anon, alias, guest, open, participant, masked, ephemeral, adhoc...)
and an identity word (id, ref, token, code, tag, handle, no, seq...), two pseudonym words
(`AnonymousParticipant`), or is `pseudonym`/`nickname`; `tmp`, `alias`, `Anonymous` or
`ephemeral_key` alone are everyday words.

The serial is recognised by type (a typed local or parameter, a field of a typed value,
`let uid = member.id;`), by a user key name (`member_id`, `user_seq`, `uid`), and through one
helper function (`temp_id(room, member.id)` where the helper builds it from its parameter).
Transforms that anyone can invert (base64, hashids, a name-based UUID...) are reported by
`reversible-id-encoding`, which wins on the same span.

## Why is this bad?
This is the KakaoTalk open-chat mechanism. A "temporary" ID made of the room ID and the
member's global serial is the serial: whoever reads it recovers the serial, joins it with
any other table keyed by that serial (phone number, profile), and follows the same person
from room to room. 65,000+ participants were de-anonymised this way.

## Example
```rust
pub fn open_chat_temp_id(room_id: i64, member_id: i64) -> String {
    format!("{room_id}-{member_id}")
}
```

## Use instead
```rust
pub fn open_chat_temp_id(room_id: i64, member_id: i64, key: &PseudonymKey) -> String {
    // A random ID per (room, member) kept in a mapping table, or a keyed MAC truncated to
    // at least 128 bits with the key from configuration.
    key.hmac_sha256_hex(&[&room_id.to_be_bytes()[..], &member_id.to_be_bytes()[..]])
}
```

## Known limitations
- Values are followed within one function and through one helper call; a serial read
  back from a database row whose type idguard cannot see is recognised by its name only.
- A pseudonym built over several statements (`let mut buf = ..; buf.push_str(..)`) is not
  followed; single expressions are.
- Whether the pseudonym reaches a client is not required for constructions: a pseudonym
  built from the serial is linkable wherever it is shown or logged.
- The prefilter selects bodies by pseudonym words of four letters or more: a body whose only
  pseudonym is named `tmp_*` is not analysed unless something else selects it.

## References
- CWE-359: Exposure of Private Personal Information to an Unauthorized Actor
- CWE-656: Reliance on Security Through Obscurity
- OWASP API3:2023 Broken Object Property Level Authorization
"#;

const HELP: &str = "give each (context, user) pair a random ID stored in a mapping table, or derive it with HMAC-SHA-256(secret key from configuration, context || user) truncated to at least 128 bits";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let path = index.path(file);
    let facts = &index.files()[file as usize];
    let mut out = Vec::new();
    for combo in &facts.combinations {
        // Only a value that becomes a pseudonym: its binding or field, or the function
        // making it when the binding says nothing.
        if !subject::is_pseudonym_target(&combo.target_names) {
            continue;
        }
        let Some(target) = combo.target_names.iter().find(|n| subject::is_pseudonym_name(n)) else { continue };
        let Some((part, key)) = combo.parts.iter().find_map(|part| {
            // The part's own evidence (the pseudonym's name would make every part a user's);
            // a helper's parameter is followed to its callers.
            crate::common::key_of(ctx, file, part, &[], combo.target_names.last().map(String::as_str), true)
                .filter(|k| k.subject.class == SubjectClass::User)
                .map(|k| (part, k))
        }) else {
            continue;
        };
        // The other parts, each once, at most three named.
        let mut others: Vec<&str> = Vec::new();
        for p in combo.parts.iter().filter(|p| p.text != part.text) {
            if !others.contains(&p.text.as_str()) {
                others.push(&p.text);
            }
        }
        let more = others.len().saturating_sub(3);
        others.truncate(3);
        let with = match (others.is_empty(), more) {
            (true, _) => String::new(),
            (false, 0) => format!(" and `{}`", others.join("`, `")),
            (false, n) => format!(" and `{}` (and {n} more)", others.join("`, `")),
        };
        let message = format!(
            "pseudonym `{target}` is built from user serial {}{with} by {}: it is the serial, linkable across contexts",
            key.shown(&part.text),
            combo.how
        );
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: combo.span,
            symbol: item_path(&[&combo.scope, target]),
            subject: SubjectClass::User,
            severity: Severity::Error,
            message,
            primary_label: format!("no key: whoever reads `{target}` recovers `{}`", part.text),
            labels: key.labels(index),
            help: HELP.to_owned(),
        };
        out.push(finding.diagnostic());
    }
    for (d, decl) in facts.types.iter().enumerate() {
        if !subject::is_pseudonym_name(&decl.name) {
            continue;
        }
        let id = DeclId { file, decl: d as u32 };
        if !idguard_core::surface::is_serializable(decl) && index.reach(id).is_none() {
            continue;
        }
        for field in decl.fields.iter().filter(|f| !f.hidden) {
            let user_key = match &field.name {
                Some(name) => matches!(
                    subject::key_name(name, ctx.vocab),
                    Some(KeyName::Own(s)) if s.class == SubjectClass::User
                ),
                // `struct TempId(MemberId)`: the sole position, a user-named newtype.
                None => decl.fields.len() == 1,
            };
            if !user_key {
                continue;
            }
            let Some(serial) = index.serial_of(&field.ty, file) else { continue };
            if field.name.is_none()
                && serial.hops.first().is_none_or(|hop| {
                    idguard_core::subject::strongest(&index.decl(hop.decl).name, ctx.vocab).class != SubjectClass::User
                })
            {
                continue;
            }
            let field_name = field.name.clone().unwrap_or_else(|| field.index.to_string());
            let message = format!(
                "pseudonym type `{}` carries the user serial `{}.{field_name}`: the pseudonym links back to the user",
                decl.name, decl.name
            );
            let mut labels = crate::common::hop_labels(index, &serial);
            if let Some(reach) = index.reach(id) {
                labels.extend(crate::common::chain_labels(index, id, reach));
            }
            labels.insert(
                0,
                idguard_core::Label {
                    location: idguard_core::Location::new(path, decl.span),
                    message: format!("`{}` is presented as a pseudonym", decl.name),
                },
            );
            let finding = crate::common::Finding {
                rule: RULE.name,
                path,
                span: field.span,
                symbol: format!("{}.{field_name}", item_path(&[&decl.module, &decl.name])),
                subject: SubjectClass::User,
                severity: Severity::Error,
                message,
                primary_label: crate::common::serial_label(index, &serial),
                labels,
                help: HELP.to_owned(),
            };
            out.push(finding.diagnostic());
        }
    }
    out
}
