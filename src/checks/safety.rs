//! The last line of defence for the safety settings: every page the templates render must show
//! how to report a concern, and "Exit this page" where `quick_exit.show_on` says. Checking
//! `site.yaml` is not enough: a theme that forgets the report box, or a template that drops
//! the button, would take them off every page with the build still succeeding.

use crate::config::Config;

/// What a rendered page lacks that the site's safety settings require, in words naming the
/// setting, or `None` when it has everything. `sensitive` is whether the page is sensitive.
pub fn missing(cfg: &Config, html: &str, sensitive: bool) -> Option<String> {
    let mut lacks: Vec<String> = Vec::new();
    if let Some(report) = &cfg.report {
        if !shows(html, &report.emergency) {
            lacks.push(format!(
                "the emergency number {} (report.emergency)",
                report.emergency
            ));
        }
        if !shows(html, &report.hub_phone) {
            lacks.push(format!(
                "the safeguarding hub's number {} (report.hub_phone)",
                report.hub_phone
            ));
        }
    }
    if let Some(exit) = &cfg.quick_exit
        && (sensitive || exit.show_on == crate::config::portal::ShowOn::All)
        && !has_link_to(html, &exit.url)
    {
        lacks.push(format!(
            "an \"Exit this page\" link to {} (quick_exit.url)",
            exit.url
        ));
    }
    (!lacks.is_empty()).then(|| lacks.join(", "))
}

/// Whether `html` shows `text`, whichever way the template escaped it. A valid phone number
/// holds nothing HTML escapes, but a placeholder from `haven init` may.
fn shows(html: &str, text: &str) -> bool {
    let escaped = crate::highlight::escaped(text);
    html.contains(text)
        || html.contains(&escaped)
        || html.contains(&escaped.replace('/', "&#x2f;"))
        || html.contains(&escaped.replace('\'', "&#x27;"))
}

/// Whether `html` has an `href` to `url`, whichever way the template escaped it.
fn has_link_to(html: &str, url: &str) -> bool {
    let escaped = crate::highlight::escaped(url);
    let slash = escaped.replace('/', "&#x2f;");
    [url, escaped.as_str(), slash.as_str()]
        .iter()
        .any(|u| html.contains(&format!("href=\"{u}\"")) || html.contains(&format!("href='{u}'")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(show_on: &str) -> Config {
        Config::parse(
            &format!(
                "title: T\nbase_url: https://e.org/\nreport: {{hub_name: H, hub_phone: \"01632 960000\", out_of_hours_phone: \"01632 960999\", page: \"@/r.md\"}}\nquick_exit: {{url: \"https://www.bbc.co.uk/weather?a=1&b=2\", show_on: {show_on}}}\n"
            ),
            std::path::Path::new("site.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn a_page_without_the_hub_or_the_exit_is_reported() {
        let good = "<a href=\"https://www.bbc.co.uk/weather?a=1&amp;b=2\">Exit this page</a> Call 999 or 01632 960000";
        assert_eq!(missing(&cfg("all"), good, false), None);
        let no_exit = "Call 999 or 01632 960000";
        let why = missing(&cfg("all"), no_exit, false).unwrap();
        assert!(why.contains("quick_exit.url"), "{why}");
        // Only sensitive pages need it when the site says so.
        assert_eq!(missing(&cfg("sensitive"), no_exit, false), None);
        assert!(missing(&cfg("sensitive"), no_exit, true).is_some());
        let no_hub = "<a href=\"https://www.bbc.co.uk/weather?a=1&amp;b=2\">Exit</a> Call 999";
        assert!(
            missing(&cfg("all"), no_hub, false)
                .unwrap()
                .contains("report.hub_phone")
        );
    }
}
