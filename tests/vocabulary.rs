//! One vocabulary: each `[identifiers]` entry takes effect in every rule where a user key
//! can appear. A table of (entry, rule, source): with the entry configured the rule reports
//! what the table says, without it the rule says something else, in both selection modes
//! (the prefilter and `--no-prefilter` must both read the configured words).

use std::path::PathBuf;

use idguard_core::ScanOptions;
use idguard_core::subject::Vocabulary;

/// Which `[identifiers]` entry a row configures.
#[derive(Clone, Copy, Debug)]
enum Entry {
    /// `user-names = ["subscriberkey"]`.
    UserNames,
    /// `user-types = ["Patron"]`.
    UserTypes,
    /// `opaque-types = ["PublicId"]`.
    OpaqueTypes,
}

impl Entry {
    fn vocabulary(self) -> Vocabulary {
        let mut vocab = Vocabulary::default();
        match self {
            Entry::UserNames => vocab.user_names = vec!["subscriberkey".to_owned()],
            Entry::UserTypes => vocab.user_types = vec!["Patron".to_owned()],
            Entry::OpaqueTypes => vocab.opaque_types = vec!["PublicId".to_owned()],
        }
        vocab
    }
}

/// (entry, rule, the rule's errors with the entry, its errors without it, source).
const TABLE: &[(Entry, &str, usize, usize, &str)] = &[
    (
        Entry::UserNames,
        "sequential-id-in-response",
        1,
        0,
        "#[derive(Serialize)]\npub struct Card { pub subscriberkey: i64 }\npub async fn card() -> Json<Card> { todo!() }\n",
    ),
    (
        Entry::UserNames,
        "sequential-id-in-request",
        1,
        0,
        "pub async fn show(Path(subscriberkey): Path<i64>) -> Json<String> { todo!() }\n",
    ),
    (
        Entry::UserNames,
        "linkable-pseudonym",
        1,
        0,
        "pub fn temp_id(room_id: u64, subscriberkey: u64) -> String { format!(\"{room_id}-{subscriberkey}\") }\n",
    ),
    (
        Entry::UserNames,
        "reversible-id-encoding",
        1,
        0,
        "pub fn public_ref(subscriberkey: u64) -> String { hex::encode(subscriberkey.to_be_bytes()) }\n",
    ),
    (
        Entry::UserNames,
        "predictable-id-generator",
        1,
        0,
        "static NEXT: AtomicU64 = AtomicU64::new(1);\npub fn register() -> u64 {\n    let subscriberkey = NEXT.fetch_add(1, Ordering::SeqCst);\n    subscriberkey\n}\n",
    ),
    (
        Entry::UserNames,
        "weak-id-encryption",
        1,
        0,
        "pub fn seal(cipher: &Aes256Gcm, subscriberkey: u64) -> Vec<u8> {\n    cipher.encrypt(Nonce::from_slice(&[0u8; 12]), subscriberkey.to_be_bytes().as_ref()).unwrap()\n}\n",
    ),
    (
        Entry::UserTypes,
        "sequential-id-in-response",
        1,
        0,
        "#[derive(Serialize)]\npub struct Patron { pub id: i64 }\npub async fn patron() -> Json<Patron> { todo!() }\n",
    ),
    (
        Entry::UserTypes,
        "sequential-id-in-request",
        1,
        0,
        "pub async fn show_patron(Path(id): Path<i64>) -> Json<String> { todo!() }\n",
    ),
    (
        Entry::UserTypes,
        "reversible-id-encoding",
        1,
        0,
        "pub fn public_ref(patron: &Patron) -> String { hex::encode(patron.id.to_be_bytes()) }\npub struct Patron { pub id: i64 }\n",
    ),
    (
        Entry::OpaqueTypes,
        "sequential-id-in-response",
        0,
        1,
        "pub struct PublicId(pub i64);\n#[derive(Serialize)]\npub struct Card { pub member_id: PublicId }\npub async fn card() -> Json<Card> { todo!() }\n",
    ),
    (
        Entry::OpaqueTypes,
        "sequential-id-in-request",
        0,
        1,
        "pub struct PublicId(pub i64);\npub async fn show(Path(member_id): Path<PublicId>) -> Json<String> { todo!() }\n",
    ),
    (
        Entry::OpaqueTypes,
        "reversible-id-encoding",
        0,
        1,
        "pub struct PublicId(pub i64);\npub fn public_ref(member_id: PublicId) -> String { hex::encode(member_id.to_string()) }\n",
    ),
];

/// The errors `rule` reports on `source` (as `src/lib.rs`) with `vocab`, the same in both
/// selection modes.
fn errors(rule: &str, source: &str, vocab: &Vocabulary) -> usize {
    let mut counts = Vec::new();
    for prefilter in [true, false] {
        let mut options = ScanOptions::new(PathBuf::from("/nonexistent-idguard-root"));
        options.jobs = Some(1);
        options.vocab = vocab.clone();
        options.prefilter = prefilter;
        let sources = vec![("src/lib.rs".to_owned(), source.as_bytes().to_vec())];
        let report = idguard_core::engine::scan_sources(&options, idguard_lints::REGISTRY, &sources).unwrap();
        counts.push(
            report.diagnostics.iter().filter(|d| d.rule == rule && d.severity == idguard_core::Severity::Error).count(),
        );
    }
    assert_eq!(counts[0], counts[1], "`{rule}`: --no-prefilter reports otherwise on\n{source}");
    counts[0]
}

#[test]
fn every_identifiers_entry_reaches_every_rule_where_a_user_key_appears() {
    for (entry, rule, with, without, source) in TABLE {
        assert!(idguard_lints::find(rule).is_some(), "unknown rule `{rule}`");
        assert_eq!(errors(rule, source, &entry.vocabulary()), *with, "`{rule}` with {entry:?} on\n{source}");
        assert_eq!(errors(rule, source, &Vocabulary::default()), *without, "`{rule}` without {entry:?} on\n{source}");
    }
}

#[test]
fn the_table_covers_every_rule_that_reads_names() {
    // Rules that judge whose key a name is; `decrypted-id-echo` reports any decrypted client
    // value sent back, whatever its name, and the evidence rules read no names.
    let reads_names = [
        "sequential-id-in-response",
        "sequential-id-in-request",
        "linkable-pseudonym",
        "reversible-id-encoding",
        "predictable-id-generator",
        "weak-id-encryption",
    ];
    for rule in reads_names {
        assert!(
            TABLE.iter().any(|(entry, r, ..)| *r == rule && matches!(entry, Entry::UserNames)),
            "no `user-names` row for `{rule}`"
        );
    }
}
