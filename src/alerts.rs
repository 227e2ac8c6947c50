//! Alerts and campaigns (`data/alerts.yaml`): notification banners that appear only between
//! their `starts` and `ends` dates. Which alerts are current is decided here, against the build
//! date (`--now` or the clock), so a template cannot get the date arithmetic wrong and a typo in
//! a date is an error rather than a banner that silently never shows.

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
    let path = format!("data/{ALERTS_FILE}");
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
            Some(l) => match l.value.strip_prefix("@/") {
                Some(p) => {
                    let url = urls.get(p).ok_or_else(|| {
                        at(
                            l,
                            format!(
                                "alert `{}` links to `{}`, which does not exist",
                                a.title, l.value
                            ),
                        )
                        .hint("`link` names a file below content/, e.g. @/guidance/neglect.md")
                    })?;
                    let text = a.link_text.clone().or_else(|| titles.get(p).cloned());
                    (Some(url.clone()), text)
                }
                None if l.value.starts_with("https://") || l.value.starts_with("http://") => {
                    (Some(l.value.clone()), a.link_text.clone())
                }
                None => {
                    return Err(at(
                        l,
                        format!(
                            "alert `{}` has link `{}`, which is neither `@/page.md` nor an http(s) address",
                            a.title, l.value
                        ),
                    )
                    .hint("link to a page as @/guidance/neglect.md"));
                }
            },
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
}
