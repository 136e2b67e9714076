//! CLI tests: exit codes, JSON output, `rules`/`explain`, the default command, path
//! scoping, `--output`, `--quiet` and the `cargo idguard` form.

use std::path::Path;
use std::process::{Command, Output};

fn run(bin: &str, args: &[&str], cwd: &Path) -> Output {
    Command::new(bin).args(args).current_dir(cwd).env_remove("NO_COLOR").output().expect("binary runs")
}

fn idguard(args: &[&str], cwd: &Path) -> Output {
    run(env!("CARGO_BIN_EXE_idguard"), args, cwd)
}

/// Stdout with the run time of the summary line (` in 0.01s`) removed.
fn stdout(out: &Output) -> String {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    match text.rfind("idguard: ") {
        Some(summary) => {
            let (head, tail) = text.split_at(summary);
            let mut tail = tail.to_owned();
            if let Some(start) = tail
                .find(" in 0.")
                .or_else(|| tail.rfind(" in ").filter(|i| tail[i + 4..].starts_with(char::is_numeric)))
            {
                let end = tail[start + 4..].find('s').map_or(tail.len(), |e| start + 4 + e + 1);
                tail.replace_range(start..end, "");
            }
            format!("{head}{tail}")
        }
        None => text,
    }
}

const FINDING: &str = "#[derive(Serialize)]\npub struct UserView {\n    pub id: i64,\n    pub email: String,\n}\n\npub async fn get_user() -> Json<UserView> {\n    todo!()\n}\n";
const WARNING_ONLY: &str = "#[derive(Serialize)]\npub struct RoomView {\n    pub room_id: i64,\n}\n\npub async fn get_room() -> Json<RoomView> {\n    todo!()\n}\n";
const CLEAN: &str = "#[derive(Serialize)]\npub struct UserView {\n    pub id: uuid::Uuid,\n    pub page: u32,\n}\n";

/// A scratch project: a workspace manifest and the given `src/` files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    for (name, text) in files {
        let path = tmp.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    tmp
}

#[test]
fn exit_status_is_0_when_clean_1_on_errors_2_on_failure() {
    let clean = project(&[("src/lib.rs", CLEAN)]);
    let out = idguard(&["check"], clean.path());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "idguard: 0 errors, 0 warnings in 1 file\n");

    let dirty = project(&[("src/lib.rs", FINDING)]);
    let out = idguard(&["check", "--color", "never"], dirty.path());
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with("error[sequential-id-in-response]: user serial `UserView.id` is exposed in API responses"),
        "{text}"
    );
    assert!(text.contains("┌─ src/lib.rs:3:9"), "{text}");
    assert!(text.contains("`get_user` returns `Json<UserView>`"), "{text}");
    assert!(text.ends_with("idguard: 1 error, 0 warnings in 1 file\n"), "{text}");

    let missing = idguard(&["check", "--root", "does/not/exist"], dirty.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot scan"));

    let usage = idguard(&["check", "--format", "yaml"], dirty.path());
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn fail_on_warning_counts_warnings() {
    let tmp = project(&[("src/lib.rs", WARNING_ONLY)]);
    assert_eq!(idguard(&["check"], tmp.path()).status.code(), Some(0));
    assert_eq!(idguard(&["check", "--fail-on", "warning"], tmp.path()).status.code(), Some(1));
}

#[test]
fn json_output_follows_the_schema() {
    let tmp = project(&[("src/api/users.rs", FINDING), ("src/other.rs", WARNING_ONLY)]);
    let out = idguard(&["check", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let d = &doc["diagnostics"][0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "rule",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "symbol",
        "subject",
        "labels",
        "help",
        "fingerprint",
    ] {
        assert!(keys.contains(&key), "missing `{key}` in {d:#}");
    }
    assert_eq!(d["rule"], "sequential-id-in-response");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "src/api/users.rs");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(9), Some(3), Some(11))
    );
    assert_eq!(d["symbol"], "api::users::UserView.id");
    assert_eq!(d["subject"], "user");
    assert_eq!(d["fingerprint"], "sequential-id-in-response:src/api/users.rs:api::users::UserView.id");
    assert!(d["labels"].as_array().unwrap().iter().any(|l| l["line"] == 7 && l["path"] == "src/api/users.rs"));
    assert_eq!(doc["diagnostics"][1]["subject"], "entity");
    assert_eq!(doc["diagnostics"][1]["severity"], "warning");
    let summary = &doc["summary"];
    assert_eq!(
        summary,
        &serde_json::json!({"files": 2, "skipped": 0, "errors": 1, "warnings": 1, "notes": 0, "suppressed": 0, "baselined": 0})
    );
}

#[test]
fn notes_are_hidden_unless_asked_for() {
    let tmp = project(&[("src/lib.rs", "#[derive(Serialize)]\npub struct PostView {\n    pub id: i64,\n}\n")]);
    let out = idguard(&["check"], tmp.path());
    assert_eq!(stdout(&out), "idguard: 0 errors, 0 warnings in 1 file (1 note hidden; --show-notes shows them)\n");
    let out = idguard(&["check", "--show-notes", "--color", "never"], tmp.path());
    assert!(
        stdout(&out).starts_with("note[sequential-id-in-response]: sequential key `PostView.id`"),
        "{}",
        stdout(&out)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_is_the_default_command_and_paths_scope_the_report() {
    let tmp = project(&[("src/a.rs", FINDING), ("src/b.rs", FINDING.replace("UserView", "MemberView").as_str())]);
    let all = idguard(&["--format", "json"], tmp.path());
    let doc: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 2);
    let scoped = idguard(&["src/b.rs", "--format", "json"], tmp.path());
    let doc: serde_json::Value = serde_json::from_slice(&scoped.stdout).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0]["path"], "src/b.rs");
    // Run from a subdirectory: the root is still the workspace, paths stay root-relative.
    let sub = idguard(&["b.rs", "--format", "json"], &tmp.path().join("src"));
    assert_eq!(sub.stdout, scoped.stdout);
    let outside = idguard(&["/"], tmp.path());
    assert_eq!(outside.status.code(), Some(2));
}

#[test]
fn output_file_and_quiet() {
    let tmp = project(&[("src/lib.rs", FINDING)]);
    let out = idguard(&["check", "--output", "report.json", "--format", "json"], tmp.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(written["summary"]["errors"], 1);
    let quiet = idguard(&["check", "-q", "--color", "never"], tmp.path());
    assert!(!stdout(&quiet).contains("idguard:"), "{}", stdout(&quiet));
    assert!(stdout(&quiet).contains("error[sequential-id-in-response]"));
}

#[test]
fn color_always_emits_ansi_and_never_does_not() {
    let tmp = project(&[("src/lib.rs", FINDING)]);
    assert!(stdout(&idguard(&["check", "--color", "always"], tmp.path())).contains("\u{1b}["));
    assert!(!stdout(&idguard(&["check", "--color", "never"], tmp.path())).contains("\u{1b}["));
}

#[test]
fn rules_and_explain() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = idguard(&["rules"], here);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for rule in idguard_lints::REGISTRY {
        assert!(text.lines().any(|l| l.starts_with(rule.name) && l.contains(rule.summary)), "{text}");
    }
    let out = idguard(&["explain", "sequential-id-in-response"], here);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("# sequential-id-in-response\n"), "{text}");
    for heading in idguard_core::lint::DOC_HEADINGS {
        assert!(text.contains(&format!("## {heading}")), "{heading}");
    }
    let out = idguard(&["explain", "no-such-rule"], here);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule`"));
}

#[test]
fn cargo_subcommand_form_uses_the_workspace_root() {
    let tmp = project(&[("crates/app/src/lib.rs", FINDING)]);
    std::fs::write(tmp.path().join("crates/app/Cargo.toml"), "[package]\nname = \"app\"\n").unwrap();
    let cargo_bin = env!("CARGO_BIN_EXE_cargo-idguard");
    let out = run(cargo_bin, &["idguard", "--format", "json"], &tmp.path().join("crates/app"));
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["diagnostics"][0]["path"], "crates/app/src/lib.rs");
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = tmp.path().join("crates/app/Cargo.toml");
    let out = run(
        cargo_bin,
        &["idguard", "--manifest-path", manifest.to_str().unwrap(), "--format", "json"],
        elsewhere.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc2: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc, doc2);
}

#[test]
fn stats_go_to_stderr_and_leave_the_report_alone() {
    let dir = project(&[("api.rs", FINDING)]);
    let plain = idguard(&["--format", "json"], dir.path());
    let with = idguard(&["--format", "json", "--stats"], dir.path());
    assert_eq!(plain.stdout, with.stdout, "the report is the same");
    let stderr = String::from_utf8(with.stderr).unwrap();
    assert!(stderr.contains("idguard stats: walk "), "{stderr}");
    assert!(stderr.contains("1 selected"), "{stderr}");
    assert!(stderr.contains("passes of index and rules"), "{stderr}");
    assert!(String::from_utf8(plain.stderr).unwrap().is_empty());
}

#[test]
fn clicolor_force_colors_a_pipe_unless_no_color_says_otherwise() {
    let dir = project(&[("api.rs", FINDING)]);
    let colored = |env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_idguard"));
        cmd.current_dir(dir.path()).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap().contains('\u{1b}')
    };
    assert!(!colored(&[]), "a pipe is not colored by default");
    assert!(colored(&[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&[("CLICOLOR_FORCE", "0")]));
    assert!(!colored(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
}

/// The report in `format` for a project with one error and one warning.
fn formatted(format: &str) -> (String, tempfile::TempDir) {
    let dir = project(&[("users.rs", FINDING), ("rooms.rs", WARNING_ONLY)]);
    let out = idguard(&["--format", format], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), dir)
}

#[test]
fn gitlab_code_quality_report() {
    let (text, _dir) = formatted("gitlab");
    let issues: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(issues.len(), 2, "{text}");
    let mut fingerprints = Vec::new();
    for issue in &issues {
        for key in ["description", "check_name", "fingerprint", "severity", "location"] {
            assert!(issue.get(key).is_some(), "`{key}` missing in {issue}");
        }
        assert!(issue["location"]["path"].is_string() && issue["location"]["lines"]["begin"].is_u64());
        assert!(["info", "minor", "major", "critical", "blocker"].contains(&issue["severity"].as_str().unwrap()));
        fingerprints.push(issue["fingerprint"].as_str().unwrap().to_owned());
    }
    let severities: Vec<&str> = issues.iter().map(|i| i["severity"].as_str().unwrap()).collect();
    assert_eq!(severities, ["major", "critical"], "rooms.rs (warning) sorts before users.rs (error)");
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 2, "fingerprints are unique");
}

#[test]
fn junit_report_has_one_failing_case_per_finding_and_a_pass_when_clean() {
    use quick_xml::events::Event;
    let count = |text: &str| {
        let mut reader = quick_xml::Reader::from_str(text);
        let (mut cases, mut failures) = (0, 0);
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => cases += 1,
                Event::Start(e) if e.name().as_ref() == b"failure" => failures += 1,
                Event::Eof => break,
                _ => {}
            }
        }
        (cases, failures)
    };
    let (text, _dir) = formatted("junit");
    assert_eq!(count(&text), (2, 2), "{text}");
    let clean = project(&[("ok.rs", CLEAN)]);
    let out = idguard(&["--format", "junit"], clean.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(count(&String::from_utf8(out.stdout).unwrap()), (1, 0));
}

#[test]
fn cargo_json_messages_parse_as_cargo_messages() {
    let (text, dir) = formatted("cargo-json");
    let messages: Vec<cargo_metadata::Message> =
        cargo_metadata::Message::parse_stream(text.as_bytes()).map(|m| m.expect("a cargo message")).collect();
    assert_eq!(messages.len(), 3, "{text}");
    let mut rules = Vec::new();
    for message in &messages[..2] {
        let cargo_metadata::Message::CompilerMessage(m) = message else { panic!("{message:?}") };
        let code = m.message.code.as_ref().expect("the rule as code");
        rules.push(code.code.clone());
        let primary: Vec<_> = m.message.spans.iter().filter(|s| s.is_primary).collect();
        assert_eq!(primary.len(), 1);
        assert!(dir.path().join(&primary[0].file_name).is_file(), "span paths are relative to the root");
        assert!(primary[0].line_start >= 1 && primary[0].column_start >= 1);
        assert!(m.message.rendered.as_deref().unwrap_or_default().contains(&code.code));
    }
    assert_eq!(rules, ["sequential-id-in-response", "sequential-id-in-response"]);
    assert!(matches!(messages[2], cargo_metadata::Message::BuildFinished(ref f) if !f.success));
}

/// Runs git in `dir`, quietly, with a fixed identity.
fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn staged_judges_the_index_not_the_working_tree() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("git is not installed: skipped");
        return;
    }
    let dir = project(&[("src/users.rs", CLEAN)]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "clean"]);
    let users = dir.path().join("src/users.rs");
    // A flaw staged, then fixed only in the working tree: the commit would hold the flaw.
    std::fs::write(&users, FINDING).unwrap();
    git(dir.path(), &["add", "src/users.rs"]);
    std::fs::write(&users, CLEAN).unwrap();
    let out = idguard(&["--staged", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "the staged flaw is reported: {}", stdout(&out));
    let human = idguard(&["--staged"], dir.path());
    assert!(stdout(&human).contains("pub id: i64,"), "the snippet shows the staged text: {}", stdout(&human));
    // The reverse: a fix staged, the flaw left in the working tree: the commit is clean.
    std::fs::write(&users, FINDING).unwrap();
    git(dir.path(), &["add", "src/users.rs"]);
    git(dir.path(), &["commit", "-q", "-m", "flaw"]);
    std::fs::write(&users, CLEAN).unwrap();
    git(dir.path(), &["add", "src/users.rs"]);
    std::fs::write(&users, FINDING).unwrap();
    let out = idguard(&["--staged"], dir.path());
    assert_eq!(out.status.code(), Some(0), "the staged fix passes: {}", stdout(&out));
    // A file staged, then deleted from the working tree, is judged as staged.
    std::fs::write(dir.path().join("src/extra.rs"), FINDING.replace("UserView", "MemberView")).unwrap();
    git(dir.path(), &["add", "src/extra.rs"]);
    std::fs::remove_file(dir.path().join("src/extra.rs")).unwrap();
    let out = idguard(&["--staged", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("MemberView.id"), "{}", stdout(&out));
}

#[test]
fn a_templates_directory_above_the_root_makes_no_file_a_template() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("templates").join("project");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
    std::fs::write(root.join("src/lib.rs"), CLEAN).unwrap();
    std::fs::write(root.join("NOTES.md"), "Not Rust: {{ anything }} fn (\n").unwrap();
    let out = idguard(&["--format", "json", "--show-notes"], &root);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 1, "only src/lib.rs is read: {doc}");
}

/// One symbol scheme: every finding on a Rust item is named from the crate root (the module
/// path of its file, then the item), fields as `ITEM.member` and anything inside a function
/// as `FUNCTION::value`; schema evidence as `table.column`.
#[test]
fn every_symbol_follows_one_scheme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = idguard(&["check", "fixtures", "--format", "json", "--show-notes", "--no-cache"], root);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut checked = std::collections::BTreeSet::new();
    for d in doc["diagnostics"].as_array().unwrap() {
        let (rule, path) = (d["rule"].as_str().unwrap(), d["path"].as_str().unwrap());
        let Some(symbol) = d["symbol"].as_str() else {
            assert!(matches!(rule, "parse-error" | "invalid-suppression"), "`{rule}` in {path} has no symbol: {d}");
            continue;
        };
        if rule == "sequential-user-key" {
            assert!(symbol.split('.').count() == 2 && !symbol.contains("::"), "`{symbol}` is `table.column`");
            continue;
        }
        if Path::new(path).extension().is_some_and(|e| e.eq_ignore_ascii_case("proto")) {
            // The package path, as the generated Rust module is named.
            assert!(symbol.contains("::") && symbol.contains('.'), "`{symbol}` is `package::Message.field`");
            continue;
        }
        let module = idguard_core::lower::module_of_path(path);
        assert!(
            module.is_empty() || symbol.starts_with(&format!("{module}::")),
            "`{rule}` in {path}: `{symbol}` does not start with the file's module `{module}`"
        );
        let rest = symbol.strip_prefix(&format!("{module}::")).unwrap_or(symbol);
        assert!(!rest.is_empty() && !rest.starts_with("::"), "`{symbol}` names an item after the module");
        checked.insert(rule.to_owned());
    }
    for rule in [
        "sequential-id-in-response",
        "sequential-id-in-request",
        "predictable-id-generator",
        "reversible-id-encoding",
        "weak-id-encryption",
        "linkable-pseudonym",
        "decrypted-id-echo",
    ] {
        assert!(checked.contains(rule), "the fixtures name no `{rule}` finding: the scheme is not checked for it");
    }
}
