//! `JUnit` XML (`--format junit`): one `testsuite` named `idguard`, one failing `testcase`
//! per finding (classname: the file, name: the rule and line; the failure carries the
//! message, the help and the chain), and a single passing `testcase` when nothing is found,
//! so CI test views show a pass. Written with `quick-xml`, which escapes.

use std::fmt::Write as _;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::report::Report;

/// Renders the report as `JUnit` XML.
pub fn render(report: &Report) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let failures = report.diagnostics.len();
    let tests = failures.max(1);
    let written = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).and_then(|()| {
        writer
            .create_element("testsuites")
            .with_attribute(("name", "idguard"))
            .with_attribute(("tests", tests.to_string().as_str()))
            .with_attribute(("failures", failures.to_string().as_str()))
            .write_inner_content(|w| {
                w.create_element("testsuite")
                    .with_attribute(("name", "idguard"))
                    .with_attribute(("tests", tests.to_string().as_str()))
                    .with_attribute(("failures", failures.to_string().as_str()))
                    .with_attribute(("errors", "0"))
                    .write_inner_content(|w| {
                        if report.diagnostics.is_empty() {
                            w.create_element("testcase")
                                .with_attribute(("classname", "idguard"))
                                .with_attribute(("name", "no sequential or unencrypted ID exposed"))
                                .write_empty()?;
                        }
                        for d in &report.diagnostics {
                            let name = format!("{} at line {}", d.rule, d.location.span.line);
                            let mut text = format!(
                                "{}: {}\n  --> {}:{}:{}\n",
                                d.severity.as_str(),
                                d.message,
                                d.location.path,
                                d.location.span.line,
                                d.location.span.column
                            );
                            for label in &d.labels {
                                let _ = writeln!(
                                    text,
                                    "  {}:{}: {}",
                                    label.location.path, label.location.span.line, label.message
                                );
                            }
                            if !d.help.is_empty() {
                                let _ = writeln!(text, "  help: {}", d.help);
                            }
                            w.create_element("testcase")
                                .with_attribute(("classname", d.location.path.as_str()))
                                .with_attribute(("name", name.as_str()))
                                .with_attribute(("file", d.location.path.as_str()))
                                .with_attribute(("line", d.location.span.line.to_string().as_str()))
                                .write_inner_content(|w| {
                                    w.create_element("failure")
                                        .with_attribute(("message", d.message.as_str()))
                                        .with_attribute(("type", d.rule))
                                        .write_text_content(BytesText::new(&text))?;
                                    Ok::<(), std::io::Error>(())
                                })?;
                        }
                        Ok::<(), std::io::Error>(())
                    })?;
                Ok::<(), std::io::Error>(())
            })
            .map(|_| ())
    });
    match written {
        Ok(()) => {
            let mut out = String::from_utf8(writer.into_inner()).unwrap_or_default();
            out.push('\n');
            out
        }
        // Writing to memory does not fail; an empty report is still well-formed.
        Err(_) => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"idguard\"/>\n".to_owned(),
    }
}
