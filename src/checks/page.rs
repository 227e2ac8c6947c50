//! Rules on one page's text, read from what the Markdown stage found ([`Facts`]): heading
//! order, image alt text, link text, acronyms missing from the glossary, outdated language, and
//! the counts behind a reading age.

use comrak::nodes::Sourcepos;

use super::{Term, alt_problem, file_type_problem, link_text_problem};
use crate::config::checks::{ChecksConfig, Setting, apply, readability_on};
use crate::diagnostics::Diagnostic;
use crate::glossary::Glossary;
use crate::markdown::{Facts, Source};
use crate::text::{Readability, capitalised_words, find_lowercase, lowercase_in_place};

/// What the content checks need while reading a page.
#[derive(Debug, Default, PartialEq)]
pub struct Checks {
    /// Rule levels and lists from `site.yaml`.
    pub config: ChecksConfig,
    /// Terms to avoid (theme list plus the site's).
    pub language: Vec<Term>,
    /// Capitalised words that need no glossary entry.
    pub allowed_caps: std::collections::HashSet<String>,
    /// Gather reading-age counts even when the rule is off (for the report).
    pub force_readability: bool,
}

/// The findings for one page body (`body`, the Markdown that `facts` were read from), and its
/// reading-age counts when the rule is on or the report wants them.
pub fn page(
    facts: &Facts,
    body: &str,
    src: &Source<'_>,
    ck: &Checks,
    glossary: &Glossary,
    english: bool,
) -> (Vec<Diagnostic>, Option<Readability>) {
    let mut findings = Vec::new();
    let mut found = |rule: &'static str, d: Diagnostic| {
        if let Some(d) = apply(&ck.config, rule, d) {
            findings.push(d);
        }
    };
    // The body's lines are split only if a finding needs a position.
    let body_lines: std::cell::OnceCell<Vec<&str>> = std::cell::OnceCell::new();
    let lines = || body_lines.get_or_init(|| body.lines().collect()).as_slice();
    // The glossary, the language rules and the reading age are English: a page in another
    // language is not held to them.
    if english {
        for b in &facts.blocks {
            check_block(&b.text, &lines, b.at, src, ck, glossary, &mut found);
        }
    }
    headings(facts, src, &mut found);
    for img in &facts.images {
        if let Some((rule, msg)) = alt_problem(&img.alt, &img.url, img.decorative) {
            let hint = if rule == "image-alt" {
                "describe what the image shows in the [square brackets]; if it is only decoration, write ![](image.png \"\")"
            } else {
                "describe what the image shows, in a short sentence"
            };
            found(rule, src.err(img.at, msg).hint(hint));
        }
    }
    for link in &facts.links {
        let is_email = link.url.starts_with("mailto:") || link.url.starts_with("tel:");
        if !is_email && let Some(msg) = link_text_problem(&link.label) {
            found(
                "link-text",
                src.err(link.at, msg)
                    .hint("make the link text say where it goes, e.g. \"guidance on neglect\""),
            );
        }
        if let Some(msg) = file_type_problem(&link.label, &link.url) {
            found(
                "link-file-type",
                src.err(link.at, msg).hint(
                    "add the type and size to the link text, e.g. \"Annual report (PDF, 1.2 MB)\"",
                ),
            );
        }
    }
    let readability =
        (english && (ck.force_readability || readability_on(&ck.config))).then(|| {
            let mut r = Readability::default();
            for b in facts.blocks.iter().filter(|b| b.paragraph) {
                r.add_paragraph(&b.text, src.body_line + b.at.start.line.saturating_sub(1));
            }
            r
        });
    (findings, readability)
}

/// A level-one heading, a skipped level, an empty heading.
fn headings(facts: &Facts, src: &Source<'_>, found: &mut impl FnMut(&'static str, Diagnostic)) {
    let mut previous_level = 1u8;
    for (level, title, sp) in &facts.headings {
        let (level, sp) = (*level, *sp);
        if level == 1 {
            found(
                "heading-h1",
                src.err(
                    sp,
                    "a level-one heading in the text: the page title is already the only h1",
                )
                .hint("start the page's headings with ## (level two)"),
            );
        } else if level > previous_level + 1 {
            found(
                "heading-order",
                src.err(
                    sp,
                    format!("this heading jumps from level {previous_level} to level {level}"),
                )
                .hint(format!(
                    "use {} here, so screen-reader users do not think a section is missing",
                    "#".repeat(previous_level as usize + 1)
                )),
            );
        }
        if title.trim().is_empty() {
            found(
                "heading-empty",
                src.err(sp, "this heading has no text")
                    .hint("write the heading's words after the # signs, or remove the line"),
            );
        }
        previous_level = level;
    }
}

/// Where `needle` first appears (case-insensitively) in the body lines of `sp`: the file line
/// and column.
fn locate(body: &[&str], sp: Sourcepos, needle: &str, src: &Source<'_>) -> (usize, usize) {
    let from = sp.start.line.saturating_sub(1).min(body.len());
    let to = sp.end.line.clamp(from, body.len());
    let lines: Vec<(usize, &str)> = body[from..to]
        .iter()
        .enumerate()
        .map(|(i, l)| (from + i, *l))
        .filter(|(_, l)| l.to_lowercase().len() == l.len())
        .collect();
    let whole = needle.to_lowercase();
    for &(i, line) in &lines {
        if let Some(at) = line.to_lowercase().find(&whole) {
            return (src.body_line + i, line[..at].chars().count() + 1);
        }
    }
    // A phrase that wraps onto the next line starts with the word that ends this one.
    let first = whole
        .split_whitespace()
        .next()
        .unwrap_or(&whole)
        .to_string();
    for &(i, line) in &lines {
        let hay = line.to_lowercase();
        let trimmed = hay.trim_end();
        if trimmed.ends_with(&first) {
            let at = trimmed.len() - first.len();
            return (src.body_line + i, line[..at].chars().count() + 1);
        }
    }
    (
        src.body_line + sp.start.line.saturating_sub(1),
        sp.start.column,
    )
}

/// The text of file line `line`, from the body's lines.
fn excerpt<'b>(body: &[&'b str], src: &Source<'_>, line: usize) -> &'b str {
    line.checked_sub(src.body_line)
        .and_then(|i| body.get(i))
        .copied()
        .unwrap_or("")
}

/// Acronyms not in the glossary, and terms to avoid, in one block of text.
fn check_block<'b>(
    block: &str,
    body: &dyn Fn() -> &'b [&'b str],
    sp: Sourcepos,
    src: &Source<'_>,
    ck: &Checks,
    glossary: &Glossary,
    found: &mut impl FnMut(&'static str, Diagnostic),
) {
    for (_, w) in capitalised_words(block) {
        if glossary.get(w).is_none() && !ck.allowed_caps.contains(w) {
            let body = body();
            let (line, col) = locate(body, sp, w, src);
            found(
                "acronyms",
                Diagnostic::in_file(src.file, format!("`{w}` is not in the glossary"))
                    .at_line(line, col, excerpt(body, src, line))
                    .hint(format!("add {w} to data/glossary.yaml with what it stands for, or spell it out; if it is not an acronym, add it to checks.acronyms_allow in site.yaml")),
            );
        }
    }
    if ck.language.is_empty() {
        return;
    }
    let Some(hay) = lowercase_in_place(block) else {
        return;
    };
    for t in &ck.language {
        for _ in find_lowercase(&hay, &t.avoid.to_lowercase()) {
            let body = body();
            let (line, col) = locate(body, sp, &t.avoid, src);
            let mut d = Diagnostic::in_file(
                src.file,
                format!("\"{}\": write \"{}\" instead", t.avoid, t.instead),
            )
            .at_line(line, col, excerpt(body, src, line));
            if !t.why.is_empty() {
                d = d.hint(t.why.clone());
            }
            if t.level != Setting::Error {
                d = d.warning();
            }
            found("language", d);
        }
    }
}
