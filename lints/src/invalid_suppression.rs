//! `invalid-suppression`: suppression comments that are malformed, give no reason, name
//! an unknown rule, or suppress nothing.

use idguard_core::{Context, Diagnostic, Location, Rule, Severity};

/// The rule.
pub const RULE: Rule = Rule {
    name: "invalid-suppression",
    default_severity: Severity::Warning,
    summary: "an `idguard:` suppression comment is malformed, has no reason, names an unknown rule or suppresses nothing",
    security_severity: None,
    doc: DOC,
    stands_with: &[],
    check,
};

const DOC: &str = r"
## What it does
Checks every `// idguard: allow(RULE) reason` and `// idguard: allow-file(RULE) reason`
comment. It reports a directive it cannot read, a suppression without a reason (which then
suppresses nothing), a rule name that does not exist, and a suppression that suppressed no
finding in this run.

## Why is this bad?
A suppression is a security decision: the reason is the record of why an exposed ID is
acceptable. A suppression without one hides a finding nobody can review, a misspelled rule
hides nothing while looking like it does, and a stale one will silently hide the next real
finding on that line.

## Example
```rust
#[derive(Serialize)]
pub struct UserView {
    pub id: i64, // idguard: allow(sequential-id-in-response)
}

pub async fn get_user() -> Json<UserView> {
    todo!()
}
```

## Use instead
```rust
#[derive(Serialize)]
pub struct UserView {
    pub id: i64, // idguard: allow(sequential-id-in-response) v1 mobile clients; removed in v3
}

pub async fn get_user() -> Json<UserView> {
    todo!()
}
```

## Known limitations
Directives are read from `//` line comments only (doc comments included; strings and
block comments are skipped), and a line comment holds one directive.

## References
- OWASP ASVS V1.1: secure development lifecycle (documented security decisions)
";

fn check(ctx: &Context<'_>, file: u32) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let file = &ctx.index.files()[file as usize];
    {
        for s in &file.suppressions {
            let location = Location::new(&file.path, s.span);
            let (message, label, help, what) = if let Some(why) = &s.malformed {
                (
                    format!("malformed suppression: {why}"),
                    "not understood",
                    "write `idguard: allow(RULE) reason`".to_owned(),
                    "malformed".to_owned(),
                )
            } else if let Some(unknown) = s.rules.iter().find(|r| *r != "all" && !ctx.rule_names.contains(&r.as_str()))
            {
                (
                    format!("suppression names unknown rule `{unknown}`"),
                    "no such rule",
                    format!("the rules are: {}", ctx.rule_names.join(", ")),
                    format!("unknown:{unknown}"),
                )
            } else if s.reason.is_none() {
                (
                    format!("suppression of `{}` has no reason, so it suppresses nothing", s.rules.join(", ")),
                    "add why this exposure is acceptable after the parentheses",
                    "write the reason after the rule list: `idguard: allow(RULE) why this is safe`".to_owned(),
                    format!("reasonless:{}", s.rules.join(",")),
                )
            } else {
                continue;
            };
            out.push(Diagnostic {
                rule: RULE.name,
                severity: Severity::Warning,
                message,
                location,
                primary_label: label.to_owned(),
                labels: Vec::new(),
                help,
                symbol: None,
                subject: None,
                fingerprint: format!("{}:{}:{what}", RULE.name, file.path),
            });
        }
    }
    out
}
