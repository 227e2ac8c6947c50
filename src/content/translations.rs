//! Translations: `worried-about-a-child.pl.md` beside `worried-about-a-child.md` is its Polish
//! translation, published at `/pl/worried-about-a-child/`. Only a language listed under
//! `languages:` in `site.yaml` counts; a name that looks like a language tag but is not listed
//! is an error, so a typo (`.pk.md` for `.pl.md`) does not publish a page nobody meant.

use std::path::Path;

use crate::config::Config;
use crate::config::languages::{looks_like_tag, same_tag};
use crate::diagnostics::{Diagnostic, Diagnostics};

use super::frontmatter::CommonMeta;
use super::{Document, Kind, Page, Parsed, Section};

/// A page or section in another of the site's languages.
#[derive(Debug)]
pub struct Translation {
    /// Its file, text and address (`/pl/worried-about-a-child/`).
    pub doc: Document,
    /// Its front matter: the title, description and review marks of the translation.
    pub meta: CommonMeta,
    /// Index into `config.languages` of its language.
    pub lang: usize,
    /// What it translates.
    pub of: Original,
}

/// The page or section a [`Translation`] translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Original {
    /// Index into `Site::pages`.
    Page(usize),
    /// Index into `Site::sections`.
    Section(usize),
}

/// What a content file's name says about its language.
enum Suffix {
    /// No language: the file is in the site's main language.
    None,
    /// A translation into `config.languages[lang]` of the file named `original`.
    Listed { lang: usize, original: String },
    /// A language tag `config.languages` does not list (or the main language itself).
    Unlisted(String),
}

/// Reads the language out of a file name: `page.pl.md` is `pl`, `report.v2.md` none.
fn suffix(name: &str, config: &Config) -> Suffix {
    let Some(stem) = name.strip_suffix(".md") else {
        return Suffix::None;
    };
    let Some((base, tag)) = stem.rsplit_once('.') else {
        return Suffix::None;
    };
    if base.is_empty() {
        return Suffix::None;
    }
    let listed = config
        .languages
        .iter()
        .position(|l| same_tag(&l.tag, tag) && !same_tag(&l.tag, &config.language));
    match listed {
        Some(lang) => Suffix::Listed {
            lang,
            original: format!("{base}.md"),
        },
        None if looks_like_tag(tag) || same_tag(tag, &config.language) => {
            Suffix::Unlisted(tag.to_string())
        }
        None => Suffix::None,
    }
}

/// A translation file before its original is found.
pub(super) struct Pending {
    parsed: Parsed,
    lang: usize,
    /// The original's content path (`guidance/neglect.md`).
    original: String,
}

/// Takes the site's files; returns the ones in the main language and the translations,
/// reporting in `diags` (and leaving out) a file whose name carries a language the site does
/// not list.
pub(super) fn separate(
    files: Vec<Parsed>,
    config: &Config,
    diags: &mut Diagnostics,
) -> (Vec<Parsed>, Vec<Pending>) {
    let mut main = Vec::new();
    let mut pending = Vec::new();
    for f in files {
        let name = f.rel.last().map(String::as_str).unwrap_or_default();
        match suffix(name, config) {
            Suffix::None => main.push(f),
            Suffix::Listed { lang, original } => {
                let mut rel = f.dir().to_vec();
                rel.push(original);
                pending.push(Pending {
                    original: rel.join("/"),
                    parsed: f,
                    lang,
                });
            }
            Suffix::Unlisted(tag) => diags.push(unlisted(&f, &tag, config)),
        }
    }
    (main, pending)
}

/// The error for a file whose name ends in a language the site does not list.
fn unlisted(f: &Parsed, tag: &str, config: &Config) -> Diagnostic {
    let name = f.rel.last().map(String::as_str).unwrap_or_default();
    let plain = name.replace(&format!(".{tag}.md"), ".md");
    if same_tag(tag, &config.language) {
        return Diagnostic::in_file(
            &f.file,
            format!("the file name ends in `.{tag}`, the site's main language, which a file name never needs"),
        )
        .at_in(&f.source, 1, 1)
        .hint(format!(
            "pages in the main language have no language in their name: name the file {plain}"
        ));
    }
    let d = Diagnostic::in_file(
        &f.file,
        format!("the file name ends in `.{tag}`, which would make it a translation, but `{tag}` is not one of the site's languages"),
    )
    .at_in(&f.source, 1, 1);
    let listed: Vec<&str> = config
        .languages
        .iter()
        .filter(|l| !same_tag(&l.tag, &config.language))
        .map(|l| l.tag.as_str())
        .collect();
    let known = if listed.is_empty() {
        "The site lists no other languages yet".to_string()
    } else {
        format!("The site's other languages are: {}", listed.join(", "))
    };
    let renamed = name.replace(&format!(".{tag}.md"), &format!("-{tag}.md"));
    d.hint(format!(
        "if this is a translation, add `{tag}` under languages: in site.yaml (with its name); if not, rename the file so it does not end in .{tag}.md, such as {renamed}. {known}"
    ))
}

/// Finds each translation's original among `pages` and `sections` (by content path), gives it
/// its address under the language's folder and records it on its original. A translation of a
/// draft left out (`drafts`) is left out too; one with no original, one that sets what only
/// the original may (its address, template, topics or training details), and a second
/// translation into the same language are errors.
pub(super) fn resolve(
    pending: Vec<Pending>,
    config: &Config,
    pages: &mut [Page],
    sections: &mut [Section],
    drafts: &std::collections::HashSet<String>,
    diags: &mut Diagnostics,
) -> Vec<Translation> {
    let base = config.base_path();
    let page_at: std::collections::HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.doc.path.as_str(), i))
        .collect();
    let section_at: std::collections::HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.doc.path.as_str(), i))
        .collect();
    let mut found: Vec<(Pending, Original)> = Vec::new();
    for p in pending {
        let of = match (
            page_at.get(p.original.as_str()),
            section_at.get(p.original.as_str()),
        ) {
            (Some(&i), _) => Original::Page(i),
            (None, Some(&i)) => Original::Section(i),
            (None, None) if drafts.contains(&p.original) => continue,
            (None, None) => {
                diags.push(no_original(&p));
                continue;
            }
        };
        found.push((p, of));
    }
    let mut out: Vec<Translation> = Vec::new();
    for (p, of) in found {
        let f = p.parsed;
        let (original_doc, original_url) = match of {
            Original::Page(i) => (&pages[i].doc, &pages[i].doc.url),
            Original::Section(i) => (&sections[i].doc, &sections[i].doc.url),
        };
        let twice = out
            .iter()
            .find(|t| t.of == of && t.lang == p.lang)
            .map(|t| t.doc.file.display().to_string());
        if let Some(other) = twice {
            diags.push(
                Diagnostic::in_file(
                    &f.file,
                    format!(
                        "{} already has a translation into this language: {other}",
                        original_doc.file.display()
                    ),
                )
                .at_in(&f.source, 1, 1)
                .hint("keep one of the two files and delete the other"),
            );
            continue;
        }
        if let Original::Page(i) = of
            && pages[i].meta.common.event.is_some()
        {
            diags.push(
                Diagnostic::in_file(&f.file, "training sessions are published in the site's main language only")
                    .at_in(&f.source, 1, 1)
                    .hint("delete this file; a translated page can link to the session's page in the main language instead"),
            );
            continue;
        }
        let folder = config.languages[p.lang].tag.to_ascii_lowercase();
        let rest = original_url.strip_prefix(base).unwrap_or(original_url);
        let (doc, kind) = f.into_parts(format!("{base}{folder}/{rest}"));
        let meta = match kind {
            Kind::Page { meta, .. } => meta.common,
            Kind::Section(meta) => {
                if let Some(d) = section_setting(&meta, &doc.file, &doc.source) {
                    diags.push(d);
                    continue;
                }
                meta.common
            }
        };
        if let Some(d) = own_setting(&meta, &doc.file, &doc.source) {
            diags.push(d);
            continue;
        }
        let k = out.len();
        match of {
            Original::Page(i) => pages[i].translations.push(k),
            Original::Section(i) => sections[i].translations.push(k),
        }
        out.push(Translation {
            doc,
            meta,
            lang: p.lang,
            of,
        });
    }
    out
}

/// The error for a translation with nothing to translate.
fn no_original(p: &Pending) -> Diagnostic {
    let f = &p.parsed;
    Diagnostic::in_file(
        &f.file,
        format!(
            "this is a translation of content/{}, but there is no such file",
            p.original
        ),
    )
    .at_in(&f.source, 1, 1)
    .hint(format!(
        "a translation sits beside the page it translates and has the same name with the language before .md; create content/{} first, or rename this file to match the page it translates",
        p.original
    ))
}

/// The first thing a translation sets that only its original may: its address, old addresses,
/// template, place in its section, topics and training details are the original's, in every
/// language.
fn own_setting(m: &CommonMeta, file: &Path, source: &str) -> Option<Diagnostic> {
    let key_at = |key: &str| {
        let yaml = source.get(..source.find("\n---").unwrap_or(source.len()))?;
        crate::yaml::key_line(yaml, key).map(|i| i + 1)
    };
    fn located<'k>(
        key: &'k str,
        l: &super::frontmatter::Located,
    ) -> Option<(&'k str, usize, usize)> {
        Some((key, l.line, l.column))
    }
    let set = m
        .slug
        .as_ref()
        .and_then(|l| located("slug", l))
        .or_else(|| m.template.as_ref().and_then(|l| located("template", l)))
        .or_else(|| m.aliases.first().and_then(|l| located("aliases", l)))
        .or_else(|| {
            m.weight
                .map(|_| ("weight", key_at("weight").unwrap_or(1), 1))
        })
        .or_else(|| {
            m.event
                .as_ref()
                .map(|_| ("event", key_at("event").unwrap_or(1), 1))
        })
        .or_else(|| {
            m.taxonomies
                .keys()
                .next()
                .map(|k| (k.as_str(), key_at(k).unwrap_or(1), 1))
        })?;
    let (key, line, column) = set;
    Some(
        Diagnostic::in_file(file, format!("a translation cannot set `{key}`"))
            .at_in(source, line, column)
            .hint(format!(
                "`{key}` is the same in every language, so it comes from the page this translates: remove it here (and set it in the original if it is missing there)"
            )),
    )
}

/// A section setting (page order, pagination, page template, feed) in a section's
/// translation, which lists its pages as the original does.
fn section_setting(
    m: &super::frontmatter::SectionMeta,
    file: &Path,
    source: &str,
) -> Option<Diagnostic> {
    let key = if m.paginate_by.is_some() {
        "paginate_by"
    } else if m.page_template.is_some() {
        "page_template"
    } else if m.feed {
        "feed"
    } else if m.sort_by != Default::default() {
        "sort_by"
    } else {
        return None;
    };
    let yaml = source.get(..source.find("\n---").unwrap_or(source.len()))?;
    let line = crate::yaml::key_line(yaml, key).map_or(1, |i| i + 1);
    Some(
        Diagnostic::in_file(file, format!("a section's translation cannot set `{key}`"))
            .at_in(source, line, 1)
            .hint(format!(
                "a translated section lists its pages as the original does: set `{key}` in the original _index.md and remove it here"
            )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::parse(
            "title: T\nbase_url: https://e.org/\nlanguage: en-GB\nlanguages:\n  - {tag: en-GB, name: English}\n  - {tag: pl, name: Polski}\n  - {tag: pa-Arab, name: Punjabi}\n  - {tag: ckb, name: Kurdish}\nsafeguarding_site: false\n",
            Path::new("site.yaml"),
        )
        .unwrap()
    }

    fn lang_of(name: &str) -> Option<(usize, String)> {
        match suffix(name, &config()) {
            Suffix::Listed { lang, original } => Some((lang, original)),
            _ => None,
        }
    }

    fn unlisted(name: &str) -> bool {
        matches!(suffix(name, &config()), Suffix::Unlisted(_))
    }

    #[test]
    fn only_a_listed_language_makes_a_translation() {
        assert_eq!(lang_of("neglect.pl.md"), Some((1, "neglect.md".into())));
        assert_eq!(lang_of("_index.PL.md"), Some((1, "_index.md".into())));
        assert_eq!(lang_of("index.pa-arab.md"), Some((2, "index.md".into())));
        assert_eq!(lang_of("a.b.ckb.md"), Some((3, "a.b.md".into())));
        // Not languages: pages with a dot in their name.
        for page in [
            "report.v2.md",
            "minutes.old.md",
            "neglect.md",
            ".pl.md",
            "a.2024.md",
        ] {
            assert!(lang_of(page).is_none() && !unlisted(page), "{page}");
        }
        // Shaped like a language but not listed, or the main language: errors.
        for wrong in [
            "about.pk.md",
            "about.ur.md",
            "about.en-GB.md",
            "about.pt-BR.md",
        ] {
            assert!(unlisted(wrong), "{wrong}");
        }
    }
}
