//! The settings a partnership portal's safety depends on: who to call about a worried child
//! (`report:`), where "Exit this page" goes (`quick_exit:`), the partnership's contact details
//! (`contact:`) and the Content-Security-Policy of every page (`content_security_policy:`).
//!
//! They are typed here rather than left in `extra` because a typo there fails silently: the
//! "Worried about a child?" box or the hub's number would vanish from every page and the build
//! would still succeed. Each is checked for the shape a reader relies on (a phone number that
//! dials, a quick exit that leaves the site), with the line of the offending setting.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

/// `report:` in `site.yaml`: how to report a concern about a child, shown on every page.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The emergency number, shown as "If a child is in immediate danger, call 999".
    #[serde(default = "default_emergency")]
    pub emergency: String,
    /// The name of the safeguarding hub or front door, e.g. `Northshire MASH`.
    pub hub_name: String,
    /// The hub's phone number, e.g. `"01632 960000"` (in quotes, so the leading 0 stays).
    pub hub_phone: String,
    /// When the hub answers, e.g. `Monday to Friday, 9am to 5pm`.
    #[serde(default)]
    pub hub_hours: Option<String>,
    /// The hub's email address.
    #[serde(default)]
    pub hub_email: Option<String>,
    /// Who to call when the hub is closed (the emergency duty team).
    pub out_of_hours_phone: String,
    /// Childline's number, for children and young people: 0800 1111 unless set.
    #[serde(default = "default_childline")]
    pub childline_phone: String,
    /// The "Worried about a child?" page, as an `@/` path such as `@/worried-about-a-child.md`.
    pub page: String,
}

/// `quick_exit:` in `site.yaml`: the "Exit this page" button.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickExit {
    /// Where the button (and pressing Shift three times) sends the reader: a full `https://`
    /// address on another website, such as `https://www.bbc.co.uk/weather`.
    pub url: String,
    /// A page explaining that leaving quickly does not clear the browser's history, as an
    /// `@/` path.
    #[serde(default)]
    pub help: Option<String>,
    /// Which pages show the button: `all` (the default) or only `sensitive` ones.
    #[serde(default)]
    pub show_on: ShowOn,
}

/// Which pages show "Exit this page".
#[derive(
    Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ShowOn {
    /// Every page: a young person may arrive anywhere, from a search engine or a shared link.
    #[default]
    All,
    /// Only pages and sections marked `sensitive: true` (or carrying a sensitive term).
    Sensitive,
}

/// `contact:` in `site.yaml`: the partnership's own contact details.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The postal address, one line per item.
    #[serde(default)]
    pub address: Vec<String>,
    /// The partnership's email address, also offered for accessible formats of documents.
    #[serde(default)]
    pub email: Option<String>,
    /// The partnership's phone number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// The policy every page, alias page and `haven serve` response carries unless `site.yaml` sets
/// another: nothing from other websites, no inline scripts or styles, no forms sent elsewhere.
pub const DEFAULT_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'";

fn default_emergency() -> String {
    "999".to_string()
}

fn default_childline() -> String {
    "0800 1111".to_string()
}

/// The default for `content_security_policy:`.
pub fn default_csp() -> String {
    DEFAULT_CSP.to_string()
}

/// One problem with a portal setting: the dotted path of the setting (`report.hub_phone`), what
/// is wrong and how to fix it. The caller turns it into a positioned [`Diagnostic`].
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where the setting is, such as `["quick_exit", "url"]`.
    pub path: Vec<&'static str>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

fn problem(path: &[&'static str], message: String, hint: impl Into<String>) -> Problem {
    Problem {
        path: path.to_vec(),
        message,
        hint: hint.into(),
    }
}

/// Why `phone` is not a number a reader can dial, if it is not.
fn phone_problem(phone: &str) -> Option<String> {
    if phone.contains(super::PLACEHOLDER) {
        // Reported as a placeholder, a warning, until the partnership fills it in.
        return None;
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-');
    if phone.trim().is_empty() {
        Some("is empty".to_string())
    } else if let Some(bad) = phone.chars().find(|c| !allowed(*c)) {
        Some(format!("has `{bad}` in it, which a phone cannot dial"))
    } else if digits < 3 {
        Some("has too few digits to be a phone number".to_string())
    } else {
        None
    }
}

/// Why `email` is not an address mail can be sent to, if it is not.
fn email_problem(email: &str) -> Option<&'static str> {
    if email.contains(super::PLACEHOLDER) {
        return None;
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Some("has no @ in it");
    };
    if email.starts_with("mailto:") {
        return Some("starts with mailto:, which Haven adds itself");
    }
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || email
            .chars()
            .any(|c| c.is_whitespace() || "<>\"'(),;:".contains(c))
    {
        return Some("is not an email address");
    }
    None
}

/// The host of an `http(s)://` address, in lower case and without a port, or `None` when the
/// address has no scheme or no host.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once(':').map_or(authority, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            authority
        }
    });
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Why `url` cannot be where "Exit this page" goes from a site at `base_url`, if it cannot.
fn exit_url_problem(url: &str, base_url: &str) -> Option<String> {
    if url
        .chars()
        .any(|c| c.is_whitespace() || "<>\"'`\\".contains(c))
    {
        return Some(format!(
            "quick_exit.url `{url}` has a space or quote in it, so it is not a web address"
        ));
    }
    if !url.starts_with("https://") {
        let why = if url.starts_with("http://") {
            "starts with http://, so some browsers would warn the reader before leaving"
        } else if url.contains(':') && !url.contains("://") {
            "is not a web address (it would run or open something instead of leaving the site)"
        } else {
            "does not start with https://, so the browser would treat it as a page of this site and the reader would stay here"
        };
        return Some(format!("quick_exit.url `{url}` {why}"));
    }
    let host = host_of(url).filter(|h| h.contains('.') && !h.contains('@'));
    let Some(host) = host else {
        return Some(format!(
            "quick_exit.url `{url}` has no website name after https://"
        ));
    };
    if host_of(base_url).is_some_and(|own| own == host) {
        return Some(format!(
            "quick_exit.url `{url}` is on this site ({host}), so \"Exit this page\" would not leave it"
        ));
    }
    None
}

const EXIT_HINT: &str = "write the full address of an everyday website on another host, such as url: https://www.bbc.co.uk/weather";

/// Why `policy` would let a page load something from elsewhere or run injected code, if so.
fn csp_problem(policy: &str) -> Option<String> {
    if policy.trim().is_empty() {
        return Some("content_security_policy is empty, so pages would have no protection".into());
    }
    if !policy
        .split(';')
        .any(|d| d.split_whitespace().next() == Some("default-src"))
    {
        return Some(
            "content_security_policy has no default-src, so anything not listed would be allowed"
                .into(),
        );
    }
    for directive in policy.split(';') {
        let mut words = directive.split_whitespace();
        let Some(name) = words.next() else { continue };
        for source in words {
            let lower = source.to_ascii_lowercase();
            let risky = lower == "*"
                || lower.starts_with("'unsafe-")
                || lower == "http:"
                || lower == "https:"
                || lower.contains("://")
                || (lower.contains('.') && !lower.starts_with('\''));
            if risky {
                return Some(format!(
                    "content_security_policy lets `{name}` use `{source}`: a Haven site loads nothing from other websites and runs no inline code"
                ));
            }
        }
    }
    None
}

/// Checks the portal settings of a site at `base_url`. `report_required` is false only when
/// `site.yaml` says `safeguarding_site: false`.
pub fn problems(
    report: Option<&Report>,
    quick_exit: Option<&QuickExit>,
    contact: Option<&Contact>,
    csp: &str,
    base_url: &str,
    safeguarding_site: bool,
) -> Vec<Problem> {
    let mut out = Vec::new();
    if safeguarding_site && report.is_none() {
        out.push(problem(
            &[],
            "site.yaml does not say who to call about a worried child, so no page would show it".into(),
            "add a `report:` section with hub_name, hub_phone, out_of_hours_phone and page (see the README's site.yaml section); if this is not a safeguarding site, add safeguarding_site: false",
        ));
    }
    if safeguarding_site && quick_exit.is_none() {
        out.push(problem(
            &[],
            "site.yaml does not say where \"Exit this page\" goes, so readers at risk would have no quick way to leave".into(),
            "add quick_exit: {url: https://www.bbc.co.uk/weather}; if this is not a safeguarding site, add safeguarding_site: false",
        ));
    }
    if let Some(r) = report {
        let phones: [(&'static str, &str); 4] = [
            ("emergency", &r.emergency),
            ("hub_phone", &r.hub_phone),
            ("out_of_hours_phone", &r.out_of_hours_phone),
            ("childline_phone", &r.childline_phone),
        ];
        for (key, phone) in phones {
            if let Some(why) = phone_problem(phone) {
                out.push(problem(
                    &["report", key],
                    format!("report.{key} `{phone}` {why}"),
                    format!("write only digits and spaces, in quotes so a leading 0 is kept, e.g. {key}: \"01632 960000\""),
                ));
            }
        }
        if r.hub_name.trim().is_empty() {
            out.push(problem(
                &["report", "hub_name"],
                "report.hub_name is empty".into(),
                "write the name readers know the hub by, e.g. hub_name: Northshire Multi-Agency Safeguarding Hub (MASH)",
            ));
        }
        if let Some(why) = r.hub_email.as_deref().and_then(email_problem) {
            out.push(problem(
                &["report", "hub_email"],
                format!(
                    "report.hub_email `{}` {why}",
                    r.hub_email.as_deref().unwrap_or_default()
                ),
                "write just the address, e.g. hub_email: mash@northshire.example.org.uk",
            ));
        }
        if !r.page.starts_with("@/") {
            out.push(problem(
                &["report", "page"],
                format!(
                    "report.page `{}` is not an @/ path to a page of this site",
                    r.page
                ),
                "write the page's file below content/, e.g. page: \"@/worried-about-a-child.md\"",
            ));
        }
    }
    if let Some(q) = quick_exit {
        if let Some(message) = exit_url_problem(&q.url, base_url) {
            out.push(problem(&["quick_exit", "url"], message, EXIT_HINT));
        }
        if let Some(help) = q.help.as_deref().filter(|h| !h.starts_with("@/")) {
            out.push(problem(
                &["quick_exit", "help"],
                format!("quick_exit.help `{help}` is not an @/ path to a page of this site"),
                "write the page's file below content/, e.g. help: \"@/staying-safe-online.md\"",
            ));
        }
    }
    if let Some(c) = contact {
        if let Some(email) = &c.email
            && let Some(why) = email_problem(email)
        {
            out.push(problem(
                &["contact", "email"],
                format!("contact.email `{email}` {why}"),
                "write just the address, e.g. email: lscp@northshire.example.org.uk",
            ));
        }
        if let Some(phone) = &c.phone
            && let Some(why) = phone_problem(phone)
        {
            out.push(problem(
                &["contact", "phone"],
                format!("contact.phone `{phone}` {why}"),
                "write only digits and spaces, in quotes, e.g. phone: \"01632 960000\"",
            ));
        }
    }
    if let Some(message) = csp_problem(csp) {
        out.push(problem(
            &["content_security_policy"],
            message,
            format!("remove the setting to use Haven's policy: {DEFAULT_CSP}"),
        ));
    }
    out
}

/// The line (from 1) and column of the key of the setting at `path` in `site.yaml`'s `text`
/// (its deepest written ancestor when it is not written), or 1:1 for the empty path.
pub fn setting_position(text: &str, path: &[&str]) -> (usize, usize) {
    if path.is_empty() {
        return (1, 1);
    }
    let found = crate::schemas::locate::YamlPositions::parse(text).locate(path);
    let at = found.key.unwrap_or(found.value);
    (at.line, at.column)
}

/// Turns the problems with the settings in `text` (the whole `site.yaml`) into diagnostics.
pub fn diagnostics(problems: Vec<Problem>, text: &str, shown: &Path) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|p| {
            let (line, column) = setting_position(text, &p.path);
            Diagnostic::in_file(shown, p.message)
                .at_in(text, line, column)
                .hint(p.hint)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails() {
        assert_eq!(phone_problem("020 7946 0123"), None);
        assert_eq!(phone_problem("+44 (0)20 7946-0123"), None);
        assert_eq!(phone_problem("999"), None);
        assert!(phone_problem("020 7946 012x").unwrap().contains("`x`"));
        assert!(phone_problem("12").is_some());
        assert!(phone_problem(" ").is_some());
        assert_eq!(email_problem("mash@example.org.uk"), None);
        assert!(email_problem("mash.example.org.uk").is_some());
        assert!(email_problem("mailto:mash@example.org").is_some());
        assert!(email_problem("mash@localhost").is_some());
        assert!(email_problem("a b@example.org").is_some());
    }

    #[test]
    fn quick_exit_must_leave_the_site() {
        let base = "https://www.bscp.example.org.uk/";
        assert_eq!(
            exit_url_problem("https://www.bbc.co.uk/weather", base),
            None
        );
        for bad in [
            "www.bbc.co.uk/weather",
            "javascript:alert(1)",
            "http://www.bbc.co.uk/weather",
            "https://",
            "https://WWW.BSCP.example.org.uk:443/x",
            "https://www.bbc.co.uk/\"onmouseover=x",
            "/search/",
            "data:text/html,hi",
        ] {
            assert!(exit_url_problem(bad, base).is_some(), "{bad} accepted");
        }
        assert!(
            exit_url_problem("www.bbc.co.uk/weather", base)
                .unwrap()
                .contains("the reader would stay here")
        );
    }

    #[test]
    fn policies_that_load_from_elsewhere_are_refused() {
        assert_eq!(csp_problem(DEFAULT_CSP), None);
        for bad in [
            "",
            "img-src 'self'",
            "default-src *",
            "default-src 'self'; script-src 'self' 'unsafe-inline'",
            "default-src 'self'; img-src https://cdn.example.com",
            "default-src 'self'; font-src fonts.gstatic.com",
            "default-src 'self'; img-src https:",
        ] {
            assert!(csp_problem(bad).is_some(), "{bad} accepted");
        }
    }

    #[test]
    fn positions_follow_indentation() {
        let text = "title: T\nreport:\n  # who\n  hub_name: X\n  hub_phone: \"1\"\nquick_exit:\n  url: x\ncontact:\n  phone: y\n";
        assert_eq!(setting_position(text, &["report", "hub_phone"]), (5, 3));
        assert_eq!(setting_position(text, &["quick_exit", "url"]), (7, 3));
        assert_eq!(setting_position(text, &["contact", "phone"]), (9, 3));
        assert_eq!(setting_position(text, &["report"]), (2, 1));
        // Inline (flow) settings are found too.
        assert_eq!(
            setting_position("quick_exit: {url: x}\n", &["quick_exit", "url"]),
            (1, 14)
        );
        assert_eq!(setting_position(text, &[]), (1, 1));
    }
}

#[cfg(test)]
mod readme {
    use crate::config::Config;

    /// The README's `site.yaml` example is what editors copy: it must parse, and it must show
    /// every top-level setting and every safety setting Haven accepts.
    #[test]
    fn the_readme_example_is_exact() {
        let readme = include_str!("../../README.md");
        let from = readme
            .find("### `site.yaml`")
            .expect("README has a site.yaml section");
        let block = readme[from..]
            .split("```yaml\n")
            .nth(1)
            .and_then(|b| b.split("```").next())
            .expect("a yaml block");
        let config = Config::parse(block, std::path::Path::new("README.md"))
            .unwrap_or_else(|e| panic!("{e}"));
        let schema = schemars::schema_for!(Config).to_value();
        let shown = |key: &str| block.lines().any(|l| l.starts_with(&format!("{key}:")));
        let keys = schema["properties"]
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default();
        assert!(keys.len() > 10, "{keys:?}");
        for key in keys {
            // `terms` has its own example under Front matter.
            if key != "terms" && key != "safeguarding_site" {
                assert!(shown(&key), "the README's site.yaml does not show `{key}`");
            }
        }
        let report = config.report.expect("report");
        assert_eq!(report.emergency, "999");
        for key in [
            "emergency",
            "hub_name",
            "hub_phone",
            "hub_hours",
            "hub_email",
            "out_of_hours_phone",
            "childline_phone",
            "page",
            "url",
            "help",
            "show_on",
        ] {
            assert!(
                block
                    .lines()
                    .any(|l| l.trim_start().starts_with(&format!("{key}:"))),
                "the README's site.yaml does not show `{key}`"
            );
        }
        assert_eq!(config.content_security_policy, super::DEFAULT_CSP);
    }
}
