//! Stage 3: splitting a content file into YAML front matter and Markdown body, and parsing the
//! front matter into typed [`PageMeta`] / [`SectionMeta`].
//!
//! Taxonomies are top-level keys whose names come from `site.yaml`, so the front matter cannot be
//! a plain `deny_unknown_fields` struct: known keys are typed fields, everything else lands in a
//! map and is checked against the configured taxonomies here, with the same strictness.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::config::{PAGE_KEYS, SECTION_KEYS};
use crate::diagnostics::Diagnostic;

/// A content file split into its parts. Line numbers are 1-based lines of the whole file.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The line of the file on which the YAML starts.
    pub yaml_line: usize,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The line of the file on which the body starts.
    pub body_line: usize,
}

/// Splits `source` (already decoded, BOM removed, CRLF normalised) at its `---` lines.
pub fn split<'a>(source: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_end = source.find('\n').unwrap_or(source.len());
    if source[..first_end].trim_end() != "---" {
        return Err(Diagnostic::in_file(file, "this file has no front matter")
            .at_in(source, 1, 1)
            .hint("start the file with a line `---`, then `title: Your title`, then another `---` line"));
    }
    let yaml_start = (first_end + 1).min(source.len());
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(source[yaml_start..].split_inclusive('\n')) {
        let content = l.trim_end_matches('\n');
        if content.trim_end() == "---" {
            let body_start = offset + l.len();
            return Ok(Split {
                yaml: &source[yaml_start..offset],
                yaml_line: 2,
                body: &source[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err(
        Diagnostic::in_file(file, "the front matter is never closed")
            .at_in(source, 1, 1)
            .hint("add a line `---` after the last front-matter line, before the text of the page"),
    )
}

/// A date from front matter: `2025-06-01`, or an RFC 3339 date-time with an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FmDate {
    /// The calendar date as written (local to the writer's offset).
    pub date: jiff::civil::Date,
    /// The instant; midnight UTC for a bare date.
    pub instant: jiff::Timestamp,
    /// The value as templates see it: `2025-06-01` or the RFC 3339 text.
    pub text: String,
}

impl FmDate {
    /// Parses a front-matter date, or says what was expected.
    pub fn parse(s: &str) -> Result<FmDate, String> {
        let s = s.trim();
        if s.len() == 10 {
            let shaped = s.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
            if !shaped {
                return Err(format!("`{s}` is not a date in the form year-month-day"));
            }
            let date: jiff::civil::Date = s
                .parse()
                .map_err(|_| format!("`{s}` is not a real date (check the month and the day)"))?;
            let instant = date
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map_err(|e| e.to_string())?
                .timestamp();
            return Ok(FmDate {
                date,
                instant,
                text: date.to_string(),
            });
        }
        let instant: jiff::Timestamp = s.parse().map_err(|_| {
            format!("`{s}` is not a date (2025-06-01) or an RFC 3339 date-time (2025-06-01T09:30:00+01:00)")
        })?;
        let date: jiff::civil::Date = s
            .get(..10)
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| format!("`{s}` does not start with a date"))?;
        Ok(FmDate {
            date,
            instant,
            text: s.to_string(),
        })
    }
}

/// How a section orders its pages.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    Date,
    /// A to Z.
    Title,
    /// Lowest weight first; pages without a weight after, by title.
    #[default]
    Weight,
}

/// The JSON Schema of front matter as Haven reads it, from the type it reads it into (the
/// site's taxonomies are added by `haven schema`, since they are not known here).
pub fn raw_schema() -> schemars::Schema {
    schemars::schema_for!(Raw)
}

/// The front matter exactly as written, before checking.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Raw {
    /// The heading of the page and its browser title. Required.
    #[schemars(with = "Option<String>")]
    title: Option<Spanned<String>>,
    /// One sentence saying what the page is for, shown in listings and search results.
    #[serde(default)]
    description: Option<String>,
    /// When it was published: 2025-06-01, or 2025-06-01T09:30:00+01:00.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    date: Option<Spanned<String>>,
    /// When it last changed, in the same forms as date.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    updated: Option<Spanned<String>>,
    /// true leaves it out of the published site (and, for a section, everything below it).
    #[serde(default)]
    draft: bool,
    /// A whole number for ordering: lowest first.
    #[serde(default)]
    weight: Option<i64>,
    /// Replaces the file name in the page's web address.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    slug: Option<Spanned<String>>,
    /// The template to render with instead of the default.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    template: Option<Spanned<String>>,
    /// Old addresses of this page on this site, such as /old-page/, which redirect here.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    aliases: Vec<Spanned<String>>,
    /// Values the theme's templates read (the theme's schemas say which).
    #[serde(default)]
    extra: Option<serde_json::Value>,
    /// true marks content a reader at risk may be reading; pages and subsections inherit it.
    #[serde(default)]
    sensitive: Option<bool>,
    /// Who keeps the content right, such as Vulnerable Children Sub-Group.
    #[serde(default)]
    owner: Option<String>,
    /// Words and phrases readers search for that the page does not use itself, such as
    /// "sending nudes" for a page on sharing images: the site's search finds the page by them.
    /// Readers never see them.
    #[serde(default)]
    search_words: Vec<String>,
    /// The date the content was last checked, such as 2025-06-03.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    last_reviewed: Option<Spanned<String>>,
    /// The date by which it must be checked again.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    review_due: Option<Spanned<String>>,
    /// Translations only: `needs review` marks a machine-assisted translation that a
    /// professional translator has not checked yet. `haven check` lists these pages; readers
    /// never see it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    translation: Option<Spanned<String>>,
    /// Makes the page a training session: when and where it is, and how to book.
    #[serde(default)]
    #[schemars(with = "Option<crate::content::event::RawEvent>")]
    event: Option<Spanned<crate::content::event::RawEvent>>,
    /// Sections only: how pages are ordered: weight (the default), date (newest first) or title.
    #[serde(default)]
    #[schemars(with = "Option<SortBy>")]
    sort_by: Option<Spanned<SortBy>>,
    /// Sections only: pages per listing page.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    paginate_by: Option<Spanned<u32>>,
    /// Sections only: the template for pages below this section.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    page_template: Option<Spanned<String>>,
    /// Sections only: true writes an Atom feed of the section's pages.
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    feed: Option<Spanned<bool>>,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}

/// A string value with the line it was written on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The value.
    pub value: String,
    /// 1-based line in the content file.
    pub line: usize,
    /// 1-based column in the content file.
    pub column: usize,
}

/// The fields pages and sections share.
#[derive(Clone, Debug)]
pub struct CommonMeta {
    /// Required.
    pub title: String,
    /// For `<meta name="description">` and listings.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<FmDate>,
    /// Date of the last significant change.
    pub updated: Option<FmDate>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// Sort key for `sort_by: weight`.
    pub weight: Option<i64>,
    /// Replaces the file-name part of the URL.
    pub slug: Option<Located>,
    /// Template to render with instead of the default.
    pub template: Option<Located>,
    /// Old URLs that redirect here.
    pub aliases: Vec<Located>,
    /// Taxonomy name to the terms listed, in the order written.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Free-form values for templates.
    pub extra: serde_json::Value,
    /// Whether readers may need to leave quickly ("Exit this page"); `None` inherits from the
    /// section, so a whole section of guidance can be marked once.
    pub sensitive: Option<bool>,
    /// Who is responsible for keeping the content right (a sub-group or role).
    pub owner: Option<String>,
    /// What readers may search for to find it, beside its own words (`search_words:`).
    pub search_words: Vec<String>,
    /// When the content was last checked.
    pub last_reviewed: Option<FmDate>,
    /// When the content must next be checked.
    pub review_due: Option<FmDate>,
    /// A training session's details.
    pub event: Option<crate::content::event::Event>,
    /// `translation: needs review`, where it is written: a machine-assisted translation.
    pub translation: Option<Located>,
}

/// A page's front matter.
#[derive(Clone, Debug)]
pub struct PageMeta {
    /// The fields every content file has.
    pub common: CommonMeta,
}

/// A section's (`_index.md`) front matter.
#[derive(Clone, Debug)]
pub struct SectionMeta {
    /// The fields every content file has.
    pub common: CommonMeta,
    /// How pages are ordered.
    pub sort_by: SortBy,
    /// Pages per listing page; none means one listing page.
    pub paginate_by: Option<u32>,
    /// Template for the pages below this section.
    pub page_template: Option<Located>,
    /// Whether to write an Atom feed of the section's pages.
    pub feed: bool,
}

/// Everything front-matter parsing needs to know about the file and the site.
pub struct Ctx<'a> {
    /// The file, as shown in messages.
    pub file: &'a Path,
    /// The whole file text (for excerpts).
    pub source: &'a str,
    /// The configured taxonomy names.
    pub taxonomies: &'a [String],
}

impl Ctx<'_> {
    fn err_at(&self, line: usize, column: usize, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::in_file(self.file, msg).at_in(self.source, line, column)
    }

    fn spanned_pos<T>(&self, s: &Spanned<T>, yaml_line: usize) -> (usize, usize) {
        let line = s.referenced.line() as usize;
        if line == 0 {
            return (yaml_line, 1);
        }
        (
            yaml_line + line - 1,
            (s.referenced.column() as usize).max(1),
        )
    }

    /// Where a top-level key is written, found by its text since flattened keys lose spans.
    fn key_line(&self, split: &Split<'_>, key: &str) -> usize {
        crate::yaml::key_line(split.yaml, key).map_or(split.yaml_line, |i| split.yaml_line + i)
    }

    /// Where the list item `item` of the top-level key `key` is written (at its opening quote
    /// if quoted), found by its text; the key's line if it cannot be found (an escaped string).
    fn item_pos(&self, split: &Split<'_>, key: &str, item: &str) -> (usize, usize) {
        let key_line = self.key_line(split, key);
        let first = key_line - split.yaml_line;
        for (i, l) in split.yaml.lines().enumerate().skip(first) {
            // The key's own line after its colon, then its indented lines.
            let from = if i == first {
                l.find(':').map_or(l.len(), |c| c + 1)
            } else if l.starts_with([' ', '\t', '-']) {
                0
            } else {
                break;
            };
            if let Some(at) = l[from..].find(item).map(|a| a + from) {
                let quoted = l[..at].ends_with(['"', '\'']);
                let col = l[..at].chars().count() + usize::from(!quoted);
                return (split.yaml_line + i, col);
            }
        }
        (key_line, 1)
    }
}

fn parse_raw(split: &Split<'_>, cx: &Ctx<'_>) -> Result<Raw, Diagnostic> {
    if split.yaml.trim().is_empty() {
        return Err(cx
            .err_at(1, 1, "the front matter is empty")
            .hint("add a line `title: Your title` between the `---` lines"));
    }
    crate::yaml::parse(split.yaml, cx.file, cx.source, split.yaml_line)
}

/// Checks the fields pages and sections share, taking them out of `raw`; returns them, or
/// the first problem in the order a writer would meet it (title, `extra`, other keys, dates,
/// `event`). `is_section` decides which keys are allowed.
fn common(
    raw: &mut Raw,
    split: &Split<'_>,
    cx: &Ctx<'_>,
    is_section: bool,
) -> Result<CommonMeta, Diagnostic> {
    let title = title(raw.title.take(), split, cx)?;
    let date_of = |d: &Option<Spanned<String>>| -> Result<Option<FmDate>, Diagnostic> {
        match d {
            None => Ok(None),
            Some(s) => FmDate::parse(&s.value).map(Some).map_err(|m| {
                let (l, c) = cx.spanned_pos(s, split.yaml_line);
                cx.err_at(l, c, m)
                    .hint("write dates as 2025-06-01, or 2025-06-01T09:30:00+01:00 with a time")
            }),
        }
    };
    let located = |s: &Spanned<String>| {
        let (line, column) = cx.spanned_pos(s, split.yaml_line);
        Located {
            value: s.value.clone(),
            line,
            column,
        }
    };
    let extra = extra(raw.extra.take(), split, cx)?;
    let taxonomies = taxonomies(std::mem::take(&mut raw.rest), split, cx, is_section)?;

    Ok(CommonMeta {
        title,
        description: raw
            .description
            .take()
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty()),
        date: date_of(&raw.date)?,
        updated: date_of(&raw.updated)?,
        draft: raw.draft,
        weight: raw.weight,
        slug: raw.slug.as_ref().map(located),
        template: raw.template.as_ref().map(located),
        aliases: raw.aliases.iter().map(located).collect(),
        taxonomies,
        extra,
        sensitive: raw.sensitive,
        owner: raw
            .owner
            .take()
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty()),
        search_words: std::mem::take(&mut raw.search_words)
            .into_iter()
            .map(|w| w.trim().to_string())
            .filter(|w| !w.is_empty())
            .collect(),
        last_reviewed: date_of(&raw.last_reviewed)?,
        review_due: date_of(&raw.review_due)?,
        event: event(raw.event.take(), split, cx, is_section)?,
        translation: translation(raw.translation.as_ref(), split, cx)?.map(located),
    })
}

/// What `translation:` may say.
pub const NEEDS_REVIEW: &str = "needs review";

/// Takes `translation:` as written; returns it if it says `needs review`, the only value.
fn translation<'s>(
    t: Option<&'s Spanned<String>>,
    split: &Split<'_>,
    cx: &Ctx<'_>,
) -> Result<Option<&'s Spanned<String>>, Diagnostic> {
    match t {
        Some(s) if s.value.trim() != NEEDS_REVIEW => {
            let (l, c) = cx.spanned_pos(s, split.yaml_line);
            Err(cx
                .err_at(l, c, format!("`translation: {}` is not something Haven knows", s.value))
                .hint("write `translation: needs review` on a translation nobody has checked yet, and remove the line once a translator has"))
        }
        t => Ok(t),
    }
}

/// Takes the `title` as written; returns it trimmed, or an error if it is missing or blank.
fn title(
    title: Option<Spanned<String>>,
    split: &Split<'_>,
    cx: &Ctx<'_>,
) -> Result<String, Diagnostic> {
    match title {
        Some(t) if !t.value.trim().is_empty() => Ok(t.value.trim().to_string()),
        Some(t) => {
            let (l, c) = cx.spanned_pos(&t, split.yaml_line);
            Err(cx
                .err_at(l, c, "the title is empty")
                .hint("write the page's title after `title:`"))
        }
        None => Err(cx
            .err_at(split.yaml_line, 1, "the front matter has no `title`")
            .hint("every page and section needs a line `title: Its title` in its front matter")),
    }
}

/// Takes `extra` as written; returns it as a map (empty when absent or null), or an error
/// if it is any other kind of value.
fn extra(
    extra: Option<serde_json::Value>,
    split: &Split<'_>,
    cx: &Ctx<'_>,
) -> Result<serde_json::Value, Diagnostic> {
    match extra {
        None | Some(serde_json::Value::Null) => Ok(serde_json::Value::Object(Default::default())),
        Some(v @ serde_json::Value::Object(_)) => Ok(v),
        Some(_) => Err(cx
            .err_at(
                cx.key_line(split, "extra"),
                1,
                "`extra` must be a map of keys and values",
            )
            .hint("write `extra:` and then indented `key: value` lines")),
    }
}

/// Takes the keys front matter does not name itself (`rest`); returns the taxonomy terms
/// among them by taxonomy name, or an error for the first key that is not a configured
/// taxonomy or whose terms are not a list of usable terms.
fn taxonomies(
    rest: BTreeMap<String, serde_json::Value>,
    split: &Split<'_>,
    cx: &Ctx<'_>,
    is_section: bool,
) -> Result<BTreeMap<String, Vec<String>>, Diagnostic> {
    let mut taxonomies = BTreeMap::new();
    for (key, value) in rest {
        let line = cx.key_line(split, &key);
        if !cx.taxonomies.contains(&key) {
            return Err(unknown_key(&key, line, cx, is_section));
        }
        let terms = match value {
            serde_json::Value::Array(items) => items
                .into_iter()
                .map(|i| match i {
                    serde_json::Value::String(s) if !s.trim().is_empty() => {
                        Ok(s.trim().to_string())
                    }
                    serde_json::Value::Number(n) => Ok(n.to_string()),
                    _ => Err(()),
                })
                .collect::<Result<Vec<_>, _>>()
                .ok(),
            serde_json::Value::Null => Some(Vec::new()),
            _ => None,
        };
        let Some(terms) = terms else {
            return Err(cx
                .err_at(line, 1, format!("`{key}` must be a list of terms"))
                .hint(format!("write it as `{key}: [first term, second term]`")));
        };
        // A term's address is made from its letters and digits.
        if let Some(t) = terms.iter().find(|t| crate::content::slugify(t).is_empty()) {
            let (l, c) = cx.item_pos(split, &key, t);
            return Err(cx
                .err_at(
                    l,
                    c,
                    format!("the `{key}` term `{t}` has no letters or digits, so it cannot have a web address"),
                )
                .hint(format!(
                    "write the term in words, e.g. `{key}: [Early help]`, or remove it"
                )));
        }
        taxonomies.insert(key, terms);
    }
    Ok(taxonomies)
}

/// The error for a front-matter `key` (written on `line`) that is neither a known field nor
/// a configured taxonomy: a section-only key on a page says so, anything else lists the keys
/// allowed, with the closest as a guess.
fn unknown_key(key: &str, line: usize, cx: &Ctx<'_>, is_section: bool) -> Diagnostic {
    let mut allowed: Vec<&str> = PAGE_KEYS.to_vec();
    if is_section {
        allowed.extend_from_slice(SECTION_KEYS);
    }
    allowed.extend(cx.taxonomies.iter().map(String::as_str));
    let d = cx.err_at(line, 1, format!("unknown key `{key}` in front matter"));
    if !is_section && SECTION_KEYS.contains(&key) {
        d.hint(format!("`{key}` only belongs in a section's _index.md"))
    } else {
        let guess = crate::yaml::did_you_mean(key, &allowed);
        d.hint(format!(
            "{guess}Allowed keys: {}. Put your own values under `extra:`",
            allowed.join(", ")
        ))
    }
}

/// Takes the `event` block as written; returns the checked event, or an error if the block
/// is on a section or does not check out (placed at the line it names within the YAML).
fn event(
    event: Option<Spanned<crate::content::event::RawEvent>>,
    split: &Split<'_>,
    cx: &Ctx<'_>,
    is_section: bool,
) -> Result<Option<crate::content::event::Event>, Diagnostic> {
    match event {
        None => Ok(None),
        Some(e) if is_section => {
            let (l, c) = cx.spanned_pos(&e, split.yaml_line);
            Err(cx
                .err_at(l, c, "`event` belongs on a page, not a section")
                .hint("give each session its own page in the section"))
        }
        Some(e) => crate::content::event::check(e.value, &crate::clock::site_zone())
            .map(Some)
            .map_err(|e| {
                let line = if e.line == 0 {
                    cx.key_line(split, "event")
                } else {
                    split.yaml_line + e.line - 1
                };
                cx.err_at(line, e.column.max(1), format!("event: {}", e.message))
                    .hint(e.hint)
            }),
    }
}

/// Parses a page's front matter.
pub fn page_meta(split: &Split<'_>, cx: &Ctx<'_>) -> Result<PageMeta, Diagnostic> {
    let mut raw = parse_raw(split, cx)?;
    let section_only = [
        raw.sort_by
            .as_ref()
            .map(|s| ("sort_by", cx.spanned_pos(s, split.yaml_line))),
        raw.paginate_by
            .as_ref()
            .map(|s| ("paginate_by", cx.spanned_pos(s, split.yaml_line))),
        raw.page_template
            .as_ref()
            .map(|s| ("page_template", cx.spanned_pos(s, split.yaml_line))),
        raw.feed
            .as_ref()
            .map(|s| ("feed", cx.spanned_pos(s, split.yaml_line))),
    ];
    if let Some((key, _)) = section_only.into_iter().flatten().next() {
        let line = cx.key_line(split, key);
        return Err(cx
            .err_at(
                line,
                1,
                format!("`{key}` is a section setting, not a page setting"),
            )
            .hint(format!(
                "move `{key}` into the _index.md of the section this page belongs to"
            )));
    }
    Ok(PageMeta {
        common: common(&mut raw, split, cx, false)?,
    })
}

/// Parses a section's front matter.
pub fn section_meta(split: &Split<'_>, cx: &Ctx<'_>) -> Result<SectionMeta, Diagnostic> {
    let mut raw = parse_raw(split, cx)?;
    let paginate_by = match &raw.paginate_by {
        Some(p) if p.value == 0 => {
            let (l, c) = cx.spanned_pos(p, split.yaml_line);
            return Err(cx
                .err_at(l, c, "`paginate_by` must be at least 1")
                .hint("remove `paginate_by` to list every page on one page"));
        }
        Some(p) => Some(p.value),
        None => None,
    };
    let located = |s: &Spanned<String>| {
        let (line, column) = cx.spanned_pos(s, split.yaml_line);
        Located {
            value: s.value.clone(),
            line,
            column,
        }
    };
    Ok(SectionMeta {
        sort_by: raw.sort_by.as_ref().map(|s| s.value).unwrap_or_default(),
        paginate_by,
        page_template: raw.page_template.as_ref().map(located),
        feed: raw.feed.as_ref().is_some_and(|f| f.value),
        common: common(&mut raw, split, cx, true)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxos() -> Vec<String> {
        vec!["topics".into(), "audiences".into()]
    }

    fn page(src: &str) -> Result<PageMeta, Diagnostic> {
        let t = taxos();
        let cx = Ctx {
            file: Path::new("content/p.md"),
            source: src,
            taxonomies: &t,
        };
        let s = split(src, cx.file)?;
        page_meta(&s, &cx)
    }

    #[test]
    fn splits_and_counts_lines() {
        let src = "---\ntitle: A\n---\nbody\n";
        let s = split(src, Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("---\ntitle: A\nbody\n", Path::new("a.md")).unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn parses_every_page_field() {
        let m = page(
            "---\ntitle: Neglect\ndescription: d\ndate: 2025-06-01\nupdated: 2025-07-01T10:00:00+01:00\nweight: 3\nslug: n\naliases: [/old/]\ntopics: [neglect, CSE]\nextra:\n  k: v\n---\n",
        )
        .unwrap()
        .common;
        assert_eq!(m.title, "Neglect");
        assert_eq!(m.date.unwrap().text, "2025-06-01");
        let up = m.updated.unwrap();
        assert_eq!(up.date.to_string(), "2025-07-01");
        assert_eq!(up.instant.to_string(), "2025-07-01T09:00:00Z");
        assert_eq!(m.weight, Some(3));
        assert_eq!(m.slug.unwrap().value, "n");
        assert_eq!(m.aliases[0].value, "/old/");
        assert_eq!(m.aliases[0].line, 8);
        assert_eq!(m.taxonomies["topics"], vec!["neglect", "CSE"]);
        assert_eq!(m.extra["k"], "v");
    }

    #[test]
    fn a_term_without_letters_or_digits_is_an_error_at_the_term() {
        for (src, line, column) in [
            ("---\ntitle: A\ntopics: [\"!!!\"]\n---\n", 3, 10),
            ("---\ntitle: A\ntopics: [neglect, '!!!']\n---\n", 3, 19),
            ("---\ntitle: A\ntopics: [neglect, -- ]\n---\n", 3, 19),
            (
                "---\ntitle: A\ntopics:\n  - neglect\n  - \"!!!\"\ndraft: false\n---\n",
                5,
                5,
            ),
            (
                "---\ntitle: A\naudiences: [all]\ntopics:\n- \"...\"\n---\n",
                5,
                3,
            ),
            // Written with an escape, so not found by its text: the key's line.
            ("---\ntitle: A\ntopics: [\"\\x21\"]\n---\n", 3, 1),
        ] {
            let err = page(src).unwrap_err();
            assert_eq!((err.line, err.column), (Some(line), Some(column)), "{src}");
            assert!(
                err.message.contains("has no letters or digits"),
                "{}",
                err.message
            );
            assert!(err.hint.is_some());
        }
        let m = page("---\ntitle: A\ntopics: [\"Early help!\", 2025]\n---\n").unwrap();
        assert_eq!(m.common.taxonomies["topics"], vec!["Early help!", "2025"]);
    }

    #[test]
    fn unknown_key_has_line_and_suggestion() {
        let err = page("---\ntitle: A\ntopcs: [x]\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("topcs"));
        assert!(err.hint.unwrap().contains("did you mean `topics`"));
    }

    #[test]
    fn missing_title_and_bad_date() {
        assert!(
            page("---\ndate: 2025-01-01\n---\n")
                .unwrap_err()
                .message
                .contains("title")
        );
        let err = page("---\ntitle: A\ndate: 01/06/2025\n---\n").unwrap_err();
        assert_eq!((err.line, err.column), (Some(3), Some(7)));
        assert!(err.message.contains("year-month-day"), "{}", err.message);
        let err = page("---\ntitle: A\ndate: 2025-02-30\n---\n").unwrap_err();
        assert!(err.message.contains("not a real date"), "{}", err.message);
    }

    #[test]
    fn section_keys_rejected_on_pages() {
        let err = page("---\ntitle: A\nsort_by: date\n---\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.hint.unwrap().contains("_index.md"));
    }

    #[test]
    fn taxonomy_must_be_a_list() {
        let err = page("---\ntitle: A\ntopics: neglect\n---\n").unwrap_err();
        assert!(err.hint.unwrap().contains("topics: ["));
    }
}
