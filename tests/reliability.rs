//! Reliability: panics are isolated per file and rule, output is byte-identical whatever
//! the thread count, paths and messages are escaped in every format, and the span map of
//! the parser does not grow over a long scan.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use idguard_core::report::ReportOptions;
use idguard_core::{Diagnostic, Rule, ScanOptions, Severity};

const FINDING: &str = "#[derive(Serialize)]\npub struct UserView {\n    pub user_id: i64,\n}\n\npub async fn get_user() -> Json<UserView> {\n    todo!()\n}\n";

fn idguard(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_idguard"))
        .arg("check")
        .arg("--no-cache")
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("IDGUARD_INTERNAL_PANIC_ON")
        .output()
        .expect("idguard runs")
}

#[test]
fn a_panic_while_parsing_one_file_is_an_internal_error_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("good.rs"), FINDING).unwrap();
    std::fs::write(tmp.path().join("boom.rs"), FINDING.replace("UserView", "BoomView")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_idguard"))
        .args(["check", "--format", "json", "--root"])
        .arg(tmp.path())
        .env("IDGUARD_INTERNAL_PANIC_ON", "boom.rs")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the report is still complete JSON");
    let diags = doc["diagnostics"].as_array().unwrap();
    let internal: Vec<_> = diags.iter().filter(|d| d["rule"] == "internal-error").collect();
    assert_eq!(internal.len(), 1, "{diags:#?}");
    assert_eq!(internal[0]["path"], "boom.rs");
    assert!(internal[0]["message"].as_str().unwrap().contains("while parsing"));
    assert!(diags.iter().any(|d| d["path"] == "good.rs" && d["rule"] == "sequential-id-in-response"));
}

fn panicking_check(ctx: &idguard_core::Context<'_>, file: u32) -> Vec<Diagnostic> {
    assert!(!ctx.index.path(file).ends_with("boom.rs"), "this rule cannot handle boom.rs");
    Vec::new()
}

const PANICKING: Rule = Rule {
    name: "panicking-rule",
    default_severity: Severity::Warning,
    summary: "panics on boom.rs",
    security_severity: None,
    doc: "",
    stands_with: &[],
    check: panicking_check,
};

#[test]
fn a_panic_in_one_rule_on_one_file_names_both_and_the_rest_runs() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("good.rs"), FINDING).unwrap();
    std::fs::write(tmp.path().join("boom.rs"), FINDING.replace("UserView", "BoomView")).unwrap();
    let response = *idguard_lints::find("sequential-id-in-response").unwrap();
    let rules = [response, PANICKING];
    let mut options = ScanOptions::new(tmp.path().to_path_buf());
    options.report = ReportOptions::default();
    let report = idguard_core::scan(&options, &rules).unwrap();
    let internal: Vec<&Diagnostic> = report.diagnostics.iter().filter(|d| d.rule == "internal-error").collect();
    assert_eq!(internal.len(), 1, "{:#?}", report.diagnostics);
    assert_eq!(internal[0].location.path, "boom.rs");
    assert!(internal[0].message.contains("in rule `panicking-rule`"), "{}", internal[0].message);
    // Both files still get the other rule's findings, the panicking file included.
    let found: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "sequential-id-in-response")
        .map(|d| d.location.path.as_str())
        .collect();
    assert_eq!(found, ["boom.rs", "good.rs"]);
}

/// A tree of `n` files: newtypes in one module, DTOs using them across files, handlers.
fn generated_tree(root: &Path, n: usize) {
    let src = root.join("src");
    std::fs::create_dir_all(src.join("dto")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    let mut ids = String::new();
    for i in 0..n / 10 {
        let _ = writeln!(ids, "pub struct Member{i}Id(pub i64);\npub type Room{i}No = u64;");
    }
    std::fs::write(src.join("ids.rs"), ids).unwrap();
    for i in 0..n {
        let k = i / 10;
        let text = format!(
            "use crate::ids::{{Member{k}Id, Room{k}No}};\n\n#[derive(Serialize)]\npub struct View{i} {{\n    pub owner: Member{k}Id,\n    pub room: Room{k}No,\n    pub page: u32,\n    pub id: i64,\n}}\n\npub async fn get_{i}() -> Json<Vec<View{i}>> {{\n    todo!()\n}}\n"
        );
        std::fs::write(src.join("dto").join(format!("view_{i:05}.rs")), text).unwrap();
    }
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    generated_tree(tmp.path(), 1_000);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for (root, format) in [
        (tmp.path(), "json"),
        (tmp.path(), "human"),
        (fixtures.as_path(), "json"),
        (fixtures.as_path(), "sarif"),
        (fixtures.as_path(), "human"),
    ] {
        let one = idguard(&["-q", "--show-notes", "--color", "never", "--format", format, "-j1"], root);
        let four = idguard(&["-q", "--show-notes", "--color", "never", "--format", format, "-j4"], root);
        assert_eq!(one.status.code(), Some(1), "{}", String::from_utf8_lossy(&one.stderr));
        assert!(one.stdout.len() > 1000);
        assert!(one.stdout == four.stdout, "{} ({format}): -j1 and -j4 differ", root.display());
    }
    let json = idguard(&["--format", "json", "-j2"], tmp.path());
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    // Each view: `owner` (user, error) and `room` (entity, warning); `id` of a content type is a note.
    assert_eq!(doc["summary"]["errors"], 1_000);
    assert_eq!(doc["summary"]["warnings"], 1_000);
}

#[test]
fn paths_and_messages_are_escaped_in_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let names = ["with space.rs", "per%cent,comma:colon.rs", "ünïcødé.rs", "new\nline.rs"];
    for name in names {
        std::fs::write(tmp.path().join(name), FINDING).unwrap();
    }
    let json = idguard(&["--format", "json"], tmp.path());
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    let mut paths: Vec<&str> =
        doc["diagnostics"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    paths.sort_unstable();
    let mut expected = names.to_vec();
    expected.sort_unstable();
    assert_eq!(paths, expected);

    let github = String::from_utf8(idguard(&["--format", "github"], tmp.path()).stdout).unwrap();
    assert_eq!(github.lines().count(), names.len(), "one line per finding:\n{github}");
    assert!(github.contains("file=per%25cent%2Ccomma%3Acolon.rs,"), "{github}");
    assert!(github.contains("file=new%0Aline.rs,"), "{github}");
    assert!(github.contains("file=ünïcødé.rs,"), "{github}");

    let sarif = idguard(&["--format", "sarif"], tmp.path());
    let doc: serde_json::Value = serde_json::from_slice(&sarif.stdout).expect("valid SARIF JSON");
    let uris: Vec<&str> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"new%0Aline.rs") && uris.contains(&"with%20space.rs"), "{uris:?}");
}

/// Resident memory of this process, in bytes (Linux).
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[test]
fn the_span_map_does_not_grow_over_a_long_scan() {
    // proc-macro2 keeps every parsed file's text and line table in a per-thread map;
    // idguard clears it after each file. Without that, 1,500 files of 8 KiB on one thread
    // grow it by about 100 MiB (measured: 343 MiB for 5,000).
    let unit = "#[derive(Serialize)]\npub struct V { pub page: u32, pub title: String }\n";
    let text = unit.repeat(8 * 1024 / unit.len());
    let limits = idguard_core::lower::Limits::default();
    for _ in 0..200 {
        let _ =
            idguard_core::lower::lower_text("warmup.rs", &text, &limits, &idguard_core::subject::Vocabulary::default());
    }
    let Some(before) = rss() else { return };
    for i in 0..1_500 {
        let facts =
            idguard_core::lower::lower_text("f.rs", &text, &limits, &idguard_core::subject::Vocabulary::default());
        assert!(facts.parsed, "iteration {i}");
    }
    let grown = rss().unwrap().saturating_sub(before);
    assert!(grown < 16 * 1024 * 1024, "memory grew by {} MiB over 1,500 files", grown / (1024 * 1024));
}

#[test]
fn a_file_that_supplies_declarations_is_read_for_them_in_both_modes() {
    // `ids.rs` has nothing the prefilter looks for: it is parsed on demand for `MemberId`,
    // declarations only, so the syntax error in its function is not its concern; a syntax
    // error in a declaration is. `--no-prefilter` parses it in full and must agree.
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("api.rs"),
        "use crate::ids::{MemberId, RoomNo};\n\n#[derive(Serialize)]\npub struct MemberView {\n    pub member: MemberId,\n    pub room: RoomNo,\n}\n\npub async fn get_member() -> Json<MemberView> {\n    todo!()\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("ids.rs"),
        "/// A member serial.\npub struct MemberId(pub i64);\n\nimpl MemberId {\n    fn broken(&self, ) -> { }\n}\n\npub fn also_broken(x: ) {}\n",
    )
    .unwrap();
    std::fs::write(src.join("rooms.rs"), "pub struct RoomNo { no: }\n").unwrap();
    let lines = |args: &[&str]| {
        let out = idguard(&[&["--format", "json", "--show-notes"], args].concat(), tmp.path());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut found: Vec<String> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{}:{}:{}", d["path"].as_str().unwrap(), d["line"], d["rule"].as_str().unwrap()))
            .collect();
        found.sort();
        (found, out.stdout)
    };
    let (found, prefiltered) = lines(&[]);
    assert_eq!(found, ["src/api.rs:5:sequential-id-in-response", "src/rooms.rs:1:parse-error"]);
    let (_, full) = lines(&["--no-prefilter"]);
    assert!(
        prefiltered == full,
        "--no-prefilter differs:\n{}\n{}",
        String::from_utf8_lossy(&prefiltered),
        String::from_utf8_lossy(&full)
    );
}
