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
pub mod safety;
pub mod terms;

use crate::alerts::{closest_path, did_you_mean};
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
    if let Some(f) = theme.and_then(|t| crate::theme::file(layout, t, LANGUAGE_FILE)) {
        files.push((f.read(layout).ok(), f.shown));
    }
    let own = Path::new(crate::layout::DATA).join(LANGUAGE_FILE);
    files.push((layout.read(&own).and_then(Result::ok).map(Into::into), own));
    for (bytes, rel) in files {
        let Some(bytes) = bytes else {
            continue;
        };
        let text = crate::text::decode_text(&bytes).map_err(|m| Diagnostic::in_file(&rel, m))?;
        let f: LanguageFile = crate::yaml::parse(&text, &rel, &text, 1)?;
        out.extend(f.terms);
    }
    Ok(out)
}

/// Checks that need the whole site: front matter, review dates, duplicate titles, terms that
/// their taxonomy does not declare, and the links and images of pages and alerts that no
/// output file answers (`has` says whether the built site has a path), or that write this
/// site's own address in full.
pub fn site_findings(
    site: &Site,
    pages: &[Rendered],
    translations: &[Rendered],
    images: &crate::images::ImageSizes,
    has: &(dyn Fn(&str) -> bool + Sync),
    now: jiff::Timestamp,
) -> Vec<Diagnostic> {
    let today = crate::clock::site_date(now);
    let mut out = Vec::new();
    // Readability findings take their level from the rule or the threshold, not `apply`, and
    // are reported after the duplicate titles.
    let mut plain = Vec::new();
    out.extend(site.config.placeholders.iter().cloned());
    if let Some(text) = site.data_sources.get(crate::alerts::ALERTS_FILE) {
        let found =
            crate::config::placeholder_findings(text, Path::new(&crate::alerts::alerts_path()));
        out.extend(
            found
                .into_iter()
                .filter_map(|d| apply(&site.config.checks, "unfinished", d)),
        );
    }
    for (i, p) in site.pages.iter().enumerate() {
        out.extend(front_matter_findings(&site.config.checks, p, today));
        out.extend(unfinished_findings(&site.config.checks, p));
        plain.extend(readability_findings(&site.config.checks, p, &pages[i]));
    }
    out.extend(duplicate_title_findings(site));
    out.extend(plain);
    let targets = Targets::new(site, pages, has);
    out.extend(targets.page_findings(pages, 0..site.pages.len()));
    out.extend(
        site.translations
            .iter()
            .zip(translations)
            .flat_map(|(t, r)| targets.document_findings(&t.doc, r)),
    );
    out.extend(translation_review_findings(site));
    out.extend(alert_link_findings(site, &targets));
    out.extend(terms::undeclared_terms(site));
    out.extend(image_findings(site, images));
    out
}

/// The translations marked `translation: needs review`, so that the editors know which pages a
/// translator still has to check. Readers never see the mark.
fn translation_review_findings(site: &Site) -> Vec<Diagnostic> {
    site.translations
        .iter()
        .filter_map(|t| {
            let at = t.meta.translation.as_ref()?;
            let name = &site.config.languages[t.lang].name;
            let d = Diagnostic::in_file(
                &t.doc.file,
                format!("this translation into {name} ({}) is marked as needing review: a translator has not checked it yet", site.config.languages[t.lang].tag),
            )
            .at_in(&t.doc.source, at.line, at.column)
            .hint("ask a professional translator to check it against the English page, then remove the line `translation: needs review`")
            .warning();
            apply(&site.config.checks, "translation-review", d)
        })
        .collect()
}

/// An original over this many bytes is a warning (rule `image-size`).
const IMAGE_MAX_BYTES: u64 = 5 * 1024 * 1024;
/// An original wider or taller than this, in pixels, is a warning (rule `image-size`).
const IMAGE_MAX_SIDE: u32 = 4000;

/// The images whose originals record a GPS position, or are far larger than a page needs. The published copies never do (see
/// [`crate::images`]), but the editor should know which originals, in the site's files and
/// wherever else they were shared, still give away where they were taken.
fn image_findings(site: &Site, images: &crate::images::ImageSizes) -> Vec<Diagnostic> {
    let keep = &site.config.images.keep_metadata;
    let cfg = &site.config.checks;
    images
        .originals
        .iter()
        .flat_map(|(image, headers)| {
            let shown = &image.shown;
            let mut out = Vec::new();
            if headers.has_location {
                let message = if crate::images::keeps(keep, shown) {
                    "this photo records where it was taken (GPS), and site.yaml's images.keep_metadata publishes it as it is, location and all"
                } else {
                    "this photo's original records where it was taken (GPS); the published copy does not, but the file here still does"
                };
                let d = Diagnostic::in_file(shown, message).hint(
                    "remove the location from the original (on Windows: Properties, Details, Remove Properties and Personal Information; on a Mac: Preview, Tools, Show Inspector, the GPS tab) and from any copy shared elsewhere, and turn off location tagging in the camera's settings",
                );
                out.extend(apply(cfg, "image-location", d));
            }
            let bytes = headers.bytes;
            let (w, h) = headers.size.unwrap_or((0, 0));
            if bytes > IMAGE_MAX_BYTES || w.max(h) > IMAGE_MAX_SIDE {
                let d = Diagnostic::in_file(
                    shown,
                    format!(
                        "this image is {} and {w} × {h} pixels, larger than a web page needs",
                        crate::files::size_label(bytes)
                    ),
                )
                .hint(format!(
                    "Haven publishes smaller copies, but keeps the original's size as the largest: save it at most {IMAGE_MAX_SIDE} pixels wide and under 5 MB"
                ));
                out.extend(apply(cfg, "image-size", d));
            }
            out
        })
        .collect()
}

/// The paths in `site.yaml` (the "Worried about a child?" page, the quick exit's help page),
/// checked like links in content. A broken one is always an error, whatever `link-target` is
/// set to: every page links to them, for readers who may be at risk. They are `@/` paths, so
/// this runs before rendering, where a template's `url_for` would otherwise fail on them first.
pub fn settings_link_findings(
    site: &Site,
    pages: &[Rendered],
    has: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Diagnostic> {
    let cfg = &site.config;
    let mut settings: Vec<([&str; 2], &str)> = Vec::new();
    if let Some(r) = &cfg.report {
        settings.push((["report", "page"], &r.page));
    }
    if let Some(help) = cfg.quick_exit.as_ref().and_then(|q| q.help.as_deref()) {
        settings.push((["quick_exit", "help"], help));
    }
    let file = Path::new(crate::config::CONFIG_FILE);
    let source = site
        .layout
        .read(file)
        .and_then(Result::ok)
        .and_then(|b| crate::text::decode_text(&b).ok())
        .unwrap_or_default();
    settings
        .into_iter()
        .filter_map(|(path, target)| {
            let problem = link_target_problem(site, pages, has, target)?;
            let (line, column) = crate::config::portal::setting_position(&source, &path);
            let d = Diagnostic::in_file(file, format!("{}: {}", path.join("."), problem.message))
                .at_in(&source, line, column)
                .hint(problem.hint);
            Some(if problem.level == Level::Warning {
                d.warning()
            } else {
                d
            })
        })
        .collect()
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
/// A page `haven new` made that the editor has not finished: its body is still only notes in
/// HTML comments (which are never published, so it would go out empty), or its front matter
/// still holds a placeholder.
fn unfinished_findings(cfg: &ChecksConfig, p: &crate::content::Page) -> Vec<Diagnostic> {
    let doc = &p.doc;
    let front = doc.source.get(..doc.body_start).unwrap_or_default();
    let mut found: Vec<Diagnostic> = crate::config::placeholder_findings(front, &doc.file)
        .into_iter()
        .map(|d| d.hint("write the real details in its place; readers would see the placeholder"))
        .collect();
    let body = doc.body();
    if body.contains("<!--") && without_comments(body).trim().is_empty() {
        found.push(
            Diagnostic::in_file(&doc.file, "this page has no text yet, only a note for the editor")
                .at_in(&doc.source, doc.body_line, 1)
                .hint("write the page below the note and then delete the note; notes are never published, so the page would go out empty"),
        );
    }
    found
        .into_iter()
        .filter_map(|d| apply(cfg, "unfinished", d))
        .collect()
}

/// `text` with its HTML comments taken out.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start + 4..]
            .find("-->")
            .map_or("", |e| &rest[start + 4 + e + 3..]);
    }
    out.push_str(rest);
    out
}

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

/// Links and images from the pages `which` whose target the built site does not have (`has`
/// says whether it has a file at a path): a site path (`/x/` or relative) with no file, an
/// `#anchor` naming no heading on the page it points at, or a full address of this site that
/// leads nowhere; and a warning on each full address of this site that works, since an `@/`
/// path would keep working if the page moved.
pub fn link_findings(
    site: &crate::content::Site,
    pages: &[crate::markdown::Rendered],
    has: &(dyn Fn(&str) -> bool + Sync),
    which: impl Iterator<Item = usize>,
) -> Vec<Diagnostic> {
    Targets::new(site, pages, has).page_findings(pages, which)
}

/// The same checks as [`link_findings`] on the bodies of every section (`sections`, rendered
/// in the order of [`Site::sections`]; `pages` are the rendered pages, whose headings anchors
/// may name).
pub fn section_link_findings(
    site: &Site,
    pages: &[Rendered],
    sections: &[Rendered],
    has: &(dyn Fn(&str) -> bool + Sync),
) -> Vec<Diagnostic> {
    let targets = Targets::new(site, pages, has);
    site.sections
        .iter()
        .zip(sections)
        .flat_map(|(s, r)| targets.document_findings(&s.doc, r))
        .collect()
}

/// Checks one link target given by a setting (`@/worried-about-a-child.md`, `/search/`, or a
/// full address of this site such as `https://www.example.org.uk/contact/`) against the site,
/// as if it were written on the home page, and returns what is wrong with it, if anything.
/// `pages` are the rendered pages (whose headings an `#anchor` may name) and `has` says whether
/// the built site has a file at a path (below the output folder, e.g. `search/index.html`).
/// Other websites' addresses, `mailto:` and `tel:` are not checked. Turn the answer into a
/// message at the setting with [`LinkProblem::diagnostic`].
pub fn link_target_problem(
    site: &Site,
    pages: &[Rendered],
    has: &(dyn Fn(&str) -> bool + Sync),
    target: &str,
) -> Option<LinkProblem> {
    let home = Origin {
        url: site.config.base_path(),
        dir: "",
    };
    Targets::new(site, pages, has).problem(target, &home, false)
}

/// What is wrong with a link or image target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkProblem {
    /// What is wrong, naming the target as written.
    pub message: String,
    /// What to do about it, with the closest existing path when one is close.
    pub hint: String,
    /// `Error` for a target that leads nowhere; `Warning` for one that works but is better
    /// written another way (a full address of this site, better as an `@/` path).
    pub level: Level,
    /// The rule whose setting in `site.yaml` decides whether and how strictly this is
    /// reported (`link-target`); `None` for a broken `@/` path, which is always an error,
    /// since the editor said exactly where it goes.
    pub rule: Option<&'static str>,
}

impl LinkProblem {
    /// The finding at `line` and `column` of `file` (whose whole text is `source`), at the
    /// level the checks' settings `cfg` give it; `None` when its rule is turned off.
    pub fn diagnostic(
        self,
        cfg: &ChecksConfig,
        file: &Path,
        source: &str,
        line: usize,
        column: usize,
    ) -> Option<Diagnostic> {
        let mut d = Diagnostic::in_file(file, self.message)
            .at_in(source, line, column)
            .hint(self.hint);
        if self.level == Level::Warning {
            d = d.warning();
        }
        match self.rule {
            Some(rule) => apply(cfg, rule, d),
            None => Some(d),
        }
    }

    fn error(message: String, hint: String) -> LinkProblem {
        LinkProblem {
            message,
            hint,
            level: Level::Error,
            rule: Some("link-target"),
        }
    }

    /// A broken `@/` path: an error whatever the settings.
    fn at_path((message, hint): (String, String)) -> LinkProblem {
        LinkProblem {
            message,
            hint,
            level: Level::Error,
            rule: None,
        }
    }
}

/// The page an address is written on: a relative address is read from its URL, and the
/// editor may have meant a file in its folder below `content/`.
struct Origin<'a> {
    /// The page's URL, starting with the base path.
    url: &'a str,
    /// The folder of its file below `content/` (`guidance`), empty for the top.
    dir: &'a str,
}

impl<'a> Origin<'a> {
    fn of(doc: &'a crate::content::Document) -> Origin<'a> {
        Origin {
            url: &doc.url,
            dir: doc.path.rsplit_once('/').map_or("", |(d, _)| d),
        }
    }
}

/// Everything a link target is checked against, gathered once for many links.
struct Targets<'a> {
    site: &'a Site,
    has: &'a (dyn Fn(&str) -> bool + Sync),
    /// Each page's URL to its headings' anchors.
    anchors: HashMap<&'a str, &'a [String]>,
    /// Each file beside content, by content path, to its path in the built site.
    files: HashMap<String, String>,
    /// What a misspelt site path may have meant, gathered when first needed: each path in the
    /// built site (without slashes at either end) and how to write a link to it.
    known: std::sync::OnceLock<Vec<(String, String)>>,
}

impl<'a> Targets<'a> {
    fn new(
        site: &'a Site,
        pages: &'a [Rendered],
        has: &'a (dyn Fn(&str) -> bool + Sync),
    ) -> Targets<'a> {
        Targets {
            site,
            has,
            anchors: site
                .pages
                .iter()
                .zip(pages)
                .map(|(p, r)| (p.doc.url.as_str(), r.anchors.as_slice()))
                .collect(),
            files: asset_paths(site),
            known: std::sync::OnceLock::new(),
        }
    }

    /// The findings on the links and images of the pages `which` (`pages` rendered).
    fn page_findings(
        &self,
        pages: &[Rendered],
        which: impl Iterator<Item = usize>,
    ) -> Vec<Diagnostic> {
        let which: Vec<usize> = which.collect();
        which
            .par_iter()
            .filter_map(|&i| Some((&self.site.pages.get(i)?.doc, pages.get(i)?)))
            .flat_map_iter(|(doc, r)| self.document_findings(doc, r))
            .collect()
    }

    /// The findings on the links and images of one page or section body.
    fn document_findings<'s>(
        &'s self,
        doc: &'s crate::content::Document,
        r: &'s Rendered,
    ) -> impl Iterator<Item = Diagnostic> + 's {
        let from = Origin::of(doc);
        r.local_links.iter().filter_map(move |l| {
            self.problem(&l.target, &from, l.image)?.diagnostic(
                &self.site.config.checks,
                &doc.file,
                &doc.source,
                l.line,
                l.column,
            )
        })
    }

    /// What is wrong with `target`, written on the page `from` as a link or, when `image`, as
    /// an image, if anything.
    fn problem(&self, target: &str, from: &Origin<'_>, image: bool) -> Option<LinkProblem> {
        if let Some(rest) = target.strip_prefix("@/") {
            return self.at_path_problem(rest, image);
        }
        if split_web_address(target).is_some() {
            return self.own_address_problem(target, image);
        }
        if target.is_empty() || target.contains(':') || target.starts_with("//") {
            return None;
        }
        self.site_path_problem(target, target, from, image)
            .map(|b| LinkProblem::error(b.message, b.hint))
    }

    /// What is wrong with an `@/` path (`rest`, after the `@/`), if anything.
    fn at_path_problem(&self, rest: &str, image: bool) -> Option<LinkProblem> {
        let (path, anchor) = match rest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (rest, None),
        };
        let site = self.site;
        if let Some(&i) = site.page_by_path.get(path) {
            let a = anchor.filter(|a| !a.is_empty())?;
            let known = self.anchors.get(site.pages[i].doc.url.as_str())?;
            if known.iter().any(|k| k == a) {
                return None;
            }
            return Some(LinkProblem::at_path((
                no_heading(&format!("@/{rest}"), a),
                headings_hint(known),
            )));
        }
        if site.section_by_path.contains_key(path)
            || site.translation_by_path.contains_key(path)
            || self.files.contains_key(path)
        {
            return None;
        }
        if site.draft_paths.contains(path) {
            return Some(LinkProblem::at_path(crate::markdown::at_path_draft(
                path, image,
            )));
        }
        let guess = content_guess(site, &self.files, path);
        Some(LinkProblem::at_path(crate::markdown::at_path_missing(
            path,
            image,
            guess.as_deref(),
        )))
    }

    /// What is wrong with a full http(s) address `target`, if it is one of this site's own:
    /// an error if nothing is published there, and a warning if something is, since an `@/`
    /// path (or a site path) says the same and keeps working if the page moves.
    fn own_address_problem(&self, target: &str, image: bool) -> Option<LinkProblem> {
        let cfg = &self.site.config;
        let path = own_site_path(&cfg.base_url, cfg.base_path(), target)?;
        let home = Origin {
            url: cfg.base_path(),
            dir: "",
        };
        let own = "this is the site's own address written in full";
        if let Some(b) = self.site_path_problem(&path, target, &home, image) {
            let hint = match (&b.guess, b.missing) {
                (Some(g), _) if g.starts_with("@/") => did_you_mean(
                    Some(g),
                    &format!(
                        "{own}: write `{g}` instead, so the link keeps working if the page moves"
                    ),
                ),
                (guess, missing) => {
                    let first = if missing {
                        "check the spelling".to_string()
                    } else {
                        b.hint
                    };
                    did_you_mean(
                        guess.as_deref(),
                        &format!(
                            "{first}. {}: write links to this site's pages as `@/` paths instead (e.g. `@/guidance/neglect.md` for content/guidance/neglect.md), so they keep working if a page moves",
                            capital(own)
                        ),
                    )
                }
            };
            return Some(LinkProblem::error(b.message, hint));
        }
        let message = if image {
            format!("the image `{target}` is this site's own address written in full")
        } else {
            format!("link to `{target}`, this site's own address written in full")
        };
        let written = self.written_as(&path);
        let why = if written.starts_with("@/") {
            "so the link keeps working if the page moves"
        } else {
            "so the link also works on a preview copy of the site"
        };
        Some(LinkProblem {
            message,
            hint: format!("write `{written}` instead, {why}"),
            level: Level::Warning,
            rule: Some("link-target"),
        })
    }

    /// Why a site path or relative address `target` (shown as `shown`) written on the page
    /// `from` is not answered, if it is not: no file at that path, or (for a page of this
    /// site) no heading with the address's `#anchor`.
    fn site_path_problem(
        &self,
        target: &str,
        shown: &str,
        from: &Origin<'_>,
        image: bool,
    ) -> Option<Broken> {
        let base_path = self.site.config.base_path();
        let (no_anchor, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target, None),
        };
        let path = no_anchor.split('?').next().unwrap_or("");
        let joined = if path.is_empty() {
            from.url.to_string()
        } else if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}{path}", from.url)
        };
        // Output paths are relative to the site's folder; a site-absolute link must be below it.
        let Some(joined) = joined.strip_prefix(base_path.trim_end_matches('/')) else {
            return Some(Broken {
                message: format!(
                    "link to `{shown}`, which is outside this site's address {base_path}"
                ),
                hint: AT_PATH_HINT.to_string(),
                guess: None,
                missing: true,
            });
        };
        let rel = normalise(&percent_decode(joined));
        let page = if rel.is_empty() {
            "index.html".to_string()
        } else {
            format!("{rel}/index.html")
        };
        if !((self.has)(&rel) || (self.has)(&page)) {
            return Some(self.missing(&rel, shown, path, from, image));
        }
        let url = if rel.is_empty() {
            base_path.to_string()
        } else {
            format!("{base_path}{rel}/")
        };
        match (anchor, self.anchors.get(url.as_str())) {
            (Some(a), Some(known)) if !a.is_empty() && !known.iter().any(|k| k == a) => {
                Some(Broken {
                    message: no_heading(shown, a),
                    hint: headings_hint(known),
                    guess: None,
                    missing: false,
                })
            }
            _ => None,
        }
    }

    /// What to say about a site path `rel` (below the base path, no slashes at either end)
    /// that the built site does not have, written as `shown` (`path` without its query or
    /// anchor) on the page `from`.
    fn missing(
        &self,
        rel: &str,
        shown: &str,
        path: &str,
        from: &Origin<'_>,
        image: bool,
    ) -> Broken {
        // A relative address is read from the page's address, not from the folder its file
        // is in: a picture beside `guidance/neglect.md` is not at /guidance/neglect/chart.png.
        let beside = (!path.starts_with('/') && !path.is_empty())
            .then(|| normalise(&format!("{}/{path}", from.dir)))
            .filter(|p| self.files.contains_key(p));
        let guess = match &beside {
            Some(p) => Some(format!("@/{p}")),
            None => {
                let known = self
                    .known
                    .get_or_init(|| known_paths(self.site, &self.files));
                let keys: Vec<&str> = known.iter().map(|(k, _)| k.as_str()).collect();
                closest_path(rel, &keys)
                    .and_then(|k| known.iter().find(|(key, _)| key == k))
                    .map(|(_, written)| written.clone())
            }
        };
        let file_like = rel
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.') && !last.ends_with(".html"));
        let message = if image {
            format!("the image `{shown}` is not a file on this site")
        } else {
            format!("link to `{shown}`, which is not a page or file on this site")
        };
        let hint = if beside.is_some() {
            format!(
                "a relative address is read from the page's own address ({}), not from the folder its file is in",
                from.url
            )
        } else if image || file_like {
            "check the spelling; the file must be in static/ (static/images/logo.png is /images/logo.png) or beside the page in content/ (content/about/chart.png is @/about/chart.png)".to_string()
        } else {
            AT_PATH_HINT.to_string()
        };
        let hint = did_you_mean(guess.as_deref(), &hint);
        Broken {
            message,
            hint,
            guess,
            missing: true,
        }
    }

    /// How to write a link to the site path `path` (with the base path) that the built site
    /// has: the `@/` path of the page, section or file beside content there, or the site path.
    fn written_as(&self, path: &str) -> String {
        let (no_anchor, anchor) = match path.split_once('#') {
            Some((p, a)) => (p, format!("#{a}")),
            None => (path, String::new()),
        };
        let no_query = no_anchor.split('?').next().unwrap_or("");
        let site = self.site;
        let base = site.config.base_path();
        let decoded = percent_decode(no_query);
        let rel = normalise(
            decoded
                .strip_prefix(base.trim_end_matches('/'))
                .unwrap_or(&decoded),
        );
        let url = if rel.is_empty() {
            base.to_string()
        } else {
            format!("{base}{rel}/")
        };
        let doc = site
            .pages
            .iter()
            .map(|p| &p.doc)
            .chain(site.sections.iter().map(|s| &s.doc))
            .find(|d| d.url == url);
        if let Some(d) = doc {
            return format!("@/{}{anchor}", d.path);
        }
        if let Some((content, _)) = self.files.iter().find(|(_, dest)| **dest == rel) {
            return format!("@/{content}{anchor}");
        }
        format!("{no_anchor}{anchor}")
    }
}

/// Why a site path is not answered.
struct Broken {
    message: String,
    hint: String,
    /// The closest path the site has, written as a link to it should be, if any is close.
    guess: Option<String>,
    /// Whether nothing is there (rather than no such heading on the page there).
    missing: bool,
}

/// The hint after a link to a site path that names no page.
const AT_PATH_HINT: &str =
    "link to content as @/section/page.md, so the link follows the page if its address changes";

/// `s` with its first letter a capital.
fn capital(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The hint for an anchor that names no heading: the page's headings.
fn headings_hint(known: &[String]) -> String {
    if known.is_empty() {
        "that page has no headings; a heading's anchor is its text in lower case, with hyphens for spaces".to_string()
    } else {
        format!(
            "its headings are: #{}; a heading's anchor is its text in lower case, with hyphens for spaces: `## Signs to look for` is #signs-to-look-for",
            known.join(", #")
        )
    }
}

/// A path below the site's address with its `.` and `..` parts followed and no slashes at either
/// end (`guidance/neglect`).
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

/// `path` with its `%20`-style escapes decoded, as a browser asks the server for it. An escape
/// that is not valid UTF-8 is kept as written.
fn percent_decode(path: &str) -> String {
    if !path.contains('%') {
        return path.to_string();
    }
    let b = path.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| path.to_string())
}

/// The host (lower case, without a default port or user name) and the rest (path, query,
/// anchor) of an http(s) address; `None` for any other kind of address.
fn split_web_address(url: &str) -> Option<(String, &str)> {
    let starts = |p: &str| {
        url.as_bytes()
            .get(..p.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
    };
    let rest = if starts("https://") {
        &url[8..]
    } else if starts("http://") {
        &url[7..]
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest[..end].rsplit('@').next().unwrap_or("");
    let mut host = authority.to_ascii_lowercase();
    for port in [":443", ":80"] {
        if let Some(h) = host.strip_suffix(port) {
            host = h.to_string();
        }
    }
    Some((host.trim_end_matches('.').to_string(), &rest[end..]))
}

/// The site path (starting with `base_path`, keeping any query and anchor) of `url` if it is
/// an address on the site at `base_url` (same host, either of http and https, at or below the
/// base path); `None` for any other address.
fn own_site_path(base_url: &str, base_path: &str, url: &str) -> Option<String> {
    let (host, rest) = split_web_address(url)?;
    let (own, _) = split_web_address(base_url)?;
    if host.is_empty() || host != own {
        return None;
    }
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let (path, suffix) = rest.split_at(end);
    let path = if path.is_empty() { "/" } else { path };
    // Another site may share the host below another path: only this site's are checked.
    let inside = path.starts_with(base_path) || path == base_path.trim_end_matches('/');
    inside.then(|| format!("{path}{suffix}"))
}

/// Each file beside content, by its content path (`about/chart.png`), to its path in the
/// built site: the rest of its content path after the folder of the page bundle or section
/// it was placed beside, below that one's URL.
fn asset_paths(site: &Site) -> HashMap<String, String> {
    let base = site.config.base_path();
    site.assets
        .iter()
        .filter_map(|a| {
            let doc = match a.owner {
                crate::content::AssetOwner::Page(i) => &site.pages.get(i)?.doc,
                crate::content::AssetOwner::Section(i) => &site.sections.get(i)?.doc,
            };
            let dir = doc.path.rsplit_once('/').map_or("", |(d, _)| d);
            let owner_path = doc.url.strip_prefix(base).unwrap_or("");
            let rest = a.dest.strip_prefix(owner_path)?;
            let path = if dir.is_empty() {
                rest.to_string()
            } else {
                format!("{dir}/{rest}")
            };
            Some((path, a.dest.clone()))
        })
        .collect()
}

/// The content path closest to a misspelt one (`path`), among pages, sections and files
/// beside content (`files`), if any is close.
fn content_guess(site: &Site, files: &HashMap<String, String>, path: &str) -> Option<String> {
    let known: Vec<&str> = site
        .page_by_path
        .keys()
        .chain(site.section_by_path.keys())
        .chain(files.keys())
        .map(String::as_str)
        .collect();
    closest_path(path, &known).map(str::to_string)
}

/// Every path the built site is known to have, without slashes at either end, and how to write
/// a link to it: pages, sections and files beside content as `@/` paths, and static files and
/// taxonomy pages as site paths. Sorted, so that a guess between equally close paths is
/// always the same.
fn known_paths(site: &Site, files: &HashMap<String, String>) -> Vec<(String, String)> {
    let base = site.config.base_path();
    let rel = |url: &str| {
        url.strip_prefix(base)
            .unwrap_or(url)
            .trim_matches('/')
            .to_string()
    };
    let mut out: Vec<(String, String)> = site
        .pages
        .iter()
        .map(|p| &p.doc)
        .chain(site.sections.iter().map(|s| &s.doc))
        .map(|d| (rel(&d.url), format!("@/{}", d.path)))
        .chain(
            files
                .iter()
                .map(|(c, dest)| (dest.clone(), format!("@/{c}"))),
        )
        .chain(site.taxonomies.iter().flat_map(|t| {
            std::iter::once((rel(&t.url), t.url.clone())).chain(
                t.terms
                    .iter()
                    .map(|term| (rel(&term.url), term.url.clone())),
            )
        }))
        .collect();
    // Unreadable folders were reported when the site was read.
    let mut ignored = Diagnostics::new();
    let theme = site.config.theme.as_deref();
    let statics = crate::layout::STATIC;
    for f in crate::theme::files(&site.layout, theme, statics, Some(statics), &mut ignored) {
        out.push((f.rel.clone(), format!("{base}{}", f.rel)));
    }
    out.retain(|(k, _)| !k.is_empty());
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// The alerts' links (`data/alerts.yaml`) checked as links on the home page: a file beside
/// content that is not there, or a full address of this site (an error if nothing is published
/// there, a warning if something is). `@/` pages were checked when the alerts were read.
fn alert_link_findings(site: &Site, targets: &Targets<'_>) -> Vec<Diagnostic> {
    let Some(text) = site.data_sources.get(crate::alerts::ALERTS_FILE) else {
        return Vec::new();
    };
    let file = crate::alerts::alerts_path();
    let home = Origin {
        url: site.config.base_path(),
        dir: "",
    };
    crate::alerts::written_links(&site.data_sources)
        .into_iter()
        .filter_map(|l| {
            let mut p = targets.problem(&l.link, &home, false)?;
            p.message = format!("alert `{}`: {}", l.title, p.message);
            p.diagnostic(
                &site.config.checks,
                Path::new(&file),
                text,
                l.line,
                l.column,
            )
        })
        .collect()
}

/// Every `@/` link and image must name something that is there: a heading on the page it
/// names (for `@/page.md#anchor`), or a file beside content. Always an error, since an `@/`
/// path is the editor saying exactly where it goes.
pub fn anchor_errors(
    site: &Site,
    pages: &[Rendered],
    sections: &[Rendered],
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let files = asset_paths(site);
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
            let target = site
                .page_by_path
                .get(&link.target)
                .map(|&i| &pages[i])
                .or_else(|| {
                    site.section_by_path
                        .get(&link.target)
                        .map(|&i| &sections[i])
                });
            let Some(t) = target else {
                if !files.contains_key(&link.target) {
                    let guess = content_guess(site, &files, &link.target);
                    let (msg, hint) = crate::markdown::at_path_missing(
                        &link.target,
                        link.image,
                        guess.as_deref(),
                    );
                    diags.push(
                        Diagnostic::in_file(file, msg)
                            .at_in(source, link.line, link.column)
                            .hint(hint),
                    );
                }
                continue;
            };
            let Some(anchor) = &link.anchor else { continue };
            if !t.anchors.iter().any(|a| a == anchor) {
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

    #[test]
    fn the_site_own_address_is_found_whatever_its_case_scheme_and_slash() {
        let base = "https://www.bscp.example.org.uk/";
        for (url, path) in [
            (
                "https://www.bscp.example.org.uk/guidance/neglect/",
                Some("/guidance/neglect/"),
            ),
            (
                "HTTP://WWW.Bscp.Example.org.uk/guidance/neglect#signs",
                Some("/guidance/neglect#signs"),
            ),
            ("https://www.bscp.example.org.uk", Some("/")),
            ("https://www.bscp.example.org.uk:443/?q=1", Some("/?q=1")),
            ("https://training.bscp.example.org.uk/book/", None),
            ("https://www.bscp.example.org.uk.evil.example/", None),
            ("mailto:a@www.bscp.example.org.uk", None),
            ("/guidance/neglect/", None),
        ] {
            assert_eq!(own_site_path(base, "/", url).as_deref(), path, "{url}");
        }
        let base = "https://example.org/lscp/";
        for (url, path) in [
            ("https://example.org/lscp/contact/", Some("/lscp/contact/")),
            ("https://EXAMPLE.org/lscp", Some("/lscp")),
            ("http://example.org/lscp?x", Some("/lscp?x")),
            ("https://example.org/other/", None),
            ("https://example.org/lscpx/", None),
            ("https://example.org/", None),
        ] {
            assert_eq!(own_site_path(base, "/lscp/", url).as_deref(), path, "{url}");
        }
    }

    #[test]
    fn site_paths_are_decoded_and_normalised() {
        assert_eq!(percent_decode("/annual%20report.pdf"), "/annual report.pdf");
        assert_eq!(percent_decode("/caf%C3%A9/"), "/café/");
        assert_eq!(percent_decode("/100%/%zz/%"), "/100%/%zz/%");
        assert_eq!(percent_decode("/%FF/"), "/%FF/");
        assert_eq!(normalise("/a/./b/../c/"), "a/c");
        assert_eq!(normalise("/../../"), "");
    }
}
