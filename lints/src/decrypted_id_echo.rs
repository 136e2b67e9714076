//! `decrypted-id-echo`: an entry point decodes or decrypts a client-supplied opaque ID and
//! sends the plain value back: a decrypt oracle.

use idguard_core::facts::item_path;
use idguard_core::subject;
use idguard_core::{Context, Diagnostic, Label, Location, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "decrypted-id-echo",
    default_severity: Severity::Error,
    summary: "a handler decrypts a client-supplied ID and sends the plain serial back",
    security_severity: Some("8.1"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r"
## What it does
Inside a handler (a function with request extractors, a route, or a response return type),
finds a client-supplied value (an extractor binding such as `Path(tid)`, `Json(body)` →
`body.temp_id`, a plain `String` argument, the request) passed to a decode or decrypt
routine (`decode_*`, `decrypt_*`, `open_*`, `unseal_*`, `sqids.decode`, `harsh.decode`, AEAD
`cipher.decrypt`, base64 `STANDARD.decode`), where the result then leaves the server: a
field of a `Json(..)` body, a `json!` entry, the returned value or formatted body, a redirect,
a header or an error. The result is followed through `let` bindings computed from it.
It counts when the value is an ID: the result, the routine or the input is named for one
(`member_id`, `decrypt_temp_id`, `body.temp_id`), or the routine is hashids/sqids.

## Why is this bad?
An endpoint that turns an opaque ID into the plain serial for anyone who asks is a
decryption oracle: every encrypted or encoded ID can be sent to it and comes back as the
serial. This is the KakaoTalk bulletin-board flaw: temporary IDs of newer open-chat rooms
were encrypted, but posting to a room's board decrypted a submitted temporary ID and echoed
the member's serial back.

## Example
```rust
async fn post_to_board(Json(body): Json<PostRequest>) -> Json<PostResponse> {
    let member_id = decrypt_temp_id(&body.temp_id);
    Json(PostResponse { author_no: member_id, text: body.text })
}
```

## Use instead
```rust
async fn post_to_board(Json(body): Json<PostRequest>) -> Json<PostResponse> {
    let member_id = decrypt_temp_id(&body.temp_id); // used server-side only
    store_post(member_id, &body.text);
    // Echo the opaque token the client sent, never the decrypted key.
    Json(PostResponse { author: body.temp_id, text: body.text })
}
```

## Known limitations
- The result is followed within the handler (bindings computed from it, struct literals,
  `json!`, returned values); a value stored and read back, or sent from a helper function, is
  not followed.
- Decode routines are recognised by name; a routine named otherwise (`resolve_ref`) is not.

## References
- CWE-200: Exposure of Sensitive Information to an Unauthorized Actor
- CWE-359: Exposure of Private Personal Information to an Unauthorized Actor
- OWASP API1:2023 Broken Object Level Authorization
";

const HELP: &str = "keep decrypted keys server-side: answer with the opaque token the client sent (or a fresh random ID), never the plain serial";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let path = index.path(file);
    let mut out = Vec::new();
    for echo in &index.files()[file as usize].echoes {
        let routine = echo.api.rsplit(['.', ':']).next().unwrap_or_default();
        let receiver = echo.api.split(['.', ':']).next().unwrap_or_default().to_lowercase();
        let hashids = ["sqids", "harsh", "hashids"].iter().any(|h| receiver.contains(h));
        let names_id = |text: &str| {
            text.split(|c: char| !c.is_alphanumeric() && c != '_').any(|n| {
                !n.is_empty()
                    && (crate::common::names_an_id(ctx.vocab, n)
                        || subject::tokens(n).iter().any(|t| subject::is_id_token(t)))
            })
        };
        if !(hashids || names_id(routine) || names_id(&echo.result) || names_id(&echo.input)) {
            continue;
        }
        let Some((how, _)) = echo.sinks.first() else { continue };
        let message = format!(
            "`{}` decrypts client-supplied `{}` and the result `{}` is sent back ({how}): a decryption oracle for IDs",
            echo.api, echo.input, echo.result
        );
        let labels = echo
            .sinks
            .iter()
            .map(|(how, span)| Label {
                location: Location::new(path, *span),
                message: format!("`{}` leaves here ({how})", echo.result),
            })
            .collect();
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: echo.span,
            symbol: item_path(&[&echo.scope, &echo.result]),
            subject: subject::SubjectClass::User,
            severity: Severity::Error,
            message,
            primary_label: format!("`{}` comes from the client", echo.input),
            labels,
            help: HELP.to_owned(),
        };
        out.push(finding.diagnostic());
    }
    out
}
