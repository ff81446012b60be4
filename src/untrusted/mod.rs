//! What every reader of untrusted input shares (floor 0: imports nothing of
//! ours): text hygiene ([`strip_bom`], [`lines`] with `\n`, `\r\n` and a lone
//! `\r` as line ends), [`show`] for quoting input in messages (control,
//! invisible and bidirectional characters escaped, long tokens cut), and the
//! strict JSON reader [`json`] (duplicate keys refused, number literals kept as
//! written, nesting bounded). The limits themselves live next to the readers
//! that enforce them and are listed in `docs/trust.md`.

pub mod json;

/// `text` without one leading UTF-8 byte-order mark (U+FEFF). Every text
/// format (matrix, certificate, JSON) ignores a BOM at the very start; one
/// anywhere else is an ordinary (invalid) character.
///
/// # Examples
/// ```
/// use couplings::untrusted::strip_bom;
/// assert_eq!(strip_bom("\u{feff}1 2\n"), "1 2\n");
/// assert_eq!(strip_bom("1 \u{feff}2"), "1 \u{feff}2");
/// ```
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The lines of `text`: `\n`, `\r\n` and a lone `\r` (old Mac line ends) each
/// end a line; the line end is not part of the line, and a final line end does
/// not start an empty line (as [`str::lines`], which does not know lone `\r`).
///
/// # Examples
/// ```
/// use couplings::untrusted::lines;
/// let all: Vec<&str> = lines("1 2\r3 4\r\n5 6\n\n7").collect();
/// assert_eq!(all, ["1 2", "3 4", "5 6", "", "7"]);
/// assert_eq!(lines("a\r").count(), 1);
/// assert_eq!(lines("").count(), 0);
/// ```
pub fn lines(text: &str) -> Lines<'_> {
    Lines { rest: text }
}

/// The iterator of [`lines`].
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let bytes = self.rest.as_bytes();
        match bytes.iter().position(|&b| b == b'\n' || b == b'\r') {
            None => {
                let line = self.rest;
                self.rest = "";
                Some(line)
            }
            Some(i) => {
                let line = &self.rest[..i];
                let skip = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                self.rest = &self.rest[i + skip..];
                Some(line)
            }
        }
    }
}

/// Tokens longer than this many characters are cut in messages by [`show`].
pub const SHOWN_CHARS: usize = 60;

/// Whether `c` would be invisible or misleading when printed in a message:
/// control characters (NUL, Ctrl-Z, DEL, C1), format characters (byte-order
/// mark, zero-width spaces and joiners, soft hyphen, bidirectional embeddings,
/// overrides and isolates) and every whitespace character but the space.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// `text` as it may be shown in a message: characters that a terminal would
/// not show, or that would reorder the rest of the line, are written as
/// `\u{…}` escapes, and a text of more than [`SHOWN_CHARS`] characters is cut
/// in the middle with its length stated. Use it wherever a message quotes
/// input.
///
/// # Examples
/// ```
/// use couplings::untrusted::show;
/// assert_eq!(show("1/2"), "1/2");
/// assert_eq!(show("2\0"), "2\\u{0}");
/// assert_eq!(show("\u{feff}n"), "\\u{feff}n");
/// assert_eq!(show("\u{202e}4x"), "\\u{202e}4x");
/// let long = "7".repeat(200);
/// assert_eq!(show(&long), format!("{}...{} (200 characters)", "7".repeat(40), "7".repeat(10)));
/// ```
pub fn show(text: &str) -> String {
    let count = text.chars().count();
    let escape = |out: &mut String, part: &mut dyn Iterator<Item = char>| {
        for c in part {
            if needs_escape(c) {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            } else {
                out.push(c);
            }
        }
    };
    let mut out = String::new();
    if count <= SHOWN_CHARS {
        escape(&mut out, &mut text.chars());
    } else {
        escape(&mut out, &mut text.chars().take(40));
        out.push_str("...");
        escape(&mut out, &mut text.chars().skip(count - 10));
        out.push_str(&format!(" ({count} characters)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_agree_with_std_without_lone_cr() {
        for text in [
            "",
            "a",
            "a\n",
            "a\n\n",
            "\n",
            "a\r\nb",
            "a\r\n\r\nb\n",
            "\n\nx",
        ] {
            let ours: Vec<&str> = lines(text).collect();
            let std: Vec<&str> = text.lines().collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }

    #[test]
    fn lone_cr_ends_lines() {
        let all: Vec<&str> = lines("1 2\r3 4\r").collect();
        assert_eq!(all, ["1 2", "3 4"]);
        let all: Vec<&str> = lines("a\r\rb").collect();
        assert_eq!(all, ["a", "", "b"]);
    }

    #[test]
    fn invisible_characters_are_escaped() {
        for (c, shown) in [
            ('\u{1a}', "\\u{1a}"),
            ('\u{7f}', "\\u{7f}"),
            ('\u{85}', "\\u{85}"),
            ('\u{a0}', "\\u{a0}"),
            ('\u{200b}', "\\u{200b}"),
            ('\u{2066}', "\\u{2066}"),
            ('\u{2028}', "\\u{2028}"),
            ('\t', "\\u{9}"),
        ] {
            assert_eq!(show(&format!("x{c}y")), format!("x{shown}y"));
        }
        assert_eq!(show("−2 é"), "−2 é");
    }
}
