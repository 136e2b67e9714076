//! The facts cache: a warm run prints exactly what a cold run prints; a corrupt or
//! truncated cache is ignored; a changed file, a changed configuration and a new version
//! (a different cache key, see `idguard_core::cache` tests) are not served stale facts.

use std::path::Path;
use std::process::Command;

const VIEW: &str = "#[derive(Serialize)]\npub struct UserView {\n    pub user_id: i64,\n}\n\npub async fn get_user() -> Json<UserView> {\n    todo!()\n}\n";

fn run(root: &Path, cache: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_idguard"))
        .args(["check", "--format", "json", "--show-notes", "--root"])
        .arg(root)
        .arg("--cache-dir")
        .arg(cache)
        .args(extra)
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn cache_files(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default()
}

#[test]
fn warm_runs_match_cold_runs_and_stale_facts_are_never_served() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/users.rs"), VIEW).unwrap();
    std::fs::write(root.join("src/ids.rs"), "pub type MemberNo = u64;\n").unwrap();
    std::fs::write(
        root.join("src/members.rs"),
        "#[derive(Serialize)]\npub struct MemberView {\n    pub member: crate::ids::MemberNo,\n}\n",
    )
    .unwrap();

    let cold = run(&root, &cache, &["--no-cache"]);
    let first = run(&root, &cache, &[]);
    assert_eq!(cache_files(&cache).len(), 1, "one cache file is written");
    let written = std::fs::metadata(&cache_files(&cache)[0]).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let warm = run(&root, &cache, &[]);
    assert_eq!(cold, first);
    assert_eq!(cold, warm, "a warm run prints exactly what a cold run prints");
    let after = std::fs::metadata(&cache_files(&cache)[0]).unwrap().modified().unwrap();
    assert_eq!(written, after, "a warm run on an unchanged tree does not rewrite the cache");

    // A removed file: the cache is rewritten without it, and nothing of it is served.
    std::fs::write(root.join("src/extra.rs"), VIEW.replace("UserView", "ExtraView")).unwrap();
    assert!(run(&root, &cache, &[]).contains("ExtraView"));
    std::fs::remove_file(root.join("src/extra.rs")).unwrap();
    let removed = run(&root, &cache, &[]);
    assert!(!removed.contains("ExtraView"), "{removed}");
    assert_eq!(removed, cold);

    // Corrupt, then truncated: ignored and rebuilt.
    let file = cache_files(&cache).remove(0);
    std::fs::write(&file, b"not a cache").unwrap();
    assert_eq!(run(&root, &cache, &[]), cold);
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 3]).unwrap();
    assert_eq!(run(&root, &cache, &[]), cold);

    // A changed file: its new facts are used (the alias is now a UUID).
    std::fs::write(root.join("src/ids.rs"), "pub type MemberNo = uuid::Uuid;\n").unwrap();
    let changed = run(&root, &cache, &[]);
    assert!(!changed.contains("MemberView.member"), "{changed}");
    assert_eq!(changed, run(&root, &cache, &["--no-cache"]));

    // A changed configuration: another cache key, so another cache file.
    std::fs::write(root.join("idguard.toml"), "[files]\nmax-file-size = 100\n").unwrap();
    let configured = run(&root, &cache, &[]);
    assert!(configured.contains("size limit"), "{configured}");
    assert_eq!(configured, run(&root, &cache, &["--no-cache"]));
    assert_eq!(cache_files(&cache).len(), 1, "the stale key's file is removed");
}

#[test]
fn a_handler_is_lowered_again_when_an_alias_of_a_response_wrapper_comes_or_goes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(root.join("src")).unwrap();
    let card = "#[derive(Serialize)]\npub struct MemberCard {\n    pub member_id: i64,\n}\n\npub async fn card() -> ApiJson<MemberCard> {\n    todo!()\n}\n";
    std::fs::write(root.join("src/api.rs"), card).unwrap();
    let alias = "pub type ApiJson<T> = axum::Json<T>;\n";
    let other = "pub type ApiJson<T> = std::sync::Arc<T>;\n";
    let mut reports = Vec::new();
    // The alias file changes while the handler's file (and its cached facts) stays the same.
    for types in [alias, other, alias] {
        std::fs::write(root.join("src/types.rs"), types).unwrap();
        let cold = run(&root, &cache, &["--no-cache"]);
        let warm = run(&root, &cache, &[]);
        assert_eq!(cold, warm, "with `{types}`");
        assert_eq!(run(&root, &cache, &[]), cold, "again with `{types}`");
        reports.push(cold);
    }
    let errors = |report: &str| report.matches("\"severity\": \"error\"").count();
    assert_eq!(errors(&reports[0]), 1, "{}", reports[0]);
    assert_eq!(errors(&reports[1]), 0, "{}", reports[1]);
    assert_eq!(reports[0], reports[2]);
}

/// An editor's warm workspace (`idguard lsp`) reports what a cold scan of the same contents
/// reports, after each buffer change, save and new file, including what only on-demand
/// resolution sees (an alias declared in a file no prefilter selects).
#[test]
fn a_warm_workspace_reports_what_a_cold_scan_reports() {
    use idguard_core::{ScanOptions, Workspace};
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/users.rs"), VIEW).unwrap();
    std::fs::write(root.join("src/ids.rs"), "pub type MemberNo = u64;\n").unwrap();
    let members = "#[derive(Serialize)]\npub struct MemberView {\n    pub member: crate::ids::MemberNo,\n}\n\npub async fn member() -> Json<MemberView> {\n    todo!()\n}\n";
    std::fs::write(root.join("src/members.rs"), members).unwrap();
    let options = || {
        let mut options = ScanOptions::new(root.clone());
        options.report.show_notes = true;
        options
    };
    let cold = |overlay: &[(&str, &str)]| {
        let mut options = options();
        options.overlay = overlay.iter().map(|(p, t)| ((*p).to_owned(), t.as_bytes().to_vec())).collect();
        idguard_core::render::json::render(&idguard_core::scan(&options, idguard_lints::REGISTRY).unwrap())
    };
    let mut workspace = Workspace::open(options()).unwrap();
    let warm = |workspace: &mut Workspace| {
        idguard_core::render::json::render(&workspace.scan(idguard_lints::REGISTRY).unwrap())
    };
    let first = warm(&mut workspace);
    assert!(first.contains("MemberView.member"), "{first}");
    assert_eq!(first, cold(&[]));
    assert_eq!(warm(&mut workspace), first, "an unchanged workspace reports the same");

    // A buffer makes the alias opaque: the member key is no longer sequential.
    let opaque = "pub type MemberNo = uuid::Uuid;\n";
    workspace.set_buffer("src/ids.rs", Some(opaque.as_bytes().to_vec()));
    let edited = warm(&mut workspace);
    assert_ne!(edited, first);
    assert!(!edited.contains("MemberView.member"), "{edited}");
    assert_eq!(edited, cold(&[("src/ids.rs", opaque)]));

    // Closed without saving: back to the disk's contents.
    workspace.set_buffer("src/ids.rs", None);
    assert_eq!(warm(&mut workspace), first);

    // Saved on disk by another program; then a new file, seen after a walk.
    std::fs::write(root.join("src/ids.rs"), opaque).unwrap();
    workspace.changed_on_disk("src/ids.rs");
    assert_eq!(warm(&mut workspace), cold(&[]));
    std::fs::write(root.join("src/extra.rs"), VIEW.replace("UserView", "ExtraView")).unwrap();
    workspace.rewalk();
    let grown = warm(&mut workspace);
    assert!(grown.contains("ExtraView"), "{grown}");
    assert_eq!(grown, cold(&[]));

    // A declaring file with a syntax error is reported only while a looked-up name sends the
    // scan to it: what the previous scan asked for must not keep it reported.
    std::fs::write(root.join("src/ids.rs"), "pub type MemberNo = u64;\nfn broken( {\n").unwrap();
    workspace.changed_on_disk("src/ids.rs");
    let broken = warm(&mut workspace);
    assert!(broken.contains("parse-error"), "{broken}");
    assert_eq!(broken, cold(&[]));
    let unused = members.replace("crate::ids::MemberNo", "uuid::Uuid");
    workspace.set_buffer("src/members.rs", Some(unused.as_bytes().to_vec()));
    let after = warm(&mut workspace);
    assert!(!after.contains("parse-error"), "nothing asks for `MemberNo` any more: {after}");
    assert_eq!(after, cold(&[("src/members.rs", unused.as_str())]));

    // A file nothing selects starts declaring what another file uses: the lexical
    // candidates kept from the last scan must not hide it.
    std::fs::write(root.join("src/ids.rs"), "pub type Other = u8;\n").unwrap();
    workspace.changed_on_disk("src/ids.rs");
    workspace.set_buffer("src/members.rs", None);
    let undeclared = warm(&mut workspace);
    assert!(!undeclared.contains("MemberView.member"), "{undeclared}");
    assert_eq!(undeclared, cold(&[]));
    assert_eq!(warm(&mut workspace), undeclared, "a steady state");
    let declared = "pub type Other = u8;\npub type MemberNo = u64;\n";
    workspace.set_buffer("src/ids.rs", Some(declared.as_bytes().to_vec()));
    let found = warm(&mut workspace);
    assert!(found.contains("MemberView.member"), "{found}");
    assert_eq!(found, cold(&[("src/ids.rs", declared)]));
}
