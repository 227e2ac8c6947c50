//! Alerts and campaigns (`data/alerts.yaml`): notification banners that appear only between
//! their `starts` and `ends` dates. Which alerts are current is decided here, against the build
//! date (`--now` or the clock), so a template cannot get the date arithmetic wrong and a typo in
//! a date is an error rather than a banner that silently never shows.
//!
//! Alerts are the first stage to resolve `@/` paths, so the helpers for them that the Markdown
//! stage and the checks share live here too: where a file beside content is published
//! ([`content_file_url`]) and the closest path to a misspelt one ([`closest_path`]).

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::diagnostics::Diagnostic;

/// The data file alerts are read from, below `data/`.
pub const ALERTS_FILE: &str = "alerts.yaml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    alerts: Vec<RawAlert>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlert {
    title: String,
    text: String,
    #[serde(default)]
    link: Option<Spanned<String>>,
    #[serde(default)]
    link_text: Option<String>,
    starts: Spanned<String>,
    ends: Spanned<String>,
}

/// One alert, checked.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Alert {
    /// Banner heading.
    pub title: String,
    /// One or two sentences.
    pub text: String,
    /// Resolved URL of the linked page, if any.
    pub url: Option<String>,
    /// Text of the link; the linked page's title when not given.
    pub link_text: Option<String>,
    /// First day shown (inclusive).
    pub starts: String,
    /// Last day shown (inclusive).
    pub ends: String,
}

impl Alert {
    /// Whether the alert shows on `today` (both ends inclusive).
    pub fn is_current(&self, today: Date) -> bool {
        let (Ok(s), Ok(e)) = (self.starts.parse::<Date>(), self.ends.parse::<Date>()) else {
            return false;
        };
        s <= today && today <= e
    }
}

/// Reads and checks every alert from the data files' text. `urls` maps content paths to URLs
/// (for `link: "@/…"`), and `titles` content paths to page titles (the default link text).
pub fn load(
    sources: &BTreeMap<String, String>,
    urls: &HashMap<String, String>,
    titles: &HashMap<String, String>,
) -> Result<Vec<Alert>, Diagnostic> {
    let Some(text) = sources.get(ALERTS_FILE) else {
        return Ok(Vec::new());
    };
    let path = alerts_path();
    let file: File = crate::yaml::parse(text, std::path::Path::new(&path), text, 1)?;
    let at = |s: &Spanned<String>, msg: String| {
        Diagnostic::in_file(&path, msg).at_in(
            text,
            s.referenced.line() as usize,
            s.referenced.column() as usize,
        )
    };
    let mut out = Vec::new();
    for a in file.alerts {
        let date = |s: &Spanned<String>, key: &str| -> Result<Date, Diagnostic> {
            crate::content::frontmatter::FmDate::parse(&s.value)
                .map(|d| d.date)
                .map_err(|m| {
                    at(s, format!("alert `{}`: `{key}`: {m}", a.title))
                        .hint("write dates as 2026-06-15")
                })
        };
        let (starts, ends) = (date(&a.starts, "starts")?, date(&a.ends, "ends")?);
        if ends < starts {
            return Err(at(
                &a.ends,
                format!(
                    "alert `{}` ends ({ends}) before it starts ({starts})",
                    a.title
                ),
            )
            .hint("swap the dates, or correct the one that is wrong"));
        }
        let (url, link_text) = match &a.link {
            None => (None, a.link_text.clone()),
            Some(l) => {
                let url = link_url(&a.title, &l.value, urls)
                    .map_err(|(msg, hint)| at(l, msg).hint(hint))?;
                let page = l
                    .value
                    .strip_prefix("@/")
                    .and_then(|p| titles.get(p.split('#').next().unwrap_or(p)));
                (Some(url), a.link_text.clone().or_else(|| page.cloned()))
            }
        };
        out.push(Alert {
            title: a.title,
            text: a.text,
            url,
            link_text: link_text.or(Some("Find out more".to_string())),
            starts: starts.to_string(),
            ends: ends.to_string(),
        });
    }
    Ok(out)
}

/// The address an alert's `link` (as written in the alert titled `title`) goes to, or the
/// message and hint saying why it cannot be published: an `@/` path to a page, section or file
/// beside content (whether the file exists is checked with the site's other links, in
/// [`crate::checks`]), or an http(s) address (one on the site's own address is checked there
/// too).
fn link_url(
    title: &str,
    link: &str,
    urls: &HashMap<String, String>,
) -> Result<String, (String, String)> {
    if let Some(p) = link.strip_prefix("@/") {
        let (path, anchor) = match p.split_once('#') {
            Some((path, a)) => (path, Some(a)),
            None => (p, None),
        };
        let Some(mut url) = urls
            .get(path)
            .cloned()
            .or_else(|| content_file_url(urls, path))
        else {
            let known: Vec<&str> = urls.keys().map(String::as_str).collect();
            let guess = closest_path(path, &known).map(|g| format!("@/{g}"));
            return Err((
                format!("alert `{title}`: link to `{link}`, which does not exist"),
                did_you_mean(
                    guess.as_deref(),
                    "`link` names a file below content/, e.g. @/guidance/neglect.md; check the spelling",
                ),
            ));
        };
        if let Some(a) = anchor {
            url.push('#');
            url.push_str(a);
        }
        return Ok(url);
    }
    let lower = link.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return Ok(link.to_string());
    }
    Err((
        format!(
            "alert `{title}` has link `{link}`, which is neither `@/page.md` nor an http(s) address"
        ),
        "link to a page as @/guidance/neglect.md".to_string(),
    ))
}

/// The address at which a file kept beside content is published, from its content path
/// (`about/chart.png`) and `urls` (the content paths of pages and sections to their URLs): the
/// address of the nearest page bundle (`index.md`) or section (`_index.md`) folder at or above
/// the file's, followed by the rest of its path, which is where the content stage places
/// assets. `None` for a path that cannot name a file: a page (`.md`), a folder, or one with an
/// empty, `.` or `..` part. Whether the file is there is checked against the site's assets in
/// [`crate::checks`]. It lives here, in the first stage that resolves `@/` paths, so that alerts
/// and the Markdown stage share it.
pub fn content_file_url(urls: &HashMap<String, String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    if path.ends_with(".md")
        || parts
            .iter()
            .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return None;
    }
    let dir = &parts[..parts.len() - 1];
    (0..=dir.len()).rev().find_map(|n| {
        let folder: String = dir[..n].iter().map(|d| format!("{d}/")).collect();
        let owner = urls
            .get(&format!("{folder}index.md"))
            .or_else(|| urls.get(&format!("{folder}_index.md")))?;
        Some(format!("{owner}{}", parts[n..].join("/")))
    })
}

/// The candidate closest to `path`, a misspelt path (`guidance/negelct.md`), if any is close:
/// the difference must be small beside the length of the last part (the file name), so that
/// `about/chart.png` is not offered for `about/graph.png` just because the folder matches. A
/// folder (`guidance/`) gets its section or page bundle.
/// Lives here with [`content_file_url`], for alerts, the Markdown stage and the checks alike.
pub fn closest_path<'a>(path: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if path.is_empty() || path.ends_with('/') {
        let folder = [format!("{path}_index.md"), format!("{path}index.md")];
        if let Some(c) = candidates.iter().find(|c| folder.iter().any(|f| f == *c)) {
            return Some(c);
        }
    }
    let last = |p: &str| p.rsplit('/').next().unwrap_or(p).chars().count();
    candidates
        .iter()
        // Optimal string alignment: a swap of two neighbouring letters is one edit.
        .map(|c| (strsim::osa_distance(path, c), *c))
        .filter(|(d, c)| *d <= (last(c).max(last(path)) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// `hint`, after "did you mean `guess`?" (with its first letter made a capital) when there is
/// a guess.
pub fn did_you_mean(guess: Option<&str>, hint: &str) -> String {
    let Some(g) = guess else {
        return hint.to_string();
    };
    let mut chars = hint.chars();
    let rest: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("did you mean `{g}`? {rest}")
}

/// An alert's `link` as written, with where, so the link checks can point at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenLink {
    /// The alert's title, to name it in messages.
    pub title: String,
    /// The `link` value.
    pub link: String,
    /// Its line in `data/alerts.yaml`.
    pub line: usize,
    /// Its column.
    pub column: usize,
}

/// The path of the alerts file relative to the site folder, as shown in messages.
pub fn alerts_path() -> String {
    format!("data/{ALERTS_FILE}")
}

/// Every alert's `link` in the data files' text, in order. Empty when there is no alerts file
/// or it cannot be read: [`load`] has already said why.
pub fn written_links(sources: &BTreeMap<String, String>) -> Vec<WrittenLink> {
    let Some(text) = sources.get(ALERTS_FILE) else {
        return Vec::new();
    };
    let path = alerts_path();
    let Ok(file) = crate::yaml::parse::<File>(text, std::path::Path::new(&path), text, 1) else {
        return Vec::new();
    };
    file.alerts
        .into_iter()
        .filter_map(|a| {
            let l = a.link?;
            Some(WrittenLink {
                title: a.title,
                line: l.referenced.line() as usize,
                column: l.referenced.column() as usize,
                link: l.value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An alerts file with one alert of these `key: value` lines.
    fn data(lines: &str) -> BTreeMap<String, String> {
        let body: String = lines.lines().map(|l| format!("    {l}\n")).collect();
        let text = format!("alerts:\n  - title: T\n    text: x\n{body}");
        BTreeMap::from([(ALERTS_FILE.to_string(), text)])
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn current_only_between_inclusive_dates() {
        let urls = HashMap::from([("fgm.md".to_string(), "/fgm/".to_string())]);
        let titles = HashMap::from([("fgm.md".to_string(), "FGM".to_string())]);
        let alerts = load(
            &data("link: \"@/fgm.md\"\nstarts: 2026-06-15\nends: 2026-09-07"),
            &urls,
            &titles,
        )
        .unwrap();
        let a = &alerts[0];
        assert_eq!(a.url.as_deref(), Some("/fgm/"));
        assert_eq!(a.link_text.as_deref(), Some("FGM"));
        assert!(!a.is_current(d("2026-06-14")));
        assert!(a.is_current(d("2026-06-15")));
        assert!(a.is_current(d("2026-09-07")));
        assert!(!a.is_current(d("2026-09-08")));
    }

    #[test]
    fn bad_dates_and_links_are_errors() {
        let none = HashMap::new();
        let e = load(&data("starts: 2026-13-01\nends: 2026-12-01"), &none, &none).unwrap_err();
        assert!(e.message.contains("starts"), "{}", e.message);
        assert_eq!(
            (e.line, e.column),
            (Some(4), Some(13)),
            "points at the date"
        );
        let e = load(&data("starts: 2026-12-02\nends: 2026-12-01"), &none, &none).unwrap_err();
        assert!(e.message.contains("before it starts"), "{}", e.message);
        let e = load(
            &data("link: \"@/nowhere.md\"\nstarts: 2026-12-01\nends: 2026-12-01"),
            &none,
            &none,
        )
        .unwrap_err();
        assert!(e.message.contains("nowhere.md"), "{}", e.message);
        let e = load(&data("start: 2026-12-01\nends: 2026-12-01"), &none, &none).unwrap_err();
        assert!(e.message.contains("start"), "{}", e.message);
    }

    #[test]
    fn files_beside_content_are_published_beside_their_owner() {
        let urls: HashMap<String, String> = [
            ("_index.md", "/"),
            ("about/_index.md", "/about/"),
            ("reports/annual/index.md", "/reports/annual-2024/"),
            ("reports/annual/old.md", "/reports/annual/old/"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (path, url) in [
            ("about/chart.png", Some("/about/chart.png")),
            ("about/team/photo.jpg", Some("/about/team/photo.jpg")),
            (
                "reports/annual/sub/x.pdf",
                Some("/reports/annual-2024/sub/x.pdf"),
            ),
            ("logo.png", Some("/logo.png")),
            ("about.md", None),
            ("about/", None),
            ("../x.png", None),
            ("a/./b.png", None),
            ("", None),
        ] {
            assert_eq!(content_file_url(&urls, path).as_deref(), url, "{path}");
        }
    }

    #[test]
    fn close_paths_are_guessed_and_far_ones_are_not() {
        let known = [
            "guidance/early-help.md",
            "guidance/neglect.md",
            "about/chart.png",
        ];
        assert_eq!(
            closest_path("guidance/earlyhelp.md", &known),
            Some("guidance/early-help.md")
        );
        assert_eq!(closest_path("about/graph.png", &known), None);
        assert_eq!(
            closest_path("guidance/", &["guidance/neglect.md", "guidance/_index.md"]),
            Some("guidance/_index.md")
        );
        assert_eq!(closest_path("reports/report.pdf", &known), None);
        assert_eq!(
            did_you_mean(Some("@/x.md"), "check the spelling"),
            "did you mean `@/x.md`? Check the spelling"
        );
        assert_eq!(did_you_mean(None, "check"), "check");
    }

    #[test]
    fn a_misspelt_alert_link_gets_a_guess() {
        let urls = HashMap::from([
            (
                "guidance/early-help.md".to_string(),
                "/guidance/early-help/".to_string(),
            ),
            ("_index.md".to_string(), "/".to_string()),
        ]);
        let e = load(
            &data("link: \"@/guidance/earlyhelp.md\"\nstarts: 2026-12-01\nends: 2026-12-01"),
            &urls,
            &HashMap::new(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(11)));
        assert!(
            e.hint
                .as_deref()
                .unwrap_or("")
                .starts_with("did you mean `@/guidance/early-help.md`?"),
            "{:?}",
            e.hint
        );
        let a = load(
            &data("link: \"@/guidance/early-help.pdf\"\nstarts: 2026-12-01\nends: 2026-12-01"),
            &urls,
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(a[0].url.as_deref(), Some("/guidance/early-help.pdf"));
    }
}
