//! `sequential-user-key`: evidence that a user table hands out sequential keys.

use idguard_core::subject::{self, SubjectClass};
use idguard_core::{Context, Diagnostic, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "sequential-user-key",
    default_severity: Severity::Note,
    summary: "a user table is keyed by an auto-increment integer (evidence for the other rules)",
    security_severity: Some("3.1"),
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r"
## What it does
Finds user tables keyed by an auto-increment integer: diesel `table!` schemas whose primary
key is `Int4`/`Int8`/`Integer`/`BigInt`, sea-orm entities with an integer
`#[sea_orm(primary_key)]` (auto-increment unless `auto_increment = false`), and SQL
migrations (`.sql` files) with `SERIAL`, `BIGSERIAL`, `GENERATED .. AS IDENTITY`,
`AUTO_INCREMENT`, `AUTOINCREMENT`, `DEFAULT nextval(..)` or SQLite's `INTEGER PRIMARY KEY`.
A table is a user table when its name says its rows are people (`users`, `user_`,
`members`, `app_accounts`, `local_user`); relation and log tables (`community_follower`,
`crate_user`) number relations, not people, and are left alone.

This is evidence, not a vulnerability by itself: it is reported as a note (shown with
`--show-notes`), and the same evidence appears as a label in the findings of
`sequential-id-in-response` and `sequential-id-in-request` for keys of that subject.

## Why is this bad?
An auto-increment key is a counter: it tells anyone who sees two keys how many users
signed up in between, and every key below the largest one exists. Once such a key leaves
the server it becomes a join key between your data and anything else an attacker
collects, which is how the KakaoTalk open-chat participants were re-identified.

## Example
```sql
CREATE TABLE members (
    id BIGSERIAL PRIMARY KEY,
    nickname TEXT NOT NULL
);
```

## Use instead
```sql
CREATE TABLE members (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(), -- random: nothing to count or guess
    nickname TEXT NOT NULL
);
```
Or keep the serial as an internal key and add a random `public_id` column that is the only
identifier clients ever see (the note then stays, as a reminder, until suppressed).

## Known limitations
- Only `CREATE TABLE` statements are read from `.sql` files; keys added by `ALTER TABLE`
  and schemas built by ORMs at run time are not seen.
- Tables are matched to types and subjects by name (`members` to `Member`, `member_no`).

## References
- CWE-340: Generation of Predictable Numbers or Identifiers
- OWASP API1:2023 Broken Object Level Authorization
";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let index = ctx.index;
    let path = index.path(file);
    let mut out = Vec::new();
    let tables = index.table_names();
    for key in &index.files()[file as usize].tables {
        let Some(subject) = subject::table_subject_among(&key.table, tables, ctx.vocab) else { continue };
        if subject.class != SubjectClass::User {
            continue;
        }
        let symbol = format!("{}.{}", key.table, key.column);
        let finding = crate::common::Finding {
            rule: RULE.name,
            path,
            span: key.span,
            symbol,
            subject: subject.class,
            severity: Severity::Note,
            message: format!("user table `{}` is keyed by `{}`, {}", key.table, key.column, key.how),
            primary_label: "handed out in order: each key tells how many came before".to_owned(),
            labels: Vec::new(),
            help: "keep this key internal and give clients a random public ID (a UUIDv4 or 128-bit token column)"
                .to_owned(),
        };
        out.push(finding.diagnostic());
    }
    out
}
