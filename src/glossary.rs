//! The site's glossary (`data/glossary.yaml`) and the acronym pass that uses it: the first time a
//! page's text uses a known acronym, it is marked up as `<abbr title="expansion">`, so every
//! reader can find out what it means where they meet it (WCAG 3.1.4, Abbreviations).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

/// The data file the glossary is read from, below `data/`.
pub const GLOSSARY_FILE: &str = "glossary.yaml";

/// One glossary entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The acronym or term as written in text, e.g. `CSE` (matched case-sensitively).
    pub term: String,
    /// What it stands for, e.g. `child sexual exploitation`.
    pub expansion: String,
    /// A sentence or two for the glossary page.
    pub definition: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    terms: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    term: serde_saphyr::Spanned<String>,
    expansion: String,
    #[serde(default)]
    definition: String,
}

/// Known terms, looked up by the exact word.
#[derive(Clone, Debug, Default)]
pub struct Glossary {
    by_term: HashMap<String, Entry>,
}

/// Marks where an `<abbr>` goes in text nodes. Private-use characters cannot be typed by
/// accident and pass through comrak's escaping untouched, so the markup is added after
/// rendering without turning on comrak's raw-HTML output.
pub const MARK_START: char = '\u{E000}';
/// Ends a mark; between the two is the term.
pub const MARK_END: char = '\u{E001}';

impl Glossary {
    /// Reads the glossary from the site's data files (their text, by path below `data/`); an
    /// empty glossary when there is none.
    pub fn from_data(sources: &BTreeMap<String, String>) -> Result<Glossary, Diagnostic> {
        let Some(text) = sources.get(GLOSSARY_FILE) else {
            return Ok(Glossary::default());
        };
        let path = format!("data/{GLOSSARY_FILE}");
        let file: File = crate::yaml::parse(text, std::path::Path::new(&path), text, 1)?;
        let mut by_term = HashMap::new();
        for raw in file.terms {
            let (line, column) = (
                raw.term.referenced.line() as usize,
                raw.term.referenced.column() as usize,
            );
            let at = |msg: String| Diagnostic::in_file(&path, msg).at_in(text, line, column);
            let e = Entry {
                term: raw.term.value,
                expansion: raw.expansion,
                definition: raw.definition,
            };
            let bad = e.term.trim().is_empty()
                || !e.term.chars().all(char::is_alphanumeric)
                || e.expansion.trim().is_empty();
            if bad {
                return Err(at(format!(
                    "glossary entry `{}` needs a one-word term and an expansion",
                    e.term
                ))
                .hint("terms are single words of letters and digits, such as CSE or Cafcass"));
            }
            if by_term.contains_key(&e.term) {
                return Err(at(format!("`{}` is in the glossary twice", e.term))
                    .hint("keep one entry per term"));
            }
            by_term.insert(e.term.clone(), e);
        }
        Ok(Glossary { by_term })
    }

    /// Builds a glossary from entries (for tests and other callers).
    pub fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Glossary {
        Glossary {
            by_term: entries.into_iter().map(|e| (e.term.clone(), e)).collect(),
        }
    }

    /// Whether there are no terms.
    pub fn is_empty(&self) -> bool {
        self.by_term.is_empty()
    }

    /// Every entry, sorted by term (the map's own order would differ from build to build).
    pub fn entries(&self) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self.by_term.values().collect();
        v.sort_by(|a, b| a.term.cmp(&b.term));
        v
    }

    /// The entry for a word, if it is a known term.
    pub fn get(&self, term: &str) -> Option<&Entry> {
        self.by_term.get(term)
    }

    /// Wraps the first use of each term not yet in `seen` with [`MARK_START`]/[`MARK_END`],
    /// adding it to `seen`. Returns `None` when nothing changed. Words are runs of letters and
    /// digits, so `CSE's` and `(CSE)` match but `CSEs` does not.
    pub fn mark_first_uses(&self, text: &str, seen: &mut HashSet<String>) -> Option<String> {
        let mut out: Option<String> = None;
        let mut copied = 0;
        for (s, word) in words(text) {
            let i = s + word.len();
            if self.by_term.contains_key(word) && !seen.contains(word) {
                seen.insert(word.to_string());
                let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
                o.push_str(&text[copied..s]);
                o.push(MARK_START);
                o.push_str(word);
                o.push(MARK_END);
                copied = i;
            }
        }
        let mut o = out?;
        o.push_str(&text[copied..]);
        Some(o)
    }

    /// Replaces the marks in rendered HTML with `<abbr>` elements.
    pub fn expand_marks(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + 64);
        let mut rest = html;
        while let Some(s) = rest.find(MARK_START) {
            out.push_str(&rest[..s]);
            let after = &rest[s + MARK_START.len_utf8()..];
            let Some(e) = after.find(MARK_END) else {
                out.push_str(after);
                return out;
            };
            let term = &after[..e];
            match self.by_term.get(term) {
                Some(entry) => {
                    out.push_str("<abbr title=\"");
                    // Expansions come from the site's own data file; escape them all the same.
                    let _ = crate::highlight::escape_html(&mut out, &entry.expansion);
                    out.push_str("\">");
                    out.push_str(term);
                    out.push_str("</abbr>");
                }
                None => out.push_str(term),
            }
            rest = &after[e + MARK_END.len_utf8()..];
        }
        out.push_str(rest);
        out
    }
}

/// The words of `text` (runs of letters and digits) with their byte offsets.
pub fn words(text: &str) -> Words<'_> {
    Words { text, at: 0 }
}

/// Iterator over the words of a text; see [`words`].
pub struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    /// Whether the character at byte `i` is a letter or digit, and its length in bytes. Every
    /// acronym check and glossary pass runs this over the whole site, so ASCII, nearly all of
    /// the text, skips UTF-8 decoding.
    fn class(&self, i: usize) -> (bool, usize) {
        word_char_at(self.text, i)
    }
}

/// Whether the character starting at byte `i` of `text` is a letter or digit, and its length
/// in bytes. ASCII, nearly all of the text, skips UTF-8 decoding.
pub fn word_char_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes()[i];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    match text[i..].chars().next() {
        Some(c) => (c.is_alphanumeric(), c.len_utf8()),
        None => (false, 1),
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let len = self.text.len();
        while self.at < len {
            let (word, n) = self.class(self.at);
            if word {
                break;
            }
            self.at += n;
        }
        if self.at >= len {
            return None;
        }
        let start = self.at;
        while self.at < len {
            let (word, n) = self.class(self.at);
            if !word {
                break;
            }
            self.at += n;
        }
        Some((start, &self.text[start..self.at]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Glossary {
        Glossary::from_entries([
            Entry {
                term: "CSE".into(),
                expansion: "child sexual exploitation".into(),
                definition: String::new(),
            },
            Entry {
                term: "MASH".into(),
                expansion: "Multi Agency Safeguarding Hub".into(),
                definition: String::new(),
            },
        ])
    }

    #[test]
    fn words_split_on_anything_but_letters_and_digits() {
        let w: Vec<(usize, &str)> = words("CSE, MASH-led; café 2026 日本 x").collect();
        assert_eq!(
            w,
            [
                (0, "CSE"),
                (5, "MASH"),
                (10, "led"),
                (15, "café"),
                (21, "2026"),
                (26, "日本"),
                (33, "x")
            ]
        );
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" ,;").count(), 0);
    }

    #[test]
    fn marks_whole_words_once() {
        let mut seen = HashSet::new();
        let out = g()
            .mark_first_uses("CSE and CSEs (MASH), CSE again", &mut seen)
            .unwrap();
        assert_eq!(
            out,
            "\u{E000}CSE\u{E001} and CSEs (\u{E000}MASH\u{E001}), CSE again"
        );
        assert!(
            g().mark_first_uses("MASH", &mut seen).is_none(),
            "already seen"
        );
        assert!(
            g().mark_first_uses("mash is not MASHED", &mut HashSet::new())
                .is_none()
        );
    }

    #[test]
    fn expands_marks_to_abbr() {
        let html = g().expand_marks("<p>\u{E000}CSE\u{E001}!</p>");
        assert_eq!(
            html,
            "<p><abbr title=\"child sexual exploitation\">CSE</abbr>!</p>"
        );
    }

    #[test]
    fn reads_data_and_rejects_bad_entries() {
        let data = |text: &str| BTreeMap::from([(GLOSSARY_FILE.to_string(), text.to_string())]);
        let g = Glossary::from_data(&data(
            "terms:\n  - term: LADO\n    expansion: Local Authority Designated Officer\n    definition: d\n",
        ))
        .unwrap();
        assert_eq!(g.get("LADO").unwrap().definition, "d");
        let err =
            Glossary::from_data(&data("terms:\n  - term: A&E\n    expansion: x\n")).unwrap_err();
        assert!(err.message.contains("A&E"), "{}", err.message);
        assert_eq!(err.line, Some(2));
        let err = Glossary::from_data(&data(
            "terms:\n  - term: X\n    expansion: x\n    meaning: typo\n",
        ))
        .unwrap_err();
        assert!(err.message.contains("meaning"));
        assert_eq!(err.line, Some(4), "points at the typo");
    }
}
