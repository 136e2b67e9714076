//! What the README tells a new user to pin stays true: the pre-commit snippet's `rev` and the
//! GitHub Action's `@ref` name one annotated tag of this repository, at a commit whose
//! `Cargo.toml` has that version and whose `.pre-commit-hooks.yaml` defines the hooks the
//! snippet uses; action.yml installs that version.

use std::path::Path;
use std::process::Command;

use yaml_rust2::YamlLoader;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(repo()).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

/// The `pre-commit` block of the README: its `rev` and hook ids (commented ones included).
fn snippet() -> (String, Vec<String>, String) {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme.find("# .pre-commit-config.yaml").expect("the README has a pre-commit snippet");
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let rev = block
        .lines()
        .find_map(|l| l.trim().strip_prefix("rev: "))
        .map(|r| r.split_whitespace().next().unwrap().to_owned())
        .expect("the snippet pins a rev");
    let ids = block
        .lines()
        .filter_map(|l| l.trim().trim_start_matches("# ").strip_prefix("- id: "))
        .map(|id| id.split_whitespace().next().unwrap().to_owned())
        .collect();
    let action = readme
        .lines()
        .find_map(|l| l.trim().strip_prefix("- uses: YOUR-ORG/idguard@"))
        .expect("the README shows the GitHub Action")
        .to_owned();
    (rev, ids, action)
}

#[test]
fn the_readme_pins_what_exists() {
    let (rev, ids, action_ref) = snippet();
    let version = format!("v{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(rev, version, "the pre-commit snippet pins this checkout's version");
    assert_eq!(action_ref, version, "the action is shown at the same tag");
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let hooks = YamlLoader::load_from_str(&hooks).unwrap().remove(0);
    let defined: Vec<&str> = hooks.as_vec().unwrap().iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["idguard", "idguard-system"]);
    for id in &ids {
        assert!(defined.contains(&id.as_str()), "hook `{id}` is not in .pre-commit-hooks.yaml: {defined:?}");
    }
}

#[test]
fn the_pinned_tag_is_annotated_and_holds_the_hooks() {
    let (rev, ids, _) = snippet();
    let Some(kind) = git(&["cat-file", "-t", &format!("refs/tags/{rev}")]) else {
        // A source archive or a clone without tags: nothing to check against here.
        eprintln!("note: tag `{rev}` is not in this checkout (fetch tags to check it)");
        assert!(
            git(&["rev-parse", "--git-dir"]).is_none() || git(&["tag", "-l"]).is_some_and(|t| t.is_empty()),
            "this checkout has tags, but not `{rev}`, which the README pins"
        );
        return;
    };
    assert_eq!(kind, "tag", "`{rev}` is an annotated tag (pre-commit and `git describe` expect one)");
    let manifest = git(&["show", &format!("{rev}:Cargo.toml")]).unwrap();
    let wanted = format!("version = \"{}\"", rev.trim_start_matches('v'));
    assert!(manifest.lines().any(|l| l.trim() == wanted), "Cargo.toml at `{rev}` has {wanted}");
    let hooks = git(&["show", &format!("{rev}:.pre-commit-hooks.yaml")]).expect("the tag holds .pre-commit-hooks.yaml");
    for id in &ids {
        assert!(hooks.contains(&format!("- id: {id}\n")), "hook `{id}` at `{rev}`");
    }
    assert!(git(&["show", &format!("{rev}:action.yml")]).is_some(), "the tag holds action.yml");
}
