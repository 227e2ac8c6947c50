//! Stage 1: `site.yaml` into a typed [`Config`]. Unknown keys are errors (a typo must not be
//! silently ignored), except inside the free-form `extra` map that templates read. The settings
//! readers' safety depends on are typed in [`portal`], never left in `extra`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub mod checks;
pub mod languages;
pub mod portal;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::Layout;

/// The name of the site configuration file at the root of a site.
pub const CONFIG_FILE: &str = "site.yaml";

/// The site configuration.
#[derive(Clone, Debug, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The site's name, shown in every page title.
    pub title: String,
    /// Where the site will be published, e.g. `https://www.example-lscp.org.uk/`.
    pub base_url: String,
    /// A one-sentence description, used in feeds and as the home page's meta description.
    #[serde(default)]
    pub description: Option<String>,
    /// The BCP 47 language tag for `<html lang>`, e.g. `en-GB`.
    #[serde(default = "default_language")]
    pub language: String,
    /// The languages pages are translated into, the main one included: a file named
    /// `page.pl.md` beside `page.md` is its Polish translation, published at `/pl/page/`.
    #[serde(default)]
    pub languages: Vec<languages::Language>,
    /// The theme folder under `themes/`; none means templates come only from `templates/`.
    #[serde(default)]
    pub theme: Option<String>,
    /// The taxonomies pages may list terms for, as top-level front-matter keys.
    #[serde(default = "default_taxonomies")]
    pub taxonomies: Vec<String>,
    /// The terms a taxonomy allows, by taxonomy name then by term as pages write it. A taxonomy
    /// listed here is a controlled vocabulary: a page using any other term is an error. A
    /// taxonomy not listed keeps free terms.
    #[serde(default)]
    pub terms: BTreeMap<String, BTreeMap<String, TermInfo>>,
    /// Lets content contain raw HTML. Off by default: raw HTML is the easiest way to break
    /// accessibility or smuggle in third-party content.
    #[serde(default)]
    pub allow_raw_html: bool,
    /// Which content checks run, and how strictly (see `check::RULES`).
    #[serde(default)]
    pub checks: checks::ChecksConfig,
    /// The search index, the search page and the A to Z page.
    #[serde(default)]
    pub search: SearchConfig,
    /// Folders outside the site folder that symbolic links inside it may point into (for
    /// example a theme shared by several sites), relative to the site folder. Links anywhere
    /// else outside are skipped with a warning.
    #[serde(default)]
    pub linked_folders: Vec<String>,
    /// False only for a site that is not a safeguarding site: then `report:` and `quick_exit:`
    /// may be left out. True by default, so a partnership's site cannot lose them unnoticed.
    #[serde(default = "yes")]
    pub safeguarding_site: bool,
    /// Who to call about a worried child, shown on every page.
    #[serde(default)]
    pub report: Option<portal::Report>,
    /// The "Exit this page" button.
    #[serde(default)]
    pub quick_exit: Option<portal::QuickExit>,
    /// The partnership's own contact details.
    #[serde(default)]
    pub contact: Option<portal::Contact>,
    /// The Content-Security-Policy of every page, alias page and `haven serve` response.
    #[serde(default = "portal::default_csp")]
    pub content_security_policy: String,
    /// Whether to write `_headers` (security headers for Netlify and Cloudflare Pages). True
    /// unless turned off, for example when the host reads headers from elsewhere.
    #[serde(default = "yes")]
    pub headers_file: bool,
    /// Where `haven new` puts each kind of file, and the review period it writes.
    #[serde(default)]
    pub new: NewSettings,
    /// How images are published.
    #[serde(default)]
    pub images: ImageSettings,
    /// Free-form values for the theme's templates.
    #[serde(default = "empty_map")]
    pub extra: serde_json::Value,
    /// Warnings for values that still hold a placeholder from `haven init` (found when the
    /// file is read, since they need its text).
    #[serde(skip)]
    #[schemars(skip)]
    pub placeholders: Vec<Diagnostic>,
}

/// The word `haven init` writes into every setting the partnership must fill in. A value
/// holding it is a warning on every build until it is replaced, so `--deny-warnings` fails.
pub const PLACEHOLDER: &str = "REPLACE";

/// How images are published (`images:` in `site.yaml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ImageSettings {
    /// Images published exactly as they are, metadata and all, by their path in the site
    /// folder (`content/about/history/1974-opening.jpg`), for an archive whose originals must
    /// not change. Every other image is written again with nothing that could identify where,
    /// when or on what it was taken.
    pub keep_metadata: Vec<String>,
    /// The widths, in pixels, of the smaller copies made of each image for `srcset` (none
    /// wider than the original). The default is the theme's text column, 672 pixels, at half,
    /// one, one and a half and two pixels per point.
    pub widths: Vec<u32>,
    /// JPEG quality, 1 to 100.
    pub quality: u8,
}

impl Default for ImageSettings {
    fn default() -> Self {
        ImageSettings {
            keep_metadata: Vec::new(),
            widths: vec![336, 672, 1008, 1344],
            quality: 85,
        }
    }
}

/// Where `haven new` creates each kind of file (`new:` in `site.yaml`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NewSettings {
    /// The section (folder below `content/`) for `haven new guidance`.
    pub guidance: String,
    /// The section for `haven new news`.
    pub news: String,
    /// The section for `haven new training`.
    pub training: String,
    /// The section for `haven new document`.
    pub documents: String,
    /// How many months after its last review a new guidance page is due for review again.
    pub review_months: u8,
}

impl Default for NewSettings {
    fn default() -> Self {
        NewSettings {
            guidance: "guidance".into(),
            news: "news".into(),
            training: "training".into(),
            documents: "documents".into(),
            review_months: 12,
        }
    }
}

/// Warnings for each value in `text` (site.yaml) that holds [`PLACEHOLDER`], at its line and
/// column. Comments are skipped, so a comment may explain the placeholders.
pub fn placeholder_findings(text: &str, shown: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let value = without_comment(line);
        let Some(col) = value.find(PLACEHOLDER) else {
            continue;
        };
        let key = value
            .split_once(':')
            .map(|(k, _)| k.trim().trim_start_matches("- ").trim())
            .filter(|k| !k.is_empty() && !k.contains(PLACEHOLDER))
            .map_or("this setting ".to_string(), |k| format!("`{k}` "));
        out.push(
            Diagnostic::in_file(
                shown,
                format!("{key}still holds a placeholder, which readers would see"),
            )
            .at_in(text, i + 1, value[..col].chars().count() + 1)
            .hint("replace it with your partnership's own details before the site goes live: readers may be at risk and must reach the right people")
            .warning(),
        );
    }
    out
}

/// `line` up to a YAML comment (a `#` at the start or after a space, outside quotes).
fn without_comment(line: &str) -> &str {
    let mut quote = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev.is_whitespace() => return &line[..i],
            _ => {}
        }
        prev = c;
    }
    line
}

/// One declared term of a taxonomy (`terms:` in `site.yaml`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TermInfo {
    /// How the term's page is headed, e.g. `Child sexual exploitation (CSE)`; the term itself,
    /// with a capital first letter, when not given.
    #[serde(default)]
    pub title: Option<String>,
    /// One or two sentences shown on the term's page.
    #[serde(default)]
    pub description: Option<String>,
    /// Makes every page and section carrying this term sensitive, so "Exit this page" shows on
    /// it even when `quick_exit.show_on` is `sensitive`.
    #[serde(default)]
    pub sensitive: bool,
}

/// `search:` in `site.yaml`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Writes the search index and renders `/search/` (template `search.html`) and `/a-z/`
    /// (template `a_z.html`). On by default; a theme without those templates must turn it off.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

fn yes() -> bool {
    true
}

fn default_language() -> String {
    "en-GB".to_string()
}

/// The taxonomy of subjects (`topics: [neglect]`): training sessions are listed by it.
pub const TOPICS: &str = "topics";
/// The taxonomy of who a page is for (`audiences: [young people]`): reading ages are checked
/// for its plain-language audiences, and the report shows it.
pub const AUDIENCES: &str = "audiences";

fn default_taxonomies() -> Vec<String> {
    vec![TOPICS.to_string(), AUDIENCES.to_string()]
}

fn empty_map() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The front-matter keys of every page and section; any other key must be a taxonomy.
pub const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "weight",
    "slug",
    "template",
    "aliases",
    "extra",
    "sensitive",
    "owner",
    "search_words",
    "translation",
    "last_reviewed",
    "review_due",
    "event",
];
/// The front-matter keys only a section's `_index.md` may have.
pub const SECTION_KEYS: &[&str] = &["sort_by", "paginate_by", "page_template", "feed"];

impl Config {
    /// Reads and validates `site.yaml` in the site folder, and lets the layout follow links
    /// into the folders it lists under `linked_folders`.
    pub fn load(layout: &mut Layout) -> Result<Config, Diagnostics> {
        let shown = Path::new(CONFIG_FILE);
        let cannot = |why: String| {
            Diagnostic::in_file(shown, format!("cannot read the site configuration: {why}")).hint(
                format!(
                    "run haven from the site's folder, or pass --root DIR pointing at the folder that holds {CONFIG_FILE}"
                ),
            )
        };
        let bytes = match layout.read(shown) {
            Some(read) => read.map_err(|e| cannot(e.to_string()))?,
            None if std::fs::symlink_metadata(layout.root().join(shown)).is_ok() => {
                return Err(Diagnostic::in_file(
                    shown,
                    "site.yaml is a link to a file outside the site folder, which Haven does not read",
                )
                .hint("copy the real site.yaml into the site folder in place of the link")
                .into());
            }
            None => return Err(cannot("there is no such file".to_string()).into()),
        };
        let text =
            crate::text::decode_text(&bytes).map_err(|msg| Diagnostic::in_file(shown, msg))?;
        let config = Self::parse_all(&text, shown)?;
        layout.allow(&config.linked_folders).map_err(|m| {
            Diagnostic::in_file(shown, m)
                .at_in(
                    &text,
                    crate::yaml::key_line_or_first(&text, "linked_folders"),
                    1,
                )
                .hint(
                    "list folders that exist, relative to the site folder, such as ../shared-theme",
                )
        })?;
        Ok(config)
    }

    /// Parses configuration text; `shown` is the file name used in messages.
    pub fn parse(text: &str, shown: &Path) -> Result<Config, Diagnostic> {
        Self::parse_all(text, shown).map_err(|d| {
            d.0.into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::in_file(shown, "site.yaml could not be read"))
        })
    }

    /// Parses configuration text like [`Config::parse`], but reports every problem with the
    /// safety settings at once (an editor fixing the hub's phone should not then discover the
    /// quick exit's address in a second run).
    pub fn parse_all(text: &str, shown: &Path) -> Result<Config, Diagnostics> {
        let mut config: Config =
            crate::yaml::parse(text, shown, text, 1).map_err(|e| missing_setting(e, text))?;
        let mut diags = Diagnostics::new();
        if let Err(d) = config.validate(text, shown) {
            diags.push(d);
        }
        if let Err(d) = languages::check(&config.languages, &config.language, text, shown) {
            diags.push(d);
        }
        let portal = portal::problems(
            config.report.as_ref(),
            config.quick_exit.as_ref(),
            config.contact.as_ref(),
            &config.content_security_policy,
            &config.base_url,
            config.safeguarding_site,
        );
        diags.0.extend(portal::diagnostics(portal, text, shown));
        config.placeholders = placeholder_findings(text, shown);
        config.base_url = normalise_base_url(&config.base_url);
        diags.into_result(config)
    }

    fn validate(&self, text: &str, shown: &Path) -> Result<(), Diagnostic> {
        let line_of = |key: &str| crate::yaml::key_line_or_first(text, key);
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            return Err(Diagnostic::in_file(
                shown,
                format!("base_url `{}` is not an http(s) address", self.base_url),
            )
            .at_in(text, line_of("base_url"), 1)
            .hint("write the address the site will be published at, e.g. base_url: https://www.example.org.uk/"));
        }
        let img = &self.images;
        if !(1..=100).contains(&img.quality) || img.widths.iter().any(|w| !(16..=8000).contains(w))
        {
            return Err(Diagnostic::in_file(
                shown,
                format!(
                    "images: quality must be 1 to 100 and each width 16 to 8000 pixels (found quality {} and widths {:?})",
                    img.quality, img.widths
                ),
            )
            .at_in(text, line_of("images"), 1)
            .hint("leave them out to use Haven's: quality 85, widths [336, 672, 1008, 1344]"));
        }
        if !self.extra.is_object() {
            return Err(
                Diagnostic::in_file(shown, "`extra` must be a map of keys and values").at_in(
                    text,
                    line_of("extra"),
                    1,
                ),
            );
        }
        if let Some(rule) = self.checks.unknown_rules().first() {
            let names: Vec<&str> = checks::RULES.iter().map(|(id, _, _)| *id).collect();
            let line = text
                .lines()
                .position(|l| {
                    l.trim_start().starts_with(&format!("{rule}:"))
                        || l.contains(&format!("{{{rule}:"))
                        || l.contains(&format!(" {rule}:"))
                })
                .map_or(line_of("checks"), |i| i + 1);
            let guess = crate::yaml::did_you_mean(rule, &names);
            return Err(
                Diagnostic::in_file(shown, format!("there is no check called `{rule}`"))
                    .at_in(text, line, 1)
                    .hint(format!("{guess}Checks are: {}", names.join(", "))),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.taxonomies {
            let ok = !t.is_empty()
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            // `page` is the name templates know a page by, so it cannot be a taxonomy either.
            let taken = PAGE_KEYS.contains(&t.as_str())
                || SECTION_KEYS.contains(&t.as_str())
                || t == "page";
            if !ok || taken || !seen.insert(t) {
                return Err(Diagnostic::in_file(
                    shown,
                    format!("`{t}` cannot be a taxonomy name"),
                )
                .at_in(text, line_of("taxonomies"), 1)
                .hint("use a unique lower-case word such as `topics` that is not already a front-matter key"));
            }
        }
        for taxonomy in self.terms.keys() {
            if !self.taxonomies.contains(taxonomy) {
                let names: Vec<&str> = self.taxonomies.iter().map(String::as_str).collect();
                let guess = crate::yaml::did_you_mean(taxonomy, &names);
                let (line, column) = portal::setting_position(text, &["terms", taxonomy]);
                return Err(Diagnostic::in_file(
                    shown,
                    format!(
                        "`terms` lists `{taxonomy}`, which is not one of the site's taxonomies"
                    ),
                )
                .at_in(text, line, column)
                .hint(format!("{guess}The taxonomies are: {}", names.join(", "))));
            }
        }
        if let Some(theme) = &self.theme
            && !crate::layout::is_safe_component(theme)
        {
            return Err(Diagnostic::in_file(
                shown,
                format!("theme `{theme}` is not a folder name"),
            )
            .at_in(text, line_of("theme"), 1));
        }
        Ok(())
    }

    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/` or `/lscp/`).
    pub fn base_path(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        match after_scheme.find('/') {
            Some(i) => &after_scheme[i..],
            None => "/",
        }
    }

    /// The absolute address for a site-relative `url` that starts with the base path.
    pub fn permalink(&self, url: &str) -> String {
        let origin = self.base_url.trim_end_matches(self.base_path());
        format!("{origin}{url}")
    }
}

/// Rewords serde's "missing field `hub_phone`" (placed at the last line of the settings) to name
/// the section the setting belongs in and point at it.
fn missing_setting(mut err: Diagnostic, text: &str) -> Diagnostic {
    const REQUIRED: &[(&str, &str, &str)] = &[
        (
            "title",
            "",
            "title: Northshire Safeguarding Children Partnership",
        ),
        ("base_url", "", "base_url: https://www.example-lscp.org.uk/"),
        (
            "hub_name",
            "report",
            "hub_name: Northshire Multi-Agency Safeguarding Hub (MASH)",
        ),
        ("hub_phone", "report", "hub_phone: \"01632 960000\""),
        (
            "out_of_hours_phone",
            "report",
            "out_of_hours_phone: \"01632 960999\"",
        ),
        ("page", "report", "page: \"@/worried-about-a-child.md\""),
        ("url", "quick_exit", "url: https://www.bbc.co.uk/weather"),
    ];
    let Some(field) = err
        .message
        .strip_prefix("missing field `")
        .and_then(|r| r.strip_suffix('`'))
    else {
        return err;
    };
    let Some((_, section, example)) = REQUIRED.iter().find(|(f, _, _)| *f == field) else {
        return err;
    };
    let file = err.file.take().unwrap_or_else(|| CONFIG_FILE.into());
    if section.is_empty() {
        err = Diagnostic::in_file(file, format!("site.yaml has no `{field}`"))
            .at_in(text, 1, 1)
            .hint(format!("add a line such as {example}"));
    } else {
        let (line, column) = portal::setting_position(text, &[section]);
        err = Diagnostic::in_file(file, format!("the `{section}` settings have no `{field}`"))
            .at_in(text, line, column)
            .hint(format!("add a line under {section}: such as   {example}"));
    }
    err
}

/// Makes sure the base URL ends with exactly one `/`.
pub fn normalise_base_url(url: &str) -> String {
    format!("{}/", url.trim().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_base_path() {
        let c = Config::parse(
            "title: T\nbase_url: https://example.org/lscp\nsafeguarding_site: false\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        assert_eq!(c.language, "en-GB");
        assert_eq!(c.taxonomies, vec!["topics", "audiences"]);
        assert_eq!(c.base_url, "https://example.org/lscp/");
        assert_eq!(c.base_path(), "/lscp/");
        assert_eq!(c.permalink("/lscp/a/"), "https://example.org/lscp/a/");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = Config::parse(
            "title: T\nbase_url: https://e.org/\nlanguge: en\n",
            Path::new("site.yaml"),
        )
        .unwrap_err();
        assert!(err.message.contains("languge"), "{}", err.message);
        assert_eq!(err.line, Some(3));
        assert!(err.hint.unwrap().contains("language"));
    }

    #[test]
    fn extra_is_free_form() {
        let c = Config::parse(
            "title: T\nbase_url: https://e.org/\nsafeguarding_site: false\nextra:\n  anything: [1, 2]\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        assert_eq!(c.extra["anything"][1], 2);
    }

    #[test]
    fn reserved_taxonomy_rejected() {
        let err = Config::parse(
            "title: T\nbase_url: https://e.org/\ntaxonomies: [title]\n",
            Path::new("site.yaml"),
        )
        .unwrap_err();
        assert_eq!(err.line, Some(3));
    }
}
