//! `weak-id-encryption`: an ID "encrypted" with a fixed nonce, a key written in the source,
//! or block by block.

use idguard_core::facts::item_path;
use idguard_core::subject::SubjectClass;
use idguard_core::{Context, Diagnostic, Label, Location, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "weak-id-encryption",
    default_severity: Severity::Error,
    summary: "an ID is encrypted with a fixed nonce, a literal key or block by block",
    security_severity: Some("7.5"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r#"
## What it does
Finds encryption of identifiers that fails: an AEAD (`aes-gcm`, `chacha20poly1305`,
`aes-siv`...) `encrypt`/`encrypt_in_place` call whose nonce is fixed (a literal, an array of
literals such as `[0u8; 12]`, `Nonce::from_slice(b"unique nonce")`, `Default::default()`, or
a local bound to one of those), a cipher built from a key written in the source
(`Aes256Gcm::new_from_slice(b"0123...")`, `Key::<Aes256Gcm>::from_slice(&[7; 32])`), and
block ciphers applied block by block (`cipher.encrypt_block(..)`: ECB). The call counts when
what is encrypted is an ID: the plaintext is a key (`member_id`, `user.id`, a serial by
type), or the call goes to or sits in a function named for one (`temp_id`,
`encrypt_member_ref`).

## Why is this bad?
Encryption hides a serial only if the attacker cannot repeat it or undo it. With a fixed
nonce the same serial always gives the same ciphertext (and AES-GCM/ChaCha20 with a reused
nonce leak the XOR of plaintexts and allow forgeries); a key in the source is a key in every
copy of the repository and binary; ECB of a 64-bit serial is a deterministic codebook. The
KakaoTalk fix encrypted temporary IDs, but one endpoint decrypted them for anyone: weak or
exposed keys turn "encrypted" IDs back into serials.

## Example
```rust
pub fn temp_id(member_id: i64) -> Vec<u8> {
    let cipher = Aes256Gcm::new_from_slice(b"an example very very secret key.").unwrap();
    let nonce = Nonce::from_slice(b"unique nonce");
    cipher.encrypt(nonce, member_id.to_be_bytes().as_ref()).unwrap()
}
```

## Use instead
```rust
pub fn temp_id(member_id: i64, key: &PseudonymKey) -> [u8; 16] {
    // Better still: a random ID in a mapping table. If it must be derived, a deterministic
    // keyed construction (AES-SIV or HMAC) with the key loaded from configuration.
    key.siv_encrypt(&member_id.to_be_bytes())
}
```

## Known limitations
- Nonces and keys are followed within one function (literals, `let` bindings, `from_slice`,
  `new`, `into`); a constant declared elsewhere (`const KEY: [u8; 32] = ..`) is not
  recognised as a literal key.
- Counters used as nonces are not judged (they are fine when never repeated per key).

## References
- CWE-323: Reusing a Nonce, Key Pair in Encryption
- CWE-321: Use of Hard-coded Cryptographic Key
- CWE-327: Use of a Broken or Risky Cryptographic Algorithm
- OWASP API1:2023 Broken Object Level Authorization
"#;

const HELP: &str = "load the key from configuration and use a fresh random nonce per message (or AES-SIV for deterministic IDs); better still, give clients a random ID kept in a mapping table";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let path = index.path(file);
    let mut out = Vec::new();
    for enc in &index.files()[file as usize].encrypts {
        let key = enc.plaintext.as_ref().and_then(|p| {
            crate::common::key_of(ctx, file, p, &enc.target_names, enc.target_names.last().map(String::as_str), true)
        });
        let named_plaintext =
            enc.plaintext.as_ref().filter(|p| p.names.iter().any(|n| crate::common::names_an_id(ctx.vocab, n)));
        let id_target = enc.target_names.iter().find(|n| crate::common::names_an_id(ctx.vocab, n));
        if key.is_none() && named_plaintext.is_none() && id_target.is_none() {
            continue;
        }
        let what = match (named_plaintext, id_target) {
            (Some(p), _) => format!("ID `{}`", p.text),
            (None, Some(target)) => format!("the ID of `{target}`"),
            (None, None) => "an ID".to_owned(),
        };
        let class = key.as_ref().map_or(SubjectClass::Content, |k| k.subject.class);
        let weaknesses: Vec<&str> = enc.weaknesses.iter().map(|w| w.what.as_str()).collect();
        let message = format!(
            "{what} is encrypted by {} with {}: anyone can repeat or undo it",
            enc.api,
            weaknesses.join(" and ")
        );
        let mut labels: Vec<Label> = enc
            .weaknesses
            .iter()
            .filter(|w| w.span != enc.span)
            .map(|w| Label { location: Location::new(path, w.span), message: w.what.clone() })
            .collect();
        if let Some(key) = &key {
            labels.extend(key.labels(index));
        }
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: enc.span,
            symbol: item_path(&[&enc.scope, enc.api.trim_matches('`')]),
            subject: class,
            severity: Severity::Error,
            message,
            primary_label: "the same ID always gives the same ciphertext, or anyone with the source decrypts it"
                .to_owned(),
            labels,
            help: HELP.to_owned(),
        };
        out.push(finding.diagnostic());
    }
    out
}
