//! Stage 3: Markdown to HTML with comrak, plus the passes a site needs on the syntax tree:
//! heading ids and the table of contents, `@/` paths in links and images (and, where raw HTML is
//! allowed, in `<a href>` and `<img src>`), rejecting raw HTML and addresses that run code, and
//! code highlighting. It also returns the [`Facts`] the content checks read
//! (headings, images, links and prose, with where each is written); it applies no content rule
//! itself.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use comrak::adapters::{HeadingAdapter, HeadingMeta};
use comrak::nodes::{NodeValue, Sourcepos};
use comrak::options::Plugins;
use comrak::{Anchorizer, Arena, Options};
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::glossary::{Glossary, MARK_START};
use crate::highlight::{Highlighter, escape_html};

/// One heading in a page's table of contents.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// 1 to 6.
    pub level: u8,
    /// The heading's `id`, for `#` links.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Headings nested below this one.
    pub children: Vec<TocEntry>,
}

/// A link or image address found in a page, kept so that its target can be checked once every
/// page is rendered (for an `@/` path) or every output file is known (for any other address).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalLink {
    /// For an `@/` path, the content path it names (`guidance/neglect.md`, `about/chart.png`);
    /// otherwise the address as written (`/contact/`, `report.pdf#page=2`, `https://…`).
    pub target: String,
    /// The `#anchor` of an `@/` path, if any (other addresses keep theirs in `target`).
    pub anchor: Option<String>,
    /// Where the link is written in the source file.
    pub line: usize,
    /// Column of the link in the source file.
    pub column: usize,
    /// Whether an image shows it (`![…](…)` or `<img src>`), rather than a link opening it.
    pub image: bool,
}

/// The HTML of a page body and what later stages need to know about it.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// The body as HTML, held as a template value marked safe: the page's view, its section's
    /// listing and every feed share this one string rather than copying it.
    pub content: minijinja::Value,
    /// Nested table of contents.
    pub toc: Vec<TocEntry>,
    /// Every heading id in the page.
    pub anchors: Vec<String>,
    /// `@/` links and images, resolved, so that the checks can make sure the heading or the
    /// file beside content each one names is there.
    pub links: Vec<InternalLink>,
    /// Words in the body text.
    pub word_count: usize,
    /// Problems the content checks found in it (warnings, and errors for rules set to
    /// error), filled in by [`crate::checks::page()`].
    pub findings: Vec<Diagnostic>,
    /// Every other link and image address the site could answer, checked once every output
    /// file is known: site-relative and relative ones, and full http(s) addresses (some of
    /// which may be this site's own).
    pub local_links: Vec<InternalLink>,
    /// Counts for the reading-age estimate, when the readability check is on.
    pub readability: Option<crate::text::Readability>,
}

/// What a page body says and where, for the content checks.
#[derive(Debug, Default)]
pub struct Facts {
    /// Headings in order: level, text, position.
    pub headings: Vec<(u8, String, Sourcepos)>,
    /// Images in order.
    pub images: Vec<ImageFact>,
    /// Links in order, with their addresses as written.
    pub links: Vec<LinkFact>,
    /// Paragraphs, table cells and headings as plain text (without inline code).
    pub blocks: Vec<Block>,
}

/// An image as written.
#[derive(Debug)]
pub struct ImageFact {
    /// The address.
    pub url: String,
    /// The alt text.
    pub alt: String,
    /// Empty alt text written `![](x.png "")`, the documented way of saying it is decorative.
    pub decorative: bool,
    /// Where it is in the body.
    pub at: Sourcepos,
}

/// A link as written.
#[derive(Debug)]
pub struct LinkFact {
    /// The address as written (before `@/` links are resolved).
    pub url: String,
    /// The link text.
    pub label: String,
    /// Where it is in the body.
    pub at: Sourcepos,
}

/// A block of prose.
#[derive(Debug)]
pub struct Block {
    /// Its text, soft breaks as spaces, inline code left out.
    pub text: String,
    /// A paragraph (rather than a table cell or heading): what a reading age reads.
    pub paragraph: bool,
    /// Where it is in the body.
    pub at: Sourcepos,
}

impl Rendered {
    /// The body as HTML.
    pub fn html(&self) -> &str {
        self.content.as_str().unwrap_or("")
    }
}

/// What rendering needs from the rest of the site.
pub struct LinkContext<'a> {
    /// Content path to site-relative URL, for every page and section.
    pub urls: &'a HashMap<String, String>,
    /// Whether raw HTML is allowed.
    pub allow_raw_html: bool,
    /// Acronyms to mark up on first use.
    pub glossary: &'a Glossary,
    /// Content paths of drafts left out of the build.
    pub drafts: &'a HashSet<String>,
    /// The size of each image the site publishes, for `width`, `height` and `srcset`.
    pub images: &'a crate::images::ImageSizes,
    /// Whether the body is in a language written right to left, where numbers in the text
    /// are marked left to right.
    pub rtl: bool,
}

/// Where a body sits in its file, for error positions.
pub struct Source<'a> {
    /// The file, as shown in messages.
    pub file: &'a Path,
    /// The whole file text.
    pub text: &'a str,
    /// The line of the file on which the body starts.
    pub body_line: usize,
    /// The page's address, which addresses written relative to it start from.
    pub url: &'a str,
}

impl Source<'_> {
    /// An error at `sp`, a position in the body.
    pub fn err(&self, sp: Sourcepos, msg: impl Into<String>) -> Diagnostic {
        let line = self.body_line + sp.start.line.saturating_sub(1);
        Diagnostic::in_file(self.file, msg).at_in(self.text, line, sp.start.column)
    }
}

fn options(allow_raw_html: bool) -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.footnotes = true;
    o.parse.smart = true;
    o.render.r#unsafe = allow_raw_html;
    o
}

/// Writes heading tags with the ids worked out before rendering, in document order.
struct Headings {
    ids: Vec<String>,
    next: AtomicUsize,
}

impl HeadingAdapter for Headings {
    fn enter(&self, out: &mut dyn Write, h: &HeadingMeta, _sp: Option<Sourcepos>) -> fmt::Result {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        write!(out, "<h{}", h.level)?;
        if let Some(id) = self.ids.get(i) {
            out.write_str(" id=\"")?;
            escape_html(out, id)?;
            out.write_str("\"")?;
        }
        out.write_str(">")
    }

    fn exit(&self, out: &mut dyn Write, h: &HeadingMeta) -> fmt::Result {
        write!(out, "</h{}>", h.level)
    }
}

fn nest(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for e in flat {
        insert(&mut root, e);
    }
    root
}

fn insert(list: &mut Vec<TocEntry>, e: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < e.level => insert(&mut last.children, e),
        _ => list.push(e),
    }
}

/// Renders a Markdown body, resolving `@/` links; returns the HTML and what the body says, or
/// every error found (a link to nowhere, raw HTML, an address that runs code).
pub fn render(
    body: &str,
    src: &Source<'_>,
    cx: &LinkContext<'_>,
) -> Result<(Rendered, Facts), Diagnostics> {
    let opts = options(cx.allow_raw_html);
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, body, &opts);
    let walked = walk(root, body, src, cx);
    if walked.diags.has_errors() {
        return Err(walked.diags);
    }
    // Editors' notes in HTML comments are allowed, but never published.
    for c in walked.comments {
        c.detach();
    }
    // A body that already holds the mark character would confuse the pass; such text is
    // vanishingly rare, and it only costs that page its <abbr> markup.
    let marked = !cx.glossary.is_empty()
        && !body.contains(MARK_START)
        && mark_acronyms(root, cx.glossary, &mut HashSet::new());

    let anchors: Vec<String> = walked.flat_toc.iter().map(|e| e.id.clone()).collect();
    let mut html = write_html(root, &opts, &anchors, body.len(), src)?;
    if marked {
        html = cx.glossary.expand_marks(&html);
    }
    if !cx.images.by_path.is_empty() && html.contains("<img ") {
        html = cx.images.apply(&html, src.url);
    }
    html = left_to_right_numbers(html);
    if cx.rtl {
        html = isolate_numbers(&html);
    }
    let rendered = Rendered {
        content: minijinja::Value::from_safe_string(html),
        toc: nest(walked.flat_toc),
        anchors,
        links: walked.links,
        word_count: walked.words,
        findings: Vec::new(),
        local_links: walked.local_links,
        readability: None,
    };
    Ok((rendered, walked.facts))
}

/// What one pass over a body's syntax tree finds, before the HTML is written.
struct Walked<'a> {
    /// Problems that stop the page (and any warnings beside them).
    diags: Diagnostics,
    /// Headings with their ids, in document order.
    flat_toc: Vec<TocEntry>,
    /// Resolved `@/` links and images, for the checks of their targets.
    links: Vec<InternalLink>,
    /// Other addresses the site could answer, checked once every file is known.
    local_links: Vec<InternalLink>,
    /// Words in the text.
    words: usize,
    /// HTML comment nodes, to take out before writing.
    comments: Vec<&'a comrak::nodes::AstNode<'a>>,
    /// What the body says, for the content checks.
    facts: Facts,
}

/// Walks the tree under `root` (parsed from `body`) once in document order, resolving `@/`
/// links in place; returns what it found, errors included.
fn walk<'a>(
    root: &'a comrak::nodes::AstNode<'a>,
    body: &str,
    src: &Source<'_>,
    cx: &LinkContext<'_>,
) -> Walked<'a> {
    let mut w = Walked {
        diags: Diagnostics::new(),
        flat_toc: Vec::new(),
        links: Vec::new(),
        local_links: Vec::new(),
        words: 0,
        comments: Vec::new(),
        facts: Facts::default(),
    };
    let mut anchorizer = Anchorizer::new();
    // Split once per page, and only if an image needs it.
    let body_lines: std::cell::OnceCell<Vec<&str>> = std::cell::OnceCell::new();

    for node in root.descendants() {
        let sp = node.data().sourcepos;
        // Text of blocks, for the checks that read sentences (acronyms, language).
        if matches!(
            node.data().value,
            NodeValue::Paragraph | NodeValue::TableCell | NodeValue::Heading(_)
        ) {
            w.facts.blocks.push(Block {
                text: plain_text(node),
                paragraph: matches!(node.data().value, NodeValue::Paragraph),
                at: sp,
            });
        }
        let inner = match node.data().value {
            NodeValue::Link(_) | NodeValue::Image(_) => Some(node.collect_text()),
            _ => None,
        };
        let mut data = node.data_mut();
        match &mut data.value {
            NodeValue::Heading(h) => {
                let level = h.level;
                drop(data);
                let title = node.collect_text();
                w.facts.headings.push((level, title.clone(), sp));
                let id = anchorizer.anchorize(&title);
                w.flat_toc.push(TocEntry {
                    level,
                    id,
                    title,
                    children: Vec::new(),
                });
            }
            NodeValue::Image(img) => {
                if let Some(d) = refused_address(src, sp, &img.url, true) {
                    w.diags.push(d);
                }
                let alt = inner.unwrap_or_default();
                let decorative = alt.is_empty()
                    && declared_decorative(body_lines.get_or_init(|| body.lines().collect()), sp);
                w.facts.images.push(ImageFact {
                    url: img.url.clone(),
                    alt,
                    decorative,
                    at: sp,
                });
                let at = Written::at(src, sp, true);
                if let Some(url) = visit_address(&img.url, at, src, cx, &mut w) {
                    img.url = url;
                }
            }
            NodeValue::Link(link) => {
                visit_link(link, inner.unwrap_or_default(), sp, src, cx, &mut w);
            }
            NodeValue::HtmlBlock(b) => {
                let is_comment = b.literal.trim_start().starts_with("<!--");
                let snippet = b.literal.trim().lines().next().unwrap_or("").to_string();
                if !is_comment && cx.allow_raw_html {
                    raw_html_addresses(&mut b.literal, sp, src, cx, &mut w);
                }
                drop(data);
                if is_comment {
                    w.comments.push(node);
                } else if !cx.allow_raw_html {
                    w.diags.push(raw_html_error(src, sp, &snippet));
                }
            }
            NodeValue::HtmlInline(s) => {
                let is_comment = s.starts_with("<!--");
                let snippet = s.clone();
                if !is_comment && cx.allow_raw_html {
                    raw_html_addresses(s, sp, src, cx, &mut w);
                }
                drop(data);
                if is_comment {
                    w.comments.push(node);
                } else if !cx.allow_raw_html {
                    w.diags.push(raw_html_error(src, sp, &snippet));
                }
            }
            NodeValue::Text(t) => w.words += count_words(t),
            _ => {}
        }
    }
    w
}

/// Records a link written at `sp` with text `label` into `w`: refuses an address that must
/// not be published, and keeps its target for checking, resolving an `@/` path.
fn visit_link(
    link: &mut comrak::nodes::NodeLink,
    label: String,
    sp: Sourcepos,
    src: &Source<'_>,
    cx: &LinkContext<'_>,
    w: &mut Walked<'_>,
) {
    if let Some(d) = refused_address(src, sp, &link.url, false) {
        w.diags.push(d);
    }
    w.facts.links.push(LinkFact {
        url: link.url.clone(),
        label,
        at: sp,
    });
    if let Some(url) = visit_address(&link.url, Written::at(src, sp, false), src, cx, w) {
        link.url = url;
    }
}

/// Where an address is written in the source file, and whether an image shows it.
#[derive(Clone, Copy)]
struct Written {
    line: usize,
    column: usize,
    image: bool,
}

impl Written {
    /// The address of the link or image (`image`) at `sp` in the body of `src`.
    fn at(src: &Source<'_>, sp: Sourcepos, image: bool) -> Written {
        Written {
            line: src.body_line + sp.start.line.saturating_sub(1),
            column: sp.start.column,
            image,
        }
    }

    /// A record of `target` written here, for the checks.
    fn link(self, target: &str, anchor: Option<&str>) -> InternalLink {
        InternalLink {
            target: target.to_string(),
            anchor: anchor.map(str::to_string),
            line: self.line,
            column: self.column,
            image: self.image,
        }
    }
}

/// Keeps the address `url` written `at` for the checks, and returns what to publish instead
/// of it, if anything: an `@/` path becomes the URL of the page, section or file beside
/// content it names. An `@/` path that can name nothing (no such page, a draft, a page as an
/// image) is an error here; whether a file beside content is there is checked later, against
/// the site's assets.
fn visit_address(
    url: &str,
    at: Written,
    src: &Source<'_>,
    cx: &LinkContext<'_>,
    w: &mut Walked<'_>,
) -> Option<String> {
    let error = |msg: String, hint: String| {
        Diagnostic::in_file(src.file, msg)
            .at_in(src.text, at.line, at.column)
            .hint(hint)
    };
    let Some(rest) = url.strip_prefix("@/") else {
        let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
        // Same-page `#anchor` links are checked too: they resolve against this page.
        let local = !url.contains(':') && !url.starts_with("//");
        let web = lower.starts_with("http://") || lower.starts_with("https://");
        if (local || web) && !url.is_empty() {
            w.local_links.push(at.link(url, None));
        }
        return None;
    };
    let (path, anchor) = match rest.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (rest, None),
    };
    let (mut resolved, is_page) = match cx.urls.get(path) {
        Some(u) => (u.clone(), true),
        None => match crate::alerts::content_file_url(cx.urls, path) {
            Some(u) => (u, false),
            None => {
                let (msg, hint) = if cx.drafts.contains(path) {
                    at_path_draft(path, at.image)
                } else {
                    let known: Vec<&str> = cx.urls.keys().map(String::as_str).collect();
                    at_path_missing(path, at.image, crate::alerts::closest_path(path, &known))
                };
                w.diags.push(error(msg, hint));
                return None;
            }
        },
    };
    if at.image && is_page {
        w.diags.push(error(
            format!("the image `@/{path}` is a page, not a picture"),
            "name the picture's file, e.g. ![what the chart shows](@/about/chart.png) for content/about/chart.png".to_string(),
        ));
        return None;
    }
    w.links.push(at.link(path, anchor));
    if let Some(a) = anchor {
        resolved.push('#');
        resolved.push_str(a);
    }
    Some(resolved)
}

/// The message and hint for an `@/` path (`path`, after the `@/`) that names no page, section
/// or file beside content, written as a link or, when `image`, as an image; `guess` is the
/// closest content path there is, if any is close. The checks use it too, so a missing page and
/// a missing file read alike.
pub fn at_path_missing(path: &str, image: bool, guess: Option<&str>) -> (String, String) {
    let guess = guess.map(|g| format!("@/{g}"));
    let hint = |h: &str| crate::alerts::did_you_mean(guess.as_deref(), h);
    if image {
        (
            format!("the image `@/{path}` does not exist"),
            hint(
                "an `@/` image names a file below content/, e.g. @/about/chart.png for content/about/chart.png; check the spelling, and that the file is there",
            ),
        )
    } else {
        (
            format!("link to `@/{path}`, which does not exist"),
            hint(
                "`@/` links name a file below content/, e.g. @/guidance/neglect.md; check the spelling",
            ),
        )
    }
}

/// The message and hint for an `@/` path (`path`, after the `@/`) that names a draft, which
/// this build leaves out.
pub fn at_path_draft(path: &str, image: bool) -> (String, String) {
    let what = if image { "the image" } else { "link to" };
    (
        format!("{what} `@/{path}`, which is a draft and will not be published"),
        "publish that page first (remove `draft: true`), or remove the link until it is ready"
            .to_string(),
    )
}

/// Finds the `src` of each `<img>` and the `href` of each `<a>` in raw HTML `html` (a node at
/// `sp`), keeps them for the checks, and writes the URL an `@/` path names in its place, as
/// for Markdown links and images.
fn raw_html_addresses(
    html: &mut String,
    sp: Sourcepos,
    src: &Source<'_>,
    cx: &LinkContext<'_>,
    w: &mut Walked<'_>,
) {
    let mut replace = Vec::new();
    for (range, image) in html_addresses(html) {
        let before = &html[..range.start];
        let newlines = before.matches('\n').count();
        let column = match before.rfind('\n') {
            Some(i) => before[i + 1..].chars().count() + 1,
            None => sp.start.column + before.chars().count(),
        };
        let at = Written {
            line: src.body_line + sp.start.line.saturating_sub(1) + newlines,
            column,
            image,
        };
        let value = html[range.clone()].to_string();
        if let Some(url) = visit_address(&value, at, src, cx, w) {
            replace.push((range, url));
        }
    }
    // From the end, so that the earlier ranges still point at their text.
    for (range, url) in replace.into_iter().rev() {
        let safe = url
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('\'', "&#39;")
            .replace(' ', "%20");
        html.replace_range(range, &safe);
    }
}

/// Where the values of `<img src>` and `<a href>` are in `html`, each with whether it is an
/// image's. Attribute values in quotes, in single quotes or bare are found; entities in them are
/// left as written.
fn html_addresses(html: &str) -> Vec<(std::ops::Range<usize>, bool)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(lt) = b[i..].iter().position(|&c| c == b'<').map(|p| p + i) {
        i = lt + 1;
        let name_end = b[i..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |p| p + i);
        let tag = html[i..name_end].to_ascii_lowercase();
        let wanted = match tag.as_str() {
            "img" => "src",
            "a" => "href",
            _ => continue,
        };
        i = name_end;
        while i < b.len() && b[i] != b'>' {
            if b[i].is_ascii_whitespace() || b[i] == b'/' {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let name = html[start..i].to_ascii_lowercase();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if b.get(i) != Some(&b'=') {
                continue;
            }
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = match b.get(i) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let from = i + 1;
                    let to = b[from..]
                        .iter()
                        .position(|&c| c == q)
                        .map_or(b.len(), |p| p + from);
                    i = (to + 1).min(b.len());
                    from..to
                }
                _ => {
                    let from = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    from..i
                }
            };
            if name == wanted {
                out.push((value, tag == "img"));
            }
        }
    }
    out
}

/// Writes the tree under `root` as HTML, giving headings the ids in `anchors` (in document
/// order) and highlighting code; `body_len` sizes the output. Returns the HTML, or an error
/// naming the file if comrak fails.
fn write_html<'a>(
    root: &'a comrak::nodes::AstNode<'a>,
    opts: &Options<'_>,
    anchors: &[String],
    body_len: usize,
    src: &Source<'_>,
) -> Result<String, Diagnostics> {
    let headings = Headings {
        ids: anchors.to_vec(),
        next: AtomicUsize::new(0),
    };
    let highlighter = Highlighter;
    let mut plugins = Plugins::default();
    plugins.render.heading_adapter = Some(&headings);
    plugins.render.codefence_syntax_highlighter = Some(&highlighter);
    let mut html = String::with_capacity(body_len * 3 / 2);
    if comrak::format_html_with_plugins(root, opts, &mut html, &plugins).is_err() {
        return Err(
            Diagnostic::in_file(src.file, "the Markdown could not be turned into HTML").into(),
        );
    }
    Ok(if html.contains("<table") {
        wrap_tables(&html)
    } else {
        html
    })
}

/// Marks phone and email links `dir="ltr"`: in a page written right to left (Urdu, Arabic),
/// a number such as 020 7946 0123 would otherwise be laid out in the wrong order, and the
/// attribute keeps it right even where the style sheet is not applied (a reader view).
fn left_to_right_numbers(html: String) -> String {
    if !(html.contains("<a href=\"tel:") || html.contains("<a href=\"mailto:")) {
        return html;
    }
    html.replace("<a href=\"tel:", "<a dir=\"ltr\" href=\"tel:")
        .replace("<a href=\"mailto:", "<a dir=\"ltr\" href=\"mailto:")
}

/// Marks each number of several groups in the text (`0808 800 5000`, `+44 20 7946 0123`) as
/// left to right, for a page in a language written right to left: there the groups of a
/// number written as plain text would otherwise be laid out in reverse ("5000 800 0808").
/// Text inside tags, `<pre>` and `<code>` is left alone.
fn isolate_numbers(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() + 64);
    let mut i = 0;
    let mut copied = 0;
    let mut code = 0usize;
    while i < b.len() {
        if b[i] == b'<' {
            let end = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            let tag = &html[i..end];
            if tag.starts_with("<pre") || tag.starts_with("<code") {
                code += 1;
            } else if (tag.starts_with("</pre") || tag.starts_with("</code")) && code > 0 {
                code -= 1;
            }
            i = end;
            continue;
        }
        let starts =
            b[i].is_ascii_digit() || (b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        let after_word = i > 0 && (b[i - 1].is_ascii_alphanumeric());
        if code == 0 && starts && !after_word {
            // Digits, and single spaces between groups of them.
            let mut j = i + 1;
            let mut end = j;
            let (mut digits, mut groups) = (usize::from(b[i].is_ascii_digit()), 1);
            while j < b.len() {
                if b[j].is_ascii_digit() {
                    digits += 1;
                    j += 1;
                    end = j;
                } else if b[j] == b' ' && b.get(j + 1).is_some_and(u8::is_ascii_digit) && end == j {
                    groups += 1;
                    j += 1;
                } else {
                    break;
                }
            }
            if groups > 1 && digits >= 6 {
                out.push_str(&html[copied..i]);
                out.push_str("<span dir=\"ltr\">");
                out.push_str(&html[i..end]);
                out.push_str("</span>");
                copied = end;
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out.push_str(&html[copied..]);
    out
}

/// Puts each table in a region that scrolls sideways on its own, reachable by keyboard, so a
/// wide table never makes the whole page scroll at 320 px and its words never have to be
/// broken in the middle to fit. The table gets a caption (for screen readers) and the region a
/// name: the heading the table sits under, or else its column headings.
fn wrap_tables(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 256);
    let mut rest = html;
    while let Some(start) = rest.find("<table>") {
        let Some(len) = rest[start..].find("</table>").map(|e| e + "</table>".len()) else {
            break;
        };
        let table = &rest[start..start + len];
        let before = &html[..html.len() - rest.len() + start];
        let headings: Vec<String> = table
            .split("<th")
            .skip(1)
            .filter_map(|cell| cell.split_once('>').map(|(_, r)| r))
            .filter_map(|cell| cell.split_once("</th>").map(|(t, _)| text_of(t)))
            .filter(|t| !t.is_empty())
            .collect();
        let label = match heading_before(before) {
            Some(h) => h,
            None if headings.is_empty() => "Table".to_string(),
            None => format!("Table: {}", headings.join(", ")),
        };
        let label = crate::highlight::escaped(&label);
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "<div class=\"table-wrap\" role=\"region\" aria-label=\"{label}\" tabindex=\"0\"><table>\n<caption class=\"visually-hidden\">{label}</caption>"
        ));
        out.push_str(&table["<table>".len()..]);
        out.push_str("</div>");
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The text of the last heading in `html`, if any.
fn heading_before(html: &str) -> Option<String> {
    let at = (2..=6)
        .filter_map(|n| html.rfind(&format!("<h{n}")))
        .max()?;
    let inner = html[at..].split_once('>')?.1;
    let text = text_of(inner.split_once("</h")?.0);
    (!text.is_empty()).then_some(text)
}

/// The text of an HTML fragment: tags dropped and the entities comrak writes decoded (the
/// caller escapes it again for the attribute).
fn text_of(fragment: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .trim()
        .to_string()
}

/// Marks the first use of each glossary term in document order, skipping headings (their text
/// also becomes ids and the contents list), links (an `<abbr>` inside link text is read out
/// twice by some screen readers) and code. Returns whether anything was marked.
fn mark_acronyms<'a>(
    root: &'a comrak::nodes::AstNode<'a>,
    glossary: &Glossary,
    seen: &mut HashSet<String>,
) -> bool {
    let mut changed = false;
    // An explicit stack, in document order: hostile content can nest lists thousands deep,
    // and recursion would overflow the thread's stack.
    let mut stack: Vec<&'a comrak::nodes::AstNode<'a>> = root.reverse_children().collect();
    while let Some(node) = stack.pop() {
        let mut data = node.data_mut();
        match &mut data.value {
            NodeValue::Heading(_)
            | NodeValue::Link(_)
            | NodeValue::Image(_)
            | NodeValue::Code(_)
            | NodeValue::CodeBlock(_)
            | NodeValue::HtmlBlock(_)
            | NodeValue::HtmlInline(_) => {}
            NodeValue::Text(t) => {
                if let Some(new) = glossary.mark_first_uses(t, seen) {
                    *t = new.into();
                    changed = true;
                }
            }
            _ => {
                drop(data);
                stack.extend(node.reverse_children());
            }
        }
    }
    changed
}

/// The text of a block without inline code, soft breaks as spaces.
fn plain_text<'a>(node: &'a comrak::nodes::AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => {}
        }
    }
    // Inline code is skipped: `MASH_ID` or a quoted term is not prose.
    out
}

/// The number of words (runs of non-whitespace) in `t`: `split_whitespace().count()`, with
/// a byte loop for ASCII text, which is most of it, since every text node of the site goes
/// through here.
fn count_words(t: &str) -> usize {
    if !t.is_ascii() {
        return t.split_whitespace().count();
    }
    let mut n = 0;
    let mut in_word = false;
    for &b in t.as_bytes() {
        let space = matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        if !space && !in_word {
            n += 1;
        }
        in_word = !space;
    }
    n
}

/// Whether an image with empty alt text was written `![](x.png "")`, the documented way of
/// saying it is decorative.
fn declared_decorative(body: &[&str], sp: Sourcepos) -> bool {
    let Some(line) = body.get(sp.start.line.saturating_sub(1)) else {
        return false;
    };
    let from = sp.start.column.saturating_sub(1).min(line.len());
    let to = if sp.end.line == sp.start.line {
        sp.end.column.min(line.len())
    } else {
        line.len()
    };
    line.get(from..to)
        .is_some_and(|s| s.trim_end().ends_with("\"\")") || s.trim_end().ends_with("'')"))
}

/// The error for a link or image address that must not be published: one that runs code
/// (`javascript:`, `vbscript:`), hides a file inside the page (`data:`, except the small
/// pictures comrak itself lets through in images), or points at one computer's own disk
/// (`file:`). Checked here for every site: comrak's safe mode only empties such addresses
/// silently, and `allow_raw_html` turns that off.
fn refused_address(src: &Source<'_>, sp: Sourcepos, url: &str, image: bool) -> Option<Diagnostic> {
    // Browsers skip leading spaces and control characters, and tabs and line breaks anywhere.
    let start: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let picture = ["png", "gif", "jpeg", "webp"]
        .iter()
        .any(|t| start.starts_with(&format!("data:image/{t}")));
    let (scheme, why) = [
        (
            "javascript:",
            "runs code in the reader's browser instead of opening a page",
        ),
        (
            "vbscript:",
            "runs code in the reader's browser instead of opening a page",
        ),
        (
            "data:",
            "hides a whole file inside the page, which browsers refuse to open",
        ),
        (
            "file:",
            "points at a file on one computer, which nobody else can open",
        ),
    ]
    .into_iter()
    .find(|(s, _)| start.starts_with(s))?;
    if image && picture {
        return None;
    }
    let mut shown: String = url.chars().take(60).collect();
    if shown.len() < url.len() {
        shown.push('…');
    }
    let what = if image { "image" } else { "link" };
    let hint = if image {
        "save the picture as a file beside the page and write ![what it shows](picture.png)"
    } else if scheme == "file:" {
        "put the file beside the page (or in static/) and link to it, e.g. [Annual report (PDF, 1.2 MB)](annual-report.pdf)"
    } else {
        "link to a page with @/ (e.g. @/guidance/neglect.md), a site address such as /contact/, or a web address starting https://"
    };
    Some(
        src.err(
            sp,
            format!("the {what} address `{shown}` is not allowed: a `{scheme}` address {why}"),
        )
        .hint(hint),
    )
}

fn raw_html_error(src: &Source<'_>, sp: Sourcepos, snippet: &str) -> Diagnostic {
    let short: String = snippet.chars().take(40).collect();
    src.err(sp, format!("raw HTML is not allowed in content: `{short}`"))
        .hint("write it in Markdown instead; a site that really needs HTML can set `allow_raw_html: true` in site.yaml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> HashMap<String, String> {
        HashMap::from([
            (
                "guidance/neglect.md".to_string(),
                "/guidance/neglect/".to_string(),
            ),
            ("_index.md".to_string(), "/".to_string()),
        ])
    }

    fn go(md: &str) -> Result<Rendered, Diagnostics> {
        let u = urls();
        let src = Source {
            file: Path::new("content/p.md"),
            text: md,
            body_line: 1,
            url: "/p/",
        };
        render(
            md,
            &src,
            &LinkContext {
                images: &crate::images::ImageSizes::default(),
                urls: &u,
                allow_raw_html: false,
                glossary: &Glossary::default(),
                drafts: &HashSet::new(),
                rtl: false,
            },
        )
        .map(|(r, _)| r)
    }

    fn with_glossary(md: &str) -> String {
        let u = urls();
        let g = Glossary::from_entries(["CSE", "MASH", "FGM", "LADO"].map(|t| {
            crate::glossary::Entry {
                term: t.to_string(),
                expansion: format!("{t} in full"),
                definition: String::new(),
            }
        }));
        let src = Source {
            file: Path::new("content/p.md"),
            text: md,
            body_line: 1,
            url: "/p/",
        };
        let cx = LinkContext {
            images: &crate::images::ImageSizes::default(),
            urls: &u,
            allow_raw_html: false,
            glossary: &g,
            drafts: &HashSet::new(),
            rtl: false,
        };
        render(md, &src, &cx).unwrap().0.html().to_string()
    }

    #[test]
    fn numbers_in_right_to_left_text_read_left_to_right() {
        let html = "<p>فون 0808 800 5000 یا +44 20 7946 0123 پر۔ 2026 میں 3 بار، ABC 12 345 678</p><pre><code>0808 800 5000</code></pre><a href=\"tel:08001111\">0800 1111</a>";
        assert_eq!(
            isolate_numbers(html),
            "<p>فون <span dir=\"ltr\">0808 800 5000</span> یا <span dir=\"ltr\">+44 20 7946 0123</span> پر۔ 2026 میں 3 بار، ABC <span dir=\"ltr\">12 345 678</span></p><pre><code>0808 800 5000</code></pre><a href=\"tel:08001111\"><span dir=\"ltr\">0800 1111</span></a>"
        );
        assert_eq!(isolate_numbers("no numbers here"), "no numbers here");
    }

    #[test]
    fn acronyms_marked_on_first_use_only_outside_links_headings_and_code() {
        let html = with_glossary(
            "## About CSE\n\n[CSE guidance](https://example.org/) and `MASH` and\n\n```\nFGM\n```\n\nText on CSE, then CSE, MASH and *LADO*.\n",
        );
        assert!(
            html.contains("<h2 id=\"about-cse\">About CSE</h2>"),
            "{html}"
        );
        assert!(html.contains(">CSE guidance</a>"), "{html}");
        assert!(html.contains("<code>MASH</code>"), "{html}");
        assert!(
            !html.contains("title=\"FGM in full\""),
            "code blocks are left alone: {html}"
        );
        assert!(
            html.contains("Text on <abbr title=\"CSE in full\">CSE</abbr>, then CSE, <abbr title=\"MASH in full\">MASH</abbr> and <em><abbr title=\"LADO in full\">LADO</abbr></em>."),
            "{html}"
        );
        assert_eq!(html.matches("<abbr").count(), 3, "{html}");
    }

    #[test]
    fn headings_get_ids_and_nested_toc() {
        let r = go("## Signs to look for\n\n### At school\n\n## Signs to look for\n").unwrap();
        assert!(
            r.html()
                .contains("<h2 id=\"signs-to-look-for\">Signs to look for</h2>"),
            "{}",
            r.html()
        );
        assert!(r.html().contains("id=\"signs-to-look-for-1\""));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "at-school");
    }

    #[test]
    fn internal_links_resolve_and_unknown_ones_fail_with_position() {
        let r = go("See [neglect](@/guidance/neglect.md#signs).\n").unwrap();
        assert!(
            r.html().contains("href=\"/guidance/neglect/#signs\""),
            "{}",
            r.html()
        );
        assert_eq!(r.links[0].anchor.as_deref(), Some("signs"));
        let e = go("text\n\nSee [x](@/nope.md).\n").unwrap_err();
        assert_eq!(e.0[0].line, Some(3));
        assert_eq!(e.0[0].column, Some(5));
        assert!(e.0[0].message.contains("@/nope.md"));
    }

    #[test]
    fn raw_html_is_rejected_but_comments_are_dropped() {
        let e = go("Hello <b>there</b>\n").unwrap_err();
        assert!(e.0[0].message.contains("raw HTML"));
        let r = go("<!-- note to editors -->\n\nText\n").unwrap();
        assert!(!r.html().contains("note to editors"), "{}", r.html());
    }

    #[test]
    fn raw_html_passes_through_when_the_site_allows_it() {
        let u = urls();
        let md = "<div class=\"box\">Hi</div>\n";
        let src = Source {
            file: Path::new("p.md"),
            text: md,
            body_line: 1,
            url: "/p/",
        };
        let r = render(
            md,
            &src,
            &LinkContext {
                images: &crate::images::ImageSizes::default(),
                urls: &u,
                allow_raw_html: true,
                glossary: &Glossary::default(),
                drafts: &HashSet::new(),
                rtl: false,
            },
        )
        .unwrap()
        .0;
        assert!(
            r.html().contains("<div class=\"box\">Hi</div>"),
            "{}",
            r.html()
        );
    }

    #[test]
    fn links_that_run_code_are_refused_with_or_without_raw_html() {
        let u = urls();
        let render_with = |md: &str, allow_raw_html: bool| {
            let src = Source {
                file: Path::new("content/p.md"),
                text: md,
                body_line: 3,
                url: "/p/",
            };
            render(
                md,
                &src,
                &LinkContext {
                    images: &crate::images::ImageSizes::default(),
                    urls: &u,
                    allow_raw_html,
                    glossary: &Glossary::default(),
                    drafts: &HashSet::new(),
                    rtl: false,
                },
            )
            .map(|(r, _)| r)
        };
        for allow_raw_html in [false, true] {
            for (md, column, scheme) in [
                (
                    "Text\n\nSee [this](javascript:alert(1)).\n",
                    5,
                    "javascript:",
                ),
                (
                    "Text\n\nSee [this](JavaScript:alert(1)).\n",
                    5,
                    "javascript:",
                ),
                ("Text\n\n[x](<java\tscript:alert(1)>)\n", 1, "javascript:"),
                ("Text\n\nSee <vbscript:msgbox>.\n", 5, "vbscript:"),
                (
                    "Text\n\n[r]\n\n[r]: javascript:alert(1)\n",
                    1,
                    "javascript:",
                ),
                ("Text\n\nA [page](data:text/html,hi).\n", 3, "data:"),
                ("Text\n\nA [page](data:image/png;base64,AA).\n", 3, "data:"),
                (
                    "Text\n\nA [file](file:///C:/Users/me/report.docx).\n",
                    3,
                    "file:",
                ),
                ("Text\n\n![a cat](javascript:alert(1))\n", 1, "javascript:"),
                ("Text\n\n![a cat](data:image/svg+xml,<svg/>)\n", 1, "data:"),
            ] {
                let e = render_with(md, allow_raw_html)
                    .map(|r| r.html().to_string())
                    .expect_err(md);
                let d = &e.0[0];
                assert_eq!(d.file.as_deref(), Some(Path::new("content/p.md")), "{md}");
                assert_eq!((d.line, d.column), (Some(5), Some(column)), "{md}");
                assert!(d.message.contains(scheme), "{md}: {}", d.message);
                assert!(d.hint.is_some(), "{md}");
            }
            // Ordinary addresses, and small images written into the page, still work.
            let r = render_with(
                "[a](https://example.org/) [b](/contact/) [c](mailto:x@example.org) \
                 [d](guidance/) ![e](data:image/png;base64,AA)\n",
                allow_raw_html,
            )
            .unwrap();
            assert!(r.html().contains("href=\"https://example.org/\""));
        }
    }

    #[test]
    fn gfm_extensions_and_smart_punctuation() {
        let r = go("| a |\n|---|\n| 1 |\n\n~~x~~ \"q\" - [ ] t\n\nwww.example.org\n\nNote[^1]\n\n[^1]: F\n").unwrap();
        for needle in [
            "<table>",
            "<del>",
            "\u{201c}q\u{201d}",
            "href=\"http://www.example.org\"",
            "footnote",
        ] {
            assert!(
                r.html().contains(needle),
                "{needle} missing in {}",
                r.html()
            );
        }
    }

    #[test]
    fn code_blocks_are_highlighted_with_classes() {
        let r = go("```rust\nfn main() {}\n```\n").unwrap();
        assert!(
            r.html().contains("<pre class=\"code\" tabindex=\"0\">"),
            "{}",
            r.html()
        );
        assert!(r.html().contains("hl-"), "{}", r.html());
    }

    #[test]
    fn tables_scroll_in_a_named_region() {
        let html = wrap_tables(
            "<p>x</p><table>\n<thead>\n<tr>\n<th>Area &amp; risk</th>\n<th align=\"left\"><em>Examples</em></th>\n</tr>\n</thead>\n</table>\n<h3 id=\"a\">Who to <em>call</em></h3><table><tr><td>1</td></tr></table>",
        );
        assert!(html.starts_with("<p>x</p><div class=\"table-wrap\" role=\"region\" aria-label=\"Table: Area &amp; risk, Examples\" tabindex=\"0\"><table>\n<caption class=\"visually-hidden\">Table: Area &amp; risk, Examples</caption>\n<thead>"), "{html}");
        assert!(html.contains("<h3 id=\"a\">Who to <em>call</em></h3><div class=\"table-wrap\" role=\"region\" aria-label=\"Who to call\" tabindex=\"0\"><table>\n<caption class=\"visually-hidden\">Who to call</caption><tr>"), "{html}");
        assert!(html.ends_with("</table></div>"));
    }

    #[test]
    fn word_counts_match_split_whitespace() {
        for t in [
            "",
            " ",
            "one",
            " two  words ",
            "a\tb\nc\x0Bd\x0Ce\rf",
            "café au lait",
            "x\u{a0}y",
        ] {
            assert_eq!(count_words(t), t.split_whitespace().count(), "{t:?}");
        }
    }

    /// Renders `md` with pages and sections at `urls`, raw HTML allowed or not.
    fn go_with(
        md: &str,
        urls: &[(&str, &str)],
        allow_raw_html: bool,
    ) -> Result<Rendered, Diagnostics> {
        let u: HashMap<String, String> = urls
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let src = Source {
            file: Path::new("content/p.md"),
            text: md,
            body_line: 1,
            url: "/p/",
        };
        let cx = LinkContext {
            images: &crate::images::ImageSizes::default(),
            urls: &u,
            allow_raw_html,
            glossary: &Glossary::default(),
            drafts: &HashSet::new(),
            rtl: false,
        };
        render(md, &src, &cx).map(|(r, _)| r)
    }

    const SITE: &[(&str, &str)] = &[
        ("_index.md", "/lscp/"),
        ("guidance/_index.md", "/lscp/guidance/"),
        ("guidance/neglect.md", "/lscp/guidance/neglect/"),
        ("reports/annual/index.md", "/lscp/reports/annual-2024/"),
    ];

    #[test]
    fn at_paths_in_images_and_links_name_files_beside_content() {
        let r = go_with(
            "![Flow](@/guidance/flow.png) ![Chart](@/reports/annual/charts/may.png)\n\n\
             [Report (PDF)](@/reports/annual/report.pdf#page=2) ![Logo](/images/logo.png) \
             [Gov](https://www.gov.uk/) [Mail](mailto:a@example.org)\n",
            SITE,
            false,
        )
        .unwrap();
        for needle in [
            "src=\"/lscp/guidance/flow.png\"",
            "src=\"/lscp/reports/annual-2024/charts/may.png\"",
            "href=\"/lscp/reports/annual-2024/report.pdf#page=2\"",
        ] {
            assert!(r.html().contains(needle), "{needle}: {}", r.html());
        }
        let at: Vec<(&str, bool)> = r
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.image))
            .collect();
        assert_eq!(
            at,
            [
                ("guidance/flow.png", true),
                ("reports/annual/charts/may.png", true),
                ("reports/annual/report.pdf", false)
            ]
        );
        let local: Vec<(&str, bool)> = r
            .local_links
            .iter()
            .map(|l| (l.target.as_str(), l.image))
            .collect();
        assert_eq!(
            local,
            [("/images/logo.png", true), ("https://www.gov.uk/", false)]
        );
    }

    #[test]
    fn at_paths_that_name_nothing_are_errors_with_a_guess() {
        let e = go_with("Read [neglect](@/guidance/negelct.md).\n", SITE, false).unwrap_err();
        assert_eq!((e.0[0].line, e.0[0].column), (Some(1), Some(6)));
        let hint = e.0[0].hint.as_deref().unwrap_or("");
        assert!(
            hint.starts_with("did you mean `@/guidance/neglect.md`?"),
            "{hint}"
        );
        let e = go_with("![Neglect](@/guidance/neglect.md)\n", SITE, false).unwrap_err();
        assert!(
            e.0[0].message.contains("is a page, not a picture"),
            "{}",
            e.0[0].message
        );
        for bad in ["@/", "@/guidance/", "@/../secret.png", "@/a//b.png"] {
            let md = format!("![x]({bad})\n");
            assert!(go_with(&md, SITE, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn raw_html_addresses_resolve_and_are_kept_for_the_checks() {
        let md = "Text <IMG alt=\"a\" SRC='@/guidance/flow.png'> and <a href=@/guidance/neglect.md#signs>x</a>\n\n<p>\n  <img src=\"/images/logo.png\">\n</p>\n";
        let r = go_with(md, SITE, true).unwrap();
        assert!(
            r.html()
                .contains("<IMG alt=\"a\" SRC='/lscp/guidance/flow.png'>"),
            "{}",
            r.html()
        );
        assert!(
            r.html().contains("<a href=/lscp/guidance/neglect/#signs>"),
            "{}",
            r.html()
        );
        assert_eq!(r.links[1].anchor.as_deref(), Some("signs"));
        let l = &r.local_links[0];
        assert_eq!(
            (l.target.as_str(), l.image, l.line, l.column),
            ("/images/logo.png", true, 4, 13)
        );
        let e = go_with("<img src=\"@/nowhere.png\" alt=\"x\">\n", SITE, true);
        assert!(e.is_ok(), "a missing file is found by the checks, not here");
        let e = go_with("Hi <img src=\"@/guidance/negelct.md\">\n", SITE, true).unwrap_err();
        assert_eq!((e.0[0].line, e.0[0].column), (Some(1), Some(14)));
    }

    #[test]
    fn html_addresses_survive_broken_tags() {
        for html in [
            "<",
            "<img",
            "<img src",
            "<img src=",
            "<img src=\"open",
            "<a href=x",
            "é<img src=é>",
            "<img =x src=y>",
            "<imgs src=x>",
            "<a/href=x>",
        ] {
            let found = html_addresses(html);
            for (range, _) in found {
                assert!(html.get(range).is_some(), "{html}");
            }
        }
        assert_eq!(html_addresses("<img src=é>")[0].0, 9..11);
        assert!(html_addresses("<imgs src=x>").is_empty());
    }
}
