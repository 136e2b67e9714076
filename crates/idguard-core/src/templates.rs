//! Template files of server-rendered pages (askama/rinja, tera, minijinja, handlebars-like
//! syntax): which identifiers a template prints or uses in its tags, and which templates it
//! includes or extends. A page struct's field is shown to clients when its template (or one
//! it includes) names it. Lexical: `{{ user.id }}` names `user` and `id`.
//!
//! A syntax-level leaf: text in, words out.

use crate::facts::TemplateFile;

/// Extensions of template files (under a `templates/` directory).
pub(crate) const EXTENSIONS: &[&str] =
    &["html", "htm", "jinja", "jinja2", "j2", "tera", "askama", "txt", "xml", "svg", "md", "hbs"];

/// Whether a root-relative path is a template file: under a directory named `templates`,
/// with a template extension.
pub fn is_template(path: &std::path::Path) -> bool {
    let in_templates = path.parent().is_some_and(|dir| dir.components().any(|c| c.as_os_str() == "templates"));
    in_templates
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// The words and references of a template's text.
pub fn read(text: &str) -> TemplateFile {
    let b = text.as_bytes();
    let mut words: Vec<String> = Vec::new();
    let mut refs: Vec<String> = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        let close: &[u8] = match &b[i..i + 2] {
            b"{{" => b"}}",
            b"{%" => b"%}",
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + 2;
        let end = b[start..].windows(2).position(|w| w == close).map_or(b.len(), |p| start + p);
        let inner = &text[start..end];
        block(inner, &mut words, &mut refs);
        i = (end + 2).min(b.len());
    }
    words.sort_unstable();
    words.dedup();
    refs.sort_unstable();
    refs.dedup();
    TemplateFile { words, refs }
}

/// The identifiers of one `{{ .. }}` or `{% .. %}` block (strings skipped), and the template
/// it names after `include`, `extends` or `import`.
fn block(inner: &str, words: &mut Vec<String>, refs: &mut Vec<String>) {
    let b = inner.as_bytes();
    let mut i = 0;
    let mut previous = "";
    while i < b.len() {
        let c = b[i];
        if c == b'"' || c == b'\'' {
            let end = b[i + 1..].iter().position(|x| *x == c).map_or(b.len(), |p| i + 1 + p);
            if matches!(previous, "include" | "extends" | "import") {
                refs.push(inner[i + 1..end.min(b.len())].to_owned());
            }
            previous = "";
            i = end + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let len = b[i..].iter().take_while(|x| x.is_ascii_alphanumeric() || **x == b'_').count();
            let word = &inner[i..i + len];
            words.push(word.to_owned());
            previous = word;
            i += len;
        } else {
            if !c.is_ascii_whitespace() {
                previous = "";
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_references() {
        let t = read(
            "<p>{{ user.id }}</p>{% if let Some(x) = owner_uid %}{{ x }}{% endif %}\n{% include \"nav.html\" %}{% extends 'base.html' %}<b>plain_text</b>",
        );
        assert_eq!(t.words, ["Some", "endif", "extends", "id", "if", "include", "let", "owner_uid", "user", "x"]);
        assert_eq!(t.refs, ["base.html", "nav.html"]);
        assert!(is_template(std::path::Path::new("templates/user.html")));
        assert!(is_template(std::path::Path::new("web/templates/chat/room.jinja")));
        assert!(!is_template(std::path::Path::new("static/index.html")));
        assert!(!is_template(std::path::Path::new("templates.rs")));
    }
}
