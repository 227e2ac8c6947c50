//! The words a theme shows around the content ("Exit this page", "Report a concern about a
//! child", "Last reviewed"), one file per language in its `strings/` folder
//! (`strings/en.yaml`), so that a page in another language can be dressed in that language.
//!
//! Templates ask for a word by key, `{{ t("exit.button") }}`. English (`en.yaml`) is the
//! theme's reference: every other language must have each of its keys, and a missing one is a
//! build error naming it, never English slipped into a page in another language.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::Layout;

/// The folder of a theme holding its words.
pub const STRINGS: &str = "strings";
/// The language every other language's words are checked against.
pub const REFERENCE: &str = "en";

/// One language's words: key to text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Strings {
    /// The file they came from, as messages name it.
    pub file: PathBuf,
    /// Key (`exit.button`) to text.
    pub words: BTreeMap<String, String>,
}

/// Every language the theme has words for, by the language tag its file is named after
/// (`en`, `pl`, `ur`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ThemeStrings {
    /// Language tag (lower-cased) to its words.
    pub languages: BTreeMap<String, Strings>,
    /// Haven's own English words, when a site has its own copy of the built-in theme's
    /// `en.yaml`: the copy must still have every one of them, which Haven's templates ask for.
    pub upstream: Option<Strings>,
}

impl ThemeStrings {
    /// Reads `strings/*.yaml` from the theme (the built-in one, or `themes/THEME/strings/`).
    pub fn load(layout: &Layout, theme: Option<&str>) -> Result<ThemeStrings, Diagnostics> {
        let mut out = ThemeStrings::default();
        let mut diags = Diagnostics::new();
        let mut own_reference = false;
        for f in crate::theme::files(layout, theme, STRINGS, None, &mut diags) {
            let Some(tag) = f.rel.strip_suffix(".yaml").filter(|t| !t.contains('/')) else {
                continue;
            };
            let tag = tag.to_ascii_lowercase();
            own_reference |= tag == REFERENCE && !f.is_built_in();
            match read(layout, &f) {
                Ok(words) => {
                    out.languages.insert(tag, words);
                }
                Err(d) => diags.push(d),
            }
        }
        // Only a site's own copy of the built-in theme's English needs Haven's to compare with.
        if own_reference && theme == Some(crate::theme::DEFAULT) {
            let rel = format!("{STRINGS}/{REFERENCE}.yaml");
            out.upstream = crate::theme::built_in(&rel).and_then(|bytes| {
                let f = crate::theme::ThemeFile {
                    shown: Layout::theme_dir(crate::theme::DEFAULT).join(&rel),
                    rel,
                    source: crate::theme::Source::BuiltIn(bytes),
                };
                read(layout, &f).ok()
            });
        }
        diags.into_result(out)
    }

    /// The words for `language` (a BCP 47 tag such as `en-GB`): its own file, or else the file
    /// of its language without the region (`en` for `en-GB`).
    pub fn for_language(&self, language: &str) -> Option<&Strings> {
        let tag = language.to_ascii_lowercase();
        self.languages.get(&tag).or_else(|| {
            let primary = tag.split('-').next()?;
            self.languages.get(primary)
        })
    }

    /// Checks that the theme has words for `language`, with every key of the reference
    /// language. A theme with no `strings/` folder (one whose templates say their words
    /// themselves) passes. `config_text` gives site.yaml's text, to point at its `language:`
    /// line, read only when that is needed.
    pub fn check(&self, language: &str, config_text: &dyn Fn() -> String) -> Diagnostics {
        let mut out = Diagnostics::new();
        if self.languages.is_empty() {
            return out;
        }
        let Some(words) = self.for_language(language) else {
            let have: Vec<&str> = self.languages.keys().map(String::as_str).collect();
            let config_text = config_text();
            out.push(
                Diagnostic::in_file(
                    crate::config::CONFIG_FILE,
                    format!(
                        "the theme has no words in the language `{language}`: it has them in {}",
                        have.join(", ")
                    ),
                )
                .at_in(
                    &config_text,
                    if config_text.contains("tag:") {
                        crate::config::languages::tag_line(&config_text, language)
                    } else {
                        crate::yaml::key_line_or_first(&config_text, "language")
                    },
                    1,
                )
                .hint(match self.languages.get(REFERENCE) {
                    Some(en) => format!(
                        "set `language:` to one of those, or give the theme its words in `{language}`: copy the English words, {} (part of Haven itself if your site has no such file), to {} in your site and translate each line",
                        en.file.display(),
                        en.file.with_file_name(format!("{language}.yaml")).display()
                    ),
                    None => "set `language:` to one of those".to_string(),
                }),
            );
            return out;
        };
        for (key, text) in &words.words {
            if text.trim().is_empty() {
                out.push(
                    Diagnostic::in_file(&words.file, format!("the words for `{key}` are empty"))
                        .hint("write the words to show after the colon: an empty one would leave a button or a label with nothing on it"),
                );
            }
        }
        let Some(reference) = self.languages.get(REFERENCE) else {
            return out;
        };
        if let Some(upstream) = &self.upstream {
            out.extend(missing(reference, upstream, REFERENCE));
        }
        if !std::ptr::eq(words, reference) {
            out.extend(missing(words, reference, language));
        }
        out
    }
}

/// One file of words.
fn read(layout: &Layout, f: &crate::theme::ThemeFile) -> Result<Strings, Diagnostic> {
    let bytes = f.read(layout).map_err(|e| {
        Diagnostic::in_file(
            &f.shown,
            format!("cannot read this file of the theme's words: {e}"),
        )
    })?;
    let text = crate::text::decode_text(&bytes).map_err(|m| Diagnostic::in_file(&f.shown, m))?;
    let words = crate::yaml::parse::<BTreeMap<String, String>>(&text, &f.shown, &text, 1)
        .map_err(|d| {
            d.hint("each line of this file is a key, a colon and the words to show, such as `exit.button: Exit this page`")
        })?;
    Ok(Strings {
        file: f.shown.clone(),
        words,
    })
}

/// What `words` (in `language`) lacks of `reference`: a key, or a place in braces.
fn missing(words: &Strings, reference: &Strings, language: &str) -> Diagnostics {
    let mut out = Diagnostics::new();
    for (key, english) in &reference.words {
        if let Some(text) = words.words.get(key) {
            // A place left out would drop what fills it, such as the emergency number.
            let want = places(english);
            let have = places(text);
            if want != have {
                out.push(
                    Diagnostic::in_file(
                        &words.file,
                        format!(
                            "the words for `{key}` must have the places {} (as in {}), but have {}",
                            shown(&want),
                            reference.file.display(),
                            shown(&have)
                        ),
                    )
                    .hint("keep each word in braces, such as {number}, exactly as it is: it is filled in with a phone number, a link or a date"),
                );
            }
        } else {
            out.push(
                Diagnostic::in_file(&words.file, format!("the words for `{key}` are missing"))
                    .hint(format!(
                        "add a line `{key}: …` with the {language} words for \"{}\" (from {})",
                        reference.words[key],
                        reference.file.display()
                    )),
            );
        }
    }
    out
}

/// The direction of writing of the language `tag` (BCP 47): `rtl` for the languages and
/// scripts written right to left, `ltr` for the rest.
pub fn direction(tag: &str) -> &'static str {
    const RTL_LANGUAGES: &[&str] = &[
        "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi",
    ];
    const RTL_SCRIPTS: &[&str] = &["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"];
    const LTR_SCRIPTS: &[&str] = &["latn", "cyrl", "deva"];
    let lower = tag.to_ascii_lowercase();
    let mut parts = lower.split(['-', '_']);
    let language = parts.next().unwrap_or("");
    let script = parts.find(|p| p.len() == 4);
    match script {
        Some(s) if RTL_SCRIPTS.contains(&s) => "rtl",
        Some(s) if LTR_SCRIPTS.contains(&s) => "ltr",
        _ if RTL_LANGUAGES.contains(&language) => "rtl",
        _ => "ltr",
    }
}

/// The direction of writing of one of the site's languages: as `languages:` sets it, or else
/// as [`direction`] knows it.
pub fn direction_of(l: &crate::config::languages::Language) -> &'static str {
    use crate::config::languages::Direction;
    match l.direction {
        Some(Direction::Rtl) => "rtl",
        Some(Direction::Ltr) => "ltr",
        None => direction(&l.tag),
    }
}

/// A stretch of words: text as it is, or a place in braces (`{number}`) that a template fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text to show.
    Text(&'a str),
    /// The name of a place: letters, digits and `_` between braces.
    Place(&'a str),
}

/// `text` cut into its [`Piece`]s; a brace that opens no place is text.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut plain = 0;
    while let Some(open) = rest[plain..].find('{').map(|o| plain + o) {
        let name = rest[open + 1..]
            .find('}')
            .map(|e| &rest[open + 1..open + 1 + e]);
        match name {
            Some(name)
                if !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                if open > 0 {
                    out.push(Piece::Text(&rest[..open]));
                }
                out.push(Piece::Place(name));
                rest = &rest[open + name.len() + 2..];
                plain = 0;
            }
            _ => plain = open + 1,
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// The places (`{number}`) in `text`, sorted.
fn places(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Place(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect();
    out.sort_unstable();
    out
}

fn shown(places: &[&str]) -> String {
    if places.is_empty() {
        return "none".to_string();
    }
    places
        .iter()
        .map(|p| format!("{{{p}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(entries: &[(&str, &[(&str, &str)])]) -> ThemeStrings {
        ThemeStrings {
            languages: entries
                .iter()
                .map(|(tag, words)| {
                    (
                        tag.to_string(),
                        Strings {
                            file: PathBuf::from(format!("themes/haven/strings/{tag}.yaml")),
                            words: words
                                .iter()
                                .map(|(k, v)| (k.to_string(), v.to_string()))
                                .collect(),
                        },
                    )
                })
                .collect(),
            upstream: None,
        }
    }

    #[test]
    fn a_regional_tag_falls_back_to_its_language_only() {
        let s = strings(&[("en", &[("exit.button", "Exit this page")])]);
        assert!(s.for_language("en-GB").is_some());
        assert!(s.for_language("EN").is_some());
        assert!(s.for_language("pl").is_none());
        assert!(s.for_language("eng").is_none());
        assert!(s.check("en-GB", &|| "language: en-GB\n".into()).is_empty());
    }

    #[test]
    fn a_language_without_words_or_with_one_missing_is_an_error_naming_it() {
        let s = strings(&[
            (
                "en",
                &[
                    ("exit.button", "Exit this page"),
                    ("skip", "Skip to main content"),
                ],
            ),
            ("pl", &[("exit.button", "Opuść tę stronę")]),
        ]);
        let none = s.check("cy", &|| "title: X\nlanguage: cy\n".into());
        let d = &none.0[0];
        assert_eq!(d.line, Some(2), "{d:?}");
        assert!(d.message.contains("no words in the language `cy`"), "{d:?}");
        let missing = s.check("pl", &|| "".into());
        assert_eq!(missing.0.len(), 1, "{missing:?}");
        assert!(missing.0[0].message.contains("`skip`"), "{missing:?}");
        assert!(
            missing.0[0].file.as_deref()
                == Some(std::path::Path::new("themes/haven/strings/pl.yaml")),
            "{missing:?}"
        );
        assert!(
            ThemeStrings::default()
                .check("cy", &|| "".into())
                .is_empty()
        );
    }

    #[test]
    fn a_translation_that_drops_a_place_is_an_error() {
        let s = strings(&[
            (
                "en",
                &[("report.urgent", "If a child is in danger, call {number}.")],
            ),
            (
                "pl",
                &[(
                    "report.urgent",
                    "Jeśli dziecku grozi niebezpieczeństwo, zadzwoń.",
                )],
            ),
            ("ur", &[("report.urgent", "{number} پر کال کریں")]),
        ]);
        let d = s.check("pl", &|| "".into());
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert!(d.0[0].message.contains("{number}"), "{d:?}");
        assert!(s.check("ur", &|| "".into()).is_empty(), "a place may move");
        assert_eq!(places("a {b} {c d} {} {e_1} {"), ["b", "e_1"]);
    }

    #[test]
    fn an_empty_word_or_a_site_copy_missing_havens_keys_is_an_error() {
        let mut s = strings(&[
            ("en", &[("exit.button", "Exit this page")]),
            ("pl", &[("exit.button", "  ")]),
        ]);
        let d = s.check("pl", &|| "".into());
        assert!(d.0[0].message.contains("`exit.button` are empty"), "{d:?}");
        // A site's own copy of en.yaml must keep every key Haven's templates ask for.
        s.upstream = Some(Strings {
            file: PathBuf::from("themes/haven/strings/en.yaml"),
            words: [
                ("exit.button", "Exit this page"),
                ("skip_link", "Skip to main content"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        });
        let d = s.check("en-GB", &|| "".into());
        assert_eq!(d.0.len(), 1, "{d:?}");
        assert!(d.0[0].message.contains("`skip_link` are missing"), "{d:?}");
    }

    #[test]
    fn right_to_left_languages_and_scripts_are_known() {
        for rtl in ["ur", "ur-PK", "ar", "fa", "he", "ps", "pa-Arab", "ckb"] {
            assert_eq!(direction(rtl), "rtl", "{rtl}");
        }
        for ltr in [
            "en-GB", "pl", "pa", "pa-Guru", "so", "ro", "ku-Latn", "ur-Latn",
        ] {
            assert_eq!(direction(ltr), "ltr", "{ltr}");
        }
    }

    /// Every language the built-in theme carries has every key and place of English.
    #[test]
    fn the_built_in_theme_has_whole_words_in_each_of_its_languages() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let s = ThemeStrings::load(&layout, Some(crate::theme::DEFAULT)).unwrap();
        assert!(s.languages.contains_key(REFERENCE));
        for tag in s.languages.keys() {
            let d = s.check(tag, &|| "".into());
            assert!(d.is_empty(), "{tag}: {d:?}");
        }
    }
}
