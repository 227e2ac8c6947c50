//! YAML parsing for `site.yaml`, front matter and data files, with errors that point at the
//! user's file, line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::Diagnostic;

/// Parses `text` (which starts at line `first_line` of `file`, whose whole text is `source`)
/// into `T`, turning any YAML or type error into a positioned [`Diagnostic`].
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    source: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    let mut options = serde_saphyr::Options::default();
    // The snippet is ours to draw, in the same shape as every other diagnostic.
    options.with_snippet = false;
    serde_saphyr::from_str_with_options::<T>(text, options)
        .map_err(|err| to_diagnostic(&err, text, file, source, first_line))
}

/// The line (counted from 0 within `text`) on which the top-level key `key` is written, found
/// by its text: serde keeps no position for flattened or free-form keys.
pub fn key_line(text: &str, key: &str) -> Option<usize> {
    text.lines().position(|l| {
        l.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    })
}

/// The line number (from 1) of the top-level key `key` in `text`, or 1 when it is not there,
/// so that a message about it still points into the file.
pub fn key_line_or_first(text: &str, key: &str) -> usize {
    key_line(text, key).map_or(1, |i| i + 1)
}

fn to_diagnostic(
    err: &serde_saphyr::Error,
    text: &str,
    file: &Path,
    source: &str,
    first_line: usize,
) -> Diagnostic {
    let raw = err.without_snippet().to_string();
    let message = tidy_message(&raw);
    let (line, column) = err.location().map_or((1, 1), |loc| {
        ((loc.line() as usize).max(1), (loc.column() as usize).max(1))
    });
    let e = explain(text, message, line, column);
    // "unknown variant `sometimes`, expected one of …": the hint lists the choices.
    let said = match e
        .message
        .strip_prefix("unknown variant `")
        .and_then(|r| r.split_once('`'))
    {
        Some((name, _)) => format!("`{name}` is not one of the choices here"),
        None => e.message,
    };
    let mut d = Diagnostic::in_file(file, said).at_in(
        source,
        first_line + e.line.saturating_sub(1),
        e.column,
    );
    if let Some(hint) = e.hint {
        d = d.hint(hint);
    }
    d
}

/// A YAML error in an editor's words, at a 1-based line and column of the parsed text.
struct Explained {
    message: String,
    hint: Option<String>,
    line: usize,
    column: usize,
}

/// Takes serde-saphyr's tidied `message` and where it points in `text`; returns what to tell
/// the editor and where, which is not always where the parser noticed the problem (a tab is
/// noticed at the end of the line before it).
fn explain(text: &str, message: String, line: usize, column: usize) -> Explained {
    let found = if message.starts_with("mapping values are not allowed") {
        Some(colon_in_value(text, line, column))
    } else if message.contains("found a tab") || message.starts_with("tabs disallowed") {
        Some(tab(text, line, column))
    } else if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim();
        Some(Explained {
            message: format!("`{key}` is written twice"),
            hint: Some(format!("keep one `{key}:` line and remove the other")),
            line,
            column,
        })
    } else if message.contains("expected sequence") || message.contains("expected a sequence") {
        Some(list_expected(text, line, column))
    } else {
        special_start(text, &message, line, column)
            .or_else(|| Expected::of(&message).map(|kind| kind.explain(text, line, column)))
    };
    found.unwrap_or_else(|| Explained {
        hint: hint_for(&message),
        message,
        line,
        column,
    })
}

/// Line `line` (1-based) of `text`, or an empty line past the end.
fn line_of(text: &str, line: usize) -> &str {
    text.lines().nth(line.saturating_sub(1)).unwrap_or("")
}

/// The byte index in `l` of its 1-based character column `column` (the end if past it).
fn byte_at(l: &str, column: usize) -> usize {
    l.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(l.len(), |(i, _)| i)
}

/// Splits a line into its lead (indentation and any `- ` list markers) and the rest.
fn split_lead(l: &str) -> (&str, &str) {
    let mut rest = l.trim_start_matches([' ', '\t']);
    while let Some(r) = rest
        .strip_prefix('-')
        .filter(|r| r.starts_with([' ', '\t']))
    {
        rest = r.trim_start_matches([' ', '\t']);
    }
    (&l[..l.len() - rest.len()], rest)
}

/// In `rest` (a line without its lead), the byte index of the colon that ends a plain key:
/// the first colon followed by a space, a tab or the end of the line.
fn key_colon(rest: &str) -> Option<usize> {
    rest.char_indices().find_map(|(i, c)| {
        (c == ':'
            && rest[i + 1..]
                .chars()
                .next()
                .is_none_or(|n| n == ' ' || n == '\t'))
        .then_some(i)
    })
}

/// Splits a plain value from a trailing ` # comment`.
fn split_comment(value: &str) -> (&str, Option<&str>) {
    match value.find(" #").or_else(|| value.find("\t#")) {
        Some(i) => (value[..i].trim_end(), Some(value[i + 1..].trim_start())),
        None => (value.trim_end(), None),
    }
}

/// `value` in quotes YAML reads back as exactly `value`: double quotes unless it holds a
/// double quote or a backslash (which double quotes would treat as an escape), then single
/// quotes, and double quotes with escapes only when it holds both kinds of quote.
fn quoted(value: &str) -> String {
    if !value.contains(['"', '\\']) {
        format!("\"{value}\"")
    } else if !value.contains('\'') {
        format!("'{value}'")
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// "mapping values are not allowed in this context": almost always `title: Harmful sexual
/// behaviour: a guide`, a value with a colon and a space in it, which YAML reads as a second
/// key. Says so and shows the line with the value quoted. When the colon is the first on its
/// line, the line is more of the value of the key above it (indented too far, or a value
/// running on), and the message says that instead.
fn colon_in_value(text: &str, line: usize, column: usize) -> Explained {
    const CANNOT: &str = "YAML cannot read this colon: a colon followed by a space starts a new key, and no key can start here";
    const HINT: &str = "if the colon is part of a value, put the whole value in quotes; if it starts a new key, put the key on a line of its own, lined up with the keys above it";
    let l = line_of(text, line);
    let at = byte_at(l, column);
    let (lead, rest) = split_lead(l);
    let generic = || Explained {
        message: CANNOT.into(),
        hint: Some(HINT.into()),
        line,
        column,
    };
    let Some(colon) = key_colon(rest) else {
        return generic();
    };
    if lead.len() + colon >= at {
        return run_on(text, line, lead).unwrap_or_else(generic);
    }
    let key = &rest[..colon];
    let value = rest[colon + 1..].trim_start();
    let plain_key = !key.is_empty() && !key.starts_with(['"', '\'', '{', '[', '?']);
    let plain_value = !value.starts_with(['"', '\'', '[', '{', '|', '>', '&', '*', '!']);
    if !(plain_key && plain_value) {
        return generic();
    }
    let (value, comment) = split_comment(value);
    let dash = lead.trim_start_matches([' ', '\t']);
    let fixed = match comment {
        Some(c) => format!("{dash}{key}: {} {c}", quoted(value)),
        None => format!("{dash}{key}: {}", quoted(value)),
    };
    let after = l.get(at + 1..).unwrap_or("").trim_start();
    let ends_with_colon = after.is_empty() || after.starts_with('#');
    let message = if ends_with_colon {
        format!(
            "the value of `{key}` ends with a colon, which YAML reads as the start of another key"
        )
    } else {
        format!(
            "the value of `{key}` has a colon followed by a space, which YAML reads as the start of another key"
        )
    };
    Explained {
        message,
        hint: Some(format!("put the value in quotes: `{fixed}`")),
        line,
        column,
    }
}

/// A plain value that starts with a character YAML gives a meaning to (`title: [Draft]
/// Neglect`, `title: *New* guidance`, `title: @home`): says what YAML took it for and shows the
/// line with the value quoted. An unclosed `[` or quote is left alone: that is a list or a
/// quoted value begun on purpose and not finished.
fn special_start(text: &str, message: &str, line: usize, column: usize) -> Option<Explained> {
    if message.contains("unclosed") {
        return None;
    }
    let l = line_of(text, line);
    let at = byte_at(l, column);
    let (Some(key), _) = key_and_value(l, column) else {
        return None;
    };
    let (value, comment) = split_comment(&l[at..]);
    let first = value.chars().next()?;
    let list_or_map = message.starts_with("expected string");
    let message = match first {
        '[' | '{' if list_or_map => {
            let what = if first == '[' {
                "a list"
            } else {
                "a group of keys"
            };
            format!(
                "expected text here for `{key}`, but YAML reads the `{first}` it starts with as the start of {what}"
            )
        }
        '*' | '&' | '!' | '|' | '>' => {
            let what = match first {
                '*' => "a reference to a value named elsewhere",
                '&' => "a name for this value",
                '!' => "a type",
                _ => "the start of a block of text",
            };
            format!("the value of `{key}` starts with `{first}`, which YAML reads as {what}")
        }
        '@' | '`' | '%' => format!(
            "the value of `{key}` starts with `{first}`, which YAML does not allow at the start of a value"
        ),
        _ => return None,
    };
    let fixed = match comment {
        Some(c) => format!("{key}: {} {c}", quoted(value)),
        None => format!("{key}: {}", quoted(value)),
    };
    Some(Explained {
        message,
        hint: Some(format!("put the value in quotes: `{fixed}`")),
        line,
        column,
    })
}

/// A single value where a list belongs (`topics: neglect`): names the key and the value, and
/// shows the list written both ways YAML allows.
fn list_expected(text: &str, line: usize, column: usize) -> Explained {
    let (key, value) = key_and_value(line_of(text, line), column);
    let message = match (key, value) {
        (Some(k), Some(v)) => {
            format!("expected a list here for `{k}`, but `{v}` is a single value")
        }
        (Some(k), None) => format!("expected a list here for `{k}`"),
        (None, _) => "expected a list here".to_string(),
    };
    let hint = match key {
        Some(k) => {
            let v = value.unwrap_or("first item");
            format!(
                "put each item on a line of its own under `{k}:`, starting with a dash and a space (`  - {v}`), or write them in square brackets: `{k}: [{v}]`"
            )
        }
        None => "put each item on a line of its own, starting with a dash and a space (`- `)"
            .to_string(),
    };
    Explained {
        message,
        hint: Some(hint),
        line,
        column,
    }
}

/// The message for line `line` (whose lead is `lead`) read as more of the plain value of the
/// key on a line above it, if there is such a key.
fn run_on(text: &str, line: usize, lead: &str) -> Option<Explained> {
    let indent = lead.len() - lead.trim_start_matches([' ', '\t']).len();
    let (_, rest) = split_lead(line_of(text, line));
    let name = &rest[..key_colon(rest)?];
    let lines: Vec<&str> = text.lines().take(line.saturating_sub(1)).collect();
    let above = *lines
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let (above_lead, above_rest) = split_lead(above);
    let colon = key_colon(above_rest)?;
    let key = &above_rest[..colon];
    if above_lead.len() >= indent || above_rest[colon + 1..].trim().is_empty() {
        return None;
    }
    Some(Explained {
        message: format!(
            "this line is indented further than `{key}:` above it, so YAML reads it as more of the value of `{key}` and cannot read the colon"
        ),
        hint: Some(format!(
            "if `{name}` is a new key, start it in the same column as `{key}`; if this line is part of the value of `{key}`, put the whole value on one line, in quotes"
        )),
        line,
        column: indent + 1,
    })
}

/// A tab in YAML's indentation. The parser often notices it only at the end of the value
/// before, a line early; this finds the tab itself: the first tab in the indentation of the
/// line the parser pointed at or of the lines after it (past blank ones).
fn tab(text: &str, line: usize, column: usize) -> Explained {
    let hint = "replace the tab with spaces: YAML indents with spaces only, two for each level";
    for (i, l) in text.lines().enumerate().skip(line.saturating_sub(1)) {
        let lead = l.len() - l.trim_start_matches([' ', '\t']).len();
        if let Some(at) = l[..lead].find('\t') {
            return Explained {
                message: "this line is indented with a tab, and YAML only allows spaces".into(),
                hint: Some(hint.into()),
                line: i + 1,
                // Indentation is ASCII, so the byte index is the column.
                column: at + 1,
            };
        }
        if i + 1 > line && !l.trim().is_empty() {
            break;
        }
    }
    let l = line_of(text, line);
    let from = byte_at(l, column);
    let column = l[from..]
        .find('\t')
        .map(|b| from + b)
        .or_else(|| l.find('\t'))
        .map_or(column, |b| l[..b].chars().count() + 1);
    Explained {
        message: "YAML cannot read a tab here".into(),
        hint: Some("replace the tab with a space".into()),
        line,
        column,
    }
}

/// What kind of plain value a key wanted, from serde's "invalid u32" and the like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expected {
    /// A whole number; `unsigned` when it cannot be below 0.
    Whole { unsigned: bool },
    /// Any number.
    Number,
    /// `true` or `false`.
    TrueFalse,
}

impl Expected {
    fn of(message: &str) -> Option<Expected> {
        for ty in [
            "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
        ] {
            if message.starts_with(&format!("invalid {ty}"))
                || message.contains(&format!("expected {ty}"))
            {
                return Some(Expected::Whole {
                    unsigned: ty.starts_with('u'),
                });
            }
        }
        if message.starts_with("invalid floating point")
            || ["f32", "f64"].iter().any(|ty| {
                message.starts_with(&format!("invalid {ty}"))
                    || message.contains(&format!("expected {ty}"))
            })
        {
            return Some(Expected::Number);
        }
        (message.starts_with("invalid bool") || message.contains("expected a boolean"))
            .then_some(Expected::TrueFalse)
    }

    /// Takes where the value is in `text`; returns the message naming the key and the value
    /// written, with a hint showing the line as it should be.
    fn explain(self, text: &str, line: usize, column: usize) -> Explained {
        let want = match self {
            Expected::Whole { .. } => "a whole number",
            Expected::Number => "a number",
            Expected::TrueFalse => "true or false",
        };
        let (key, value) = key_and_value(line_of(text, line), column);
        let mut message = match key {
            Some(k) => format!("expected {want} here for `{k}`"),
            None => format!("expected {want} here"),
        };
        let Some(value) = value else {
            return Explained {
                message,
                hint: None,
                line,
                column,
            };
        };
        let (why, hint) = self.why(key, value);
        message.push_str(&why);
        Explained {
            message,
            hint: Some(hint),
            line,
            column,
        }
    }

    /// Why `value` is not what `key` (if known) wants (", but … is text"), and what to write
    /// instead.
    fn why(self, key: Option<&str>, value: &str) -> (String, String) {
        // The line as it should be, or just the value when there is no key (a list item).
        let line = |v: &str| key.map_or(format!("`{v}`"), |k| format!("`{k}: {v}`"));
        if self == Expected::TrueFalse {
            let hint = format!("write {} or {}", line("true"), line("false"));
            return (format!(", but `{value}` is text"), hint);
        }
        if let Ok(n) = value.parse::<i128>() {
            return if n < 0 && self == (Expected::Whole { unsigned: true }) {
                (
                    format!(", but `{value}` is below 0"),
                    format!("write 0 or more, e.g. {}", line("0")),
                )
            } else {
                (
                    format!(", but `{value}` is too large"),
                    format!("write a smaller number, e.g. {}", line("1")),
                )
            };
        }
        if value.parse::<f64>().is_ok() {
            return (
                format!(", but `{value}` is not a whole number"),
                format!("write it without a decimal point, e.g. {}", line("1")),
            );
        }
        let hint = match leading_number(value) {
            Some(d) => format!("write only the number, in digits: {}", line(d)),
            None => format!("write the number in digits, e.g. {}", line("1")),
        };
        (format!(", but `{value}` is text"), hint)
    }
}

/// The first run of digits in `value` (with a decimal part), as a number to suggest.
fn leading_number(value: &str) -> Option<&str> {
    let start = value.find(|c: char| c.is_ascii_digit())?;
    let rest = &value[start..];
    let end = rest
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || (c == '.' && rest[i + 1..].starts_with(|d: char| d.is_ascii_digit())))
        })
        .map_or(rest.len(), |(i, _)| i);
    Some(&rest[..end])
}

/// The key written before column `column` of `l` (`key:` just before it) and the plain value
/// that starts there, without quotes or a trailing comment.
fn key_and_value(l: &str, column: usize) -> (Option<&str>, Option<&str>) {
    let at = byte_at(l, column);
    let before = l[..at].trim_end();
    let key = before.strip_suffix(':').and_then(|b| {
        let start = b
            .char_indices()
            .rev()
            .find(|&(_, c)| c.is_whitespace() || matches!(c, '{' | ',' | '['))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let k = b[start..].trim_matches(['"', '\'']);
        (!k.is_empty()).then_some(k)
    });
    let mut value = &l[at..];
    if before.contains(['{', '[']) {
        value = value.split([',', '}', ']']).next().unwrap_or("");
    }
    let value = split_comment(value).0.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    (key, (!value.is_empty()).then_some(value))
}

/// serde-saphyr prefixes some messages with its own position; we print ours instead.
fn tidy_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let without_pos = match first
        .find(" at line ")
        .or_else(|| first.find(" (defined at line "))
    {
        Some(i) => &first[..i],
        None => first,
    };
    let m = without_pos.trim_end_matches('.').trim();
    if m.is_empty() {
        "this YAML could not be read".to_string()
    } else {
        m.to_string()
    }
}

fn hint_for(message: &str) -> Option<String> {
    if let Some((name, listed)) = named_with_choices(message, "unknown field `") {
        let expected: Vec<&str> = listed.into_iter().filter(|k| !k.contains(' ')).collect();
        let mut hint = did_you_mean(name, &expected);
        if !expected.is_empty() {
            hint.push_str(&format!("Allowed keys here: {}.", expected.join(", ")));
        }
        return Some(hint.trim().to_string());
    }
    if message.contains("missing field `title`") {
        return Some("every page and section needs a `title:` line in its front matter".into());
    }
    if let Some((name, choices)) = named_with_choices(message, "unknown variant `") {
        let guess = did_you_mean(name, &choices);
        return Some(format!("{guess}Write one of: {}.", choices.join(", ")));
    }
    None
}

/// Reads serde's "`prefix`NAME`, expected one of `a`, `b`" into the name and the choices.
fn named_with_choices<'m>(message: &'m str, prefix: &str) -> Option<(&'m str, Vec<&'m str>)> {
    let (name, tail) = message.strip_prefix(prefix)?.split_once('`')?;
    let choices = tail
        .split_once("expected one of ")
        .or_else(|| tail.split_once("expected "))
        .map_or("", |(_, l)| l)
        .split(',')
        .map(|k| k.trim().trim_matches('`'))
        .filter(|k| !k.is_empty())
        .collect();
    Some((name, choices))
}

/// "did you mean `x`? " for the closest of `choices` to `name`, or nothing.
pub fn did_you_mean(name: &str, choices: &[&str]) -> String {
    closest(name, choices)
        .map(|g| format!("did you mean `{g}`? "))
        .unwrap_or_default()
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        // Optimal string alignment: a swap of two neighbouring letters is one edit ("titel").
        .map(|c| (strsim::osa_distance(word, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        title: String,
        weight: Option<i64>,
    }

    /// Keys of every kind, for the wrong-value messages.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Typed {
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        weight: Option<i64>,
        #[serde(default)]
        places: Option<u32>,
        #[serde(default)]
        price: Option<f64>,
        #[serde(default)]
        draft: Option<bool>,
        #[serde(default)]
        extra: Option<serde_json::Value>,
        #[serde(default)]
        topics: Option<Vec<serde_json::Value>>,
    }

    /// The error for `text`, read as a whole file.
    fn error(text: &str) -> Diagnostic {
        parse::<Typed>(text, Path::new("x.yaml"), text, 1).unwrap_err()
    }

    /// The error for front matter `yaml` of a content file (starting on its line 2).
    fn front_matter_error(yaml: &str) -> Diagnostic {
        let source = format!("---\n{yaml}---\nBody.\n");
        parse::<Typed>(yaml, Path::new("x.md"), &source, 2).unwrap_err()
    }

    #[test]
    fn colon_in_a_value_says_to_quote_it() {
        let err = front_matter_error("title: Harmful sexual behaviour: a guide\nweight: 1\n");
        assert_eq!((err.line, err.column), (Some(2), Some(32)));
        assert_eq!(
            err.message,
            "the value of `title` has a colon followed by a space, which YAML reads as the start of another key"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `title: \"Harmful sexual behaviour: a guide\"`")
        );
        assert_eq!(
            err.excerpt.as_deref(),
            Some("title: Harmful sexual behaviour: a guide")
        );
    }

    #[test]
    fn colon_in_a_value_on_any_key_and_line() {
        let err = error("title: a\nextra:\n  owner: Chair: independent # the board\n");
        assert_eq!((err.line, err.column), (Some(3), Some(15)));
        assert!(
            err.message.starts_with("the value of `owner`"),
            "{}",
            err.message
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `owner: \"Chair: independent\" # the board`")
        );
        let err = error("topics:\n  - name: Neglect: signs\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `- name: \"Neglect: signs\"`")
        );
        let err = error("title: Safeguarding:\n");
        assert!(err.message.contains("ends with a colon"), "{}", err.message);
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `title: \"Safeguarding:\"`")
        );
        // Not ASCII before the colon: the column counts characters.
        let err = error("title: Café: a guide\n");
        assert_eq!(err.column, Some(12));
    }

    #[test]
    fn quotes_already_in_the_value_are_kept() {
        let err = error("title: The \"Think\" campaign: a guide\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `title: 'The \"Think\" campaign: a guide'`")
        );
        let err = error("title: Children's \"safe\" spaces: a guide\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `title: \"Children's \\\"safe\\\" spaces: a guide\"`")
        );
    }

    #[test]
    fn quoted_values_read_back_exactly() {
        for value in [
            "Harmful sexual behaviour: a guide",
            "The \"Think\" campaign: a guide",
            "Children's \"safe\" spaces: a guide",
            "C:\\folder: files",
            "It's: fine",
        ] {
            let text = format!("title: {}\n", quoted(value));
            let t: Typed = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(t.title.as_deref(), Some(value), "{text}");
        }
    }

    #[test]
    fn a_line_indented_into_the_value_above_says_so() {
        let err = error("extra:\n  owner: Chair\n   phone: 01632\n");
        assert_eq!((err.line, err.column), (Some(3), Some(4)));
        assert!(
            err.message.contains("indented further than `owner:`"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains("same column as `owner`"));
    }

    #[test]
    fn a_tab_is_reported_where_it_is() {
        // The parser notices this tab at the end of line 9's value.
        let text = "title: About us\nweight: 1\nextra:\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  e: 5\n  f: 6\n\tg: 7\n";
        let err = error(text);
        assert_eq!((err.line, err.column), (Some(10), Some(1)));
        assert_eq!(
            err.message,
            "this line is indented with a tab, and YAML only allows spaces"
        );
        assert!(err.hint.unwrap().starts_with("replace the tab with spaces"));
        // After a key with no value, and after spaces.
        let err = error("title: a\nextra:\n\towner: someone\n");
        assert_eq!((err.line, err.column), (Some(3), Some(1)));
        let err = error("title: a\nextra:\n  a:\n  \t  b: 2\n");
        assert_eq!((err.line, err.column), (Some(4), Some(3)));
        // In front matter the line is counted from the top of the file.
        let err = front_matter_error("title: a\nweight: 1\n\textra: x\n");
        assert_eq!((err.line, err.column), (Some(4), Some(1)));
    }

    #[test]
    fn text_where_a_number_belongs_names_the_key() {
        let err = error("weight: heavy\n");
        assert_eq!(
            err.message,
            "expected a whole number here for `weight`, but `heavy` is text"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("write the number in digits, e.g. `weight: 1`")
        );
        assert_eq!((err.line, err.column), (Some(1), Some(9)));
        let err = error("places: 12 places\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("write only the number, in digits: `places: 12`")
        );
        let err = error("places: -1\n");
        assert!(
            err.message.ends_with("but `-1` is below 0"),
            "{}",
            err.message
        );
        let err = error("weight: 1.5\n");
        assert!(
            err.message.ends_with("is not a whole number"),
            "{}",
            err.message
        );
        let err = error("price: £10\n");
        assert_eq!(
            err.message,
            "expected a number here for `price`, but `£10` is text"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("write only the number, in digits: `price: 10`")
        );
        let err = error("draft: perhaps\n");
        assert_eq!(
            err.message,
            "expected true or false here for `draft`, but `perhaps` is text"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("write `draft: true` or `draft: false`")
        );
    }

    #[test]
    fn a_value_starting_with_a_yaml_sign_says_to_quote_it() {
        let err = error("title: [Draft] Neglect\n");
        assert_eq!(
            err.message,
            "expected text here for `title`, but YAML reads the `[` it starts with as the start of a list"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `title: \"[Draft] Neglect\"`")
        );
        let err = error("title: *New* guidance\n");
        assert!(err.message.contains("starts with `*`"), "{}", err.message);
        let err = error("title: @home\n");
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `title: \"@home\"`")
        );
        // A list left open was meant as a list: quoting it would be wrong.
        let err = error("topics: [a, b\n");
        assert!(!err.hint.unwrap_or_default().contains("quotes"));
    }

    #[test]
    fn a_single_value_where_a_list_belongs() {
        let err = error("topics: neglect\n");
        assert_eq!(
            err.message,
            "expected a list here for `topics`, but `neglect` is a single value"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some(
                "put each item on a line of its own under `topics:`, starting with a dash and a space (`  - neglect`), or write them in square brackets: `topics: [neglect]`"
            )
        );
        assert_eq!((err.line, err.column), (Some(1), Some(9)));
        let err = front_matter_error("title: a\ntopics: \"online safety\"\n");
        assert_eq!(err.line, Some(3));
        assert!(
            err.message.contains("`online safety` is a single value"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_list_item_that_is_not_a_number() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Sizes {
            sizes: Vec<u32>,
        }
        let text = "sizes:\n  - 10\n  - ten\n";
        let err = parse::<Sizes>(text, Path::new("x.yaml"), text, 1).unwrap_err();
        assert_eq!(
            err.message,
            "expected a whole number here, but `ten` is text"
        );
        assert_eq!(err.line, Some(3));
        assert_eq!(
            err.hint.as_deref(),
            Some("write the number in digits, e.g. `1`")
        );
    }

    #[test]
    fn a_key_written_twice() {
        let err = error("title: a\ntitle: b\n");
        assert_eq!(err.message, "`title` is written twice");
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn odd_input_never_panics() {
        for text in [
            ":",
            ": :",
            "a: b: ",
            "\t",
            "\t:",
            "- : :",
            "a:\n\t",
            "a: [\t",
            "é: ü: ö",
            "a: b\n\t\n",
            "  - - a: b: c",
            "a: 'x': y",
            "\u{feff}a: b: c",
            "a:\n  b: c\n d: e: f",
        ] {
            let _ = parse::<Typed>(text, Path::new("x.yaml"), text, 1);
            let _ = parse::<serde_json::Value>(text, Path::new("x.yaml"), text, 1);
        }
        // Every short mix of the characters the explanations slice around.
        let pieces = ["a", ":", " ", "\t", "\n", "é", "- ", "#", "\"", "["];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            texts = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            for text in &texts {
                let text = format!("title: x\nk: {text}\n");
                let _ = parse::<Typed>(&text, Path::new("x.yaml"), &text, 1);
            }
        }
    }

    #[test]
    fn unknown_key_is_positioned_with_suggestion() {
        let src = "---\ntitle: a\ntitel: b\n---\n";
        let err = parse::<T>("title: a\ntitel: b\n", Path::new("x.md"), src, 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.column, Some(1));
        assert!(err.message.contains("titel"), "{}", err.message);
        assert!(err.hint.as_deref().unwrap_or("").contains("`title`"));
    }

    #[test]
    fn wrong_type_is_positioned() {
        let src = "title: a\nweight: heavy\n";
        let err = parse::<T>(src, Path::new("x.yaml"), src, 1).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(err.excerpt.as_deref(), Some("weight: heavy"));
    }

    #[test]
    fn an_unknown_choice_lists_the_choices() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        enum Show {
            #[serde(rename = "all")]
            All,
            #[serde(rename = "sensitive")]
            Sensitive,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct S {
            show_on: Show,
        }
        let src = "show_on: sensitve\n";
        let err = parse::<S>(src, Path::new("site.yaml"), src, 1).unwrap_err();
        assert_eq!(err.message, "`sensitve` is not one of the choices here");
        assert_eq!(
            err.hint.as_deref(),
            Some("did you mean `sensitive`? Write one of: all, sensitive.")
        );
        assert_eq!((err.line, err.column), (Some(1), Some(10)));
    }

    #[test]
    fn closest_finds_typos_only() {
        assert_eq!(closest("titel", &["title", "date"]), Some("title"));
        assert_eq!(closest("zzzzzz", &["title", "date"]), None);
    }
}
