//! Hostile input: idguard must never panic, hang or overflow its stack, must report what
//! it could not analyse, must still report the real findings of the other files, and
//! must print byte-identical output whatever the thread count.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const LEVELS: usize = 50_000;

const GOOD: &str = "#[derive(Serialize)]\npub struct UserView {\n    pub user_id: i64,\n}\n\npub async fn get_user() -> Json<UserView> {\n    todo!()\n}\n";

/// Runs idguard with a deadline; a hang is a test failure, not a stuck CI job.
fn idguard(root: &Path, extra: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_idguard"))
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(["--format", "json", "--color", "never"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("idguard starts");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait works").is_some() {
            return child.wait_with_output().expect("output is readable");
        }
        if start.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("idguard hung on {}", root.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn write(dir: &Path, name: &str, contents: impl AsRef<[u8]>) {
    std::fs::write(dir.join(name), contents).expect("write fixture");
}

/// Builds the hostile tree.
fn hostile_tree(dir: &Path) {
    write(dir, "good.rs", GOOD);
    let n = LEVELS;
    // Each hostile file also serializes a type, so it is one idguard must parse.
    let marked = |dir: &Path, name: &str, text: String| {
        write(dir, name, format!("#[derive(Serialize)]\npub struct Marker;\n{text}"));
    };
    // Outside function bodies (which are masked before parsing, see below).
    // Expressions in array lengths of types (function bodies and const values are masked
    // before parsing, see below).
    marked(dir, "deep_parens.rs", format!("type A = [u8; {}1{}];\n", "(".repeat(n), ")".repeat(n)));
    marked(dir, "deep_blocks.rs", format!("type A = [u8; {}1{}];\n", "{".repeat(n), "}".repeat(n)));
    marked(dir, "deep_types.rs", format!("type T = {}i64{};\n", "Vec<".repeat(n), ">".repeat(n)));
    marked(dir, "deep_unary.rs", format!("type A = [u8; {}1];\n", "- ".repeat(n)));
    marked(dir, "deep_binary.rs", format!("type A = [u8; 1{}];\n", " + 1".repeat(n)));
    marked(dir, "deep_methods.rs", format!("fn f() {{ x{}; }}\n", ".a()".repeat(n)));
    // The value model walks the bodies it keeps (a pseudonym, an encryption call): deep
    // arithmetic, nested constructor calls and long sums inside them, just under the
    // nesting limit.
    let value_depth = 4_500;
    write(
        dir,
        "deep_value_model.rs",
        format!(
            "pub fn temp_id(member_id: i64, room_id: i64) -> Vec<u8> {{\n    let nonce = Nonce::{}b\"x\"{};\n    let temp_ref = {}member_id{};\n    let anon_id = member_id{};\n    cipher.encrypt(nonce, member_id.to_be_bytes().as_ref()).unwrap()\n}}\n",
            "from(".repeat(value_depth),
            ")".repeat(value_depth),
            "(".repeat(value_depth),
            " + room_id)".repeat(value_depth),
            " + room_id".repeat(n),
        ),
    );
    marked(dir, "deep_refs.rs", format!("type R = {}i64;\n", "&".repeat(n)));
    marked(dir, "deep_closures.rs", format!("type A = [u8; {}0];\n", "|| ".repeat(n)));
    marked(dir, "deep_mut_refs.rs", format!("type R<'a> = {}i64;\n", "&'a mut ".repeat(n)));
    marked(dir, "deep_returns.rs", format!("type A = [u8; {}0];\n", "return ".repeat(n)));
    // Function and method bodies and const values are blanked before parsing: however
    // deep, they cost nothing.
    write(
        dir,
        "deep_bodies.rs",
        format!(
            "#[derive(Serialize)]\npub struct DeepView {{\n    pub user_id: i64,\n}}\npub async fn deep() -> Json<DeepView> {{ todo!() }}\nfn f() -> i32 {{ {}1{} }}\nimpl S {{ fn g() {{ {}{} }} }}\nconst C: i32 = {}1;\n",
            "(".repeat(n),
            ")".repeat(n),
            "{".repeat(n),
            "}".repeat(n),
            "- ".repeat(n)
        ),
    );
    marked(dir, "deep_slices.rs", format!("type S = {}i64{};\n", "[".repeat(n), "]".repeat(n)));
    // Just under the nesting limit: must parse (and not overflow) in debug builds too.
    write(
        dir,
        "nested_ok.rs",
        format!(
            "#[derive(Serialize)]\npub struct MemberView {{\n    pub member_id: i64,\n}}\npub async fn member() -> Json<MemberView> {{ todo!() }}\ntype Deep = {}i64{};\nfn f() -> i32 {{ {}1{} }}\nfn g() {{ {}{} }}\n",
            "Vec<".repeat(4900),
            ">".repeat(4900),
            "(".repeat(4900),
            ")".repeat(4900),
            "{".repeat(4900),
            "}".repeat(4900)
        ),
    );
    let mut binary: Vec<u8> = (0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    binary.extend_from_slice(&[0, 0xff, 0xfe, 0x80]);
    write(dir, "binary.rs", binary);
    write(
        dir,
        "bom_crlf.rs",
        "\u{feff}// BOM and CRLF\r\n#[derive(Serialize)]\r\npub struct MemberView {\r\n    pub member_no: i64,\r\n}\r\npub async fn member() -> Json<MemberView> {\r\n    todo!()\r\n}\r\n",
    );
    marked(dir, "unterminated.rs", "pub const S: &str = \"never closed;\n".to_owned());
    let mut big = std::fs::File::create(dir.join("big.rs")).unwrap();
    let line = "pub const FILLER: [u8; 64] = [0u8; 64]; // padding padding padding padding padding\n";
    for _ in 0..=(40 * 1024 * 1024 / line.len()) {
        big.write_all(line.as_bytes()).unwrap();
    }
    drop(big);
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        std::fs::create_dir(dir.join("loop")).unwrap();
        symlink("..", dir.join("loop/back")).unwrap();
        symlink(dir.join("self_loop.rs"), dir.join("self_loop.rs")).unwrap();
        let outside = dir.parent().unwrap().join(format!("{}-outside", dir.file_name().unwrap().to_string_lossy()));
        std::fs::create_dir_all(&outside).unwrap();
        write(&outside, "secret.rs", GOOD.replace("UserView", "OutsideView"));
        symlink(outside.join("secret.rs"), dir.join("outside.rs")).unwrap();
        symlink(&outside, dir.join("outside_dir")).unwrap();
        let fifo = dir.join("x.rs");
        let status = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(status.success());
    }
}

#[test]
fn hostile_tree_is_survived_reported_and_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("tree");
    std::fs::create_dir(&root).unwrap();
    hostile_tree(&root);

    let one = idguard(&root, &["-j1"]);
    let two = idguard(&root, &["-j2"]);
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert_eq!(one.status.code(), Some(1), "exit 1 for the findings; stderr: {stderr}");
    assert_eq!(one.stdout, two.stdout, "output differs between -j1 and -j2");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let doc: serde_json::Value = serde_json::from_slice(&one.stdout).expect("valid JSON");
    let diags = doc["diagnostics"].as_array().unwrap();
    let find =
        |path: &str, rule: &str| diags.iter().filter(|d| d["path"] == path && d["rule"] == rule).collect::<Vec<_>>();

    // The real findings of the other files.
    let good = find("good.rs", "sequential-id-in-response");
    assert_eq!(good.len(), 1, "{diags:#?}");
    assert_eq!(good[0]["line"], 3);
    assert_eq!(good[0]["severity"], "error");
    let bom = find("bom_crlf.rs", "sequential-id-in-response");
    assert_eq!(bom.len(), 1, "{diags:#?}");
    assert_eq!((bom[0]["line"].as_u64(), bom[0]["column"].as_u64()), (Some(4), Some(9)));
    // Long binary and method chains are parsed iteratively: analysed, not skipped.
    for path in ["deep_binary.rs", "deep_methods.rs"] {
        assert!(find(path, "parse-error").is_empty(), "{path}: {diags:#?}");
    }
    let bodies = find("deep_bodies.rs", "sequential-id-in-response");
    assert_eq!(bodies.len(), 1, "deep function bodies do not stop the analysis: {diags:#?}");
    let value = find("deep_value_model.rs", "linkable-pseudonym");
    assert_eq!(value.len(), 2, "deep expressions in kept bodies are analysed: {diags:#?}");
    assert_eq!(find("deep_value_model.rs", "weak-id-encryption").len(), 1, "{diags:#?}");
    let nested = find("nested_ok.rs", "sequential-id-in-response");
    assert_eq!(nested.len(), 1, "a file just under the nesting limit is analysed: {diags:#?}");

    // Every file that could not be analysed is reported, with the reason.
    for (path, reason) in [
        ("deep_parens.rs", "nesting"),
        ("deep_blocks.rs", "nesting"),
        ("deep_types.rs", "nesting"),
        ("deep_unary.rs", "nesting"),
        ("deep_refs.rs", "nesting"),
        ("deep_closures.rs", "nesting"),
        ("deep_mut_refs.rs", "nesting"),
        ("deep_returns.rs", "nesting"),
        ("deep_slices.rs", "nesting"),
        ("binary.rs", "UTF-8"),
        ("unterminated.rs", "never closed"),
        ("big.rs", "size limit"),
        #[cfg(unix)]
        ("x.rs", "not a regular file"),
    ] {
        let found = find(path, "parse-error");
        assert_eq!(found.len(), 1, "{path}: {diags:#?}");
        let message = found[0]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{path}: {message}");
        assert_eq!(found[0]["severity"], "warning");
    }

    // Nothing from outside the root, through file or directory symlinks.
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(!text.contains("OutsideView"), "{text}");
    assert!(!text.contains("outside"), "{text}");
    assert!(doc["summary"]["skipped"].as_u64().unwrap() >= 15);
}

/// Runs idguard as an unprivileged user when the tests run as root (permissions do not stop
/// root's reads): `setpriv` to `nobody`, with the root made readable to it.
#[cfg(unix)]
fn idguard_unprivileged(root: &Path) -> Output {
    use std::os::unix::fs::PermissionsExt;
    let uid = Command::new("id").arg("-u").output().expect("id runs");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return idguard(root, &["--no-cache"]);
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_idguard"))
        .args(["check", "--no-cache", "--format", "json", "--color", "never", "--root"])
        .arg(root)
        .output()
        .expect("setpriv (util-linux) runs idguard as nobody: install util-linux to run this test as root");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn unreadable_files_and_directories_are_reported_and_the_scan_goes_on() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        write(tmp.path(), "good.rs", GOOD);
        write(tmp.path(), "locked.rs", GOOD.replace("UserView", "LockedView"));
        for dir in ["sealed", "hidden_away"] {
            std::fs::create_dir(tmp.path().join(dir)).unwrap();
        }
        write(tmp.path(), "sealed/inner.rs", GOOD.replace("UserView", "SealedView"));
        write(tmp.path(), "hidden_away/inner.rs", GOOD.replace("UserView", "AwayView"));
        write(tmp.path(), "idguard.toml", "[files]\nexclude = [\"hidden_away/**\"]\n");
        for locked in ["locked.rs", "sealed", "hidden_away"] {
            std::fs::set_permissions(tmp.path().join(locked), std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        let out = idguard_unprivileged(tmp.path());
        for locked in ["sealed", "hidden_away"] {
            std::fs::set_permissions(tmp.path().join(locked), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let diags = doc["diagnostics"].as_array().unwrap();
        let file = diags.iter().find(|d| d["path"] == "locked.rs").expect("the unreadable file is reported");
        assert_eq!(file["rule"], "parse-error");
        assert_eq!(file["help"], "make the file readable, or exclude it in `[files] exclude`");
        let dir = diags.iter().find(|d| d["path"] == "sealed").expect("the unreadable directory is reported");
        assert_eq!(dir["rule"], "parse-error");
        assert_eq!(
            dir["help"],
            "none of the files under this directory were scanned: make it readable by the user running idguard, or exclude it with `[files] exclude = [\"sealed/**\"]`"
        );
        assert!(!diags.iter().any(|d| d["path"].as_str().unwrap().starts_with("hidden_away")), "excluded: {diags:#?}");
        assert!(diags.iter().any(|d| d["path"] == "good.rs" && d["rule"] == "sequential-id-in-response"));
        assert_eq!(diags.len(), 3, "{diags:#?}");
    }
}
