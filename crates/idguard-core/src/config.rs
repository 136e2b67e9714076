//! Configuration: `idguard.toml` at the root, or `[workspace.metadata.idguard]` /
//! `[package.metadata.idguard]` in the root `Cargo.toml`.
//!
//! Parsed with `toml`'s spanned document model so that every unknown key, unknown rule
//! name and bad value is reported at its exact place in the file.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::Error;
use crate::subject::Vocabulary;

/// A level set for a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Turn the rule off.
    Allow,
    /// Cap its findings at warning (and show its notes).
    Warn,
    /// Raise its findings to error.
    Deny,
}

impl Level {
    /// Parses `allow`, `warn` or `deny`.
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// The effective configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Levels by rule name (`all` for every rule), in the order they apply.
    pub levels: Vec<(String, Level)>,
    /// Extra vocabulary: user key names, user types and opaque (safe) types.
    pub vocab: Vocabulary,
    /// Globs of root-relative paths not to scan.
    pub exclude: Vec<String>,
    /// Files larger than this many bytes are skipped (with a `parse-error` warning).
    pub max_file_size: Option<u64>,
    /// Where the configuration came from, if anywhere.
    pub file: Option<PathBuf>,
    /// What the configuration's user should hear (a source that is ignored).
    pub warnings: Vec<String>,
}

/// The level for a rule in a list of `(rule or "all", level)`: a rule-specific entry beats
/// `all`; later entries beat earlier.
pub fn level_in(levels: &[(String, Level)], rule: &str) -> Option<Level> {
    let specific = levels.iter().rev().find(|(name, _)| name == rule).map(|(_, l)| *l);
    specific.or_else(|| levels.iter().rev().find(|(name, _)| name == "all").map(|(_, l)| *l))
}

/// Loads the configuration: `explicit` if given, else `ROOT/idguard.toml`, else the
/// metadata tables of `ROOT/Cargo.toml`, else defaults. `rules` are the known rule names.
pub fn load(root: &Path, explicit: Option<&Path>, rules: &[&str]) -> Result<Config, Error> {
    let candidates: Vec<PathBuf> = match explicit {
        Some(path) => vec![path.to_path_buf()],
        None if root.is_dir() => vec![root.join("idguard.toml"), root.join("Cargo.toml")],
        None => Vec::new(),
    };
    for path in candidates {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if explicit.is_none() && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(source) => return Err(Error::ConfigRead { path, source }),
        };
        let is_manifest = explicit.is_none() && path.file_name().is_some_and(|n| n == "Cargo.toml");
        if let Some(mut config) = parse(&path, &text, is_manifest, rules)? {
            // Two sources: the first wins, and the other is said to be ignored.
            if !is_manifest && explicit.is_none() {
                let manifest = root.join("Cargo.toml");
                if let Ok(text) = std::fs::read_to_string(&manifest)
                    && parse(&manifest, &text, true, rules).is_ok_and(|c| c.is_some())
                {
                    config.warnings.push(format!(
                        "both `{}` and an idguard table in `{}`: `idguard.toml` is used, the `Cargo.toml` table is ignored",
                        path.display(),
                        manifest.display()
                    ));
                }
            }
            config.file = Some(path);
            return Ok(config);
        }
    }
    Ok(Config::default())
}

/// Parses configuration text: an `idguard.toml`, or (`manifest`) a `Cargo.toml` whose
/// metadata tables may hold it (`Ok(None)` when they do not). `path` names the file in
/// errors.
pub fn parse(path: &Path, text: &str, manifest: bool, rules: &[&str]) -> Result<Option<Config>, Error> {
    let fail = |span: Range<usize>, message: String| Error::Config {
        path: path.to_path_buf(),
        text: text.to_owned(),
        span: Some(span),
        message,
    };
    let document = DeTable::parse(text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        text: text.to_owned(),
        span: e.span(),
        message: format!("invalid TOML: {}", e.message().trim_end_matches('\n')),
    })?;
    let table = if manifest {
        let metadata = ["workspace", "package"].iter().find_map(|section| {
            let section = document.get_ref().get(*section)?;
            let metadata = section.get_ref().as_table()?.get("metadata")?;
            metadata.get_ref().as_table()?.get("idguard")
        });
        match metadata {
            Some(value) => match value.get_ref().as_table() {
                Some(table) => table.clone(),
                None => return Err(fail(value.span(), "`metadata.idguard` must be a table".into())),
            },
            None => return Ok(None),
        }
    } else {
        document.get_ref().clone()
    };
    parse_table(&table, rules, &fail).map(Some)
}

type Fail<'a> = dyn Fn(Range<usize>, String) -> Error + 'a;

fn parse_table(table: &DeTable<'_>, rules: &[&str], fail: &Fail<'_>) -> Result<Config, Error> {
    let mut config = Config::default();
    for (key, value) in table {
        // An unknown key is reported as such, whatever its value (`typo-key = 1`).
        let name = key.get_ref().as_ref();
        if !matches!(name, "rules" | "identifiers" | "files") {
            return Err(fail(key.span(), format!("unknown key `{name}`; expected `rules`, `identifiers` or `files`")));
        }
        let section = section_table(key, value, fail)?;
        match key.get_ref().as_ref() {
            "rules" => {
                for (rule, level) in section {
                    let name = rule.get_ref().as_ref();
                    if name != "all" && !rules.contains(&name) {
                        return Err(fail(
                            rule.span(),
                            format!("unknown rule `{name}`; the rules are: {}", rules.join(", ")),
                        ));
                    }
                    let parsed = level.get_ref().as_str().and_then(Level::parse).ok_or_else(|| {
                        fail(level.span(), format!("level of `{name}` must be \"allow\", \"warn\" or \"deny\""))
                    })?;
                    config.levels.push((name.to_owned(), parsed));
                }
            }
            "identifiers" => {
                for (field, value) in section {
                    let list = strings(field, value, fail)?;
                    match field.get_ref().as_ref() {
                        "user-names" => config.vocab.user_names = list,
                        "user-types" => config.vocab.user_types = list,
                        "opaque-types" => config.vocab.opaque_types = list,
                        other => {
                            return Err(fail(
                                field.span(),
                                format!(
                                    "unknown key `identifiers.{other}`; expected `user-names`, `user-types` or `opaque-types`"
                                ),
                            ));
                        }
                    }
                }
            }
            "files" => {
                for (field, value) in section {
                    match field.get_ref().as_ref() {
                        "exclude" => {
                            let globs = strings(field, value, fail)?;
                            for (glob, item) in globs.iter().zip(value.get_ref().as_array().into_iter().flatten()) {
                                if let Err(e) = globset::Glob::new(glob) {
                                    return Err(fail(item.span(), format!("invalid glob `{glob}`: {}", e.kind())));
                                }
                            }
                            config.exclude = globs;
                        }
                        "max-file-size" => {
                            let size = value
                                .get_ref()
                                .as_integer()
                                .and_then(|i| i.as_str().replace('_', "").parse::<u64>().ok());
                            match size {
                                Some(size) if size > 0 => config.max_file_size = Some(size),
                                _ => {
                                    return Err(fail(
                                        value.span(),
                                        "`files.max-file-size` must be a positive number of bytes".into(),
                                    ));
                                }
                            }
                        }
                        other => {
                            return Err(fail(
                                field.span(),
                                format!("unknown key `files.{other}`; expected `exclude` or `max-file-size`"),
                            ));
                        }
                    }
                }
            }
            other => {
                return Err(fail(
                    key.span(),
                    format!("unknown key `{other}`; expected `rules`, `identifiers` or `files`"),
                ));
            }
        }
    }
    Ok(config)
}

fn section_table<'a, 'i>(
    key: &Spanned<std::borrow::Cow<'i, str>>,
    value: &'a Spanned<DeValue<'i>>,
    fail: &Fail<'_>,
) -> Result<&'a DeTable<'i>, Error> {
    value.get_ref().as_table().ok_or_else(|| fail(value.span(), format!("`{}` must be a table", key.get_ref())))
}

fn strings(
    key: &Spanned<std::borrow::Cow<'_, str>>,
    value: &Spanned<DeValue<'_>>,
    fail: &Fail<'_>,
) -> Result<Vec<String>, Error> {
    let not_list = || fail(value.span(), format!("`{}` must be a list of strings", key.get_ref()));
    let array = value.get_ref().as_array().ok_or_else(not_list)?;
    array
        .iter()
        .map(|item| {
            item.get_ref().as_str().map(str::to_owned).ok_or_else(|| fail(item.span(), "expected a string".into()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[&str] = &["sequential-id-in-response", "parse-error"];

    fn load_text(name: &str, text: &str) -> Result<Config, Error> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("idguard-config-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
        let result = load(&dir, None, RULES);
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    #[test]
    fn reads_all_sections() {
        let config = load_text(
            "idguard.toml",
            "[rules]\nsequential-id-in-response = \"warn\"\nall = \"deny\"\n[identifiers]\nuser-names = [\"mbr_no\"]\nopaque-types = [\"PublicId\"]\n[files]\nexclude = [\"gen/**\"]\nmax-file-size = 1_048_576\n",
        )
        .unwrap();
        assert_eq!(level_in(&config.levels, "sequential-id-in-response"), Some(Level::Warn));
        assert_eq!(level_in(&config.levels, "parse-error"), Some(Level::Deny));
        assert_eq!(config.vocab.user_names, ["mbr_no"]);
        assert_eq!(config.vocab.opaque_types, ["PublicId"]);
        assert_eq!(config.exclude, ["gen/**"]);
        assert_eq!(config.max_file_size, Some(1_048_576));
    }

    #[test]
    fn reads_cargo_metadata() {
        let config =
            load_text("Cargo.toml", "[workspace]\n[workspace.metadata.idguard.rules]\nparse-error = \"allow\"\n")
                .unwrap();
        assert_eq!(level_in(&config.levels, "parse-error"), Some(Level::Allow));
        let none = load_text("Cargo.toml", "[package]\nname = \"x\"\n").unwrap();
        assert!(none.file.is_none());
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        for (text, expected, message) in [
            ("[rules]\nno-such-rule = \"warn\"\n", "no-such-rule", "unknown rule"),
            ("[rules]\nparse-error = \"loud\"\n", "\"loud\"", "must be"),
            ("[bogus]\n", "bogus", "unknown key `bogus`"),
            ("typo-key = 1\n", "typo-key", "unknown key `typo-key`"),
            ("rules = 1\n", "1", "must be a table"),
            ("[identifiers]\nuser-names = \"x\"\n", "\"x\"", "list of strings"),
            ("[files]\nexclude = [\"a/[\"]\n", "\"a/[\"", "invalid glob"),
            ("[rules\n", "", "invalid TOML"),
            ("[files]\nmax-file-size = -1\n", "-1", "positive number"),
        ] {
            let Err(Error::Config { text: source, span, message: got, .. }) = load_text("idguard.toml", text) else {
                panic!("{text}: no error");
            };
            assert!(got.contains(message), "{text}: {got}");
            if !expected.is_empty() {
                assert_eq!(&source[span.unwrap()], expected, "{text}");
            }
        }
    }
}
