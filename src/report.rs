//! `haven check --report DIR`: a static HTML report for the communications sub-group: every
//! finding by page, pages due for review in the next 60 days, pages by owner, and the reading
//! age of each page. One self-contained, accessible page; no JavaScript.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::content::Site;
use crate::diagnostics::{Diagnostics, Level};
use crate::highlight::escape_html;
use crate::text::Readability;

/// How far ahead "due for review soon" looks.
pub const REVIEW_WINDOW_DAYS: i64 = 60;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape_html(&mut out, s);
    out
}

/// The report as HTML.
pub fn html(
    site: &Site,
    readability: &[Option<Readability>],
    findings: &Diagnostics,
    now: Timestamp,
) -> String {
    let today = crate::clock::site_date(now);
    let mut h = String::new();
    write_head(&mut h, site, findings, today);
    write_findings(&mut h, findings);
    write_reviews(&mut h, site, today);
    write_owners(&mut h, site);
    write_reading_ages(&mut h, site, readability);
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// Appends to `h` the document head, the title with the counts of `findings` as of `today`,
/// and the list of the report's parts.
fn write_head(h: &mut String, site: &Site, findings: &Diagnostics, today: jiff::civil::Date) {
    let errors = findings.iter().filter(|d| d.level == Level::Error).count();
    let warnings = findings.len() - errors;
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Content report – {}</title>\n<style>body{{font-family:Arial,Helvetica,sans-serif;line-height:1.5;max-width:60rem;margin:0 auto;padding:1rem;color:#1b1b1b}}table{{border-collapse:collapse;width:100%;margin:1rem 0}}th,td{{text-align:left;vertical-align:top;border-bottom:1px solid #b1b4b6;padding:.4rem;overflow-wrap:break-word}}.error{{color:#a4001d;font-weight:700}}a{{color:#1a5a96}}a:focus{{outline:3px solid #ffd23f;background:#ffd23f;color:#0b0c0c}}</style>\n</head>\n<body>\n<main>\n<h1>Content report: {}</h1>\n<p>Checked on {}: {} error{} and {} warning{} in {} pages.</p>\n<nav aria-label=\"Report sections\"><ul><li><a href=\"#findings\">Problems by page</a></li><li><a href=\"#reviews\">Due for review in the next {REVIEW_WINDOW_DAYS} days</a></li><li><a href=\"#owners\">Pages by owner</a></li><li><a href=\"#reading\">Reading age</a></li></ul></nav>\n",
        esc(&site.config.language),
        esc(&site.config.title),
        esc(&site.config.title),
        today.strftime("%-d %B %Y"),
        errors,
        if errors == 1 { "" } else { "s" },
        warnings,
        if warnings == 1 { "" } else { "s" },
        site.pages.len()
    );
}

/// Appends to `h` the "Problems by page" part: a table of `findings` per file, A to Z.
fn write_findings(h: &mut String, findings: &Diagnostics) {
    h.push_str("<h2 id=\"findings\">Problems by page</h2>\n");
    let mut by_file: BTreeMap<String, Vec<&crate::diagnostics::Diagnostic>> = BTreeMap::new();
    for d in findings.iter() {
        let f = d
            .file
            .as_ref()
            .map_or("(site)".to_string(), |f| f.display().to_string());
        by_file.entry(f).or_default().push(d);
    }
    if by_file.is_empty() {
        h.push_str("<p>No problems found.</p>\n");
    }
    for (file, ds) in &by_file {
        let _ = write!(
            h,
            "<h3>{}</h3>\n<table>\n<caption>Problems in {}</caption>\n<thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Level</th><th scope=\"col\">Problem</th><th scope=\"col\">How to fix it</th></tr></thead>\n<tbody>\n",
            esc(file),
            esc(file)
        );
        for d in ds {
            let level = if d.level == Level::Error {
                "<span class=\"error\">Error</span>"
            } else {
                "Warning"
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{level}</td><td>{}{}</td><td>{}</td></tr>",
                d.line.map_or(String::new(), |l| l.to_string()),
                esc(&d.message),
                d.rule.map_or(String::new(), |r| format!(" ({})", esc(r))),
                esc(d.hint.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }
}

/// Appends to `h` the pages whose review falls due within [`REVIEW_WINDOW_DAYS`] of `today`
/// (or already has), soonest first, marking the overdue ones.
fn write_reviews(h: &mut String, site: &Site, today: jiff::civil::Date) {
    let horizon = today
        .checked_add(jiff::Span::new().days(REVIEW_WINDOW_DAYS))
        .unwrap_or(today);
    h.push_str(&format!(
        "<h2 id=\"reviews\">Due for review in the next {REVIEW_WINDOW_DAYS} days</h2>\n"
    ));
    let mut due: Vec<(jiff::civil::Date, &crate::content::Page)> = site
        .pages
        .iter()
        .filter_map(|p| p.meta.common.review_due.as_ref().map(|d| (d.date, p)))
        .filter(|(d, _)| *d <= horizon)
        .collect();
    due.sort_by(|a, b| (a.0, &a.1.doc.path).cmp(&(b.0, &b.1.doc.path)));
    if due.is_empty() {
        h.push_str("<p>No page is due for review in that time.</p>\n");
        return;
    }
    h.push_str("<table>\n<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Review due</th><th scope=\"col\">Owner</th></tr></thead>\n<tbody>\n");
    for (d, p) in due {
        let overdue = if d < today {
            " <span class=\"error\">(overdue)</span>"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<tr><td>{} <br><small>{}</small></td><td>{}{overdue}</td><td>{}</td></tr>",
            esc(&p.meta.common.title),
            esc(&p.doc.file.display().to_string()),
            d.strftime("%-d %B %Y"),
            esc(p.meta.common.owner.as_deref().unwrap_or("No owner"))
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// Appends to `h` the site's pages grouped by owner, A to Z, with when each was last
/// reviewed.
fn write_owners(h: &mut String, site: &Site) {
    h.push_str("<h2 id=\"owners\">Pages by owner</h2>\n");
    let mut owners: BTreeMap<&str, Vec<&crate::content::Page>> = BTreeMap::new();
    for p in &site.pages {
        owners
            .entry(p.meta.common.owner.as_deref().unwrap_or("No owner"))
            .or_default()
            .push(p);
    }
    for (owner, ps) in &owners {
        let _ = writeln!(
            h,
            "<h3>{} ({} page{})</h3>\n<ul>",
            esc(owner),
            ps.len(),
            if ps.len() == 1 { "" } else { "s" }
        );
        for p in ps {
            let reviewed = p
                .meta
                .common
                .last_reviewed
                .as_ref()
                .map_or("never reviewed".to_string(), |d| {
                    format!("last reviewed {}", d.date.strftime("%-d %B %Y"))
                });
            let _ = writeln!(h, "<li>{} ({})</li>", esc(&p.meta.common.title), reviewed);
        }
        h.push_str("</ul>\n");
    }
}

/// Appends to `h` the table of reading ages: one row per page of `site` that has counts in
/// `readability` (which runs parallel to the pages).
fn write_reading_ages(h: &mut String, site: &Site, readability: &[Option<Readability>]) {
    h.push_str("<h2 id=\"reading\">Reading age</h2>\n<p>An estimate from sentence and word length (Flesch–Kincaid grade plus five). Pages for parents and young people should aim for 12 or under.</p>\n<table>\n<thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Audiences</th><th scope=\"col\">Reading age</th><th scope=\"col\">Sentences over 25 words</th></tr></thead>\n<tbody>\n");
    for (p, r) in site.pages.iter().zip(readability) {
        let Some(r) = r else { continue };
        let age = r
            .reading_age()
            .map_or("too short to judge".to_string(), |a| format!("{a:.0}"));
        let audiences = p
            .meta
            .common
            .taxonomies
            .get(crate::config::AUDIENCES)
            .map_or(String::new(), |a| a.join(", "));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{age}</td><td>{}</td></tr>",
            esc(&p.meta.common.title),
            esc(&audiences),
            r.long.len()
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// Writes the report as `dir/index.html`, replacing the folder whole, with the same rules as
/// a build's output: `dir` must be new, empty or an earlier report, never a built site or one
/// of the site's own folders.
pub fn write(
    site: &crate::content::Site,
    dir: &Path,
    html: &str,
) -> Result<PathBuf, crate::diagnostics::Diagnostic> {
    crate::output::write_files(
        &site.layout,
        dir,
        crate::output::Kind::Report,
        &site.config.base_url,
        vec![("index.html".to_string(), html.as_bytes().to_vec())],
    )?;
    Ok(dir.join("index.html"))
}
