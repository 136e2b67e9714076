//! `.proto` files: message and service definitions, lowered to the facts tonic and prost
//! would generate from them (a `prost::Message` struct per message, a gRPC method per
//! `rpc`), so that request and response messages built at compile time by
//! `include_proto!` are checked like hand-written ones.
//!
//! A small parser for the subset that matters (proto2 and proto3 `message`, `oneof`,
//! `map<K, V>`, `repeated`/`optional`, nested messages, `service` with `rpc`); everything
//! else (options, enums, extensions, reserved ranges) is skipped by balanced delimiters.
//! Malformed input yields a syntax problem with its position, never a panic.

use crate::facts::{
    DeclKind, Derive, FieldDecl, FileFacts, FnDecl, FnKind, Param, ParamSource, Problem, ProblemKind, Span, TypeDecl,
    TypeRef,
};

/// One token with its position.
#[derive(Debug, Clone)]
struct Token<'a> {
    text: &'a str,
    span: Span,
}

/// Splits the text into identifiers (dotted names included), numbers, strings and single
/// punctuation characters; comments and whitespace are skipped. `Err` on an unclosed
/// string or comment, with its span.
fn tokenize(text: &str) -> Result<Vec<Token<'_>>, Span> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line, mut line_start) = (0usize, 1u32, 0usize);
    let span = |start: usize, end: usize, line: u32, line_start: usize| {
        let column = text[line_start..start].chars().count() as u32 + 1;
        let end_column = column + text[start..end].chars().count() as u32;
        Span { start: start as u32, end: end as u32, line, column, end_line: line, end_column }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                i += 1;
                line += 1;
                line_start = i;
            }
            c if c.is_ascii_whitespace() => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let Some(e) = memchr::memmem::find(&b[i + 2..], b"*/") else {
                    return Err(span(start, start + 2, line, line_start));
                };
                let end = i + 2 + e + 2;
                for nl in memchr::memchr_iter(b'\n', &b[i..end]) {
                    line += 1;
                    line_start = i + nl + 1;
                }
                i = end;
            }
            b'"' | b'\'' => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        Some(b'\\') => i += 2,
                        Some(q) if *q == c => break,
                        Some(b'\n') | None => return Err(span(start, start + 1, line, line_start)),
                        Some(_) => i += 1,
                    }
                }
                i += 1;
                out.push(Token { text: &text[start..i], span: span(start, i, line, line_start) });
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                    i += 1;
                }
                out.push(Token { text: &text[start..i], span: span(start, i, line, line_start) });
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                out.push(Token { text: &text[i..i + len], span: span(i, i + len, line, line_start) });
                i += len;
            }
        }
    }
    Ok(out)
}

/// The parser state: tokens and a cursor.
struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    at: usize,
    package: String,
    facts: &'a mut FileFacts,
}

/// Lowers a `.proto` file into `facts` (or a syntax problem).
pub fn lower(text: &str, facts: &mut FileFacts) {
    let tokens = match tokenize(text) {
        Ok(tokens) => tokens,
        Err(span) => {
            facts.problems.push(Problem {
                kind: ProblemKind::Syntax,
                message: "cannot parse .proto file: a string or comment that starts here is never closed".to_owned(),
                span: Some(span),
            });
            return;
        }
    };
    let mut parser = Parser { tokens, at: 0, package: String::new(), facts };
    match parser.file() {
        Ok(()) => parser.facts.parsed = true,
        Err((message, span)) => parser.facts.problems.push(Problem {
            kind: ProblemKind::Syntax,
            message: format!("cannot parse .proto file: {message}"),
            span,
        }),
    }
}

type Failure = (String, Option<Span>);

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(|t| t.text)
    }

    fn next(&mut self) -> Result<Token<'_>, Failure> {
        let token = self.tokens.get(self.at).cloned().ok_or_else(|| ("unexpected end of file".to_owned(), None))?;
        self.at += 1;
        Ok(token)
    }

    fn expect(&mut self, what: &str) -> Result<(), Failure> {
        let token = self.next()?;
        if token.text == what {
            Ok(())
        } else {
            Err((format!("expected `{what}`, found `{}`", token.text), Some(token.span)))
        }
    }

    /// Skips to just past the `;` ending a statement, or past a balanced `{ .. }` block.
    fn skip_statement(&mut self) -> Result<(), Failure> {
        let mut depth = 0usize;
        loop {
            let token = self.next()?;
            match token.text {
                "{" | "[" | "(" | "<" => depth += 1,
                "}" | "]" | ")" | ">" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && token.text == "}" {
                        return Ok(());
                    }
                }
                ";" if depth == 0 => return Ok(()),
                _ => {}
            }
        }
    }

    fn file(&mut self) -> Result<(), Failure> {
        while let Some(word) = self.peek() {
            match word {
                "package" => {
                    self.at += 1;
                    self.package = self.next()?.text.replace('.', "::");
                    self.expect(";")?;
                }
                "message" => {
                    let module = self.package.clone();
                    self.message(&module)?;
                }
                "service" => self.service()?,
                _ => self.skip_statement()?,
            }
        }
        Ok(())
    }

    /// `message Name { .. }`, with nested messages declared in the module prost uses
    /// (`outer::Inner` becomes module `outer`).
    fn message(&mut self, module: &str) -> Result<(), Failure> {
        let keyword = self.next()?.span;
        let name = self.next()?;
        let (name_text, name_span) = (name.text.to_owned(), name.span);
        self.expect("{")?;
        let nested_module = join(module, &snake_case(&name_text));
        let mut fields = Vec::new();
        loop {
            match self.peek().ok_or_else(|| ("unclosed message".to_owned(), Some(name_span)))? {
                "}" => {
                    self.at += 1;
                    break;
                }
                "message" => self.message(&nested_module)?,
                "oneof" => {
                    self.at += 2;
                    self.expect("{")?;
                    while self.peek() != Some("}") {
                        if self.peek() == Some("option") {
                            self.skip_statement()?;
                        } else {
                            self.field(&mut fields)?;
                        }
                    }
                    self.at += 1;
                }
                "enum" | "option" | "reserved" | "extensions" | "extend" | ";" => self.skip_statement()?,
                _ => self.field(&mut fields)?,
            }
        }
        for (index, field) in fields.iter_mut().enumerate() {
            field.index = index as u32;
        }
        self.facts.types.push(TypeDecl {
            template: None,
            via: None,
            name: name_text,
            module: module.to_owned(),
            kind: DeclKind::Struct,
            span: name_span,
            derives: vec![Derive {
                name: "Message".to_owned(),
                path: "prost::Message".to_owned(),
                origin: Some("prost".to_owned()),
                span: keyword,
            }],
            attr_macros: Vec::new(),
            transparent: false,
            serde_into: None,
            table_name: None,
            generics: Vec::new(),
            fields,
            alias_of: None,
        });
        Ok(())
    }

    /// `[repeated|optional|required] TYPE name = N [options];` or `map<K, V> name = N;`.
    fn field(&mut self, fields: &mut Vec<FieldDecl>) -> Result<(), Failure> {
        let mut label = "";
        if matches!(self.peek(), Some("repeated" | "optional" | "required")) {
            label = if self.next()?.text == "repeated" { "Vec" } else { "Option" };
        }
        let ty_token = self.next()?;
        let ty_span = ty_token.span;
        let mut ty = if ty_token.text == "map" {
            self.expect("<")?;
            let key = self.next()?;
            let key = scalar(key.text, key.span);
            self.expect(",")?;
            let value = self.next()?;
            let value = scalar(value.text, value.span);
            self.expect(">")?;
            path(&["HashMap"], vec![key, value], ty_span)
        } else {
            scalar(ty_token.text, ty_span)
        };
        if !label.is_empty() {
            ty = path(&[label], vec![ty], ty_span);
        }
        let name = self.next()?;
        let (name_text, name_span) = (name.text.to_owned(), name.span);
        self.skip_statement()?;
        fields.push(FieldDecl {
            name: Some(name_text),
            index: 0,
            variant: None,
            ty,
            span: name_span,
            ty_span,
            hidden: false,
            flatten: false,
            serialize_with: None,
            rename: None,
        });
        Ok(())
    }

    /// `service Name { rpc Method (Req) returns (Resp); .. }`.
    fn service(&mut self) -> Result<(), Failure> {
        self.at += 1;
        let service = self.next()?.text.to_owned();
        self.expect("{")?;
        loop {
            match self.peek().ok_or_else(|| ("unclosed service".to_owned(), None))? {
                "}" => {
                    self.at += 1;
                    return Ok(());
                }
                "rpc" => {
                    self.at += 1;
                    let method = self.next()?;
                    let (method_name, method_span) = (snake_case(method.text), method.span);
                    let request = self.message_ref()?;
                    self.expect("returns")?;
                    let response = self.message_ref()?;
                    let (req_text, req_span) = request;
                    let (resp_text, resp_span) = response;
                    self.skip_statement()?;
                    let request_ty = scalar(&req_text, req_span);
                    let response_ty = path(&["Response"], vec![scalar(&resp_text, resp_span)], resp_span);
                    self.facts.fns.push(FnDecl {
                        name: method_name,
                        module: self.package.clone(),
                        self_ty: Some(service.clone()),
                        span: method_span,
                        ret: Some(response_ty),
                        kind: FnKind::Grpc,
                        params: vec![Param {
                            source: ParamSource::Message,
                            extractor: "Request".to_owned(),
                            ty: request_ty,
                            bindings: Vec::new(),
                            span: req_span,
                        }],
                        routes: Vec::new(),
                        sent: Vec::new(),
                        sent_calls: Vec::new(),
                        values: Vec::new(),
                        checks: Vec::new(),
                        inputs: Vec::new(),
                        page_values: Vec::new(),
                        templates: Vec::new(),
                    });
                }
                _ => self.skip_statement()?,
            }
        }
    }

    /// `(stream? Name)`: the message name and its span.
    fn message_ref(&mut self) -> Result<(String, Span), Failure> {
        self.expect("(")?;
        let mut token = self.next()?;
        if token.text == "stream" {
            token = self.next()?;
        }
        let out = (token.text.to_owned(), token.span);
        self.expect(")")?;
        Ok(out)
    }
}

/// The Rust type prost generates for a proto type: integers keep their width and
/// signedness; messages are named by their last component.
fn scalar(proto: &str, span: Span) -> TypeRef {
    let rust = match proto {
        "int32" | "sint32" | "sfixed32" => "i32",
        "int64" | "sint64" | "sfixed64" => "i64",
        "uint32" | "fixed32" => "u32",
        "uint64" | "fixed64" => "u64",
        "bool" => "bool",
        "string" => "String",
        "bytes" => "Vec",
        "float" => "f32",
        "double" => "f64",
        other => other.trim_start_matches('.').rsplit('.').next().unwrap_or(other),
    };
    path(&[rust], Vec::new(), span)
}

fn path(segments: &[&str], args: Vec<TypeRef>, span: Span) -> TypeRef {
    TypeRef::Path { segments: segments.iter().map(|s| (*s).to_owned()).collect(), args, span }
}

fn join(module: &str, name: &str) -> String {
    if module.is_empty() { name.to_owned() } else { format!("{module}::{name}") }
}

/// `GetUser` -> `get_user`, as tonic names methods and prost names nested modules.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(text: &str) -> FileFacts {
        let mut facts = FileFacts { path: "x.proto".to_owned(), ..FileFacts::default() };
        lower(text, &mut facts);
        facts
    }

    #[test]
    fn messages_and_services() {
        let facts = lowered(
            "syntax = \"proto3\";\npackage shop.v1;\n// comment\nmessage GetUserRequest {\n  int64 user_id = 1;\n  repeated uint32 tags = 2 [packed = true];\n  map<string, int64> refs = 3;\n  oneof who { string name = 4; sint64 member_no = 5; }\n  message Inner { fixed64 id = 1; }\n  enum Kind { A = 0; }\n}\nservice Users {\n  rpc GetUser (GetUserRequest) returns (stream .shop.v1.UserReply) { option (x) = { a: 1 }; }\n}\n",
        );
        assert!(facts.problems.is_empty(), "{:?}", facts.problems);
        let names: Vec<&str> = facts.types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Inner", "GetUserRequest"]);
        let request = &facts.types[1];
        assert_eq!(request.module, "shop::v1");
        assert_eq!(facts.types[0].module, "shop::v1::get_user_request");
        let fields: Vec<String> =
            request.fields.iter().map(|f| format!("{}: {}", f.name.as_deref().unwrap(), f.ty.display())).collect();
        assert_eq!(
            fields,
            ["user_id: i64", "tags: Vec<u32>", "refs: HashMap<String, i64>", "name: String", "member_no: i64"]
        );
        assert_eq!((request.fields[0].span.line, request.fields[0].span.column), (5, 9));
        let rpc = &facts.fns[0];
        assert_eq!(rpc.name, "get_user");
        assert_eq!(rpc.params[0].ty.display(), "GetUserRequest");
        assert_eq!(rpc.ret.as_ref().unwrap().display(), "Response<UserReply>");
    }

    /// Random token soup from the proto vocabulary: never a panic, never a hang.
    #[test]
    fn token_soup_never_panics() {
        const WORDS: &[&str] = &[
            "message", "service", "rpc", "returns", "stream", "oneof", "map", "<", ">", ",", "{", "}", "(", ")", ";",
            "=", "1", "int64", "A", "repeated", "\"s\"", "/*", "*/", "//", "\n", "option", "package", "é", "'",
        ];
        super::super::token_soup(WORDS, 0x2545_f491_4f6c_dd1du64, 3000, |text| {
            let _ = lowered(text);
        });
    }

    #[test]
    fn malformed_input_is_a_problem_not_a_panic() {
        for text in [
            "message A {",
            "message A { int64 x = 1",
            "service S { rpc M (A returns (B); }",
            "/* open",
            "message \"x",
            "}",
            "message",
        ] {
            let facts = lowered(text);
            assert!(!facts.problems.is_empty() || facts.types.is_empty(), "{text}");
        }
    }
}
