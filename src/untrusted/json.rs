//! The strict JSON reader shared by every JSON input (layer files, their
//! `mask`, safetensors headers): [`parse`] returns a [`Node`] tree in which
//! **no object has a repeated key** (RFC 8259 leaves duplicates to the reader,
//! and `serde_json::Value` silently keeps the last one, so two readers could
//! see two different documents: a duplicate is refused with its path and both
//! positions), **number literals are kept as written** (so an integer of any
//! size is read exactly and a message can quote a literal instead of its
//! float64 rounding), and nesting is bounded ([`MAX_DEPTH`], as `serde_json`).
//!
//! The syntax itself is `serde_json`'s: the document is validated once as a
//! whole, then each object and array is read again from its own raw text
//! (`serde_json::value::RawValue`), so the work is the document size times its
//! nesting depth (six levels for a layer file).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;

/// The deepest nesting of arrays and objects accepted (`serde_json`'s own
/// recursion limit, kept).
pub const MAX_DEPTH: usize = 128;

/// A JSON value with the raw text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    raw: &'a str,
    value: Value<'a>,
}

/// The value of a [`Node`]; objects keep their keys in document order (every
/// key once), numbers keep their literal text.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number literal exactly as written, e.g. `-12`, `0.5`, `1e400`.
    Number(&'a str),
    /// A string, escapes decoded.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Node<'a>>),
    /// An object: its members in document order, no key twice.
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    /// The value.
    pub fn value(&self) -> &Value<'a> {
        &self.value
    }

    /// The raw text of the value, as written in the document.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The member `key` of an object (`None` for other values or a missing key).
    ///
    /// # Examples
    /// ```
    /// let doc = couplings::untrusted::json::parse(r#"{"n": 4, "mode": "signed"}"#).unwrap();
    /// assert_eq!(doc.get("mode").and_then(|m| m.as_str()), Some("signed"));
    /// assert!(doc.get("layers").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.value {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object, in document order.
    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Node<'a>)]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// A number literal's text.
    pub fn as_number(&self) -> Option<&'a str> {
        match self.value {
            Value::Number(s) => Some(s),
            _ => None,
        }
    }

    /// The literal's value when it is a JSON integer (no fraction, no exponent)
    /// from 0 to `u64::MAX`.
    ///
    /// # Examples
    /// ```
    /// let doc = couplings::untrusted::json::parse("[7, -1, 2.0, 18446744073709551616]").unwrap();
    /// let items = doc.as_array().unwrap();
    /// assert_eq!(items[0].as_u64(), Some(7));
    /// assert_eq!((items[1].as_u64(), items[2].as_u64(), items[3].as_u64()), (None, None, None));
    /// ```
    pub fn as_u64(&self) -> Option<u64> {
        let s = self.as_number()?;
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    }

    /// What the value is, for messages: `a string ("x")`, `a JSON number (0.5)`,
    /// `an array ([1, 2])` (the text as written, control characters escaped,
    /// cut after 40 characters).
    ///
    /// # Examples
    /// ```
    /// let doc = couplings::untrusted::json::parse(r#"[0.5, "x", null]"#).unwrap();
    /// let items = doc.as_array().unwrap();
    /// assert_eq!(items[0].describe(), "a JSON floating-point number (0.5)");
    /// assert_eq!(items[1].describe(), "a string (\"x\")");
    /// assert_eq!(items[2].describe(), "null");
    /// ```
    pub fn describe(&self) -> String {
        let text: String = self.raw.chars().take(41).collect();
        let shown = if text.chars().count() > 40 {
            let cut: String = text.chars().take(37).collect();
            format!("{}...", super::show(&cut))
        } else {
            super::show(&text)
        };
        let kind = match &self.value {
            Value::Null => return "null".into(),
            Value::Bool(_) => "a boolean",
            Value::Number(s) if s.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) => {
                "a JSON floating-point number"
            }
            Value::Number(_) => "a JSON integer",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        };
        format!("{kind} ({shown})")
    }
}

/// Why a document was refused, with the 1-based line and column (in
/// characters) of the place concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong.
    pub kind: ErrorKind,
}

/// The kinds of [`JsonError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not JSON (`serde_json`'s message, without its position).
    Syntax {
        /// The message.
        message: String,
    },
    /// An object has the same key twice; `line` and `column` are the second one's.
    DuplicateKey {
        /// The path of the repeated member, e.g. `layers[0].scale`.
        path: String,
        /// 1-based line of the first occurrence.
        first_line: usize,
        /// 1-based column of the first occurrence.
        first_column: usize,
    },
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (line, column) = (self.line, self.column);
        match &self.kind {
            ErrorKind::Syntax { message } => {
                write!(f, "invalid JSON at line {line}, column {column}: {message}")
            }
            ErrorKind::DuplicateKey {
                path,
                first_line,
                first_column,
            } => write!(
                f,
                "duplicate key: `{path}` is given twice (line {first_line}, column \
                 {first_column} and line {line}, column {column}); JSON readers disagree on \
                 which one counts, so every key must appear once"
            ),
            ErrorKind::TooDeep => write!(
                f,
                "arrays and objects nested more than {MAX_DEPTH} deep at line {line}, column {column}"
            ),
        }
    }
}

impl std::error::Error for JsonError {}

/// Reads a JSON document strictly (see the [module documentation](self)).
/// Leading and trailing whitespace is allowed; a byte-order mark is not (strip
/// it first with [`super::strip_bom`]).
///
/// # Errors
/// [`ErrorKind::Syntax`] (not JSON), [`ErrorKind::DuplicateKey`],
/// [`ErrorKind::TooDeep`], each with its line and column.
///
/// # Examples
/// ```
/// use couplings::untrusted::json::{parse, ErrorKind, Value};
/// let doc = parse(r#"{"n": 123456789012345678901234567890}"#).unwrap();
/// assert_eq!(doc.get("n").unwrap().value(), &Value::Number("123456789012345678901234567890"));
///
/// let e = parse("{\"layers\": [],\n \"layers\": [1]}").unwrap_err();
/// assert!(matches!(&e.kind, ErrorKind::DuplicateKey { path, first_line: 1, first_column: 2 } if path == "layers"));
/// assert_eq!((e.line, e.column), (2, 2));
/// ```
pub fn parse(text: &str) -> Result<Node<'_>, JsonError> {
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| syntax(text, 0, &e))?;
    let reader = Reader { doc: text };
    reader.node(raw.get(), 0, &Path::Root)
}

/// Where a value is, for messages (built only on error).
enum Path<'p> {
    Root,
    Key(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Key(parent, key) => {
                let up = parent.render();
                let key = super::show(key);
                if up.is_empty() {
                    key
                } else {
                    format!("{up}.{key}")
                }
            }
            Path::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// 1-based (line, column in characters) of byte `offset` of `doc`.
fn position(doc: &str, offset: usize) -> (usize, usize) {
    let before = &doc[..offset.min(doc.len())];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// A `serde_json` error in the text `doc[offset..]`, placed in `doc`.
fn syntax(doc: &str, offset: usize, e: &serde_json::Error) -> JsonError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let (base_line, base_column) = position(doc, offset);
    let (line, column) = if e.line() <= 1 {
        (base_line, base_column + e.column().saturating_sub(1))
    } else {
        (base_line + e.line() - 1, e.column())
    };
    JsonError {
        line,
        column,
        kind: ErrorKind::Syntax { message },
    }
}

struct Reader<'a> {
    doc: &'a str,
}

/// A string that borrows from the document when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The members of one object, values still raw.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    let value: &'de RawValue = map.next_value()?;
                    out.push((key, value));
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The elements of one array, still raw.
struct Elements<'a>(Vec<&'a RawValue>);

impl<'de> Deserialize<'de> for Elements<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Elements<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Elements<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    out.push(item);
                }
                Ok(Elements(out))
            }
        }
        d.deserialize_seq(V)
    }
}

impl<'a> Reader<'a> {
    /// Byte offset of `s` (a slice of the document) in the document.
    fn offset(&self, s: &str) -> usize {
        (s.as_ptr() as usize).wrapping_sub(self.doc.as_ptr() as usize)
    }

    fn error(&self, at: usize, kind: ErrorKind) -> JsonError {
        let (line, column) = position(self.doc, at);
        JsonError { line, column, kind }
    }

    fn node(&self, raw: &'a str, depth: usize, path: &Path) -> Result<Node<'a>, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(self.offset(raw), ErrorKind::TooDeep));
        }
        let again = |e: serde_json::Error| syntax(self.doc, self.offset(raw), &e);
        let value = match raw.as_bytes().first() {
            Some(b'{') => {
                let Members(members) = serde_json::from_str(raw).map_err(again)?;
                let key_at = |k: &Cow<str>| match k {
                    Cow::Borrowed(s) => self.offset(s).saturating_sub(1),
                    Cow::Owned(_) => self.offset(raw),
                };
                let mut seen: HashMap<&str, usize> = HashMap::with_capacity(members.len());
                for (key, _) in &members {
                    if let Some(first) = seen.insert(key, key_at(key)) {
                        let (first_line, first_column) = position(self.doc, first);
                        return Err(self.error(
                            key_at(key),
                            ErrorKind::DuplicateKey {
                                path: Path::Key(path, key).render(),
                                first_line,
                                first_column,
                            },
                        ));
                    }
                }
                drop(seen);
                let mut out = Vec::with_capacity(members.len());
                for (key, value) in members {
                    let node = self.node(value.get(), depth + 1, &Path::Key(path, &key))?;
                    out.push((key, node));
                }
                Value::Object(out)
            }
            Some(b'[') => {
                let Elements(items) = serde_json::from_str(raw).map_err(again)?;
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    out.push(self.node(item.get(), depth + 1, &Path::Index(path, i))?);
                }
                Value::Array(out)
            }
            Some(b'"') => {
                let Text(s) = serde_json::from_str(raw).map_err(again)?;
                Value::String(s)
            }
            Some(b't') => Value::Bool(true),
            Some(b'f') => Value::Bool(false),
            Some(b'n') => Value::Null,
            _ => Value::Number(raw),
        };
        Ok(Node { raw, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_anywhere_with_paths() {
        let cases = [
            (r#"{"a": 1, "a": 2}"#, "a"),
            (
                r#"{"layers": [{"kind": "lower", "kind": "upper"}]}"#,
                "layers[0].kind",
            ),
            (r#"[{}, {"x": {"y": 1, "y": 1}}]"#, "[1].x.y"),
            (r#"{"a\u0062": 1, "ab": 2}"#, "ab"),
        ];
        for (text, want) in cases {
            match parse(text) {
                Err(JsonError {
                    kind: ErrorKind::DuplicateKey { path, .. },
                    ..
                }) => assert_eq!(path, want, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn literals_are_kept() {
        let doc = parse(r#" {"x": [1.50, -0, 1e400, "a\nb", true, null]} "#).unwrap();
        let items = doc.get("x").unwrap().as_array().unwrap();
        assert_eq!(items[0].as_number(), Some("1.50"));
        assert_eq!(items[1].as_number(), Some("-0"));
        assert_eq!(items[2].as_number(), Some("1e400"));
        assert_eq!(items[3].as_str(), Some("a\nb"));
        assert_eq!(items[4].value(), &Value::Bool(true));
        assert_eq!(items[5].value(), &Value::Null);
        assert_eq!(doc.raw(), r#"{"x": [1.50, -0, 1e400, "a\nb", true, null]}"#);
    }

    #[test]
    fn syntax_errors_are_placed() {
        let e = parse("{\"a\": [1,\n 2,, 3]}").unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Syntax { .. }));
        assert_eq!(e.line, 2);
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep).is_err());
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&ok).is_ok());
    }
}
