//! Pieces of diagnostics that several rules share: how a serial is described.

use idguard_core::index::{Index, Serial};
use idguard_core::{Label, Location};

/// The primary label of a finding on a serial: its newtype or its integer.
pub fn serial_label(index: &Index<'_>, serial: &Serial) -> String {
    match serial.hops.first() {
        Some(hop) => format!("`{}` is a sequential `{}`", index.decl(hop.decl).name, serial.primitive),
        None => format!("a sequential `{}`: the next one is a guess away", serial.primitive),
    }
}

/// One label per alias, newtype or wrapper the serial passes through, outermost first.
pub fn hop_labels(index: &Index<'_>, serial: &Serial) -> Vec<Label> {
    serial
        .hops
        .iter()
        .map(|hop| {
            let decl = index.decl(hop.decl);
            Label {
                location: Location::new(index.path(hop.decl.file), decl.span),
                message: format!("`{}` is {} `{}`", decl.name, article(hop.how), serial.primitive),
            }
        })
        .collect()
}

fn article(how: &str) -> &'static str {
    match how {
        "alias" => "an alias of",
        "newtype" => "a newtype over",
        _ => "a transparent wrapper over",
    }
}

/// The persistence evidence for keys of a subject: a label at the first auto-increment
/// key of a table named for it (`members.id` for `member`).
pub fn table_label(index: &Index<'_>, token: &str) -> Option<Label> {
    let (file, key) = index.table_key(token)?;
    Some(Label {
        location: Location::new(index.path(file), key.span),
        message: format!("`{}.{}` is {}: keys are handed out in order", key.table, key.column, key.how),
    })
}

/// The strongest subject among a name's tokens (`new_customer_id` -> customer): a person
/// before a personal entity before content.
pub fn strongest(name: &str) -> idguard_core::subject::Subject {
    use idguard_core::subject::{self, Subject, SubjectClass};
    let mut best = Subject { class: SubjectClass::Content, token: String::new() };
    for token in subject::tokens(name) {
        if let Some(class) = subject::token_class(&token)
            && class < best.class
        {
            best = Subject { class, token: subject::singular(&token) };
        }
    }
    best
}

/// A finding on a symbol, as the security rules report it: one place for the fingerprint
/// contract (`rule:path:symbol`, line-independent).
pub struct Finding<'a> {
    /// The rule's name.
    pub rule: &'static str,
    /// The file of the primary location.
    pub path: &'a str,
    /// The primary span.
    pub span: idguard_core::facts::Span,
    /// The item path of what is reported (`api::UserView.id`).
    pub symbol: String,
    /// Whose key it is.
    pub subject: idguard_core::subject::SubjectClass,
    /// The severity.
    pub severity: idguard_core::Severity,
    /// The message.
    pub message: String,
    /// The label of the primary span.
    pub primary_label: String,
    /// Secondary labels: the chain.
    pub labels: Vec<Label>,
    /// What to do instead.
    pub help: String,
}

impl Finding<'_> {
    /// The diagnostic.
    pub fn diagnostic(self) -> idguard_core::Diagnostic {
        idguard_core::Diagnostic {
            rule: self.rule,
            severity: self.severity,
            message: self.message,
            location: Location::new(self.path, self.span),
            primary_label: self.primary_label,
            labels: self.labels,
            help: self.help,
            fingerprint: format!("{}:{}:{}", self.rule, self.path, self.symbol),
            symbol: Some(self.symbol),
            subject: Some(self.subject),
        }
    }
}
