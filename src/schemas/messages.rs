//! Schema violations in an editor's words, placed on the YAML node at fault.
//!
//! jsonschema reports `"agency" is a required property` at `/members/3`; an editor needs
//! `a member has no `agency`` on the line of that member, and how to add it. Each kind of
//! violation gets a sentence of its own; the schema's `title` names list items ("a member") and
//! its `description` explains what a value is for. Kinds without a sentence of their own keep
//! jsonschema's message, still placed on the node.

use std::path::Path;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::locate::{Located, Position, YamlPositions};
use crate::diagnostics::Diagnostic;
use crate::yaml::closest;

/// What the checked value is, which decides how its top is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Root {
    /// A whole data file.
    Data,
    /// The `extra` map of a page's front matter.
    Extra,
}

/// One checked value: where it is written, and the schema it was checked against.
pub(super) struct Target<'a> {
    /// The file shown in the diagnostics.
    pub file: &'a Path,
    /// The whole text of that file, for the excerpt.
    pub source: &'a str,
    /// Positions in the YAML that holds the value (the file, or its front matter).
    pub positions: &'a YamlPositions<'a>,
    /// The path to the value inside that YAML (`["extra"]` for front matter).
    pub prefix: &'a [&'a str],
    /// The line of `source` on which that YAML starts.
    pub first_line: usize,
    /// What the value is.
    pub root: Root,
    /// The schema, and its text (whose order of `properties` is the order keys are listed in).
    pub schema: &'a Value,
    /// The schema's text.
    pub schema_text: &'a str,
    /// The value checked.
    pub instance: &'a Value,
}

/// A violation before it is placed in the file.
struct Finding {
    at: Position,
    message: String,
    hint: Option<String>,
}

/// Every violation as a diagnostic, sorted by position.
pub(super) fn diagnostics(errors: &[ValidationError<'_>], t: &Target<'_>) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for e in errors {
        describe(e, t, &mut findings);
    }
    findings.sort_by(|a, b| (a.at, &a.message).cmp(&(b.at, &b.message)));
    findings.dedup_by(|a, b| a.at == b.at && a.message == b.message);
    findings
        .into_iter()
        .map(|f| {
            let line = t.first_line + f.at.line.saturating_sub(1);
            let d = Diagnostic::in_file(t.file, f.message).at_in(t.source, line, f.at.column);
            match f.hint {
                Some(h) if !h.is_empty() => d.hint(h),
                _ => d,
            }
        })
        .collect()
}

/// The error's instance path as keys and indexes.
fn path_of(e: &ValidationError<'_>) -> Vec<String> {
    e.instance_path().iter().map(|s| s.to_string()).collect()
}

/// The schema object holding the keyword that failed (its `title`, `properties` and so on).
fn schema_pointer(e: &ValidationError<'_>) -> String {
    let p = e.schema_path().as_str();
    p.rfind('/').map_or("", |i| &p[..i]).to_string()
}

fn describe(e: &ValidationError<'_>, t: &Target<'_>, out: &mut Vec<Finding>) {
    let path = path_of(e);
    let pointer = schema_pointer(e);
    let sub = t.schema.pointer(&pointer);
    let labels = labels(t.schema, e, sub);
    let cx = Cx {
        t,
        path: &path,
        sub,
        labels,
        pointer: &pointer,
        instance: e.instance(),
    };
    match e.kind() {
        ValidationErrorKind::Required { property } => {
            let property = property.as_str().unwrap_or_default();
            out.push(cx.required(property));
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            out.extend(unexpected.iter().map(|k| cx.unknown_key(k)));
        }
        ValidationErrorKind::FalseSchema if matches!(cx.last(), Some(Step::Key(_))) => {
            let key = cx.key_name().unwrap_or_default();
            let mut parent = path.clone();
            parent.pop();
            let at = cx.locate(&path);
            out.push(Finding {
                at: at.key.unwrap_or(at.value),
                message: format!("`{key}` is not allowed {}", cx.place_of(&parent, None)),
                hint: Some(format!("remove the line `{key}:`")),
            });
        }
        ValidationErrorKind::Type { kind } => out.push(cx.wrong_type(kind)),
        ValidationErrorKind::Enum { options } => out.push(cx.not_one_of(options)),
        ValidationErrorKind::Constant { expected_value } => out.push(cx.at_node(
            format!("{} must be {}", cx.what(), shown(expected_value)),
            cx.description(),
        )),
        _ => out.push(cx.other(e)),
    }
}

/// One step of an instance path.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// What one violation is about: the node, the schema that describes it, the value.
struct Cx<'a> {
    t: &'a Target<'a>,
    path: &'a [String],
    sub: Option<&'a Value>,
    /// The schemas that name the node, nearest first: the one holding the keyword, then each
    /// that reached it through `$ref` (whose `title` and `description` sit beside the `$ref`).
    labels: Vec<&'a Value>,
    pointer: &'a str,
    instance: &'a Value,
}

impl Cx<'_> {
    fn locate(&self, path: &[String]) -> Located {
        let full: Vec<&str> = self
            .t
            .prefix
            .iter()
            .copied()
            .chain(path.iter().map(String::as_str))
            .collect();
        self.t.positions.locate(&full)
    }

    /// The last step of `path`, as a key or an index into a list.
    fn step_of<'p>(&self, path: &'p [String]) -> Option<Step<'p>> {
        let last = path.last()?;
        let parent = path_pointer(&path[..path.len() - 1]);
        let in_list = self
            .t
            .instance
            .pointer(&parent)
            .is_some_and(Value::is_array);
        match last.parse::<usize>() {
            Ok(i) if in_list => Some(Step::Index(i)),
            _ => Some(Step::Key(last)),
        }
    }

    fn last(&self) -> Option<Step<'_>> {
        self.step_of(self.path)
    }

    fn key_name(&self) -> Option<&str> {
        match self.last() {
            Some(Step::Key(k)) => Some(k),
            _ => None,
        }
    }

    fn title(&self) -> Option<String> {
        self.labels
            .iter()
            .find_map(|s| s.get("title").and_then(Value::as_str))
            .map(in_sentence)
            .filter(|t| !t.is_empty())
    }

    fn description(&self) -> Option<String> {
        self.labels.iter().find_map(|s| description_of(Some(s)))
    }

    /// The node at `path` as the subject of a sentence: "a member", "item 4 of `members`",
    /// "`independent`", "this file".
    fn subject_of(&self, path: &[String], title: Option<&str>) -> String {
        match self.step_of(path) {
            None => match self.t.root {
                Root::Data => "this file".to_string(),
                Root::Extra => "`extra`".to_string(),
            },
            Some(Step::Key(k)) => format!("`{k}`"),
            Some(Step::Index(i)) => match title {
                Some(t) => format!("{} {t}", article(t)),
                None => format!(
                    "item {} of {}",
                    i + 1,
                    self.subject_of(&path[..path.len() - 1], None)
                ),
            },
        }
    }

    /// Where the node at `path` is, after a noun: "in a member of `members`", "in `extra`",
    /// or nothing at the top of a data file.
    fn place_of(&self, path: &[String], title: Option<&str>) -> String {
        match self.step_of(path) {
            None => match self.t.root {
                Root::Data => "at the top of this file".to_string(),
                Root::Extra => "in `extra`".to_string(),
            },
            Some(Step::Key(k)) => format!("in `{k}`"),
            Some(Step::Index(i)) => {
                let parent = &path[..path.len() - 1];
                let of = self.subject_of(parent, None);
                match title {
                    Some(t) => format!("in {} {t} of {of}", article(t)),
                    None => format!("in item {} of {of}", i + 1),
                }
            }
        }
    }

    /// The node as the subject of a sentence about its value: "`lead`", "item 2 of `topics`".
    fn what(&self) -> String {
        self.subject_of(self.path, self.title().as_deref())
    }

    /// A finding on the node itself.
    fn at_node(&self, message: String, hint: Option<String>) -> Finding {
        Finding {
            at: self.locate(self.path).best(),
            message,
            hint,
        }
    }

    fn required(&self, property: &str) -> Finding {
        let title = self.title();
        let subject = self.subject_of(self.path, title.as_deref());
        let at = self.locate(self.path);
        let parent_key = self.key_name().map(str::to_string).or_else(|| {
            (self.path.is_empty() && self.t.root == Root::Extra).then(|| "extra".to_string())
        });
        let misspelt = self.misspelling_of(property);
        let action = if let Some(wrong) = misspelt {
            format!("rename `{wrong}:` to `{property}:`")
        } else if !at.exact {
            match &parent_key {
                Some(k) => format!("add `{k}:` with `{property}:` indented under it"),
                None => format!("add `{property}:`"),
            }
        } else if self.path.is_empty() && self.t.root == Root::Data {
            format!("add a line `{property}:` to this file")
        } else if let Some(first) = &at.first_key {
            match &parent_key {
                Some(k) => format!("add `{property}:` under `{k}:`, lined up with `{first}:`"),
                None => format!("add `{property}:` under `{first}:`, lined up with it"),
            }
        } else if !at.collection {
            match &parent_key {
                Some(k) => format!("add `{property}:` indented under `{k}:`"),
                None => format!("add `{property}:`"),
            }
        } else {
            format!("add `{property}: …` inside the braces")
        };
        let about = self
            .sub
            .and_then(|s| s.get("properties"))
            .and_then(|p| p.get(property));
        let about = about.and_then(|s| {
            description_of(Some(s)).or_else(|| description_of(local_ref(self.t.schema, s)))
        });
        // An empty `extra:` is a single (empty) value: the line to add to is its key's.
        let place = if at.collection {
            at.value
        } else {
            at.key.unwrap_or(at.value)
        };
        Finding {
            at: place,
            message: format!("{subject} has no `{property}`"),
            hint: Some(with_description(action, about)),
        }
    }

    /// A key of the node that the schema does not know and that is close to `property`: the
    /// likely reason `property` is missing.
    fn misspelling_of(&self, property: &str) -> Option<String> {
        let known = self.sub.and_then(|s| s.get("properties"));
        self.instance
            .as_object()?
            .keys()
            .filter(|k| known.is_none_or(|p| p.get(k.as_str()).is_none()))
            .find(|k| closest(k, &[property]).is_some())
            .cloned()
    }

    fn unknown_key(&self, key: &str) -> Finding {
        let mut full = self.path.to_vec();
        full.push(key.to_string());
        let at = self.locate(&full);
        let title = self.title();
        let place = self.place_of(self.path, title.as_deref());
        let allowed = self.allowed_keys();
        let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let mut hint = match closest(key, &names) {
            Some(best) => format!("did you mean `{best}`? "),
            None => String::new(),
        };
        if names.is_empty() {
            hint.push_str("remove this line");
        } else {
            hint.push_str(&format!("Allowed keys here: {}", names.join(", ")));
        }
        let message = if self.path.is_empty() && self.t.root == Root::Data {
            format!("unknown key `{key}`")
        } else {
            format!("unknown key `{key}` {place}")
        };
        Finding {
            at: at.key.unwrap_or(at.value),
            message,
            hint: Some(hint),
        }
    }

    /// The keys of `properties`, in the order the schema lists them.
    fn allowed_keys(&self) -> Vec<String> {
        let Some(props) = self
            .sub
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
        else {
            return Vec::new();
        };
        let schema_positions = YamlPositions::parse(self.t.schema_text);
        let mut keys: Vec<(Position, &String)> = props
            .keys()
            .map(|k| {
                let pointer = format!("{}/properties/{}", self.pointer, escape(k));
                let at = schema_positions.locate_pointer(&pointer);
                (at.key.unwrap_or(at.value), k)
            })
            .collect();
        keys.sort();
        keys.into_iter().map(|(_, k)| k.clone()).collect()
    }

    fn wrong_type(&self, kind: &TypeKind) -> Finding {
        let expected: Vec<JsonType> = match kind {
            TypeKind::Single(t) => vec![*t],
            TypeKind::Multiple(set) => set.iter().collect(),
        };
        let mut expected = expected;
        // Text first: it is what an editor most often means to write.
        expected.sort_by_key(|t| TYPE_ORDER.iter().position(|o| o == t));
        let wanted: Vec<&str> = expected.iter().map(|t| type_name(*t)).collect();
        let wanted = join_or(&wanted);
        let actual = actual_name(self.instance);
        let key = self.key_name().unwrap_or("…");
        let wants_text = expected.contains(&JsonType::String);
        let action = match self.instance {
            Value::Null => format!("write the value after `{key}:`, or remove the line"),
            Value::Bool(_) | Value::Number(_) if wants_text => format!(
                "put it in quotes, like `{key}: \"{}\"`, so that it is read as text",
                self.instance
            ),
            _ if expected.contains(&JsonType::Array) => {
                "write each item on a line of its own, starting with `- `".to_string()
            }
            _ if expected.contains(&JsonType::Object) => {
                format!("write indented `key: value` lines under `{key}:`")
            }
            Value::Array(_) | Value::Object(_) if wants_text => format!(
                "write the text on the same line as `{key}:`, in quotes if it contains a colon"
            ),
            _ => String::new(),
        };
        let message = if self.path.is_empty() && self.instance.is_null() {
            format!("{} is empty: expected {wanted}", self.what())
        } else {
            format!("expected {wanted} here, not {actual}")
        };
        self.at_node(message, Some(with_description(action, self.description())))
    }

    fn not_one_of(&self, options: &Value) -> Finding {
        let list: Vec<String> = options
            .as_array()
            .map(|a| a.iter().map(plain).collect())
            .unwrap_or_default();
        let value = plain(self.instance);
        let name = match self.last() {
            Some(Step::Key(k)) => format!("{k} "),
            _ => String::new(),
        };
        let names: Vec<&str> = list.iter().map(String::as_str).collect();
        let hint = closest(&value, &names).map(|best| format!("did you mean `{best}`?"));
        let hint = match (hint, self.description()) {
            (Some(h), _) => Some(h),
            (None, Some(d)) => Some(d),
            (None, None) => None,
        };
        self.at_node(
            format!("{name}`{value}` is not one of: {}", list.join(", ")),
            hint,
        )
    }

    fn other(&self, e: &ValidationError<'_>) -> Finding {
        let what = self.what();
        let message = match e.kind() {
            ValidationErrorKind::MinLength { limit: 1 } => format!("{what} is empty"),
            ValidationErrorKind::MinLength { limit } => {
                format!("{what} is too short: write at least {limit} characters")
            }
            ValidationErrorKind::MaxLength { limit } => format!(
                "{what} is too long: write at most {limit} characters (it has {})",
                plain(self.instance).chars().count()
            ),
            ValidationErrorKind::Pattern { .. } => {
                let name = match self.last() {
                    Some(Step::Key(k)) => format!("{k} "),
                    _ => String::new(),
                };
                format!(
                    "{name}`{}` is not written as expected",
                    plain(self.instance)
                )
            }
            ValidationErrorKind::Format { format } => {
                format!("{what} is not {}", format_name(format))
            }
            ValidationErrorKind::MinItems { limit } => {
                format!("{what} needs at least {}", count(*limit, "item"))
            }
            ValidationErrorKind::MaxItems { limit } => {
                format!("{what} can have at most {}", count(*limit, "item"))
            }
            ValidationErrorKind::MinProperties { limit } => {
                format!("{what} needs at least {}", count(*limit, "key"))
            }
            ValidationErrorKind::MaxProperties { limit } => {
                format!("{what} can have at most {}", count(*limit, "key"))
            }
            ValidationErrorKind::UniqueItems => format!("{what} lists the same item twice"),
            ValidationErrorKind::Minimum { limit } => format!("{what} must be at least {limit}"),
            ValidationErrorKind::Maximum { limit } => format!("{what} must be at most {limit}"),
            ValidationErrorKind::ExclusiveMinimum { limit } => {
                format!("{what} must be more than {limit}")
            }
            ValidationErrorKind::ExclusiveMaximum { limit } => {
                format!("{what} must be less than {limit}")
            }
            ValidationErrorKind::FalseSchema => format!("{what} is not allowed here"),
            _ => format!("{what} is not allowed: {e}"),
        };
        let hint = match e.kind() {
            ValidationErrorKind::Pattern { pattern } if self.description().is_none() => {
                Some(format!("it must match the pattern `{pattern}`"))
            }
            ValidationErrorKind::MinLength { limit: 1 } => Some(with_description(
                format!(
                    "write a value after `{}:`, or remove the line",
                    self.key_name().unwrap_or("…")
                ),
                self.description(),
            )),
            _ => self.description(),
        };
        self.at_node(message, hint)
    }
}

/// The schemas naming the node an error is about, nearest first (see [`Cx::labels`]), found by
/// following the error's evaluation path, `$ref` by `$ref`, from the root of the schema.
fn labels<'s>(
    schema: &'s Value,
    e: &ValidationError<'_>,
    sub: Option<&'s Value>,
) -> Vec<&'s Value> {
    let steps: Vec<String> = e.evaluation_path().iter().map(|s| s.to_string()).collect();
    let mut node = schema;
    let mut chain = vec![schema];
    // The last step is the keyword itself.
    for step in steps.iter().take(steps.len().saturating_sub(1)) {
        let next = if step == "$ref" {
            local_ref(schema, node)
        } else {
            match node {
                Value::Object(m) => m.get(step),
                Value::Array(a) => step.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            }
        };
        let Some(next) = next else {
            // A step this walk cannot follow (`$dynamicRef`, an anchor): the schema holding
            // the keyword is still known from the error's own path.
            return sub.into_iter().collect();
        };
        if step != "$ref" {
            chain.clear();
        }
        chain.push(next);
        node = next;
    }
    chain.reverse();
    chain
}

/// The schema a `$ref` inside this file points to (`#/$defs/member`).
fn local_ref<'s>(schema: &'s Value, node: &Value) -> Option<&'s Value> {
    let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
    schema.pointer(target)
}

/// An instance path as a JSON pointer.
fn path_pointer(path: &[String]) -> String {
    path.iter().map(|s| format!("/{}", escape(s))).collect()
}

fn escape(step: &str) -> String {
    step.replace('~', "~0").replace('/', "~1")
}

fn description_of(schema: Option<&Value>) -> Option<String> {
    schema
        .and_then(|s| s.get("description"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_string)
}

/// `action`, then what the value is for: "add `agency:` under `role:` (the organisation …)".
fn with_description(action: String, description: Option<String>) -> String {
    match description {
        None => action,
        Some(d) if action.is_empty() => d,
        Some(d) => {
            let short = d.trim_end_matches('.');
            if short.len() <= 100 && !short.contains(". ") {
                format!("{action} ({})", in_sentence(short))
            } else {
                format!("{action}. {d}")
            }
        }
    }
}

/// A title or description as it reads inside a sentence: "Member" → "member"; "CDOP member"
/// keeps its capitals.
fn in_sentence(s: &str) -> String {
    let mut chars = s.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            let mut out: String = a.to_lowercase().collect();
            out.push(b);
            out.extend(chars);
            out
        }
        _ => s.trim().to_string(),
    }
}

fn article(noun: &str) -> &'static str {
    match noun.chars().next() {
        Some(c) if "aeiouAEIOU".contains(c) => "an",
        _ => "a",
    }
}

const TYPE_ORDER: [JsonType; 7] = [
    JsonType::String,
    JsonType::Integer,
    JsonType::Number,
    JsonType::Boolean,
    JsonType::Array,
    JsonType::Object,
    JsonType::Null,
];

fn type_name(t: JsonType) -> &'static str {
    match t {
        JsonType::String => "text",
        JsonType::Integer => "a whole number",
        JsonType::Number => "a number",
        JsonType::Boolean => "true or false",
        JsonType::Array => "a list",
        JsonType::Object => "`key: value` lines",
        JsonType::Null => "nothing",
    }
}

fn actual_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "text",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "a whole number",
        Value::Bool(_) => "true or false",
        Value::Array(_) => "a list",
        Value::Object(_) => "`key: value` lines",
        Value::Null => "an empty value",
    }
}

/// "a or b", "a, b or c"; "a, or true or false" when an item has an "or" of its own.
fn join_or(items: &[&str]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] if items.iter().any(|i| i.contains(" or ")) => {
            format!("{}, or {last}", rest.join(", "))
        }
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A value as an editor wrote it: text without quotes, anything else as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn shown(v: &Value) -> String {
    format!("`{}`", plain(v))
}

fn format_name(format: &str) -> String {
    match format {
        "date" => "a date written as 2025-06-01".to_string(),
        "date-time" => "a date and time written as 2025-06-01T09:30:00+01:00".to_string(),
        "time" => "a time written as 09:30:00+01:00".to_string(),
        "email" | "idn-email" => "an email address".to_string(),
        "uri" | "iri" => "a full web address, starting with https://".to_string(),
        "uri-reference" | "iri-reference" => "a web address".to_string(),
        super::SITE_IMAGE => "a picture this site publishes: a file in static/ or beside a page, named by where it is published, such as images/photo.jpg (check the spelling, and that the file is there)".to_string(),
        other => format!("a valid {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(in_sentence("Member"), "member");
        assert_eq!(in_sentence("CDOP member"), "CDOP member");
        assert_eq!(article("adviser"), "an");
        assert_eq!(
            join_or(&["text", "a list", "a number"]),
            "text, a list or a number"
        );
        assert_eq!(
            with_description("add `x:`".into(), Some("The thing.".into())),
            "add `x:` (the thing)"
        );
    }
}
