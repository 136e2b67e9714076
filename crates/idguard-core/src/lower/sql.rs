//! SQL migrations: `CREATE TABLE` statements whose key column is an auto-increment
//! integer (`SERIAL`, `BIGSERIAL`, `GENERATED .. AS IDENTITY`, `AUTO_INCREMENT`,
//! `AUTOINCREMENT`, `DEFAULT nextval(..)`, `INTEGER PRIMARY KEY` in `SQLite`). A byte-level
//! reader: comments and strings are skipped, nothing is ever executed.

use crate::facts::{FileFacts, Span, TableKey};

/// Lowers a `.sql` file's auto-increment keys into `facts.tables`.
pub fn lower(text: &str, facts: &mut FileFacts) {
    let clean = strip_comments(text);
    let upper = clean.to_ascii_uppercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&upper.as_bytes()[from..], b"CREATE TABLE") {
        let start = from + at;
        from = start + 12;
        let Some(open) = upper[from..].find('(').map(|i| from + i) else { break };
        let name = table_name(&clean[from..open]);
        let Some(close) = matching(&clean, open) else { break };
        for (offset, column) in split_columns(&clean[open + 1..close]) {
            let col_start = open + 1 + offset;
            let trimmed = column.trim_start();
            let lead = column.len() - trimmed.len();
            let Some(how) = sequential(trimmed) else { continue };
            let col_name: String = trimmed
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect::<String>()
                .trim_matches(['"', '`', '[', ']'])
                .to_owned();
            let at = col_start + lead;
            facts.tables.push(TableKey {
                table: name.clone(),
                column: col_name,
                how: how.to_owned(),
                span: span_of(
                    text,
                    at,
                    at + trimmed.chars().take_while(|c| !c.is_whitespace()).map(char::len_utf8).sum::<usize>(),
                ),
            });
        }
        from = close;
    }
    facts.parsed = true;
}

/// The table name of `CREATE TABLE [IF NOT EXISTS] [schema.]name`, unquoted.
fn table_name(head: &str) -> String {
    let words: Vec<&str> = head.split_whitespace().collect();
    let last = words.last().copied().unwrap_or_default();
    let unquoted = last.trim_matches(['"', '`', '[', ']']);
    unquoted.rsplit('.').next().unwrap_or(unquoted).trim_matches(['"', '`', '[', ']']).to_owned()
}

/// Why a column definition is a sequential key, if it is one.
fn sequential(column: &str) -> Option<&'static str> {
    let upper = column.to_ascii_uppercase();
    let words: Vec<&str> = upper
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let ty = words.get(1).copied().unwrap_or_default();
    if matches!(
        words.first().copied(),
        Some("PRIMARY" | "CONSTRAINT" | "UNIQUE" | "FOREIGN" | "CHECK" | "KEY" | "INDEX")
    ) {
        return None;
    }
    match ty {
        "SERIAL" | "SERIAL4" => return Some("a `SERIAL` column"),
        "BIGSERIAL" | "SERIAL8" => return Some("a `BIGSERIAL` column"),
        "SMALLSERIAL" | "SERIAL2" => return Some("a `SMALLSERIAL` column"),
        _ => {}
    }
    let has = |w: &str| words.contains(&w);
    if has("AUTO_INCREMENT") {
        return Some("an `AUTO_INCREMENT` column");
    }
    if has("AUTOINCREMENT") {
        return Some("an `AUTOINCREMENT` column");
    }
    if has("IDENTITY") && has("GENERATED") {
        return Some("an identity column (`GENERATED .. AS IDENTITY`)");
    }
    if upper.contains("NEXTVAL") {
        return Some("a sequence default (`nextval(..)`)");
    }
    if ty == "INTEGER" && upper.contains("PRIMARY KEY") {
        return Some("an `INTEGER PRIMARY KEY` (the SQLite rowid)");
    }
    None
}

/// The top-level comma-separated parts of a column list, with their byte offsets.
fn split_columns(list: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push((start, &list[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, &list[start..]));
    out
}

/// The `)` closing the `(` at `open`.
fn matching(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The text with `--` and `/* */` comments and string contents replaced by spaces
/// (byte offsets kept).
fn strip_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for byte in &mut out[from..to] {
            if *byte != b'\n' {
                *byte = b' ';
            }
        }
    };
    while i < b.len() {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
                blank(&mut out, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |e| i + 2 + e + 2);
                blank(&mut out, i, end);
                i = end;
            }
            b'\'' => {
                let end = memchr::memchr(b'\'', &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                blank(&mut out, i + 1, end);
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes were replaced by spaces, and whole multi-byte sequences inside
    // comments and strings: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

fn span_of(text: &str, start: usize, end: usize) -> Span {
    let line = memchr::memchr_iter(b'\n', &text.as_bytes()[..start]).count() as u32 + 1;
    let line_start = text.as_bytes()[..start].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() as u32 + 1;
    let end_column = column + text[start..end].chars().count() as u32;
    Span { start: start as u32, end: end as u32, line, column, end_line: line, end_column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        let mut facts = FileFacts::default();
        lower(text, &mut facts);
        facts
            .tables
            .iter()
            .map(|t| format!("{}.{} {} {}:{}", t.table, t.column, t.how, t.span.line, t.span.column))
            .collect()
    }

    #[test]
    fn finds_auto_increment_keys() {
        let sql = "-- CREATE TABLE fake (id SERIAL)\nCREATE TABLE IF NOT EXISTS public.users (\n    id BIGSERIAL PRIMARY KEY,\n    email TEXT NOT NULL DEFAULT 'x,(y'\n);\ncreate table `orders` (order_no int NOT NULL AUTO_INCREMENT, PRIMARY KEY (order_no));\nCREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT);\nCREATE TABLE accounts (id bigint GENERATED ALWAYS AS IDENTITY, note text);\nCREATE TABLE tokens (id UUID PRIMARY KEY DEFAULT gen_random_uuid());\n";
        assert_eq!(
            keys(sql),
            [
                "users.id a `BIGSERIAL` column 3:5",
                "orders.order_no an `AUTO_INCREMENT` column 6:24",
                "members.id an `INTEGER PRIMARY KEY` (the SQLite rowid) 7:23",
                "accounts.id an identity column (`GENERATED .. AS IDENTITY`) 8:24"
            ]
        );
    }

    /// Random token soup from the SQL vocabulary: never a panic.
    #[test]
    fn token_soup_never_panics() {
        const WORDS: &[&str] = &[
            "CREATE",
            "TABLE",
            "(",
            ")",
            ",",
            "id",
            "SERIAL",
            "INTEGER",
            "PRIMARY",
            "KEY",
            "--",
            "/*",
            "*/",
            "'",
            "\n",
            "users",
            "é",
            "GENERATED",
            "IDENTITY",
            "nextval(",
        ];
        super::super::token_soup(WORDS, 0x9e37_79b9_7f4a_7c15u64, 3000, |text| {
            let _ = keys(text);
        });
    }

    #[test]
    fn malformed_sql_is_harmless() {
        for sql in
            ["CREATE TABLE", "CREATE TABLE x (", "CREATE TABLE x (id SERIAL", "'", "/*", "CREATE TABLE ((((", ")))"]
        {
            let _ = keys(sql);
        }
    }
}
