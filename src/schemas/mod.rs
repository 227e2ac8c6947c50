//! The theme's JSON Schemas: the shape of each data file it reads and of the `extra` fields its
//! templates need, checked before anything is rendered.
//!
//! A template that reads `board.members` cannot say, when a member has no `agency`, which line
//! of `data/board.yaml` is wrong: the error would surface inside the template, in a template
//! author's words. So the theme declares what it reads, as JSON Schema files in a folder of its
//! own, and Haven checks every data file and page against them first, reporting each violation
//! at the file, line and column of the YAML node at fault ([`locate`]), in an editor's words.
//!
//! # Where schemas live, and what they describe
//!
//! Schemas are read from the theme's `themes/THEME/schemas/` folder and then from the site's
//! own `schemas/` folder; a site file replaces the theme's file of the same name, so a site can
//! tighten or loosen what its theme accepts. Inside either folder:
//!
//! - `data/NAME.json` describes the data file `data/NAME.yaml` (or `.yml` or `.json`);
//!   `data/team/NAME.json` describes `data/team/NAME.yaml`.
//! - `extra/TEMPLATE.json` (such as `extra/board.html.json`) describes the `extra` map of every
//!   page or section rendered with the template `TEMPLATE`.
//! - `extra/pages-of/TEMPLATE.json` (such as `extra/pages-of/documents.html.json`) describes
//!   the `extra` map of every page in a section rendered with `TEMPLATE`: the document library
//!   groups its pages by `extra.kind`, so each of them needs one.
//!
//! Other files in the folder (a `README.md`) are ignored; a `.json` file elsewhere is reported
//! as unused. Each schema is a JSON Schema (draft 2020-12 unless its `$schema` names another).
//! A schema may `$ref` its own `$defs`, but not another file: nothing is fetched, from the
//! network or the disk. `format` is checked (`date`, `email`, `uri` …). `title` names list
//! items in messages ("a member has no `agency`") and `description` says in hints what a value
//! is for, as a form-based editor would show them.

pub mod locate;
mod messages;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::Layout;
use crate::text::decode_text;

pub use locate::{Located, Position, YamlPositions};

/// The site's schema folder, and the name of the theme's.
pub use crate::layout::SCHEMAS;

/// One schema file, as read from a schema folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaFile {
    /// Its path inside the schema folder, with `/`: `data/board.json`.
    pub rel: String,
    /// Its path as shown in messages: `themes/haven/schemas/data/board.json`.
    pub shown: PathBuf,
    /// Its text.
    pub text: String,
}

/// One compiled schema and what it was read from.
struct Schema {
    shown: PathBuf,
    text: String,
    value: Value,
    validator: jsonschema::Validator,
}

/// Every schema of the theme and the site, ready to check data files and pages.
#[derive(Default)]
pub struct ThemeSchemas {
    /// By data file name without extension: `board`, `team/people`.
    data: BTreeMap<String, Schema>,
    /// By template name: `board.html`.
    extra: BTreeMap<String, Schema>,
    /// By the template of the section whose pages they describe: `documents.html`.
    pages_of: BTreeMap<String, Schema>,
}

impl std::fmt::Debug for ThemeSchemas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThemeSchemas")
            .field("data", &self.data.keys().collect::<Vec<_>>())
            .field("extra", &self.extra.keys().collect::<Vec<_>>())
            .field("pages_of", &self.pages_of.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The format (`"format": "site-image"`) of a value that names one of the site's images.
pub const SITE_IMAGE: &str = "site-image";

/// The images a site publishes, by their path in the output, for the `site-image` format.
#[derive(Debug, Clone, Default)]
pub struct SiteImages {
    base_path: String,
    paths: std::sync::Arc<std::collections::HashSet<String>>,
}

impl SiteImages {
    /// The images published at `paths` (`images/photo.jpg`), on a site at `base_path`.
    pub fn new(base_path: &str, paths: impl IntoIterator<Item = String>) -> SiteImages {
        SiteImages {
            base_path: base_path.to_string(),
            paths: std::sync::Arc::new(paths.into_iter().collect()),
        }
    }

    /// Whether `value` names one of them, as templates' `image()` takes it: with or without
    /// the base path or a leading `/`.
    pub fn has(&self, value: &str) -> bool {
        let rel = value
            .strip_prefix(self.base_path.as_str())
            .unwrap_or(value)
            .trim_start_matches('/');
        self.paths.contains(rel)
    }
}

impl ThemeSchemas {
    /// Reads the schemas of `theme` (`themes/THEME/schemas/`) and of the site (`schemas/`),
    /// the site's replacing the theme's of the same name. A schema that cannot be read or is
    /// not a valid JSON Schema is an error in `diags` and is left out; the others still work.
    pub fn load(layout: &Layout, theme: Option<&str>, diags: &mut Diagnostics) -> ThemeSchemas {
        Self::load_with(layout, theme, None, diags)
    }

    /// [`load`](Self::load), with the format `site-image` checking a value names one of the
    /// site's `images`: a banner's picture that is not there is then an error at its line in
    /// the front matter, not inside the template that shows it.
    pub fn load_for_site(
        layout: &Layout,
        theme: Option<&str>,
        images: SiteImages,
        diags: &mut Diagnostics,
    ) -> ThemeSchemas {
        Self::load_with(layout, theme, Some(images), diags)
    }

    fn load_with(
        layout: &Layout,
        theme: Option<&str>,
        images: Option<SiteImages>,
        diags: &mut Diagnostics,
    ) -> ThemeSchemas {
        let mut files = BTreeMap::new();
        for f in crate::theme::files(layout, theme, SCHEMAS, Some(SCHEMAS), diags) {
            if !f.rel.ends_with(".json") {
                continue;
            }
            let text = f
                .read(layout)
                .map_err(|e| format!("cannot read this schema: {e}"))
                .and_then(|b| decode_text(&b));
            match text {
                Ok(text) => {
                    let (rel, shown) = (f.rel.clone(), f.shown);
                    files.insert(f.rel, SchemaFile { rel, shown, text });
                }
                Err(m) => diags.push(Diagnostic::in_file(f.shown, m)),
            }
        }
        Self::compile_all(files.into_values(), images.as_ref(), diags)
    }

    /// Every schema, as its path inside a schema folder (`data/board.json`) and its text, for
    /// `haven schema` to hand on to other tools.
    pub fn files(&self) -> Vec<(String, String)> {
        let tables = [
            ("data/", &self.data),
            ("extra/", &self.extra),
            ("extra/pages-of/", &self.pages_of),
        ];
        tables
            .into_iter()
            .flat_map(|(dir, table)| {
                table
                    .iter()
                    .map(move |(name, s)| (format!("{dir}{name}.json"), s.text.clone()))
            })
            .collect()
    }

    /// Compiles schema files already read (later files replace earlier ones of the same
    /// `rel`). Problems go to `diags`: errors for a file that is not a valid schema (left out),
    /// warnings for one in no known place or with a misspelt keyword.
    pub fn from_files(
        files: impl IntoIterator<Item = SchemaFile>,
        diags: &mut Diagnostics,
    ) -> ThemeSchemas {
        Self::compile_all(files, None, diags)
    }

    fn compile_all(
        files: impl IntoIterator<Item = SchemaFile>,
        images: Option<&SiteImages>,
        diags: &mut Diagnostics,
    ) -> ThemeSchemas {
        let mut out = ThemeSchemas::default();
        for file in files {
            let Some((table, name)) = out.table_for(&file, diags) else {
                continue;
            };
            if let Some(schema) = compile(file, images, diags) {
                table.insert(name, schema);
            }
        }
        out
    }

    /// The table a schema file belongs in, and its name there; `None` (with a warning) for a
    /// file that describes nothing.
    fn table_for(
        &mut self,
        file: &SchemaFile,
        diags: &mut Diagnostics,
    ) -> Option<(&mut BTreeMap<String, Schema>, String)> {
        let stem = file.rel.strip_suffix(".json")?;
        let unused = |message: String, hint: &str| {
            Diagnostic::in_file(&file.shown, message)
                .warning()
                .hint(hint.to_string())
        };
        if let Some(name) = stem.strip_prefix("data/") {
            if let Some(data) = [".yaml", ".yml", ".json"]
                .iter()
                .find_map(|x| name.strip_suffix(x))
            {
                diags.push(unused(
                    format!("this schema describes no data file: name it `data/{data}.json` to describe data/{name}"),
                    "a data schema is named after the data file without its extension",
                ));
                return None;
            }
            return Some((&mut self.data, name.to_string()));
        }
        if let Some(template) = stem.strip_prefix("extra/pages-of/") {
            return Some((&mut self.pages_of, template.to_string()));
        }
        if let Some(template) = stem.strip_prefix("extra/") {
            if !template.contains('.') {
                diags.push(unused(
                    format!("this schema names no template: name it `extra/{template}.html.json` to describe pages rendered with {template}.html"),
                    "an `extra` schema is named after the template with its extension, then `.json`",
                ));
                return None;
            }
            return Some((&mut self.extra, template.to_string()));
        }
        diags.push(unused(
            "this schema is not used: Haven reads schemas from the `data/` and `extra/` folders of the schema folder".to_string(),
            "move it to `data/NAME.json` (for data/NAME.yaml), `extra/TEMPLATE.json` or `extra/pages-of/TEMPLATE.json`",
        ));
        None
    }

    /// True when there are no schemas at all.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.extra.is_empty() && self.pages_of.is_empty()
    }

    /// The schema file describing the data file `file`, if there is one.
    pub fn data_schema(&self, file: &Path) -> Option<&Path> {
        self.data.get(&data_name(file)).map(|s| s.shown.as_path())
    }

    /// Checks the data file `file` (`data/board.yaml`, relative to the site folder), whose
    /// text is `text` and whose value is `value`, against its schema: every violation, sorted
    /// by position. Empty when it has no schema.
    pub fn check_data(&self, file: &Path, text: &str, value: &Value) -> Vec<Diagnostic> {
        let Some(schema) = self.data.get(&data_name(file)) else {
            return Vec::new();
        };
        let errors: Vec<_> = schema.validator.iter_errors(value).collect();
        if errors.is_empty() {
            return Vec::new();
        }
        let positions = YamlPositions::parse(text);
        messages::diagnostics(
            &errors,
            &messages::Target {
                file,
                source: text,
                positions: &positions,
                prefix: &[],
                first_line: 1,
                root: messages::Root::Data,
                schema: &schema.value,
                schema_text: &schema.text,
                instance: value,
            },
        )
    }

    /// Checks the `extra` map of a page or section: against `extra/TEMPLATE.json` for the
    /// template it is rendered with (`template`, after defaults), and, for a page, against
    /// `extra/pages-of/PARENT.json` for its section's template (`pages_of`). `source` is the
    /// whole Markdown file `file`; its front matter starts on line `front_matter_first_line`
    /// (the line after the opening `---`). Every violation, sorted by position.
    pub fn check_extra(
        &self,
        template: &str,
        pages_of: Option<&str>,
        file: &Path,
        source: &str,
        front_matter_first_line: usize,
        extra: &Value,
    ) -> Vec<Diagnostic> {
        let schemas = [
            self.extra.get(template),
            pages_of.and_then(|t| self.pages_of.get(t)),
        ];
        let mut failed = Vec::new();
        for schema in schemas.into_iter().flatten() {
            let errors: Vec<_> = schema.validator.iter_errors(extra).collect();
            if !errors.is_empty() {
                failed.push((schema, errors));
            }
        }
        if failed.is_empty() {
            return Vec::new();
        }
        let yaml = front_matter(source, front_matter_first_line);
        let positions = YamlPositions::parse(yaml);
        let mut out = Vec::new();
        for (schema, errors) in failed {
            out.extend(messages::diagnostics(
                &errors,
                &messages::Target {
                    file,
                    source,
                    positions: &positions,
                    prefix: &["extra"],
                    first_line: front_matter_first_line,
                    root: messages::Root::Extra,
                    schema: &schema.value,
                    schema_text: &schema.text,
                    instance: extra,
                },
            ));
        }
        out.sort_by(|a, b| (a.line, a.column, &a.message).cmp(&(b.line, b.column, &b.message)));
        out.dedup();
        out
    }
}

/// `data/team/board.yaml` (or `team/board.yaml`) → `team/board`.
fn data_name(file: &Path) -> String {
    let rel = file.strip_prefix(crate::layout::DATA).unwrap_or(file);
    let rel = rel.with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The front matter's text: from line `first_line` of `source` up to the closing `---`.
fn front_matter(source: &str, first_line: usize) -> &str {
    let mut start = None;
    let mut offset = 0;
    for (n, line) in (1..).zip(source.split_inclusive('\n')) {
        if n == first_line {
            start = Some(offset);
        }
        if start.is_some() && line.trim_end() == "---" {
            return &source[start.unwrap_or(offset)..offset];
        }
        offset += line.len();
    }
    start.map_or("", |s| &source[s..])
}

/// Parses and compiles one schema file; `None`, with an error naming the file, if it is not
/// valid JSON or not a valid JSON Schema.
fn compile(
    file: SchemaFile,
    images: Option<&SiteImages>,
    diags: &mut Diagnostics,
) -> Option<Schema> {
    let value: Value = match serde_json::from_str(&file.text) {
        Ok(v) => v,
        Err(e) => {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |i| &message[..i]);
            diags.push(
                Diagnostic::in_file(
                    &file.shown,
                    format!("this schema is not valid JSON: {message}"),
                )
                .at_in(&file.text, e.line(), e.column())
                .hint("check for a missing comma or quote, or a comma after the last item"),
            );
            return None;
        }
    };
    let positions = YamlPositions::parse(&file.text);
    keyword_typos(&value, &mut Vec::new(), &file, &positions, diags);
    let mut options = jsonschema::options()
        .offline()
        .should_validate_formats(true);
    if let Some(images) = images {
        let images = images.clone();
        options = options.with_format(SITE_IMAGE, move |v: &str| images.has(v));
    }
    let built = options.build(&value);
    match built {
        Ok(validator) => Some(Schema {
            shown: file.shown,
            text: file.text,
            value,
            validator,
        }),
        Err(e) => {
            let at = positions.locate_pointer(e.instance_path().as_str());
            let at = at.key.unwrap_or(at.value);
            let mut d =
                Diagnostic::in_file(&file.shown, format!("this is not a valid JSON Schema: {e}"))
                    .at_in(&file.text, at.line, at.column);
            d = d.hint(schema_hint(&e));
            diags.push(d);
            None
        }
    }
}

fn schema_hint(e: &jsonschema::ValidationError<'_>) -> String {
    let path = e.instance_path().as_str();
    if path.ends_with("/type") {
        let types = [
            "string", "number", "integer", "boolean", "array", "object", "null",
        ];
        let guess = e
            .instance()
            .as_str()
            .map(|t| crate::yaml::did_you_mean(t, &types))
            .unwrap_or_default();
        return format!("{guess}A type is one of: {}", types.join(", "));
    }
    if matches!(
        e.kind(),
        jsonschema::error::ValidationErrorKind::Referencing(_)
    ) {
        return "a `$ref` may point only into this file (`#/$defs/NAME`): Haven fetches nothing, from the network or from other files".to_string();
    }
    "see https://json-schema.org/understanding-json-schema/ for what each keyword takes".to_string()
}

/// JSON Schema's keywords (draft 2020-12, and the older ones still understood).
const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$defs",
    "definitions",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxContains",
    "minContains",
    "maxProperties",
    "minProperties",
    "required",
    "dependentRequired",
    "dependencies",
    "title",
    "description",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "examples",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "properties",
    "patternProperties",
    "additionalProperties",
    "unevaluatedProperties",
    "propertyNames",
    "dependentSchemas",
    "items",
    "prefixItems",
    "additionalItems",
    "unevaluatedItems",
    "contains",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
];

/// Keywords whose value is one schema, a map of schemas, or a list of schemas.
const ONE_SCHEMA: &[&str] = &[
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "additionalItems",
    "contentSchema",
];
const MAP_OF_SCHEMAS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
const LIST_OF_SCHEMAS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];

/// Warns about a key that is not a keyword but nearly is (`requried`): JSON Schema ignores
/// keys it does not know, so the rule it was meant to state would silently not apply. Keys
/// that resemble no keyword (a form editor's own, such as `ui:widget`) are left alone.
fn keyword_typos(
    schema: &Value,
    path: &mut Vec<String>,
    file: &SchemaFile,
    positions: &YamlPositions<'_>,
    diags: &mut Diagnostics,
) {
    let Some(map) = schema.as_object() else {
        return;
    };
    for (key, value) in map {
        path.push(key.clone());
        if !KEYWORDS.contains(&key.as_str()) {
            if let Some(best) = crate::yaml::closest(key, KEYWORDS) {
                let at = positions.locate(path);
                let at = at.key.unwrap_or(at.value);
                diags.push(
                    Diagnostic::in_file(
                        &file.shown,
                        format!("unknown keyword `{key}` in this schema, so it has no effect"),
                    )
                    .at_in(&file.text, at.line, at.column)
                    .hint(format!("did you mean `{best}`?"))
                    .warning(),
                );
            }
        } else if ONE_SCHEMA.contains(&key.as_str()) && value.is_object() {
            keyword_typos(value, path, file, positions, diags);
        } else if MAP_OF_SCHEMAS.contains(&key.as_str()) {
            for (name, sub) in value.as_object().into_iter().flatten() {
                path.push(name.clone());
                keyword_typos(sub, path, file, positions, diags);
                path.pop();
            }
        } else if LIST_OF_SCHEMAS.contains(&key.as_str()) {
            for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                path.push(i.to_string());
                keyword_typos(sub, path, file, positions, diags);
                path.pop();
            }
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests;
