//! `haven schema`: JSON Schemas of what a site's editors write, for form-based CMSs and editor
//! extensions. The front matter and `site.yaml` schemas are generated from the very Rust types
//! the build reads (with `schemars`), so they cannot drift from what Haven accepts; the site's
//! taxonomies (and their declared terms) are added, since they are front-matter keys too. The
//! theme's own schemas (data files, `extra`) are copied beside them.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::config::{Config, PAGE_KEYS, SECTION_KEYS};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::pipeline::BuildOptions;

/// Where `haven schema` writes unless told otherwise, below the site folder.
pub const DEFAULT_DIR: &str = "json-schemas";

/// `haven schema`: writes the schemas of the site at `opts.root` into `out` (replacing an
/// earlier `haven schema` folder whole, with the same rules as a build's output); returns the
/// folder and the number of files written.
pub fn write(opts: &BuildOptions, out: Option<&Path>) -> Result<(PathBuf, usize), Diagnostics> {
    let (layout, config) = crate::pipeline::open_site(opts)?;
    let mut diags = Diagnostics::new();
    let schemas = crate::schemas::ThemeSchemas::load(&layout, config.theme.as_deref(), &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    let dir = out.map_or_else(|| opts.root.join(DEFAULT_DIR), Path::to_path_buf);
    let written = crate::output::write_files(
        &layout,
        &dir,
        crate::output::Kind::Schemas,
        &config.base_url,
        files(&config, schemas.files()),
    )
    .map_err(|d: Diagnostic| Diagnostics::from(d))?;
    Ok((dir, written))
}

/// The schema of `site.yaml`.
pub fn site_schema() -> Value {
    let schema = schemars::schema_for!(Config);
    let mut v = schema.to_value();
    titled(
        &mut v,
        "site.yaml",
        "The settings of a Haven site: its name, address, safety settings and checks.",
    );
    v
}

/// The schema of a page's front matter (`sections` false) or of a section's `_index.md`
/// (`sections` true), for a site with `cfg`'s taxonomies and terms.
pub fn front_matter_schema(cfg: &Config, sections: bool) -> Value {
    let mut v = crate::content::frontmatter::raw_schema().to_value();
    if let Some(props) = v.get_mut("properties").and_then(Value::as_object_mut) {
        if !sections {
            props.retain(|k, _| !SECTION_KEYS.contains(&k.as_str()));
        }
        for taxonomy in &cfg.taxonomies {
            props.insert(taxonomy.clone(), taxonomy_schema(cfg, taxonomy));
        }
    }
    if let Some(obj) = v.as_object_mut() {
        // Taxonomies are the only keys serde takes beyond the named ones, and they are now
        // listed; anything else is an error in a build too.
        obj.insert("additionalProperties".into(), Value::Bool(false));
        obj.insert("required".into(), json!(["title"]));
    }
    if sections {
        titled(
            &mut v,
            "Section front matter",
            "The front matter of a section's _index.md.",
        );
    } else {
        titled(
            &mut v,
            "Page front matter",
            "The front matter of a page (any .md file other than _index.md).",
        );
    }
    v
}

/// The schema of a training session's `event:` map.
pub fn event_schema() -> Value {
    let mut v = crate::content::event::raw_event_schema().to_value();
    titled(
        &mut v,
        "Training session",
        "The event: map of a training session page.",
    );
    v
}

fn taxonomy_schema(cfg: &Config, taxonomy: &str) -> Value {
    let mut item = json!({"type": ["string", "number"], "minLength": 1});
    if let Some(declared) = cfg.terms.get(taxonomy) {
        let names: Vec<&String> = declared.keys().collect();
        item = json!({"type": "string", "enum": names});
    }
    json!({
        "type": ["array", "null"],
        "items": item,
        "description": format!("The {taxonomy} this page is listed under."),
    })
}

fn titled(v: &mut Value, title: &str, description: &str) {
    if let Some(obj) = v.as_object_mut() {
        obj.insert("title".into(), Value::String(title.into()));
        obj.insert("description".into(), Value::String(description.into()));
    }
}

/// Every schema `haven schema` writes, as (file name, JSON text): the generated ones, then the
/// theme's and site's own (`theme` is their relative path and text, from the schemas folders).
pub fn files(cfg: &Config, theme: Vec<(String, String)>) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Value)> = vec![
        ("site.schema.json".into(), site_schema()),
        ("page.schema.json".into(), front_matter_schema(cfg, false)),
        ("section.schema.json".into(), front_matter_schema(cfg, true)),
        ("event.schema.json".into(), event_schema()),
    ];
    let mut bytes: Vec<(String, Vec<u8>)> = out
        .drain(..)
        .map(|(name, v)| {
            let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
            text.push('\n');
            (name, text.into_bytes())
        })
        .collect();
    bytes.extend(
        theme
            .into_iter()
            .map(|(rel, text)| (format!("theme/{rel}"), text.into_bytes())),
    );
    bytes
}

/// The keys of the schema's top-level `properties`.
pub fn property_names(schema: &Value) -> Vec<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(Map::keys)
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// The front-matter keys a page accepts (sections also accept [`SECTION_KEYS`]).
pub fn page_keys(cfg: &Config) -> Vec<String> {
    PAGE_KEYS
        .iter()
        .map(|k| (*k).to_string())
        .chain(cfg.taxonomies.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The keys serde accepts at some place, read from its own "expected one of" message for
    /// an unknown key there: the parser's list, not a copy of it.
    fn accepted(message: &str) -> BTreeSet<String> {
        let list = message
            .split_once("expected one of ")
            .map_or("", |(_, l)| l);
        list.split(',')
            .map(|k| k.trim().trim_matches('`').to_string())
            .filter(|k| !k.is_empty())
            .collect()
    }

    fn site_error(yaml: &str) -> String {
        let text = format!("title: T\nbase_url: https://e.org/\nsafeguarding_site: false\n{yaml}");
        Config::parse(&text, Path::new("site.yaml"))
            .map(|_| String::new())
            .unwrap_or_else(|e| e.message)
    }

    fn keys(v: &Value) -> BTreeSet<String> {
        property_names(v).into_iter().collect()
    }

    fn def<'a>(schema: &'a Value, name: &str) -> &'a Value {
        &schema["$defs"][name]
    }

    #[test]
    fn site_schema_has_exactly_the_keys_site_yaml_accepts() {
        let schema = site_schema();
        assert_eq!(keys(&schema), accepted(&site_error("zzz: 1\n")));
        for (key, def_name) in [
            ("report", "Report"),
            ("quick_exit", "QuickExit"),
            ("contact", "Contact"),
            ("checks", "ChecksConfig"),
            ("search", "SearchConfig"),
        ] {
            let parser = accepted(&site_error(&format!("{key}:\n  zzz: 1\n")));
            assert!(!parser.is_empty(), "{key}");
            assert_eq!(keys(def(&schema, def_name)), parser, "{key}");
        }
        let parser = accepted(&site_error("terms:\n  topics:\n    neglect: {zzz: 1}\n"));
        assert_eq!(keys(def(&schema, "TermInfo")), parser);
    }

    #[test]
    fn front_matter_schemas_have_exactly_the_keys_pages_and_sections_accept() {
        let cfg = Config::parse(
            "title: T\nbase_url: https://e.org/\nsafeguarding_site: false\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        let page: BTreeSet<String> = page_keys(&cfg).into_iter().collect();
        assert_eq!(keys(&front_matter_schema(&cfg, false)), page);
        let mut section = page.clone();
        section.extend(SECTION_KEYS.iter().map(|k| (*k).to_string()));
        assert_eq!(keys(&front_matter_schema(&cfg, true)), section);
        // Both come from the type the front matter is read into.
        let raw = keys(&crate::content::frontmatter::raw_schema().to_value());
        let listed: BTreeSet<String> = PAGE_KEYS
            .iter()
            .chain(SECTION_KEYS)
            .map(|k| (*k).to_string())
            .collect();
        assert_eq!(raw, listed);
    }

    #[test]
    fn event_schema_has_exactly_the_keys_an_event_accepts() {
        let err = serde_saphyr::from_str::<crate::content::event::RawEvent>("zzz: 1\n")
            .err()
            .map(|e| e.without_snippet().to_string())
            .unwrap_or_default();
        // serde-saphyr ends its own message with the position.
        let err = err.split(" at line ").next().unwrap_or_default();
        assert_eq!(keys(&event_schema()), accepted(err));
    }

    #[test]
    fn declared_terms_become_a_list_to_choose_from() {
        let cfg = Config::parse(
            "title: T\nbase_url: https://e.org/\nsafeguarding_site: false\nterms:\n  topics:\n    neglect: {}\n    early help: {}\n",
            Path::new("site.yaml"),
        )
        .unwrap();
        let page = front_matter_schema(&cfg, false);
        assert_eq!(
            page["properties"]["topics"]["items"]["enum"],
            json!(["early help", "neglect"])
        );
        assert_eq!(page["additionalProperties"], json!(false));
        assert_eq!(
            page["properties"]["audiences"]["items"]["type"],
            json!(["string", "number"])
        );
    }
}
