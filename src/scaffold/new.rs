//! `haven new KIND TITLE`: a new file with its front matter filled in, in the section the site's
//! `new:` settings name for that kind. The body is a note saying what to write; while a page's
//! body is still only that note, `haven check` warns that it is unfinished (rule `unfinished`),
//! so an empty page cannot go out unnoticed.

use std::path::{Path, PathBuf};

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::{create_new, one_line, yaml_string};
use crate::config::{CONFIG_FILE, Config, PLACEHOLDER};
use crate::content::slugify;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{CONTENT, DATA, Layout};

/// What `haven new` can make (the command line's `KIND`, so the help describes each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A page at the top of the site, such as "Contact us".
    Page,
    /// A guidance page, with its owner and review dates.
    Guidance,
    /// A news post.
    News,
    /// A training session, with its date, times and venue.
    Training,
    /// A document: a folder with a summary page, ready for the document's file.
    Document,
    /// A notification banner, added to data/alerts.yaml.
    Alert,
}

/// What was made.
#[derive(Debug)]
pub struct Created {
    /// The file written or changed, relative to the site folder, with `/`.
    pub file: String,
    /// Where it will be published, when it is a page.
    pub address: Option<String>,
    /// What the editor does next.
    pub next: String,
}

/// The note a new page's body holds until the editor writes the page.
pub const BODY_NOTE: &str = "<!-- Write the page here, below this note, in short paragraphs with headings (## Heading).\n     Then delete this note. Until you do, `haven check` warns that the page is unfinished. -->\n";

/// Makes a new `kind` titled `title` in the site at `root`, dated `today`.
pub fn new(root: &Path, kind: Kind, title: &str, today: Date) -> Result<Created, Diagnostics> {
    let title = one_line("title", title)?;
    let mut layout = Layout::open(root)?;
    let config = Config::load(&mut layout)?;
    if kind == Kind::Alert {
        return add_alert(&layout, &title, today).map_err(Into::into);
    }
    let slug = slugify(&title);
    if slug.is_empty() {
        return Err(Diagnostic::error(format!(
            "the title `{title}` has no letters or digits to make the page's address from"
        ))
        .hint("write a title with words in it")
        .into());
    }
    let n = &config.new;
    let (section, name, front) = match kind {
        Kind::Page => ("", format!("{slug}.md"), String::new()),
        Kind::Guidance => {
            let due = today
                .checked_add(i32::from(n.review_months).months())
                .unwrap_or(today);
            let front = format!(
                "audiences: [practitioners]\nowner: {PLACEHOLDER} with the team or sub-group that keeps this page up to date\nlast_reviewed: {today}\nreview_due: {due}\n"
            );
            (n.guidance.as_str(), format!("{slug}.md"), front)
        }
        Kind::News => (n.news.as_str(), format!("{slug}.md"), String::new()),
        Kind::Training => {
            let day = next_weekday(today);
            let front = format!(
                "audiences: [practitioners]\nevent:\n  start: {day}T09:30\n  end: {day}T16:00\n  # For a session held online, delete the venue line and write: online: true\n  venue: {PLACEHOLDER} with the full address of the venue\n  # booking_url: https://the-page-where-people-book\n"
            );
            (n.training.as_str(), format!("{slug}-{day}.md"), front)
        }
        Kind::Document => {
            let front = format!(
                "extra:\n  kind: {PLACEHOLDER} with the kind of document, such as Annual report\n"
            );
            (n.documents.as_str(), format!("{slug}/index.md"), front)
        }
        Kind::Alert => unreachable!("handled above"),
    };
    let section = section.trim_matches('/');
    if !section.is_empty() && !layout.is_dir(&Path::new(CONTENT).join(section)) {
        return Err(no_section(kind, section).into());
    }
    let rel: PathBuf = [CONTENT, section, &name]
        .iter()
        .filter(|s| !s.is_empty())
        .collect();
    let shown = rel.to_string_lossy().replace('\\', "/");
    let text = format!(
        "---\ntitle: {}\ndescription: {PLACEHOLDER} with one sentence saying what the page is for\ndate: {today}\n{front}---\n{BODY_NOTE}",
        yaml_string(&title)
    );
    create_new(&root.join(&rel), &shown, &text)?;
    let url = match section {
        "" => format!("{}{slug}/", config.base_path()),
        s => format!(
            "{}{s}/{}/",
            config.base_path(),
            name.trim_end_matches("/index.md").trim_end_matches(".md")
        ),
    };
    let mut next = String::from(
        "Open the file, write the page below the note at the top, then delete the note.",
    );
    next.push_str(&format!(
        " Replace every {PLACEHOLDER} in the lines at the top with the real details."
    ));
    if kind == Kind::Training {
        next.push_str(" The date is part of the file's name and address: if you change the session's date, rename the file to match.");
    }
    if kind == Kind::Document {
        next.push_str(&format!(
            " Put the document's file (a PDF, say) in the folder {}, and link to it from the page.",
            shown.trim_end_matches("index.md")
        ));
    }
    Ok(Created {
        file: shown,
        address: Some(config.permalink(&url)),
        next,
    })
}

/// The first Monday to Friday after `today`.
fn next_weekday(today: Date) -> Date {
    let mut d = today.tomorrow().unwrap_or(today);
    while matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) {
        d = d.tomorrow().unwrap_or(d);
    }
    d
}

fn no_section(kind: Kind, section: &str) -> Diagnostic {
    let key = match kind {
        Kind::Guidance => "guidance",
        Kind::News => "news",
        Kind::Training => "training",
        _ => "documents",
    };
    Diagnostic::in_file(
        CONFIG_FILE,
        format!("there is no section {CONTENT}/{section}/ for new pages of this kind"),
    )
    .hint(format!(
        "create the folder {CONTENT}/{section}/ with an _index.md in it, or set `new: {{{key}: FOLDER}}` in site.yaml to the section you use"
    ))
}

/// Adds an alert to `data/alerts.yaml` as text, after everything already there, so that the
/// editor's comments and layout are kept; the result is read back before it replaces the file.
fn add_alert(layout: &Layout, title: &str, today: Date) -> Result<Created, Diagnostic> {
    let rel = Path::new(DATA).join(crate::alerts::ALERTS_FILE);
    let shown = "data/alerts.yaml";
    // Read, add and replace under a lock, so that two `haven new alert` at once both land
    // rather than the second writing over the first. The system lets go of it if Haven is
    // stopped, so a killed run never leaves the file locked.
    let path = layout.root().join(&rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Diagnostic::in_file(&rel, format!("cannot create its folder: {e}")))?;
    }
    let _lock = crate::output::OutputLock::acquire(&path)
        .map_err(|e| Diagnostic::in_file(&rel, format!("cannot lock it for writing: {e:#}")))?;
    let old = match layout.read(&rel) {
        Some(Ok(b)) => crate::text::decode_text(&b).map_err(|m| Diagnostic::in_file(&rel, m))?,
        Some(Err(e)) => return Err(Diagnostic::in_file(&rel, format!("cannot read it: {e}"))),
        None if layout.root().join(&rel).exists() => {
            return Err(Diagnostic::in_file(
                &rel,
                "it is a link to a file outside the site folder",
            ));
        }
        None => String::new(),
    };
    let before = alert_titles(&old, &rel)?;
    if before.iter().any(|t| t.eq_ignore_ascii_case(title)) {
        return Err(Diagnostic::in_file(
            &rel,
            format!("there is already an alert called `{title}`"),
        )
        .hint("edit that alert, or choose a different title"));
    }
    let ends = today.checked_add(14.days()).unwrap_or(today);
    let item = format!(
        "- title: {}\n  text: {PLACEHOLDER} with one or two sentences saying what readers should know or do\n  # link: \"@/worried-about-a-child.md\"\n  starts: {today}\n  ends: {ends}\n",
        yaml_string(title)
    );
    let text = appended(&old, &item).ok_or_else(|| {
        Diagnostic::in_file(&rel, "Haven cannot add to this file: its alerts are not written as a list of `- title:` entries under `alerts:`")
            .hint("add the alert by hand, copying the shape of the others")
    })?;
    let after = alert_titles(&text, &rel)?;
    if after.len() != before.len() + 1 {
        return Err(
            Diagnostic::in_file(&rel, "Haven could not add the alert safely")
                .hint("add the alert by hand, copying the shape of the others"),
        );
    }
    super::replace_file(&layout.root().join(&rel), text.as_bytes())
        .map_err(|e| Diagnostic::in_file(&rel, format!("cannot write it: {e}")))?;
    Ok(Created {
        file: shown.to_string(),
        address: None,
        next: format!(
            "Open the file, write the alert's text in place of {PLACEHOLDER}, and check its dates: it shows at the top of every page from {today} to {ends}, once the site is rebuilt."
        ),
    })
}

/// The titles of the alerts in `text`; an error if it is not a valid alerts file.
fn alert_titles(text: &str, rel: &Path) -> Result<Vec<String>, Diagnostic> {
    #[derive(serde::Deserialize)]
    struct Loose {
        #[serde(default)]
        alerts: Option<Vec<serde_json::Value>>,
    }
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let f: Loose = crate::yaml::parse(text, rel, text, 1)?;
    Ok(f.alerts
        .unwrap_or_default()
        .iter()
        .map(|a| a["title"].as_str().unwrap_or_default().to_string())
        .collect())
}

/// `old` with `item` (a list entry, indented from column 0) added to its `alerts:` list, or
/// `None` when the list is not in block style.
fn appended(old: &str, item: &str) -> Option<String> {
    let mut lines: Vec<&str> = old.lines().collect();
    let key = lines.iter().position(|l| l.starts_with("alerts:"));
    let mut out = String::new();
    let indent = match key {
        None => {
            out.push_str(old);
            if !old.is_empty() && !old.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("alerts:\n");
            "  ".to_string()
        }
        Some(k) => {
            let rest = lines[k]["alerts:".len()..].trim();
            let rest = rest.split(" #").next().unwrap_or_default().trim();
            if rest == "[]" {
                lines[k] = "alerts:";
            } else if !rest.is_empty() {
                return None;
            }
            // The indentation of the list's first entry, so the new one lines up with it.
            let indent = lines[k + 1..]
                .iter()
                .find(|l| l.trim_start().starts_with("- "))
                .map_or("  ".to_string(), |l| {
                    l[..l.len() - l.trim_start().len()].to_string()
                });
            // Anything after the list (another top-level key) stays after it.
            let end = lines[k + 1..]
                .iter()
                .position(|l| !l.is_empty() && !l.starts_with([' ', '-', '#', '\t']))
                .map_or(lines.len(), |p| k + 1 + p);
            // Trailing blank lines and comments stay below the new entry.
            let mut insert = end;
            while insert > k + 1 && {
                let t = lines[insert - 1].trim_start();
                t.is_empty() || (t.starts_with('#') && lines[insert - 1].starts_with('#'))
            } {
                insert -= 1;
            }
            for l in &lines[..insert] {
                out.push_str(l);
                out.push('\n');
            }
            for l in item.lines() {
                out.push_str(&indent);
                out.push_str(l);
                out.push('\n');
            }
            for l in &lines[insert..] {
                out.push_str(l);
                out.push('\n');
            }
            return Some(out);
        }
    };
    for l in item.lines() {
        out.push_str(&indent);
        out.push_str(l);
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_goes_on_the_next_weekday() {
        // 2026-11-27 is a Friday.
        assert_eq!(
            next_weekday(Date::constant(2026, 11, 27)),
            Date::constant(2026, 11, 30)
        );
        assert_eq!(
            next_weekday(Date::constant(2026, 11, 30)),
            Date::constant(2026, 12, 1)
        );
    }

    #[test]
    fn alerts_are_appended_keeping_comments() {
        let item = "- title: \"B\"\n  starts: x\n";
        let empty = "# Banners.\nalerts: []  # none yet\n";
        assert_eq!(
            appended(empty, item).unwrap(),
            "# Banners.\nalerts:\n  - title: \"B\"\n    starts: x\n"
        );
        let one = "# Top.\nalerts:\n    - title: A\n      starts: y\n\n# The end.\n";
        assert_eq!(
            appended(one, item).unwrap(),
            "# Top.\nalerts:\n    - title: A\n      starts: y\n    - title: \"B\"\n      starts: x\n\n# The end.\n"
        );
        assert_eq!(
            appended("", item).unwrap(),
            "alerts:\n  - title: \"B\"\n    starts: x\n"
        );
        assert!(appended("alerts: [{title: A}]\n", item).is_none());
    }
}
