//! `languages:` in `site.yaml`: the languages the site's pages are translated into, and the
//! rule that says which part of a file name is a language (`worried.pl.md`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// One language of the site (`languages:` in `site.yaml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Language {
    /// The BCP 47 tag, such as `pl` or `ur`: a translated page's file name ends with it
    /// (`worried-about-a-child.pl.md`) and its address starts with it (`/pl/…`).
    pub tag: String,
    /// The language's name in that language, such as `Polski` or `اردو`, shown in the
    /// language switcher.
    pub name: String,
    /// `rtl` for a language written right to left. Haven knows Urdu, Arabic, Persian, Pashto,
    /// Hebrew, Yiddish, Kurdish (Sorani), Sindhi and Dhivehi already.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// The report-a-concern box's words in this language (the phone numbers stay as they
    /// are in `report:`).
    #[serde(default)]
    pub report: Option<ReportWords>,
}

/// Which way a language is written.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Left to right.
    Ltr,
    /// Right to left.
    Rtl,
}

/// The words of `report:` that change with the language. Numbers and addresses do not.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportWords {
    /// The hub's name in this language, such as `Northshire MASH (zespół ochrony dzieci)`.
    #[serde(default)]
    pub hub_name: Option<String>,
    /// When the hub answers, in this language.
    #[serde(default)]
    pub hub_hours: Option<String>,
}

/// Whether `s` has the shape of a language tag as a file name would carry it: a two-letter
/// language, then perhaps a four-letter script and a two-letter or three-digit region
/// (`pl`, `ur`, `pa-Arab`, `pt-BR`). Three-letter languages count only when listed, so that
/// `minutes.old.md` stays a page.
pub fn looks_like_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let Some(first) = parts.next() else {
        return false;
    };
    if first.len() != 2 || !first.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    let script = |p: &str| p.len() == 4 && p.bytes().all(|b| b.is_ascii_alphabetic());
    let region = |p: &str| {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_alphabetic()))
            || (p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    match rest.as_slice() {
        [] => true,
        [a] => script(a) || region(a),
        [a, b] => script(a) && region(b),
        _ => false,
    }
}

/// Whether a tag names a well-formed language for `languages:`: as [`looks_like_tag`], or a
/// three-letter language (`ckb`) with the same subtags.
fn well_formed(tag: &str) -> bool {
    if looks_like_tag(tag) {
        return true;
    }
    match tag.split_once('-') {
        None => tag.len() == 3 && tag.bytes().all(|b| b.is_ascii_alphabetic()),
        Some((first, rest)) => {
            first.len() == 3
                && first.bytes().all(|b| b.is_ascii_alphabetic())
                && looks_like_tag(&format!("xx-{rest}"))
        }
    }
}

/// The line (from 1) of `site.yaml`'s text on which the language `tag` is listed
/// (`- tag: pl` or `- {tag: pl, …}`), or else the line of `languages:`.
pub fn tag_line(text: &str, tag: &str) -> usize {
    text.lines()
        .position(|l| {
            l.split("tag:").skip(1).any(|after| {
                let value = after.split([',', '}', '#']).next().unwrap_or("").trim();
                same_tag(value.trim_matches(['"', '\'']), tag)
            })
        })
        .map_or_else(
            || crate::yaml::key_line_or_first(text, "languages"),
            |i| i + 1,
        )
}

/// Whether two tags are the same language tag (tags ignore case).
pub fn same_tag(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Checks `languages:` against the site's main `language`: each tag well formed and listed
/// once, each with a name, and the main language among them (its name is the switcher's
/// link back), unless the list is empty. `text` is `site.yaml`, for the line.
pub fn check(
    languages: &[Language],
    main: &str,
    text: &str,
    shown: &Path,
) -> Result<(), Diagnostic> {
    if languages.is_empty() {
        return Ok(());
    }
    let fail = |tag: &str, msg: String, hint: &str| {
        Diagnostic::in_file(shown, msg)
            .at_in(text, tag_line(text, tag), 1)
            .hint(hint.to_string())
    };
    for (i, l) in languages.iter().enumerate() {
        if !well_formed(&l.tag) {
            return Err(fail(
                &l.tag,
                format!("`{}` is not a language tag", l.tag),
                "write the language's short code, such as pl for Polish, ur for Urdu or pa-Arab for Punjabi in Shahmukhi script",
            ));
        }
        if languages[..i].iter().any(|o| same_tag(&o.tag, &l.tag)) {
            return Err(fail(
                &l.tag,
                format!("the language `{}` is listed twice", l.tag),
                "list each language once under languages:",
            ));
        }
        if l.name.trim().is_empty() {
            return Err(fail(
                &l.tag,
                format!("the language `{}` has no name", l.tag),
                "write its name as its speakers write it, such as `name: Polski`; the language switcher shows it",
            ));
        }
    }
    if !languages.iter().any(|l| same_tag(&l.tag, main)) {
        return Err(Diagnostic::in_file(
            shown,
            format!(
                "languages: does not list the site's main language, `{main}` (from language:)"
            ),
        )
        .at_in(text, crate::yaml::key_line_or_first(text, "languages"), 1)
        .hint(format!(
            "add `- {{tag: {main}, name: English}}` (the main language's name in that language) to languages:, so the language switcher can link back to it"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(tag: &str, name: &str) -> Language {
        Language {
            tag: tag.into(),
            name: name.into(),
            direction: None,
            report: None,
        }
    }

    #[test]
    fn what_looks_like_a_language_in_a_file_name() {
        for t in ["pl", "ur", "pa-Arab", "pt-BR", "es-419", "zh-Hant-TW", "PL"] {
            assert!(looks_like_tag(t), "{t}");
        }
        for t in ["v2", "old", "draft", "2024", "p", "pl-x", "a1", "", "pl-"] {
            assert!(!looks_like_tag(t), "{t}");
        }
        assert!(well_formed("ckb") && well_formed("ckb-IQ") && !well_formed("english"));
    }

    #[test]
    fn languages_are_checked_against_the_main_one() {
        let f = Path::new("site.yaml");
        let ok = [lang("en-GB", "English"), lang("pl", "Polski")];
        assert!(check(&ok, "en-GB", "", f).is_ok());
        assert!(check(&[], "en-GB", "", f).is_ok());
        let text = "language: en-GB\nlanguages:\n  - {tag: pl, name: Polski}\n";
        let e = check(&[lang("pl", "Polski")], "en-GB", text, f).unwrap_err();
        assert!(e.message.contains("main language"), "{}", e.message);
        assert_eq!(e.line, Some(2));
        let twice = [lang("en-GB", "English"), lang("pl", "A"), lang("PL", "B")];
        assert!(
            check(&twice, "en-GB", "", f)
                .unwrap_err()
                .message
                .contains("twice")
        );
        let bad = [lang("en-GB", "English"), lang("polish", "Polski")];
        assert!(
            check(&bad, "en-GB", "", f)
                .unwrap_err()
                .message
                .contains("not a language tag")
        );
        let unnamed = [lang("en-GB", "English"), lang("pl", " ")];
        assert!(
            check(&unnamed, "en-GB", "", f)
                .unwrap_err()
                .message
                .contains("no name")
        );
        let listed =
            "languages:\n  - {tag: en-GB, name: Example}\n  - tag: \"pl\"\n    name: Polski\n";
        assert_eq!(tag_line(listed, "pl"), 3);
        assert_eq!(tag_line(listed, "en-gb"), 2);
        assert_eq!(tag_line(listed, "ur"), 1);
    }
}
