//! Stage 5a: the minijinja environment. Templates load from `ROOT/templates/` first, then
//! `themes/<theme>/templates/`; functions (`get_page`, `get_section`, `get_taxonomy`, `url_for`,
//! `load_data`) and filters (`date`, `abs_url`) read the [`Views`] built once per build.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{Layout, TEMPLATES};
use crate::views::Views;

/// A template's text and the file it came from.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// Where it was read from, relative to the site root (for messages).
    pub file: PathBuf,
    /// Its text.
    pub source: String,
}

/// Every template the site can use, by name (`page.html`, `partials/nav.html`).
#[derive(Debug, Default, Clone)]
pub struct TemplateSet {
    /// Name to template.
    pub files: BTreeMap<String, TemplateFile>,
    /// The folders searched, in order, relative to the site root (for messages).
    pub searched: Vec<PathBuf>,
    /// The theme's words, per language, which templates show with `t("key")`.
    pub strings: crate::strings::ThemeStrings,
}

impl TemplateSet {
    /// Reads the templates of the site and its theme; the site's win on a name clash.
    pub fn load(layout: &Layout, theme: Option<&str>) -> Result<TemplateSet, Diagnostics> {
        let mut set = TemplateSet::default();
        let mut diags = Diagnostics::new();
        if let Some(t) = theme
            && !crate::theme::exists(layout, t)
        {
            return Err(Diagnostic::in_file(
                crate::config::CONFIG_FILE,
                format!(
                    "the theme `{t}` is not installed: there is no folder {}",
                    Layout::theme_dir(t).display()
                ),
            )
            .hint(format!(
                "check the `theme:` line in site.yaml: `{}` is built into Haven and needs no folder; any other theme needs its folder in themes/",
                crate::theme::DEFAULT
            ))
            .into());
        }
        let dirs = Layout::template_dirs(theme);
        let found = crate::theme::files(layout, theme, TEMPLATES, Some(TEMPLATES), &mut diags);
        for f in found {
            match f.read(layout) {
                Ok(bytes) => match crate::text::decode_text(&bytes) {
                    Ok(source) => {
                        let file = f.shown;
                        set.files.insert(f.rel, TemplateFile { file, source });
                    }
                    Err(m) => diags.push(Diagnostic::in_file(&f.shown, m)),
                },
                Err(e) => diags.push(Diagnostic::in_file(
                    &f.shown,
                    format!("cannot read this template: {e}"),
                )),
            }
        }
        set.searched = dirs;
        match crate::strings::ThemeStrings::load(layout, theme) {
            Ok(strings) => set.strings = strings,
            Err(d) => diags.extend(d),
        }
        diags.into_result(set)
    }

    /// The templates that use any of `changed` through `extends`, `include`, `import` or
    /// `from`, directly or in turn, with `changed` themselves. `None` when some template
    /// names another through a variable, because then any template may use any other.
    pub fn dependents(&self, changed: &HashSet<String>) -> Option<HashSet<String>> {
        let mut used_by: HashMap<String, Vec<&str>> = HashMap::new();
        for (name, file) in &self.files {
            for r in references(&file.source)? {
                used_by.entry(r).or_default().push(name);
            }
        }
        let mut out: HashSet<String> = changed.clone();
        let mut todo: Vec<String> = changed.iter().cloned().collect();
        while let Some(t) = todo.pop() {
            for &user in used_by.get(&t).into_iter().flatten() {
                if out.insert(user.to_string()) {
                    todo.push(user.to_string());
                }
            }
        }
        Some(out)
    }

    /// An error for a template that is needed (by `wanted_by`, or at `at`: file, line, column
    /// and that file's text) but exists nowhere.
    pub fn missing(
        &self,
        name: &str,
        wanted_by: &Path,
        at: Option<(&Path, usize, usize, &str)>,
    ) -> Diagnostic {
        let searched: Vec<String> = self
            .searched
            .iter()
            .map(|d| d.join(name).display().to_string())
            .collect();
        let d = match at {
            Some((file, l, c, src)) => {
                Diagnostic::in_file(file, format!("the template `{name}` does not exist"))
                    .at_in(src, l, c)
            }
            None => Diagnostic::in_file(wanted_by, format!("the template `{name}` does not exist")),
        };
        d.hint(format!(
            "looked for {}; create it, or choose another template",
            searched.join(" and ")
        ))
    }
}

/// The template names a template's `extends`, `include`, `import` and `from` tags name;
/// `None` if one of them names its template through an expression instead of a string.
fn references(source: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(open) = rest.find("{%") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("%}") else { break };
        let tag = after[..close].trim_start_matches(['-', '+']).trim();
        rest = &after[close + 2..];
        let keyword = tag.split_whitespace().next().unwrap_or("");
        if !matches!(keyword, "extends" | "include" | "import" | "from") {
            continue;
        }
        let args = &tag[keyword.len()..];
        // The template names are the string literals up to `import`/`as`/`with`.
        let names_part = args
            .split(" import ")
            .next()
            .unwrap_or(args)
            .split(" as ")
            .next()
            .unwrap_or(args);
        let mut found = false;
        let mut s = names_part;
        while let Some(q) = s.find(['"', '\'']) {
            let quote = s.as_bytes()[q] as char;
            let tail = &s[q + 1..];
            let end = tail.find(quote)?;
            out.push(tail[..end].to_string());
            found = true;
            s = &tail[end + 1..];
        }
        if !found {
            return None;
        }
    }
    Some(out)
}

/// Adds `image(path, alt=…, lazy=true, sizes=…)`: the `<img>` of one of the site's images,
/// with its size and smaller copies, for pictures named in front matter or data files.
fn add_image(env: &mut Environment<'static>, v: Arc<Views>) {
    env.add_function(
        "image",
        move |path: &str, kwargs: Kwargs| -> Result<Value, Error> {
            let alt: Option<String> = kwargs.get("alt")?;
            let lazy: Option<bool> = kwargs.get("lazy")?;
            let sizes: Option<String> = kwargs.get("sizes")?;
            kwargs.assert_all_used()?;
            let Some(alt) = alt else {
                return Err(Error::new(
                    ErrorKind::MissingArgument,
                    format!("image(\"{path}\") needs alt=\"…\", words that say what the picture shows, or alt=\"\" for one that is only decoration"),
                ));
            };
            v.images
                .img(path, &alt, lazy.unwrap_or(true), sizes.as_deref())
                .map(Value::from_safe_string)
                .map_err(|m| Error::new(ErrorKind::InvalidOperation, m))
        },
    );
}

/// `t("key")`: the theme's words for `key` in the site's language, and the `date` filter with
/// its month and day names. A key the language does not have is an error naming it (the build
/// checks the files first, so this is a key that no language has, such as a misspelt one in a
/// template).
fn add_strings(env: &mut Environment<'static>, set: &TemplateSet, views: &Views) {
    let tongues = Arc::new(Tongues::new(set, site_language(views)));
    let for_dates = tongues.clone();
    env.add_filter(
        "date",
        move |state: &State, value: &Value, kwargs: Kwargs| {
            let names = for_dates.of(state).map(|(_, names)| names);
            date_filter(value, kwargs, names)
        },
    );
    let all = tongues.clone();
    // Every word whose key starts with `prefix`, by the rest of its key, as written (places
    // and all): for a script that fills them in itself, such as the search page's messages.
    env.add_function("words_for", move |state: &State, prefix: &str| -> Value {
        let found: BTreeMap<String, String> = all
            .of(state)
            .iter()
            .flat_map(|(w, _)| w.words.iter())
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?.to_string(), v.clone())))
            .collect();
        Value::from(found)
    });
    env.add_function(
        "t",
        move |state: &State, key: &str, values: Kwargs| -> Result<Value, Error> {
            let Some((words, _)) = tongues.of(state) else {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!(
                        "the theme has no words in the language `{}` (site.yaml)",
                        Tongues::language(state).unwrap_or_else(|| tongues.main.clone())
                    ),
                ));
            };
            let text = words.words.get(key).ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!(
                        "t(\"{key}\") names words that {} does not have: check the key's spelling, or add a line `{key}: …` to that file",
                        words.file.display()
                    ),
                )
            })?;
            let out = fill(text, &values).map_err(|name| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!(
                        "the words for `{key}` in {} have a place for {{{name}}}, which the template does not fill: write it as t(\"{key}\", {name}=…)",
                        words.file.display()
                    ),
                )
            })?;
            values.assert_all_used()?;
            Ok(Value::from_safe_string(out))
        },
    );
}

/// `url_for(path)`: the address of an `@/` content path or a site path. On a page in another
/// language, a page that is translated into it is linked in it, and so is the search page.
fn add_url_for(env: &mut Environment<'static>, views: Arc<Views>) {
    env.add_function(
        "url_for",
        move |state: &State, path: &str| -> Result<String, Error> {
            let found = match Tongues::language(state) {
                Some(lang) if !views.in_language.is_empty() => views.url_for_in(path, &lang),
                _ => views.url_for(path),
            };
            found.ok_or_else(|| not_found("url_for", "page or section", path))
        },
    );
}

/// The theme's words and date names in each of its languages. A page is dressed in the words
/// of its own language, which templates hold as `site.language` (a translated page's `site`
/// says its language).
struct Tongues {
    /// By lower-case tag.
    by_tag: BTreeMap<String, (Arc<crate::strings::Strings>, DateNames)>,
    /// The site's main language, for a render whose `site` says none.
    main: String,
}

impl Tongues {
    fn new(set: &TemplateSet, main: String) -> Tongues {
        let by_tag = set
            .strings
            .languages
            .iter()
            .map(|(tag, w)| {
                (
                    tag.clone(),
                    (Arc::new(w.clone()), DateNames::from_strings(w)),
                )
            })
            .collect();
        Tongues { by_tag, main }
    }

    /// The language of the page being rendered.
    fn language(state: &State) -> Option<String> {
        let site = state.lookup("site")?;
        let l = site.get_attr("language").ok()?;
        l.as_str().map(str::to_string)
    }

    /// The words for the page being rendered: its language's own, or else its language's
    /// without the region (`en` for `en-GB`).
    fn of(&self, state: &State) -> Option<&(Arc<crate::strings::Strings>, DateNames)> {
        let tag = Self::language(state)
            .unwrap_or_else(|| self.main.clone())
            .to_ascii_lowercase();
        self.by_tag.get(&tag).or_else(|| {
            let primary = tag.split('-').next()?;
            self.by_tag.get(primary)
        })
    }
}

/// `text` made safe for HTML, with each `{name}` in it replaced by the value `name` of
/// `values` (inserted as it is when the template made it markup, such as a link, and escaped
/// otherwise): a translation can put a phone number wherever its language needs it. The
/// error is a place no value fills.
fn fill(text: &str, values: &Kwargs) -> Result<String, String> {
    use crate::strings::Piece;
    let mut out = String::with_capacity(text.len());
    for piece in crate::strings::pieces(text) {
        match piece {
            Piece::Text(t) => {
                let _ = crate::highlight::escape_html(&mut out, t);
            }
            Piece::Place(name) => {
                let value: Option<Value> = values.get(name).map_err(|_| name.to_string())?;
                let value = value.ok_or_else(|| name.to_string())?;
                if value.is_safe() {
                    out.push_str(&value.to_string());
                } else {
                    let _ = crate::highlight::escape_html(&mut out, &value.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// Builds the environment over `set`, with functions reading `views`.
pub fn environment(set: &TemplateSet, views: Arc<Views>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    // A template that loops forever or recurses without end must fail, not hang the build.
    env.set_fuel(Some(50_000_000));
    env.set_recursion_limit(200);
    let sources: Arc<HashMap<String, String>> = Arc::new(
        set.files
            .iter()
            .map(|(k, v)| (k.clone(), v.source.clone()))
            .collect(),
    );
    env.set_loader(move |name| Ok(sources.get(name).cloned()));
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") || name.ends_with(".htm") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });

    // minijinja's HTML escaping also escapes `/`, which bloats every URL; `&<>"'` are the only
    // characters that matter in text and quoted attributes.
    env.set_formatter(|out, state, value| {
        if matches!(state.auto_escape(), minijinja::AutoEscape::Html)
            && !value.is_safe()
            && let Some(s) = value.as_str()
        {
            return crate::highlight::escape_html(out, s)
                .map_err(|_| Error::new(ErrorKind::WriteFailure, "could not write the output"));
        }
        minijinja::escape_formatter(out, state, value)
    });
    add_strings(&mut env, set, &views);
    let v = views.clone();
    env.add_function("get_page", move |path: &str| -> Result<Value, Error> {
        let key = path.trim_start_matches("@/");
        v.page_by_path
            .get(key)
            .map(|&i| v.pages[i].clone())
            .ok_or_else(|| not_found("get_page", "page", path))
    });
    let v = views.clone();
    env.add_function("get_section", move |path: &str| -> Result<Value, Error> {
        let key = path.trim_start_matches("@/");
        v.section_by_path
            .get(key)
            .map(|&i| v.sections[i].clone())
            .ok_or_else(|| not_found("get_section", "section", path))
    });
    let v = views.clone();
    env.add_function("get_taxonomy", move |name: &str| -> Result<Value, Error> {
        v.taxonomies
            .get(name)
            .cloned()
            .ok_or_else(|| not_found("get_taxonomy", "taxonomy", name))
    });
    add_url_for(&mut env, views.clone());
    add_image(&mut env, views.clone());
    let v = views.clone();
    env.add_function("load_data", move |path: &str| -> Result<Value, Error> {
        v.data.get(path).cloned().ok_or_else(|| {
            let known: Vec<&str> = v.data.keys().map(String::as_str).collect();
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "load_data(\"{path}\"): there is no data/{path}; data files are: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            )
        })
    });
    let v = views.clone();
    env.add_function(
        "upcoming_events",
        move |kwargs: Kwargs| -> Result<Value, Error> {
            let topics: Option<Value> = kwargs.get("topics")?;
            let limit: Option<usize> = kwargs.get("limit")?;
            kwargs.assert_all_used()?;
            // `topics` is a page's `taxonomies.topics` list (or one term name): sessions on any
            // of them match.
            let wanted: Option<Vec<String>> = topics.map(|t| {
                if let Some(s) = t.as_str() {
                    vec![crate::content::slugify(s)]
                } else {
                    t.try_iter()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| {
                            x.get_attr("slug")
                                .ok()
                                .filter(|s| !s.is_undefined())
                                .map(|s| s.to_string())
                                .or_else(|| x.as_str().map(crate::content::slugify))
                        })
                        .collect()
                }
            });
            let items: Vec<Value> = v
                .upcoming_events
                .iter()
                .filter(|&&p| match &wanted {
                    None => true,
                    Some(w) => v.topic_slugs[p].iter().any(|t| w.contains(t)),
                })
                .take(limit.unwrap_or(usize::MAX))
                .map(|&p| v.pages[p].clone())
                .collect();
            Ok(Value::from(items))
        },
    );
    let v = views.clone();
    env.add_filter("abs_url", move |url: &str| -> String { v.permalink(url) });
    // The same slugs as URLs and taxonomy terms, for ids made from data.
    env.add_filter("slugify", |s: &str| -> String {
        crate::content::slugify(s)
    });
    env
}

fn not_found(func: &str, what: &str, arg: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{func}(\"{arg}\"): there is no {what} `{arg}`"),
    )
}

/// Month and weekday names in the site's language, from the theme's words (`month.1`…,
/// `month_of.1`…, `weekday.1`… for Monday…): `month_of` is the form inside a date ("3 marca
/// 2027" in Polish, where the month alone is "marzec").
#[derive(Debug, Clone, Default)]
struct DateNames {
    months: Vec<String>,
    months_of: Vec<String>,
    weekdays: Vec<String>,
}

impl DateNames {
    /// The names the theme's words give; a language without them keeps English names.
    fn from_strings(s: &crate::strings::Strings) -> DateNames {
        let list = |prefix: &str, n: usize| -> Vec<String> {
            (1..=n)
                .map_while(|i| s.words.get(&format!("{prefix}.{i}")).cloned())
                .collect()
        };
        DateNames {
            months: list("month", 12),
            months_of: list("month_of", 12),
            weekdays: list("weekday", 7),
        }
    }

    /// `fmt` with `%B` and `%A` written out for `date`: `%B` in a format with the day of the
    /// month takes the form inside a date.
    fn apply(&self, fmt: &str, date: jiff::civil::Date) -> String {
        let with_day = fmt.contains("%d") || fmt.contains("%-d") || fmt.contains("%e");
        let month = usize::try_from(date.month()).unwrap_or(1).saturating_sub(1);
        let weekday = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        let months = if with_day && self.months_of.len() == 12 {
            &self.months_of
        } else {
            &self.months
        };
        let mut out = fmt.to_string();
        if months.len() == 12 {
            out = out.replace("%B", &months[month].replace('%', "%%"));
        }
        if self.weekdays.len() == 7 {
            out = out.replace("%A", &self.weekdays[weekday].replace('%', "%%"));
        }
        out
    }
}

/// The site's language, as the `site` variable has it.
fn site_language(views: &Views) -> String {
    views
        .site
        .get_attr("language")
        .ok()
        .and_then(|l| l.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `{{ page.date | date }}` → "3 June 2025"; `date("%Y")` takes a strftime format. Month and
/// day names are `names`' when given.
fn date_filter(value: &Value, kwargs: Kwargs, names: Option<&DateNames>) -> Result<String, Error> {
    let fmt: Option<String> = kwargs.get("format")?;
    kwargs.assert_all_used()?;
    let fmt = fmt.as_deref().unwrap_or("%-d %B %Y");
    let s = value.as_str().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("date: expected a date string, got {value}"),
        )
    })?;
    let bad = |e: jiff::Error| Error::new(ErrorKind::InvalidOperation, format!("date: `{s}`: {e}"));
    if s.len() == 10 {
        let d: jiff::civil::Date = s.parse().map_err(bad)?;
        let fmt = names.map_or_else(|| fmt.to_string(), |n| n.apply(fmt, d));
        jiff::fmt::strtime::format(&fmt, d).map_err(bad)
    } else {
        let dt: jiff::civil::DateTime = s.get(..19).unwrap_or(s).parse().map_err(bad)?;
        let fmt = names.map_or_else(|| fmt.to_string(), |n| n.apply(fmt, dt.date()));
        jiff::fmt::strtime::format(&fmt, dt).map_err(bad)
    }
}

/// Turns a minijinja error into a diagnostic pointing into the template file.
pub fn template_error(err: &Error, set: &TemplateSet, rendering: &str) -> Diagnostic {
    // The innermost error that knows its template is the most precise place to point at.
    let mut best: &Error = err;
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(me) = e.downcast_ref::<Error>()
            && me.name().is_some()
            && me.line().is_some()
        {
            best = me;
        }
        cur = e.source();
    }
    let name = best.name().unwrap_or(rendering);
    let tf = set.files.get(name);
    let file = tf.map_or_else(|| PathBuf::from(name), |t| t.file.clone());
    let mut message = match best.kind() {
        ErrorKind::UndefinedError => "undefined value".to_string(),
        ErrorKind::OutOfFuel => "the template ran too long (an endless loop?)".to_string(),
        ErrorKind::TemplateNotFound => "template not found".to_string(),
        ErrorKind::SyntaxError => "syntax error".to_string(),
        k => k.to_string(),
    };
    if let (Some(range), Some(t)) = (best.range(), tf)
        && let Some(expr) = t.source.get(range)
        && !best.detail().is_some_and(|d| d.contains(expr.trim()))
    {
        message.push_str(&format!(" in `{}`", expr.trim()));
    }
    if let Some(detail) = best.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    let mut d = Diagnostic::in_file(file, message);
    if let (Some(line), Some(t)) = (best.line(), tf) {
        let column = best
            .range()
            .and_then(|r| t.source.get(..r.start))
            .map_or(1, |before| {
                before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1
            });
        d = d.at_in(&t.source, line, column);
    }
    if best.kind() == ErrorKind::UndefinedError {
        d = d.hint("check the variable's spelling; test optional values with `{% if page.x %}` before printing them");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_filter_formats_dates_and_datetimes() {
        let k = || Kwargs::from_iter(std::iter::empty::<(&str, Value)>());
        assert_eq!(
            date_filter(&Value::from("2025-06-03"), k(), None).unwrap(),
            "3 June 2025"
        );
        assert_eq!(
            date_filter(&Value::from("2025-06-03T09:30:00+01:00"), k(), None).unwrap(),
            "3 June 2025"
        );
        let k2 = Kwargs::from_iter([("format", Value::from("%H:%M"))]);
        assert_eq!(
            date_filter(&Value::from("2025-06-03T09:30:00+01:00"), k2, None).unwrap(),
            "09:30"
        );
        assert!(date_filter(&Value::from("not a date"), k(), None).is_err());
        // Polish: the month inside a date takes its genitive form, and alone its own.
        let mut words = BTreeMap::new();
        let of = [
            "stycznia",
            "lutego",
            "marca",
            "kwietnia",
            "maja",
            "czerwca",
            "lipca",
            "sierpnia",
            "września",
            "października",
            "listopada",
            "grudnia",
        ];
        let alone = [
            "styczeń",
            "luty",
            "marzec",
            "kwiecień",
            "maj",
            "czerwiec",
            "lipiec",
            "sierpień",
            "wrzesień",
            "październik",
            "listopad",
            "grudzień",
        ];
        let days = [
            "poniedziałek",
            "wtorek",
            "środa",
            "czwartek",
            "piątek",
            "sobota",
            "niedziela",
        ];
        for (i, (o, a)) in of.iter().zip(alone).enumerate() {
            words.insert(format!("month_of.{}", i + 1), o.to_string());
            words.insert(format!("month.{}", i + 1), a.to_string());
        }
        for (i, d) in days.iter().enumerate() {
            words.insert(format!("weekday.{}", i + 1), d.to_string());
        }
        let pl = DateNames::from_strings(&crate::strings::Strings {
            file: PathBuf::from("strings/pl.yaml"),
            words,
        });
        assert_eq!(
            date_filter(&Value::from("2027-03-30"), k(), Some(&pl)).unwrap(),
            "30 marca 2027"
        );
        let k3 = Kwargs::from_iter([("format", Value::from("%A, %B %Y"))]);
        assert_eq!(
            date_filter(&Value::from("2027-03-30"), k3, Some(&pl)).unwrap(),
            "wtorek, marzec 2027"
        );
    }

    #[test]
    fn dependents_follow_extends_include_and_import() {
        let mut set = TemplateSet::default();
        for (name, src) in [
            (
                "base.html",
                "{% include \"partials/nav.html\" %}{% block main %}{% endblock %}",
            ),
            (
                "page.html",
                "{% extends 'base.html' %}{% from \"macros.html\" import card %}",
            ),
            ("list.html", "{%- extends \"base.html\" -%}"),
            ("partials/nav.html", "<nav></nav>"),
            ("macros.html", "{% macro card() %}{% endmacro %}"),
            ("feed.xml", "<feed/>"),
        ] {
            set.files.insert(
                name.into(),
                TemplateFile {
                    file: PathBuf::from(name),
                    source: src.into(),
                },
            );
        }
        let of = |names: &[&str]| -> Vec<String> {
            let changed = names.iter().map(|n| n.to_string()).collect();
            let mut v: Vec<String> = set.dependents(&changed).unwrap().into_iter().collect();
            v.sort();
            v
        };
        assert_eq!(
            of(&["partials/nav.html"]),
            ["base.html", "list.html", "page.html", "partials/nav.html"]
        );
        assert_eq!(of(&["macros.html"]), ["macros.html", "page.html"]);
        assert_eq!(of(&["feed.xml"]), ["feed.xml"]);
        set.files.get_mut("feed.xml").unwrap().source = "{% include name %}".into();
        assert!(set.dependents(&HashSet::new()).is_none(), "dynamic include");
    }

    #[test]
    fn words_fill_their_places_with_markup_or_escaped_text() {
        let values = Kwargs::from_iter([
            (
                "number",
                Value::from_safe_string("<a href=\"tel:999\">999</a>".into()),
            ),
            ("name", Value::from("Tom & Jerry <MASH>")),
        ]);
        let out = fill(
            "If a child is in danger, call {number}. {name}: {x",
            &values,
        )
        .unwrap();
        assert_eq!(
            out,
            "If a child is in danger, call <a href=\"tel:999\">999</a>. Tom &amp; Jerry &lt;MASH&gt;: {x"
        );
        assert_eq!(
            fill(
                "Say \"hi\" {missing}",
                &Kwargs::from_iter([("a", Value::from(1))])
            ),
            Err("missing".to_string())
        );
        assert_eq!(
            fill("{ not a place } {}", &values).unwrap(),
            "{ not a place } {}"
        );
    }
}
