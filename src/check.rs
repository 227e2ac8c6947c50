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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Level};

/// Every rule, its default level (`None`: off unless turned on) and what it looks for.
pub const RULES: &[(&str, Option<Level>, &str)] = &[
    (
        "link-target",
        Some(Level::Error),
        "links to pages, anchors or files that do not exist, or to drafts",
    ),
    ("image-alt", Some(Level::Error), "images with no alt text"),
    (
        "image-alt-quality",
        Some(Level::Warning),
        "alt text that is a file name or starts \"image of\"",
    ),
    (
        "heading-order",
        Some(Level::Error),
        "a heading that skips a level",
    ),
    (
        "heading-h1",
        Some(Level::Error),
        "a level-one heading in the text (the title is the page's only h1)",
    ),
    (
        "heading-empty",
        Some(Level::Error),
        "a heading with no text",
    ),
    (
        "link-text",
        Some(Level::Warning),
        "link text such as \"click here\", \"read more\" or a bare address",
    ),
    (
        "link-file-type",
        Some(Level::Warning),
        "links to documents whose text does not say the file type",
    ),
    (
        "acronyms",
        Some(Level::Warning),
        "capitalised words of 2 to 6 letters in neither the glossary nor the allow-list",
    ),
    (
        "language",
        Some(Level::Warning),
        "terms that current guidance says to avoid (errors for terms the law has replaced)",
    ),
    (
        "review-due",
        Some(Level::Warning),
        "content whose review_due date has passed",
    ),
    (
        "review-missing",
        Some(Level::Warning),
        "guidance with no owner or last_reviewed",
    ),
    (
        "description",
        Some(Level::Warning),
        "a description that is missing or longer than 160 characters",
    ),
    (
        "future-date",
        Some(Level::Warning),
        "a date in the future on a page that is not an event",
    ),
    (
        "duplicate-title",
        Some(Level::Warning),
        "two pages with the same title",
    ),
    (
        "readability",
        None,
        "a reading age above the threshold on pages for parents or young people",
    ),
];

/// How strictly to apply a rule.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    /// Not checked.
    Off,
    /// Reported; fails only with `--deny-warnings`.
    Warning,
    /// Fails `check` and `build`.
    Error,
}

/// `checks:` in `site.yaml`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    /// Rule id to level.
    #[serde(default)]
    pub rules: BTreeMap<String, Setting>,
    /// Capitalised words that are not acronyms needing a glossary entry (`OK`, `TV`).
    #[serde(default)]
    pub acronyms_allow: Vec<String>,
    /// Sections (content paths of their `_index.md` folders, e.g. `guidance`) whose pages must
    /// carry `owner` and `last_reviewed`.
    #[serde(default)]
    pub guidance_sections: Vec<String>,
    /// Reading age above which `readability` reports a page for parents or young people.
    #[serde(default)]
    pub max_reading_age: Option<f64>,
}

impl ChecksConfig {
    /// The level a rule runs at, or `None` when it is off.
    pub fn level(&self, rule: &str) -> Option<Level> {
        match self.rules.get(rule) {
            Some(Setting::Off) => None,
            Some(Setting::Warning) => Some(Level::Warning),
            Some(Setting::Error) => Some(Level::Error),
            None => RULES
                .iter()
                .find(|(id, _, _)| *id == rule)
                .and_then(|(_, l, _)| *l),
        }
    }

    /// Names of rules in `rules:` that do not exist, for a config error.
    pub fn unknown_rules(&self) -> Vec<&str> {
        self.rules
            .keys()
            .map(String::as_str)
            .filter(|k| !RULES.iter().any(|(id, _, _)| id == k))
            .collect()
    }
}

/// Whether the reading-age check runs: turned on in `rules`, or by setting a threshold.
pub fn readability_on(cfg: &ChecksConfig) -> bool {
    cfg.level("readability").is_some() || cfg.max_reading_age.is_some()
}

/// The audiences whose pages get a reading-age estimate.
const PLAIN_AUDIENCES: &[&str] = &["parents and carers", "young people"];

/// Sets `d`'s level from the rule's setting; `None` when the rule is off.
pub fn apply(cfg: &ChecksConfig, rule: &'static str, d: Diagnostic) -> Option<Diagnostic> {
    let level = cfg.level(rule)?;
    let d = d.rule(rule);
    // Language findings carry their own level (errors for terms the law has replaced) unless
    // site.yaml sets one for the rule.
    if rule == "language" && !cfg.rules.contains_key(rule) {
        return Some(d);
    }
    Some(match level {
        Level::Error => d,
        Level::Warning => d.warning(),
    })
}

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

/// All-capitals words of 2 to 6 letters in `text`, with their byte offsets.
pub fn capitalised_words(text: &str) -> Vec<(usize, &str)> {
    // This runs over every block of every page, so it looks only at runs of capitals rather
    // than splitting all the text into words: most bytes cost one comparison.
    let b = text.as_bytes();
    let word_char = |at: usize| crate::glossary::word_char_at(text, at);
    let ends_word = |before: usize| -> bool {
        // The character that ends at byte `before` (exclusive).
        text[..before]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_uppercase() {
            i += 1;
        }
        let whole = (start == 0 || !ends_word(start)) && (i == b.len() || !word_char(i).0);
        if whole && (2..=6).contains(&(i - start)) {
            out.push((start, &text[start..i]));
        }
        // Skip the rest of a mixed word such as "NSPCCs" or "MASHed".
        while i < b.len() {
            let (word, len) = word_char(i);
            if !word {
                break;
            }
            i += len;
        }
    }
    out
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
        let text = crate::content::decode_text(&bytes).map_err(|m| Diagnostic::in_file(&rel, m))?;
        let f: LanguageFile = crate::yaml::parse(&text, &rel, &text, 1)?;
        out.extend(f.terms);
    }
    Ok(out)
}

/// Whole-word, case-insensitive matches of `phrase` in `text` (byte offsets into `text`).
pub fn find_phrase(text: &str, phrase: &str) -> Vec<usize> {
    lowercase_in_place(text)
        .map_or_else(Vec::new, |hay| find_lowercase(&hay, &phrase.to_lowercase()))
}

/// `text` lower-cased, if that keeps every byte offset: when lower-casing changes byte
/// lengths (rare scripts), a match could not be placed, so there is nothing to match in.
pub fn lowercase_in_place(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    (lower.len() == text.len()).then_some(lower)
}

/// [`find_phrase`] on text and phrase already lower-cased, so that a block checked against
/// every term of the language list is lower-cased once, not once per term.
pub fn find_lowercase(hay: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let at = from + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            out.push(at);
        }
        from = at + needle.len();
    }
    out
}

/// Words a set of capitalised words may include without a glossary entry.
pub fn allowed_caps(cfg: &ChecksConfig) -> HashSet<String> {
    cfg.acronyms_allow.iter().cloned().collect()
}

/// Checks that need the whole site: front matter, review dates, duplicate titles, and links to
/// site paths (`/x/` or relative) that no output file answers.
pub fn site_findings(
    site: &crate::content::Site,
    pages: &[crate::markdown::Rendered],
    outputs: &crate::render::Outputs,
    now: jiff::Timestamp,
) -> Vec<Diagnostic> {
    let cfg = &site.config.checks;
    let today = crate::clock::site_date(now);
    let mut out = Vec::new();
    let mut push = |rule: &'static str, d: Diagnostic| {
        if let Some(d) = apply(cfg, rule, d) {
            out.push(d);
        }
    };
    let key_at = |source: &str, key: &str| {
        source
            .lines()
            .position(|l| l.starts_with(&format!("{key}:")))
            .map_or(1, |i| i + 1)
    };
    let mut titles: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    // Readability findings take their level from the rule or the threshold, not `apply`.
    let mut plain = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        let m = &p.meta.common;
        let at = |key: &str, msg: String| {
            Diagnostic::in_file(&p.file, msg).at_in(&p.source, key_at(&p.source, key), 1)
        };
        // Sessions of one course share a title by design; their dates tell them apart.
        if m.event.is_none() {
            titles.entry(m.title.to_lowercase()).or_default().push(i);
        }
        match &m.description {
            None => push(
                "description",
                at("title", "this page has no description".into())
                    .hint("add `description:` with one sentence that says what the page is for; it shows in search results and listings"),
            ),
            Some(d) if d.chars().count() > 160 => push(
                "description",
                at("description", format!("the description is {} characters long", d.chars().count()))
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
                at("date", format!("the date {} is in the future", d.date))
                    .hint("check the year; a page dated in the future may be a typo"),
            );
        }
        if let Some(due) = &m.review_due
            && due.date < today
        {
            push(
                "review-due",
                at("review_due", format!("this page was due for review on {}", due.date))
                    .hint("check the page is still right, then set last_reviewed to today and review_due to the next date"),
            );
        }
        let dir = p.path.rsplit_once('/').map_or("", |(d, _)| d);
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
                at("title", format!("this guidance page has no `{missing}`"))
                    .hint("guidance needs `owner:` (who keeps it right) and `last_reviewed:` (when it was last checked)"),
            );
        }
        let for_plain = m.taxonomies.get("audiences").is_some_and(|a| {
            a.iter()
                .any(|t| PLAIN_AUDIENCES.contains(&t.to_lowercase().as_str()))
        });
        if let Some(r) = pages[i]
            .readability
            .as_ref()
            .filter(|_| for_plain && readability_on(cfg))
        {
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
                    at("title", format!("this page has a reading age of about {age:.0}; aim for {max:.0} or under"))
                        .hint("use shorter sentences and everyday words; this page is for parents or young people"),
                ));
            }
            for (line, words, opening) in &r.long {
                plain.push(rule(
                    Diagnostic::in_file(
                        &p.file,
                        format!("a sentence of {words} words: \"{opening}\""),
                    )
                    .at_in(&p.source, *line, 1)
                    .hint(format!(
                        "split it; sentences over {LONG_SENTENCE} words are hard to follow"
                    )),
                ));
            }
        }
    }
    for pages_with in titles.values().filter(|v| v.len() > 1) {
        for &i in pages_with {
            let p = &site.pages[i];
            let others: Vec<String> = pages_with
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| site.pages[j].file.display().to_string())
                .collect();
            push(
                "duplicate-title",
                Diagnostic::in_file(
                    &p.file,
                    format!("another page has the same title: {}", others.join(", ")),
                )
                .at_in(&p.source, key_at(&p.source, "title"), 1)
                .hint("give each page a title that tells it apart in search results and tabs"),
            );
        }
    }
    out.extend(plain);
    let has = |path: &str| outputs.files.contains_key(path);
    out.extend(link_findings(site, pages, &has, 0..site.pages.len()));
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
        .map(|(p, r)| (p.url.clone(), r.anchors.as_slice()))
        .collect();
    let which: Vec<usize> = which.collect();
    which
        .par_iter()
        .flat_map_iter(|&i| {
            let p = &site.pages[i];
            let anchors = &anchors;
            pages[i].local_links.iter().filter_map(move |l| {
                let msg = link_problem(&l.target, &p.url, site.config.base_path(), has, anchors)?;
                let hint = if msg.contains("no heading") {
                    "a heading's anchor is its text in lower case, with hyphens for spaces: `## Signs to look for` is #signs-to-look-for"
                } else {
                    "link to content as @/section/page.md, so the link follows the page if its address changes"
                };
                apply(
                    cfg,
                    "link-target",
                    Diagnostic::in_file(&p.file, msg)
                        .at_in(&p.source, l.line, l.column)
                        .hint(hint),
                )
            })
        })
        .collect()
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
        (Some(a), Some(known)) if !a.is_empty() && !known.iter().any(|k| k == a) => Some(format!(
            "link to `{target}`, but that page has no heading `#{a}`"
        )),
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

    #[test]
    fn capitalised_words_and_phrases() {
        let w: Vec<&str> =
            capitalised_words("The MASH and CSE, not A or NSPCCXX; UK. MASHed éCSE CSEé (LADO)")
                .into_iter()
                .map(|(_, w)| w)
                .collect();
        assert_eq!(w, ["MASH", "CSE", "UK", "LADO"]);
        let via_words: Vec<(usize, &str)> =
            crate::glossary::words("Ask the MASH, or call 999 (LADO); CAFs")
                .filter(|(_, w)| {
                    (2..=6).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_uppercase())
                })
                .collect();
        assert_eq!(
            capitalised_words("Ask the MASH, or call 999 (LADO); CAFs"),
            via_words
        );
        assert_eq!(
            find_phrase("No child prostitution here.", "child prostitution"),
            [3]
        );
        assert!(find_phrase("grandchild prostitution", "child prostitution").is_empty());
    }

    #[test]
    fn levels_follow_config() {
        let mut cfg = ChecksConfig::default();
        assert_eq!(cfg.level("image-alt"), Some(Level::Error));
        assert_eq!(cfg.level("readability"), None);
        cfg.rules.insert("link-text".into(), Setting::Off);
        cfg.rules.insert("readability".into(), Setting::Warning);
        cfg.rules.insert("link-txt".into(), Setting::Error);
        assert_eq!(cfg.level("link-text"), None);
        assert_eq!(cfg.level("readability"), Some(Level::Warning));
        assert_eq!(cfg.unknown_rules(), ["link-txt"]);
    }
}

/// Counts for a reading-age estimate, gathered while rendering (only when the rule is on).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readability {
    /// Words in paragraphs.
    pub words: usize,
    /// Sentences in paragraphs (each paragraph ends at least one).
    pub sentences: usize,
    /// Estimated syllables.
    pub syllables: usize,
    /// Sentences over 25 words: the file line of their paragraph, the word count, and their
    /// opening words.
    pub long: Vec<(usize, usize, String)>,
}

/// Sentences this long are hard to follow, especially for a worried parent or a child.
pub const LONG_SENTENCE: usize = 25;

impl Readability {
    /// Adds one paragraph of text, which starts on file line `line`.
    pub fn add_paragraph(&mut self, text: &str, line: usize) {
        for sentence in text
            .split_inclusive(['.', '!', '?'])
            .map(str::trim)
            .filter(|s| s.chars().any(char::is_alphabetic))
        {
            let words: Vec<&str> = sentence
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .collect();
            if words.is_empty() {
                continue;
            }
            self.sentences += 1;
            self.words += words.len();
            self.syllables += words.iter().map(|w| syllables(w)).sum::<usize>();
            if words.len() > LONG_SENTENCE {
                let opening: Vec<&str> = words.iter().take(6).copied().collect();
                self.long
                    .push((line, words.len(), format!("{}…", opening.join(" "))));
            }
        }
    }

    /// Reading age in years: the Flesch–Kincaid grade level plus five (the age at which a UK
    /// child is in that US grade). `None` for pages with too little text to judge.
    pub fn reading_age(&self) -> Option<f64> {
        if self.words < 30 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) = (
            self.words as f64,
            self.sentences as f64,
            self.syllables as f64,
        );
        Some(0.39 * (w / s) + 11.8 * (y / w) - 15.59 + 5.0)
    }
}

/// A syllable estimate for an English word: groups of vowels, less a silent final "e".
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 0;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    if w.len() > 2 && w[w.len() - 1] == 'e' && !vowel(w[w.len() - 2]) && w[w.len() - 2] != 'l' {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod readability_tests {
    use super::*;

    #[test]
    fn syllables_are_estimated() {
        assert_eq!(syllables("child"), 1);
        assert_eq!(syllables("guarding"), 2);
        assert_eq!(syllables("the"), 1);
        assert_eq!(syllables("little"), 2);
        assert_eq!(syllables("exploitation"), 4);
    }

    #[test]
    fn reading_age_and_long_sentences() {
        let mut easy = Readability::default();
        for _ in 0..10 {
            easy.add_paragraph(
                "You can talk to us. We will help you. It is not your fault.",
                5,
            );
        }
        let age = easy.reading_age().unwrap();
        assert!(age < 8.0, "{age}");
        let mut hard = Readability::default();
        let long = "The partnership's multi-agency arrangements necessitate comprehensive information sharing between statutory organisations, independent providers, voluntary organisations and community representatives, consistently prioritising the welfare considerations of vulnerable children and safeguarding responsibilities.";
        hard.add_paragraph(long, 9);
        hard.add_paragraph(long, 12);
        assert!(hard.reading_age().unwrap() > 18.0);
        assert_eq!(hard.long.len(), 2);
        assert_eq!(hard.long[0].0, 9);
        assert!(hard.long[0].1 > LONG_SENTENCE);
    }
}
