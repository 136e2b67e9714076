//! Architecture invariants (see `ARCHITECTURE.md`): the modules of `idguard-core` form no
//! cycle (every dependency points down the pipeline), the core knows no rule, and rules do
//! no I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without its `#[cfg(test)] mod tests` block (tests may use anything).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod tests").map_or(text, |at| &text[..at])
}

/// Module -> the modules of the crate it names (`crate::NAME`), from the core's sources.
fn core_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/idguard-core/src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module = rel.trim_end_matches(".rs").split('/').next().unwrap().to_owned();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let entry = deps.entry(module.clone()).or_default();
        for (at, _) in without_tests(&text).match_indices("crate::") {
            let name: String = text[at + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            if !name.is_empty() && name != module {
                entry.insert(name);
            }
        }
    }
    deps
}

/// Depth-first search for a back edge: a cycle panics with its modules.
fn visit<'a>(
    m: &'a str,
    deps: &'a BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<&'a str>,
    done: &mut BTreeSet<&'a str>,
) {
    if let Some(start) = path.iter().position(|p| *p == m) {
        panic!("module cycle: {} -> {m}", path[start..].join(" -> "));
    }
    if done.contains(m) {
        return;
    }
    path.push(m);
    for d in deps.get(m).into_iter().flatten() {
        visit(d, deps, path, done);
    }
    path.pop();
    done.insert(m);
}

#[test]
fn core_modules_form_no_cycle() {
    let deps = core_dependencies();
    assert!(deps.len() > 10, "the core's modules were found: {deps:?}");
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        visit(m, &deps, &mut Vec::new(), &mut done);
    }
}

#[test]
fn the_core_knows_no_rule_and_rules_do_no_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut core = Vec::new();
    rs_files(&root.join("crates/idguard-core/src"), &mut core);
    for file in core {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("idguard_lints"), "{} names the rules crate", file.display());
    }
    let mut rules = Vec::new();
    rs_files(&root.join("lints/src"), &mut rules);
    for file in rules {
        let text = std::fs::read_to_string(&file).unwrap();
        let checked = without_tests(&text);
        for io in ["std::fs", "std::io", "println!", "eprintln!", "std::process", "std::net", "std::env"] {
            assert!(!checked.contains(io), "{} uses `{io}`: rules never do I/O", file.display());
        }
    }
}

#[test]
fn every_package_says_what_it_is_for_crates_io() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace: toml::Table = std::fs::read_to_string(root.join("Cargo.toml")).unwrap().parse().unwrap();
    let shared = &workspace["workspace"]["package"];
    for manifest in ["Cargo.toml", "crates/idguard-core/Cargo.toml", "lints/Cargo.toml"] {
        let doc: toml::Table = std::fs::read_to_string(root.join(manifest)).unwrap().parse().unwrap();
        let package = doc["package"].as_table().unwrap();
        for key in ["description", "license", "repository", "keywords", "categories"] {
            let value = package.get(key).unwrap_or_else(|| panic!("{manifest}: no `{key}`"));
            let inherited = value.get("workspace").and_then(toml::Value::as_bool) == Some(true);
            assert!(!inherited || shared.get(key).is_some(), "{manifest}: `{key}` inherits nothing");
        }
    }
    assert_eq!(
        workspace["package"]["readme"].as_str(),
        Some("README.md"),
        "the command-line package shows the README on crates.io"
    );
}
