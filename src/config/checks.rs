//! `checks:` in `site.yaml`: which content rules run, and how strictly. The rules themselves are
//! in [`crate::checks`]; their ids and default levels are here, so that the configuration can be
//! checked before anything is read.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Level};

/// Every rule, its default level (`None`: off unless turned on) and what it looks for.
pub const RULES: &[(&str, Option<Level>, &str)] = &[
    (
        "link-target",
        Some(Level::Error),
        "links to pages, anchors or files that do not exist, or to drafts",
    ),
    ("image-alt", Some(Level::Error), "images with no alt text"),
    (
        "image-alt-quality",
        Some(Level::Warning),
        "alt text that is a file name or starts \"image of\"",
    ),
    (
        "heading-order",
        Some(Level::Error),
        "a heading that skips a level",
    ),
    (
        "heading-h1",
        Some(Level::Error),
        "a level-one heading in the text (the title is the page's only h1)",
    ),
    (
        "heading-empty",
        Some(Level::Error),
        "a heading with no text",
    ),
    (
        "link-text",
        Some(Level::Warning),
        "link text such as \"click here\", \"read more\" or a bare address",
    ),
    (
        "link-file-type",
        Some(Level::Warning),
        "links to documents whose text does not say the file type",
    ),
    (
        "acronyms",
        Some(Level::Warning),
        "capitalised words of 2 to 6 letters in neither the glossary nor the allow-list",
    ),
    (
        "language",
        Some(Level::Warning),
        "terms that current guidance says to avoid (errors for terms the law has replaced)",
    ),
    (
        "review-due",
        Some(Level::Warning),
        "content whose review_due date has passed",
    ),
    (
        "review-missing",
        Some(Level::Warning),
        "guidance with no owner or last_reviewed",
    ),
    (
        "description",
        Some(Level::Warning),
        "a description that is missing or longer than 160 characters",
    ),
    (
        "future-date",
        Some(Level::Warning),
        "a date in the future on a page that is not an event",
    ),
    (
        "duplicate-title",
        Some(Level::Warning),
        "two pages with the same title",
    ),
    (
        "image-location",
        Some(Level::Warning),
        "an image whose original file records where it was taken (GPS); the published copy never does",
    ),
    (
        "image-size",
        Some(Level::Warning),
        "an image over 5 MB or 4,000 pixels on a side",
    ),
    (
        "unfinished",
        Some(Level::Warning),
        "a page whose text is still only the note `haven new` wrote, or whose front matter still holds a REPLACE placeholder",
    ),
    (
        "translation-review",
        Some(Level::Warning),
        "a translation marked `translation: needs review` (machine-assisted, not yet checked by a translator)",
    ),
    (
        "readability",
        None,
        "a reading age above the threshold on pages for parents or young people",
    ),
];

/// How strictly to apply a rule.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    /// Not checked.
    Off,
    /// Reported; fails only with `--deny-warnings`.
    Warning,
    /// Fails `check` and `build`.
    Error,
}

/// `checks:` in `site.yaml`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    /// Rule id to level.
    #[serde(default)]
    pub rules: BTreeMap<String, Setting>,
    /// Capitalised words that are not acronyms needing a glossary entry (`OK`, `TV`).
    #[serde(default)]
    pub acronyms_allow: Vec<String>,
    /// Sections (content paths of their `_index.md` folders, e.g. `guidance`) whose pages must
    /// carry `owner` and `last_reviewed`.
    #[serde(default)]
    pub guidance_sections: Vec<String>,
    /// Reading age above which `readability` reports a page for parents or young people.
    #[serde(default)]
    pub max_reading_age: Option<f64>,
}

impl ChecksConfig {
    /// The level a rule runs at, or `None` when it is off.
    pub fn level(&self, rule: &str) -> Option<Level> {
        match self.rules.get(rule) {
            Some(Setting::Off) => None,
            Some(Setting::Warning) => Some(Level::Warning),
            Some(Setting::Error) => Some(Level::Error),
            None => RULES
                .iter()
                .find(|(id, _, _)| *id == rule)
                .and_then(|(_, l, _)| *l),
        }
    }

    /// Names of rules in `rules:` that do not exist, for a config error.
    pub fn unknown_rules(&self) -> Vec<&str> {
        self.rules
            .keys()
            .map(String::as_str)
            .filter(|k| !RULES.iter().any(|(id, _, _)| id == k))
            .collect()
    }
}

/// Whether the reading-age check runs: turned on in `rules`, or by setting a threshold.
pub fn readability_on(cfg: &ChecksConfig) -> bool {
    cfg.level("readability").is_some() || cfg.max_reading_age.is_some()
}

/// Sets `d`'s level from the rule's setting; `None` when the rule is off.
pub fn apply(cfg: &ChecksConfig, rule: &'static str, d: Diagnostic) -> Option<Diagnostic> {
    let level = cfg.level(rule)?;
    let d = d.rule(rule);
    // Language findings carry their own level (errors for terms the law has replaced) unless
    // site.yaml sets one for the rule.
    if rule == "language" && !cfg.rules.contains_key(rule) {
        return Some(d);
    }
    Some(match level {
        Level::Error => d,
        Level::Warning => d.warning(),
    })
}

/// Words a set of capitalised words may include without a glossary entry.
pub fn allowed_caps(cfg: &ChecksConfig) -> HashSet<String> {
    cfg.acronyms_allow.iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_config() {
        let mut cfg = ChecksConfig::default();
        assert_eq!(cfg.level("image-alt"), Some(Level::Error));
        assert_eq!(cfg.level("readability"), None);
        cfg.rules.insert("link-text".into(), Setting::Off);
        cfg.rules.insert("readability".into(), Setting::Warning);
        cfg.rules.insert("link-txt".into(), Setting::Error);
        assert_eq!(cfg.level("link-text"), None);
        assert_eq!(cfg.level("readability"), Some(Level::Warning));
        assert_eq!(cfg.unknown_rules(), ["link-txt"]);
    }
}
