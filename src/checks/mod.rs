//! The editors' safety net: checks on what a page says and how it is written (image alt text,
//! heading order, link text, acronyms, outdated language, review dates, front matter), run on
//! every build and reported in full by `haven check`. Each rule has an id (`link-text`) and a
//! default level that `site.yaml` can change:
//!
//! ```yaml
//! checks:
//!   rules: {acronyms: error, readability: warning}
//!   acronyms_allow: [OK, TV]
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;

pub mod page;

use crate::config::checks::{ChecksConfig, Setting, apply, readability_on};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics, Level};
use crate::markdown::Rendered;
use crate::text::LONG_SENTENCE;

pub use page::{Checks, page};

/// The audiences whose pages get a reading-age estimate.
const PLAIN_AUDIENCES: &[&str] = &["parents and carers", "young people"];

/// Link texts that say nothing about where a link goes (WCAG 2.4.4).
const VAGUE: &[&str] = &[
    "click here",
    "here",
    "read more",
    "more",
    "this link",
    "link",
    "this page",
    "find out more",
    "more information",
    "click",
];

/// What is wrong with a link's text, if anything.
pub fn link_text_problem(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches(['.', ':']).to_lowercase();
    if t.is_empty() {
        return Some("this link has no text, so screen readers announce only its address".into());
    }
    if VAGUE.contains(&t.as_str()) {
        return Some(format!(
            "the link text \"{}\" does not say where the link goes",
            text.trim()
        ));
    }
    if t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.") {
        return Some("the link text is a bare web address, which is hard to listen to".into());
    }
    None
}

/// File types worth warning readers about before they download.
const DOCUMENT_TYPES: &[(&str, &[&str])] = &[
    ("pdf", &["pdf"]),
    ("doc", &["word", "doc"]),
    ("docx", &["word", "doc"]),
    ("xls", &["excel", "spreadsheet", "xls"]),
    ("xlsx", &["excel", "spreadsheet", "xls"]),
    ("ppt", &["powerpoint", "presentation", "ppt"]),
    ("pptx", &["powerpoint", "presentation", "ppt"]),
    ("odt", &["opendocument", "odt"]),
    ("csv", &["csv"]),
    ("zip", &["zip"]),
];

/// A warning when a link to a document does not say its type ("(PDF, 1 MB)").
pub fn file_type_problem(text: &str, url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    let (_, words) = DOCUMENT_TYPES.iter().find(|(e, _)| *e == ext)?;
    let lower = text.to_lowercase();
    if words.iter().any(|w| lower.contains(w)) {
        return None;
    }
    Some(format!(
        "this link opens a {} file, but its text does not say so",
        ext.to_ascii_uppercase()
    ))
}

/// What is wrong with an image's alt text. `None` for fine; `Some((rule, message))`.
pub fn alt_problem(alt: &str, src: &str, decorative: bool) -> Option<(&'static str, String)> {
    let a = alt.trim();
    if a.is_empty() {
        if decorative {
            return None;
        }
        return Some(("image-alt", format!("the image `{src}` has no alt text")));
    }
    let lower = a.to_lowercase();
    let file_like = !a.contains(' ')
        && a.rsplit_once('.').is_some_and(|(_, e)| {
            ["png", "jpg", "jpeg", "gif", "svg", "webp"].contains(&e.to_ascii_lowercase().as_str())
        });
    if file_like || a == src.rsplit('/').next().unwrap_or(src) {
        return Some((
            "image-alt-quality",
            format!("the alt text \"{a}\" is a file name"),
        ));
    }
    for p in ["image of", "picture of", "photo of", "graphic of"] {
        if lower.starts_with(p) {
            return Some((
                "image-alt-quality",
                format!("the alt text starts \"{p}\", which screen readers already announce"),
            ));
        }
    }
    None
}

/// One entry of the language list.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The phrase to avoid, matched case-insensitively as whole words.
    pub avoid: String,
    /// What to write instead.
    #[serde(rename = "use")]
    pub instead: String,
    /// `error` for terms the law has replaced; `warning` otherwise.
    #[serde(default = "warning")]
    pub level: Setting,
    /// Why, and where the advice comes from.
    #[serde(default)]
    pub why: String,
}

fn warning() -> Setting {
    Setting::Warning
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageFile {
    terms: Vec<Term>,
}

/// The file name of the language list, in a theme's folder and in `data/`.
pub const LANGUAGE_FILE: &str = "language.yaml";

/// Reads the theme's language list and the site's additions (`data/language.yaml`).
pub fn load_language(
    layout: &crate::layout::Layout,
    theme: Option<&str>,
) -> Result<Vec<Term>, Diagnostic> {
    let mut out = Vec::new();
    let mut files = Vec::new();
    if let Some(t) = theme {
        files.push(crate::layout::Layout::theme_dir(t).join(LANGUAGE_FILE));
    }
    files.push(Path::new(crate::layout::DATA).join(LANGUAGE_FILE));
    for rel in files {
        let Some(Ok(bytes)) = layout.read(&rel) else {
            continue;
        };
        let text = crate::text::decode_text(&bytes).map_err(|m| Diagnostic::in_file(&rel, m))?;
        let f: LanguageFile = crate::yaml::parse(&text, &rel, &text, 1)?;
        out.extend(f.terms);
    }
    Ok(out)
}

/// Checks that need the whole site: front matter, review dates, duplicate titles, and links to
/// site paths (`/x/` or relative) that no output file answers (`has` says whether the built
/// site has a path).
pub fn site_findings(
    site: &Site,
    pages: &[Rendered],
    has: &(dyn Fn(&str) -> bool + Sync),
    now: jiff::Timestamp,
) -> Vec<Diagnostic> {
    let today = crate::clock::site_date(now);
    let mut out = Vec::new();
    // Readability findings take their level from the rule or the threshold, not `apply`, and
    // are reported after the duplicate titles.
    let mut plain = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        out.extend(front_matter_findings(&site.config.checks, p, today));
        plain.extend(readability_findings(&site.config.checks, p, &pages[i]));
    }
    out.extend(duplicate_title_findings(site));
    out.extend(plain);
    out.extend(link_findings(site, pages, has, 0..site.pages.len()));
    out
}

/// Takes a page, a front matter key and a message; returns a finding at that key's line.
fn at_key(p: &crate::content::Page, key: &str, msg: String) -> Diagnostic {
    Diagnostic::in_file(&p.doc.file, msg).at_in(
        &p.doc.source,
        crate::yaml::key_line_or_first(&p.doc.source, key),
        1,
    )
}

/// Takes the checks' settings, a page and the site's date today; returns the page's findings
/// on its description, date and review fields, at the levels the settings give them.
fn front_matter_findings(
    cfg: &ChecksConfig,
    p: &crate::content::Page,
    today: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let m = &p.meta.common;
    let mut out = Vec::new();
    let mut push = |rule: &'static str, d: Diagnostic| {
        if let Some(d) = apply(cfg, rule, d) {
            out.push(d);
        }
    };
    match &m.description {
        None => push(
            "description",
            at_key(p, "title", "this page has no description".into())
                .hint("add `description:` with one sentence that says what the page is for; it shows in search results and listings"),
        ),
        Some(d) if d.chars().count() > 160 => push(
            "description",
            at_key(p, "description", format!("the description is {} characters long", d.chars().count()))
                .hint("keep it to 160 characters or fewer, so search engines show all of it"),
        ),
        _ => {}
    }
    if m.event.is_none()
        && let Some(d) = &m.date
        && d.date > today
    {
        push(
            "future-date",
            at_key(p, "date", format!("the date {} is in the future", d.date))
                .hint("check the year; a page dated in the future may be a typo"),
        );
    }
    if let Some(due) = &m.review_due
        && due.date < today
    {
        push(
            "review-due",
            at_key(p, "review_due", format!("this page was due for review on {}", due.date))
                .hint("check the page is still right, then set last_reviewed to today and review_due to the next date"),
        );
    }
    let dir = p.doc.path.rsplit_once('/').map_or("", |(d, _)| d);
    let guidance = cfg
        .guidance_sections
        .iter()
        .any(|g| dir == g.as_str() || dir.starts_with(&format!("{g}/")));
    if guidance && (m.owner.is_none() || m.last_reviewed.is_none()) {
        let missing = if m.owner.is_none() {
            "owner"
        } else {
            "last_reviewed"
        };
        push(
            "review-missing",
            at_key(p, "title", format!("this guidance page has no `{missing}`"))
                .hint("guidance needs `owner:` (who keeps it right) and `last_reviewed:` (when it was last checked)"),
        );
    }
    out
}

/// Takes the checks' settings, a page and its rendered Markdown; returns its reading-age and
/// long-sentence findings, if the page is for an audience that needs plain words and the
/// check is on.
fn readability_findings(
    cfg: &ChecksConfig,
    p: &crate::content::Page,
    r: &crate::markdown::Rendered,
) -> Vec<Diagnostic> {
    let mut plain = Vec::new();
    let for_plain = p
        .meta
        .common
        .taxonomies
        .get(crate::config::AUDIENCES)
        .is_some_and(|a| {
            a.iter()
                .any(|t| PLAIN_AUDIENCES.contains(&t.to_lowercase().as_str()))
        });
    let Some(r) = r
        .readability
        .as_ref()
        .filter(|_| for_plain && readability_on(cfg))
    else {
        return plain;
    };
    let max = cfg.max_reading_age.unwrap_or(12.0);
    let rule = |d: Diagnostic| {
        let d = d.rule("readability");
        match cfg.level("readability") {
            Some(Level::Error) => d,
            _ => d.warning(),
        }
    };
    if let Some(age) = r.reading_age()
        && age > max
    {
        plain.push(rule(
            at_key(p, "title", format!("this page has a reading age of about {age:.0}; aim for {max:.0} or under"))
                .hint("use shorter sentences and everyday words; this page is for parents or young people"),
        ));
    }
    for (line, words, opening) in &r.long {
        plain.push(rule(
            Diagnostic::in_file(
                &p.doc.file,
                format!("a sentence of {words} words: \"{opening}\""),
            )
            .at_in(&p.doc.source, *line, 1)
            .hint(format!(
                "split it; sentences over {LONG_SENTENCE} words are hard to follow"
            )),
        ));
    }
    plain
}

/// Takes the site; returns a finding on each page whose title (ignoring case) another page
/// also has, pages grouped by title from A to Z.
fn duplicate_title_findings(site: &crate::content::Site) -> Vec<Diagnostic> {
    let cfg = &site.config.checks;
    let mut titles: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        // Sessions of one course share a title by design; their dates tell them apart.
        if p.meta.common.event.is_none() {
            titles
                .entry(p.meta.common.title.to_lowercase())
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for pages_with in titles.values().filter(|v| v.len() > 1) {
        for &i in pages_with {
            let p = &site.pages[i];
            let others: Vec<String> = pages_with
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| site.pages[j].doc.file.display().to_string())
                .collect();
            let d = at_key(
                p,
                "title",
                format!("another page has the same title: {}", others.join(", ")),
            )
            .hint("give each page a title that tells it apart in search results and tabs");
            out.extend(apply(cfg, "duplicate-title", d));
        }
    }
    out
}

/// Links to site paths (`/x/` or relative) from the pages `which` that no output file
/// answers, or whose `#anchor` names no heading on the page it points at. `has` says whether
/// the built site has a file at a path.
pub fn link_findings(
    site: &crate::content::Site,
    pages: &[crate::markdown::Rendered],
    has: &(dyn Fn(&str) -> bool + Sync),
    which: impl Iterator<Item = usize>,
) -> Vec<Diagnostic> {
    let cfg = &site.config.checks;
    let anchors: HashMap<String, &[String]> = site
        .pages
        .iter()
        .zip(pages)
        .map(|(p, r)| (p.doc.url.clone(), r.anchors.as_slice()))
        .collect();
    let which: Vec<usize> = which.collect();
    which
        .par_iter()
        .flat_map_iter(|&i| {
            let p = &site.pages[i];
            let anchors = &anchors;
            pages[i].local_links.iter().filter_map(move |l| {
                let msg = link_problem(&l.target, &p.doc.url, site.config.base_path(), has, anchors)?;
                let hint = if msg.contains("no heading") {
                    "a heading's anchor is its text in lower case, with hyphens for spaces: `## Signs to look for` is #signs-to-look-for"
                } else {
                    "link to content as @/section/page.md, so the link follows the page if its address changes"
                };
                apply(
                    cfg,
                    "link-target",
                    Diagnostic::in_file(&p.doc.file, msg)
                        .at_in(&p.doc.source, l.line, l.column)
                        .hint(hint),
                )
            })
        })
        .collect()
}

/// Every `@/page.md#anchor` link must name a heading that exists on that page: always an
/// error, since an `@/` link is the editor saying exactly where it goes.
pub fn anchor_errors(
    site: &Site,
    pages: &[Rendered],
    sections: &[Rendered],
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let sources = site
        .pages
        .iter()
        .zip(pages)
        .map(|(p, r)| (&p.doc.file, &p.doc.source, r))
        .chain(
            site.sections
                .iter()
                .zip(sections)
                .map(|(s, r)| (&s.doc.file, &s.doc.source, r)),
        );
    for (file, source, r) in sources {
        for link in &r.links {
            let Some(anchor) = &link.anchor else { continue };
            let target = site
                .page_by_path
                .get(&link.target)
                .map(|&i| &pages[i])
                .or_else(|| {
                    site.section_by_path
                        .get(&link.target)
                        .map(|&i| &sections[i])
                });
            if let Some(t) = target
                && !t.anchors.iter().any(|a| a == anchor)
            {
                let known = if t.anchors.is_empty() {
                    "that page has no headings".to_string()
                } else {
                    format!("its headings are: #{}", t.anchors.join(", #"))
                };
                diags.push(
                    Diagnostic::in_file(
                        file,
                        no_heading(&format!("@/{}#{anchor}", link.target), anchor),
                    )
                    .at_in(source, link.line, link.column)
                    .hint(known),
                );
            }
        }
    }
    diags.into_result(())
}

/// The message for a link to a heading a page does not have, the same for every kind of link.
fn no_heading(target: &str, anchor: &str) -> String {
    format!("link to `{target}`, but that page has no heading `#{anchor}`")
}

/// Why a site-relative or relative link is not answered, if it is not: no output file at that
/// path, or (for a page of this site) no heading with the link's `#anchor`.
fn link_problem(
    target: &str,
    page_url: &str,
    base_path: &str,
    has: &(dyn Fn(&str) -> bool + Sync),
    anchors: &HashMap<String, &[String]>,
) -> Option<String> {
    let (no_query, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let path = no_query.split('?').next().unwrap_or("");
    let joined = if path.is_empty() {
        page_url.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{page_url}{path}")
    };
    // Output paths are relative to the site's folder; a site-absolute link must be below it.
    let Some(joined) = joined.strip_prefix(base_path.trim_end_matches('/')) else {
        return Some(format!(
            "link to `{target}`, which is outside this site's address {base_path}"
        ));
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let rel = parts.join("/");
    let page = if rel.is_empty() {
        "index.html".to_string()
    } else {
        format!("{rel}/index.html")
    };
    if !(has(&rel) || has(&page)) {
        return Some(format!(
            "link to `{target}`, which is not a page or file on this site"
        ));
    }
    let url = if rel.is_empty() {
        base_path.to_string()
    } else {
        format!("{}{rel}/", base_path)
    };
    match (anchor, anchors.get(&url)) {
        (Some(a), Some(known)) if !a.is_empty() && !known.iter().any(|k| k == a) => {
            Some(no_heading(target, a))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vague_link_text_and_bare_urls() {
        assert!(link_text_problem("Click here").is_some());
        assert!(link_text_problem("read more.").is_some());
        assert!(link_text_problem("https://www.gov.uk/x").is_some());
        assert!(link_text_problem("Working Together to Safeguard Children").is_none());
    }

    #[test]
    fn document_links_must_say_their_type() {
        assert!(file_type_problem("Annual report", "/docs/report.pdf").is_some());
        assert!(file_type_problem("Annual report (PDF, 1 MB)", "/docs/report.pdf").is_none());
        assert!(file_type_problem("Plan", "/docs/plan.docx?x=1").is_some());
        assert!(file_type_problem("Guidance", "/guidance/neglect/").is_none());
    }

    #[test]
    fn alt_text_rules() {
        assert_eq!(alt_problem("", "a.png", false).unwrap().0, "image-alt");
        assert!(
            alt_problem("", "a.png", true).is_none(),
            "decorative, said so"
        );
        assert_eq!(
            alt_problem("IMG_0042.JPG", "x.jpg", false).unwrap().0,
            "image-alt-quality"
        );
        assert_eq!(
            alt_problem("Image of a family", "x.jpg", false).unwrap().0,
            "image-alt-quality"
        );
        assert!(alt_problem("A parent reading with a child", "x.jpg", false).is_none());
    }
}
