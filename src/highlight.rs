//! Syntax highlighting of fenced code blocks with syntect, as CSS classes (`hl-…`) so that the
//! theme's stylesheet controls the colours and no inline styles are needed (which a strict
//! Content-Security-Policy would block).
//!
//! The syntax definitions take tens of milliseconds to load, so they load on first use: a site
//! without code blocks never pays for them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::OnceLock;

use comrak::adapters::SyntaxHighlighterAdapter;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

fn syntaxes() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Whether the syntax set has been loaded in this process.
pub fn is_loaded() -> bool {
    SYNTAXES.get().is_some()
}

/// `s` escaped for HTML and XML text and attribute values, as a new string.
pub fn escaped(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Writing to a String cannot fail.
    let _ = escape_html(&mut out, s);
    out
}

/// Writes HTML-escaped text.
pub fn escape_html(out: &mut dyn Write, s: &str) -> fmt::Result {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[last..i])?;
        out.write_str(rep)?;
        last = i + 1;
    }
    out.write_str(&s[last..])
}

/// Highlights `code` written in `lang`; `None` when the language is unknown.
pub fn highlight(lang: &str, code: &str) -> Option<String> {
    let ss = syntaxes();
    let syntax = ss.find_syntax_by_token(lang)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        ss,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The comrak plugin that routes fenced code through [`highlight`].
#[derive(Debug, Default)]
pub struct Highlighter;

fn write_tag(
    out: &mut dyn Write,
    tag: &str,
    attrs: HashMap<&'static str, Cow<'_, str>>,
) -> fmt::Result {
    // comrak hands attributes over in a HashMap; sort them so output is byte-identical.
    let mut attrs: Vec<_> = attrs.into_iter().collect();
    attrs.sort();
    write!(out, "<{tag}")?;
    for (k, v) in attrs {
        write!(out, " {k}=\"")?;
        escape_html(out, &v)?;
        out.write_str("\"")?;
    }
    out.write_str(">")
}

impl SyntaxHighlighterAdapter for Highlighter {
    fn write_highlighted(
        &self,
        out: &mut dyn Write,
        lang: Option<&str>,
        code: &str,
    ) -> fmt::Result {
        let lang = lang.unwrap_or("").trim();
        match (!lang.is_empty()).then(|| highlight(lang, code)).flatten() {
            Some(html) => out.write_str(&html),
            None => escape_html(out, code),
        }
    }

    fn write_pre_tag(
        &self,
        out: &mut dyn Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        let mut attrs = attrs;
        attrs.insert("class", "code".into());
        // Scrollable regions must be reachable by keyboard (WCAG 2.1.1).
        attrs.insert("tabindex", "0".into());
        write_tag(out, "pre", attrs)
    }

    fn write_code_tag(
        &self,
        out: &mut dyn Write,
        attrs: HashMap<&'static str, Cow<'_, str>>,
    ) -> fmt::Result {
        write_tag(out, "code", attrs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_language_with_classes() {
        let html = highlight("rust", "fn main() {}\n").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(is_loaded());
    }

    #[test]
    fn unknown_language_is_none() {
        assert!(highlight("no-such-language", "x").is_none());
    }

    #[test]
    fn escapes() {
        let mut s = String::new();
        escape_html(&mut s, "<a href=\"x\">&'").unwrap();
        assert_eq!(s, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
