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
        .map_err(|err| to_diagnostic(&err, file, source, first_line))
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
    file: &Path,
    source: &str,
    first_line: usize,
) -> Diagnostic {
    let raw = err.without_snippet().to_string();
    let message = tidy_message(&raw);
    let mut d = Diagnostic::in_file(file, message.clone());
    if let Some(loc) = err.location() {
        let line = first_line + (loc.line() as usize).saturating_sub(1);
        d = d.at_in(source, line, loc.column() as usize);
    } else {
        d = d.at_in(source, first_line, 1);
    }
    if let Some(hint) = hint_for(&message) {
        d = d.hint(hint);
    }
    d
}

/// serde-saphyr prefixes some messages with its own position; we print ours instead.
fn tidy_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    // serde's names for number types mean nothing to an editor.
    for ty in ["i64", "u64", "i32", "u32", "u16", "u8", "f64", "usize"] {
        if first.starts_with(&format!("invalid {ty}")) || first.contains(&format!("expected {ty}"))
        {
            return if ty == "f64" {
                "expected a number here".to_string()
            } else {
                "expected a whole number here".to_string()
            };
        }
    }
    if first.starts_with("invalid bool") || first.contains("expected a boolean") {
        return "expected true or false here".to_string();
    }
    let without_pos = match first.rfind(" at line ") {
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
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`')?;
        let list = tail
            .split_once("expected one of ")
            .or_else(|| tail.split_once("expected "))
            .map_or("", |(_, l)| l);
        let expected: Vec<&str> = list
            .split(',')
            .map(|k| k.trim().trim_matches('`'))
            .filter(|k| !k.is_empty() && !k.contains(' '))
            .collect();
        let mut hint = match closest(name, &expected) {
            Some(best) => format!("did you mean `{best}`? "),
            None => String::new(),
        };
        if !expected.is_empty() {
            hint.push_str(&format!("Allowed keys here: {}.", expected.join(", ")));
        }
        return Some(hint.trim().to_string());
    }
    if message.contains("missing field `title`") {
        return Some("every page and section needs a `title:` line in its front matter".into());
    }
    if message.contains('\t') || message.to_lowercase().contains("tab") {
        return Some("YAML does not allow tabs for indentation; use spaces".into());
    }
    None
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
    fn closest_finds_typos_only() {
        assert_eq!(closest("titel", &["title", "date"]), Some("title"));
        assert_eq!(closest("zzzzzz", &["title", "date"]), None);
    }
}
