//! SARIF output is valid SARIF 2.1.0: every SARIF document the tests produce (each
//! fixture, the CLI transcripts' projects, a hostile tree) is validated against the
//! official schema (`tests/data/sarif-schema-2.1.0.json`, a copy of the OASIS schema).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn sarif_of(root: &Path, extra: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_idguard"))
        .args(["check", "--no-cache", "--format", "sarif", "--show-notes", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("SARIF is JSON")
}

fn assert_valid(validator: &jsonschema::Validator, doc: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what}: SARIF is not valid:\n{}", errors.join("\n"));
}

#[test]
fn every_sarif_the_tests_produce_is_valid() {
    let validator = validator();
    let mut roots: Vec<PathBuf> = std::fs::read_dir(repo().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "rs"))
        .collect();
    roots.extend(
        std::fs::read_dir(repo().join("tests/cmd"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "in")),
    );
    roots.sort();
    let mut results = 0;
    for root in &roots {
        let doc = sarif_of(root, &[]);
        assert_valid(&validator, &doc, &root.display().to_string());
        results += doc["runs"][0]["results"].as_array().map_or(0, Vec::len);
    }
    assert!(results > 30, "the fixtures should produce findings: {results}");
}

#[test]
fn sarif_carries_what_code_scanning_uses() {
    let doc = sarif_of(&repo().join("fixtures/sequential_id_in_response_workspace"), &[]);
    assert_valid(&validator(), &doc, "workspace fixture");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule = rules.iter().find(|r| r["id"] == "sequential-id-in-response").unwrap();
    assert!(rule["shortDescription"]["text"].as_str().unwrap().contains("serialized"));
    assert!(rule["fullDescription"]["text"].as_str().unwrap().starts_with("Finds integer keys"));
    assert!(rule["help"]["markdown"].as_str().unwrap().contains("## Use instead"));
    assert_eq!(rule["properties"]["security-severity"], "7.5");
    let tags: Vec<&str> = rule["properties"]["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(
        tags.contains(&"security") && tags.contains(&"external/cwe/cwe-200") && tags.contains(&"external/cwe/cwe-359"),
        "{tags:?}"
    );
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "sequential-id-in-response");
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "crates/api/src/dto.rs");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 15);
    assert_eq!(
        result["partialFingerprints"]["idguardFingerprint/v1"],
        "sequential-id-in-response:crates/api/src/dto.rs:dto::MemberDto.member"
    );
    let related = result["relatedLocations"].as_array().unwrap();
    assert!(related.iter().any(|l| l["physicalLocation"]["artifactLocation"]["uri"] == "crates/model/src/ids.rs"));
    assert!(related.iter().any(|l| l["message"]["text"].as_str().unwrap().contains("show_member")));
}

#[test]
fn paths_needing_escapes_stay_valid_uris() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("src/with space/ünï");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("100%.rs"), "#[derive(Serialize)]\npub struct UserView {\n    pub user_id: i64,\n}\n")
        .unwrap();
    let doc = sarif_of(tmp.path(), &[]);
    assert_valid(&validator(), &doc, "escaped paths");
    let uri =
        doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
    assert_eq!(uri, "src/with%20space/%C3%BCn%C3%AF/100%25.rs");
}
