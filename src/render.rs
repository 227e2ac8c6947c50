//! Stage 5b: every output of the site (pages, section listings with pagination, taxonomy pages,
//! 404, alias redirects, feeds, sitemap, robots.txt, static files and page assets) as an
//! in-memory list. No file is written here, which keeps `check` and `serve` cheap.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use minijinja::Environment;
use minijinja::value::Value;
use rayon::prelude::*;

use crate::content::Site;
use crate::content::frontmatter::Located;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feeds;
use crate::layout::STATIC;
use crate::output::{Body, OutputFile, Outputs, Sink};
use crate::templates::{TemplateSet, template_error};
use crate::theme::Source;
use crate::views::Views;

/// What a template render produces a page for; `serve` uses it to re-render only the outputs
/// a change can affect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A page, by index.
    Page(usize),
    /// A section listing (any of its pagination pages), by index.
    Section(usize),
    /// The list of a taxonomy's terms.
    Taxonomy(usize),
    /// One term's page: taxonomy index, term index.
    Term(usize, usize),
    /// A training filter page, by index into the listings.
    Listing(usize),
    /// The 404 page.
    NotFound,
    /// The search page.
    Search,
    /// The A to Z page.
    AToZ,
    /// A page or section in another language, by index into `Site::translations`.
    Translation(usize),
    /// The search page of another language, by index into `config.languages`.
    SearchIn(usize),
}

/// One template render to do.
pub struct Job {
    /// The template's name.
    pub template: String,
    ctx: Value,
    /// The output path.
    pub path: String,
    origin: PathBuf,
    /// The file and line where the template was chosen, for a missing-template error.
    chosen_at: Option<(PathBuf, Located)>,
    /// What it renders.
    pub target: Target,
}

/// The output path (`guidance/neglect/index.html`) of a site-relative URL.
pub fn url_to_path(url: &str, base_path: &str) -> String {
    let rel = url
        .strip_prefix(base_path)
        .unwrap_or(url.trim_start_matches('/'));
    format!("{rel}index.html")
}

fn ctx(pairs: &[(&str, Value)]) -> Value {
    Value::from(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<String, Value>>(),
    )
}

/// The template renders of the site that `want` picks (`serve` re-renders only some).
pub fn jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    let mut jobs = page_jobs(site, views, want);
    jobs.extend(section_jobs(site, views, want));
    jobs.extend(translation_jobs(site, views, want));
    jobs.extend(taxonomy_jobs(site, views, want));
    jobs.extend(listing_jobs(site, views, want));
    if site.config.search.enabled {
        jobs.extend(search_jobs(site, views, want));
    }
    if want(Target::NotFound) {
        jobs.push(not_found_job(site, views));
    }
    jobs
}

/// Takes the site, its views and the filter; returns one render per page it picks.
fn page_jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    let base = site.config.base_path();
    let mut jobs = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if !want(Target::Page(i)) {
            continue;
        }
        let (template, chosen_at) = page_template(site, p);
        jobs.push(Job {
            template,
            ctx: ctx(&[
                ("site", views.site.clone()),
                ("page", views.pages[i].clone()),
                ("section", views.sections[p.section].clone()),
                ("current_url", Value::from(p.doc.url.as_str())),
            ]),
            path: url_to_path(&p.doc.url, base),
            origin: p.doc.file.clone(),
            chosen_at,
            target: Target::Page(i),
        });
    }
    jobs
}

/// Takes the site, its views and the filter; returns one render per translation it picks,
/// with its original's template and the `site` variable of its language.
fn translation_jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    use crate::content::Original;
    let base = site.config.base_path();
    let mut jobs = Vec::new();
    for (k, t) in site.translations.iter().enumerate() {
        if !want(Target::Translation(k)) {
            continue;
        }
        let site_view = views
            .sites
            .get(t.lang)
            .cloned()
            .unwrap_or_else(|| views.site.clone());
        let current_url = Value::from(t.doc.url.as_str());
        let (template, chosen_at, pairs) = match t.of {
            Original::Page(i) => {
                let p = &site.pages[i];
                let (template, chosen_at) = page_template(site, p);
                // The section above, in the page's language where it is translated.
                let section = site
                    .translation_of(Original::Section(p.section), t.lang)
                    .map_or_else(
                        || views.sections[p.section].clone(),
                        |j| views.translations[j].clone(),
                    );
                let pairs = vec![
                    ("site", site_view),
                    ("page", views.translations[k].clone()),
                    ("section", section),
                    ("current_url", current_url),
                ];
                (template, chosen_at, pairs)
            }
            Original::Section(i) => {
                let (template, chosen_at) = section_template(site, i);
                let pairs = vec![
                    ("site", site_view),
                    ("section", views.translations[k].clone()),
                    ("current_url", current_url),
                ];
                (template, chosen_at, pairs)
            }
        };
        jobs.push(Job {
            template,
            ctx: ctx(&pairs),
            path: url_to_path(&t.doc.url, base),
            origin: t.doc.file.clone(),
            chosen_at,
            target: Target::Translation(k),
        });
    }
    jobs
}

/// Takes the site and one of its pages; returns the page's template and, when front matter
/// chose it, the file and line that did.
fn page_template(site: &Site, p: &crate::content::Page) -> (String, Option<(PathBuf, Located)>) {
    if let Some(t) = &p.meta.common.template {
        return (t.value.clone(), Some((p.doc.file.clone(), t.clone())));
    }
    // An inherited page_template is blamed on the _index.md that set it.
    let mut at = Some(p.section);
    while let Some(i) = at.filter(|&i| site.sections[i].meta.page_template.is_none()) {
        at = site.sections[i].parent;
    }
    let setter = at.and_then(|i| {
        let s = &site.sections[i];
        Some((s.doc.file.clone(), s.meta.page_template.clone()?))
    });
    match setter {
        Some((file, t)) => (t.value.clone(), Some((file, t))),
        None => ("page.html".to_string(), None),
    }
}

/// Takes the site and the index of one of its sections; returns the section's template and,
/// when front matter chose it, the file and line that did.
fn section_template(site: &Site, i: usize) -> (String, Option<(PathBuf, Located)>) {
    let s = &site.sections[i];
    match &s.meta.common.template {
        Some(t) => (t.value.clone(), Some((s.doc.file.clone(), t.clone()))),
        None if i == 0 => ("index.html".to_string(), None),
        None => ("section.html".to_string(), None),
    }
}

/// Checks the site's data files and the `extra` of its pages and sections against the
/// theme's schemas (and the site's own), before any template reads them: a missing
/// `extra.kind` is reported in the page, not as an error inside `documents.html`. `images`
/// (as read for this build) are what the `site-image` format accepts.
pub fn schema_findings(site: &Site, images: &crate::images::ImageSizes) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let images = crate::schemas::SiteImages::new(
        site.config.base_path(),
        images.originals.iter().map(|(i, _)| i.dest.clone()),
    );
    let schemas = crate::schemas::ThemeSchemas::load_for_site(
        &site.layout,
        site.config.theme.as_deref(),
        images,
        &mut diags,
    );
    if schemas.is_empty() {
        return diags;
    }
    for (rel, value) in &site.data {
        let file = std::path::Path::new(crate::layout::DATA).join(rel);
        if schemas.data_schema(&file).is_none() {
            continue;
        }
        let Some(Ok(bytes)) = site.layout.read(&file) else {
            continue;
        };
        if let Ok(text) = crate::text::decode_text(&bytes) {
            diags.0.extend(schemas.check_data(&file, &text, value));
        }
    }
    // Front matter starts on the line after the opening `---`.
    const FRONT_MATTER_LINE: usize = 2;
    for p in &site.pages {
        let (template, _) = page_template(site, p);
        let (parent, _) = section_template(site, p.section);
        diags.0.extend(schemas.check_extra(
            &template,
            Some(&parent),
            &p.doc.file,
            &p.doc.source,
            FRONT_MATTER_LINE,
            &p.meta.common.extra,
        ));
    }
    // `pages-of` schemas describe pages, so a subsection is checked against its own only.
    for (i, s) in site.sections.iter().enumerate() {
        let (template, _) = section_template(site, i);
        diags.0.extend(schemas.check_extra(
            &template,
            None,
            &s.doc.file,
            &s.doc.source,
            FRONT_MATTER_LINE,
            &s.meta.common.extra,
        ));
    }
    diags
}

/// Takes the site, its views and the filter; returns the renders of each section it picks,
/// one per pagination page.
fn section_jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    let base = site.config.base_path();
    let mut jobs = Vec::new();
    for (i, s) in site.sections.iter().enumerate() {
        if !want(Target::Section(i)) {
            continue;
        }
        let (template, chosen_at) = section_template(site, i);
        let all: Vec<Value> = s.pages.iter().map(|&p| views.pages[p].clone()).collect();
        let per = s.meta.paginate_by.map_or(all.len().max(1), |n| n as usize);
        let chunks: Vec<&[Value]> = if all.is_empty() {
            vec![&[][..]]
        } else {
            all.chunks(per).collect()
        };
        let pager_url = |n: usize| {
            if n == 1 {
                s.doc.url.clone()
            } else {
                format!("{}page/{n}/", s.doc.url)
            }
        };
        let total = chunks.len();
        for (k, chunk) in chunks.iter().enumerate() {
            let n = k + 1;
            let url = pager_url(n);
            let mut pairs = vec![
                ("site", views.site.clone()),
                ("section", views.sections[i].clone()),
                ("current_url", Value::from(url.as_str())),
            ];
            if s.meta.paginate_by.is_some() {
                let pager = Pager {
                    n,
                    total,
                    per,
                    all: all.len(),
                };
                pairs.push(("paginator", paginator(chunk, &pager, &pager_url)));
            }
            jobs.push(Job {
                template: template.clone(),
                ctx: ctx(&pairs),
                path: url_to_path(&url, base),
                origin: s.doc.file.clone(),
                chosen_at: chosen_at.clone(),
                target: Target::Section(i),
            });
        }
    }
    jobs
}

/// Where one page of a paginated section listing stands.
struct Pager {
    /// This page's number, from 1.
    n: usize,
    /// How many pages the listing has.
    total: usize,
    /// Entries per page.
    per: usize,
    /// Entries in the whole listing.
    all: usize,
}

/// Takes one listing page's entries, where it stands and the URL of each page number; returns
/// the `paginator` variable.
fn paginator(chunk: &[Value], pager: &Pager, pager_url: &dyn Fn(usize) -> String) -> Value {
    let &Pager { n, total, per, all } = pager;
    ctx(&[
        ("pages", Value::from(chunk.to_vec())),
        ("current_index", Value::from(n)),
        ("number_pagers", Value::from(total)),
        ("paginate_by", Value::from(per)),
        ("total_pages", Value::from(all)),
        ("first", Value::from(pager_url(1))),
        ("last", Value::from(pager_url(total))),
        (
            "previous",
            if n > 1 {
                Value::from(pager_url(n - 1))
            } else {
                Value::from(())
            },
        ),
        (
            "next",
            if n < total {
                Value::from(pager_url(n + 1))
            } else {
                Value::from(())
            },
        ),
    ])
}

/// Takes the site, its views and the filter; returns the renders of the taxonomy lists and
/// term pages it picks, each taxonomy's list before its terms.
fn taxonomy_jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    let base = site.config.base_path();
    let mut jobs = Vec::new();
    for (ti, t) in site.taxonomies.iter().enumerate() {
        let origin = PathBuf::from(format!("the `{}` taxonomy", t.name));
        let tv = views.taxonomies[&t.name].clone();
        if want(Target::Taxonomy(ti)) {
            jobs.push(Job {
                template: "taxonomy_list.html".into(),
                ctx: ctx(&[
                    ("site", views.site.clone()),
                    ("taxonomy", tv.clone()),
                    ("current_url", Value::from(t.url.as_str())),
                ]),
                path: url_to_path(&t.url, base),
                origin: origin.clone(),
                chosen_at: None,
                target: Target::Taxonomy(ti),
            });
        }
        for (k, (term, tv_term)) in t.terms.iter().zip(&views.terms[&t.name]).enumerate() {
            if !want(Target::Term(ti, k)) {
                continue;
            }
            jobs.push(Job {
                template: "taxonomy_term.html".into(),
                ctx: ctx(&[
                    ("site", views.site.clone()),
                    ("taxonomy", tv.clone()),
                    ("term", tv_term.clone()),
                    ("current_url", Value::from(term.url.as_str())),
                ]),
                path: url_to_path(&term.url, base),
                origin: origin.clone(),
                chosen_at: None,
                target: Target::Term(ti, k),
            });
        }
    }
    jobs
}

/// Takes the site, its views and the filter; returns the renders of the training filter pages
/// it picks.
fn listing_jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    let base = site.config.base_path();
    let mut jobs = Vec::new();
    for (li, (l, items)) in views.listings.iter().enumerate() {
        if !want(Target::Listing(li)) {
            continue;
        }
        jobs.push(Job {
            template: "training_list.html".into(),
            ctx: ctx(&[
                ("site", views.site.clone()),
                ("section", views.sections[l.section].clone()),
                (
                    "listing",
                    ctx(&[
                        ("title", Value::from(l.title.as_str())),
                        ("kind", Value::from(l.kind)),
                        ("value", Value::from(l.value.as_str())),
                        ("url", Value::from(l.url.as_str())),
                        ("pages", items.clone()),
                    ]),
                ),
                ("current_url", Value::from(l.url.as_str())),
            ]),
            path: url_to_path(&l.url, base),
            origin: site.sections[l.section].doc.file.clone(),
            chosen_at: None,
            target: Target::Listing(li),
        });
    }
    jobs
}

/// Takes the site (with search on), its views and the filter; returns the renders of the
/// search page and the A to Z page that it picks, and of the search page of each other
/// language with translations (`/pl/search/`, which searches its own index).
fn search_jobs(site: &Site, views: &Views, want: &dyn Fn(Target) -> bool) -> Vec<Job> {
    use crate::search::{A_Z_PAGE, CLIENT_PATH, INDEX_DIR, PAGE};
    let base = site.config.base_path();
    let mut jobs = Vec::new();
    let search = |folder: &str| {
        ctx(&[
            ("index", Value::from(format!("{base}{folder}{INDEX_DIR}"))),
            ("script", Value::from(format!("{base}{CLIENT_PATH}"))),
            ("url", Value::from(format!("{base}{folder}{PAGE}"))),
            ("a_z_url", Value::from(format!("{base}{A_Z_PAGE}"))),
        ])
    };
    let main = search("");
    // The search page in each language, for the switcher and hreflang links.
    let folders: Vec<(usize, String)> = (0..site.config.languages.len())
        .filter_map(|l| Some((l, site.language_folder(l)?)))
        .collect();
    let alternates = |current: Option<usize>| -> Value {
        if folders.is_empty() {
            return Value::from(Vec::<Value>::new());
        }
        let cfg = &site.config;
        let main_name = cfg
            .languages
            .iter()
            .find(|l| crate::config::languages::same_tag(&l.tag, &cfg.language))
            .map_or("", |l| l.name.as_str());
        let entry = |lang: &str, name: &str, dir: &str, folder: &str, here: bool| {
            let url = format!("{base}{folder}{PAGE}");
            Value::from(minijinja::value::Serde(serde_json::json!({
                "lang": lang, "name": name, "dir": dir, "permalink": cfg.permalink(&url),
                "url": url, "current": here,
            })))
        };
        let mut list = vec![entry(
            &cfg.language,
            main_name,
            crate::strings::direction(&cfg.language),
            "",
            current.is_none(),
        )];
        for (l, folder) in &folders {
            let lang = &cfg.languages[*l];
            list.push(entry(
                &lang.tag,
                &lang.name,
                crate::strings::direction_of(lang),
                folder,
                current == Some(*l),
            ));
        }
        Value::from(list)
    };
    for (target, template, url, name) in [
        (Target::Search, "search.html", PAGE, "search"),
        (Target::AToZ, "a_z.html", A_Z_PAGE, "A to Z"),
    ] {
        if !want(target) {
            continue;
        }
        jobs.push(Job {
            template: template.into(),
            ctx: ctx(&[
                ("site", views.site.clone()),
                ("a_z", views.a_z.clone()),
                ("search", main.clone()),
                (
                    "search_alternates",
                    if target == Target::Search {
                        alternates(None)
                    } else {
                        Value::from(Vec::<Value>::new())
                    },
                ),
                ("current_url", Value::from(format!("{base}{url}"))),
            ]),
            path: format!("{url}index.html"),
            origin: PathBuf::from(format!("the {name} page (search: enabled in site.yaml)")),
            chosen_at: None,
            target,
        });
    }
    for lang in 0..site.config.languages.len() {
        let Some(folder) = site.language_folder(lang) else {
            continue;
        };
        if !want(Target::SearchIn(lang)) {
            continue;
        }
        let site_view = views
            .sites
            .get(lang)
            .cloned()
            .unwrap_or_else(|| views.site.clone());
        jobs.push(Job {
            template: "search.html".into(),
            ctx: ctx(&[
                ("site", site_view),
                ("a_z", views.a_z.clone()),
                ("search", search(&folder)),
                ("search_alternates", alternates(Some(lang))),
                ("current_url", Value::from(format!("{base}{folder}{PAGE}"))),
            ]),
            path: format!("{folder}{PAGE}index.html"),
            origin: PathBuf::from(format!(
                "the search page in {} (search: enabled in site.yaml)",
                site.config.languages[lang].name
            )),
            chosen_at: None,
            target: Target::SearchIn(lang),
        });
    }
    jobs
}

/// Takes the site and its views; returns the render of the 404 page.
fn not_found_job(site: &Site, views: &Views) -> Job {
    let base = site.config.base_path();
    Job {
        template: "404.html".into(),
        ctx: ctx(&[
            ("site", views.site.clone()),
            ("current_url", Value::from(format!("{base}404.html"))),
        ]),
        path: "404.html".into(),
        origin: PathBuf::from("the 404 page"),
        chosen_at: None,
        target: Target::NotFound,
    }
}

/// Renders every output of the site.
pub fn render_site(
    site: &Site,
    views: Arc<Views>,
    set: &TemplateSet,
    sink: Option<Sink<'_>>,
) -> Result<Outputs, Diagnostics> {
    let env: Environment<'static> = crate::templates::environment(set, views.clone());
    let jobs = jobs(site, &views, &|_| true);
    let mut out = Outputs::default();
    let mut diags = Diagnostics::new();
    let mut alias_at: AliasAt<'_> = BTreeMap::new();
    for (a, _, file, source) in aliases(site) {
        if let Ok(path) = alias_path(&a.value) {
            alias_at.entry(path).or_default().push((a, file, source));
        }
    }
    // The feeds, calendars and sitemap are made alongside the pages: alone at the end, they
    // kept one processor busy while the other waited.
    let (rendered, extras) = rayon::join(
        || render_jobs(&env, set, site, jobs, sink),
        || extras(site, &views),
    );
    match rendered {
        Ok(files) => {
            for f in files {
                if let Err(d) = add_output(&mut out, f, &alias_at) {
                    diags.push(d);
                }
            }
        }
        Err(d) => diags.extend(d),
    }
    for f in extras {
        match f {
            Ok(f) => {
                if let Err(d) = add_output(&mut out, f, &alias_at) {
                    diags.push(d);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    diags.sorted().into_result(out)
}

/// Per page, what a reader sees of it when its template is not the default `page.html` (the
/// sub-groups and board pages list data files, the glossary page every term): the HTML of its
/// `<main>` after the title, so that search finds the chair of a sub-group as the reader
/// does; only for the pages `want` picks. `None` for the others, pages on `page.html`, and any
/// that fail to render (the full render reports that).
pub fn templated_text(
    site: &Site,
    views: Arc<Views>,
    set: &TemplateSet,
    want: &dyn Fn(&crate::content::Page) -> bool,
) -> Vec<Option<String>> {
    let mut out = vec![None; site.pages.len()];
    let custom: Vec<bool> = site
        .pages
        .iter()
        .map(|p| want(p) && page_template(site, p).0 != "page.html")
        .collect();
    if !custom.contains(&true) {
        return out;
    }
    let env: Environment<'static> = crate::templates::environment(set, views.clone());
    let jobs = page_jobs(site, &views, &|t| matches!(t, Target::Page(i) if custom[i]));
    let texts: Vec<(usize, Option<String>)> = jobs
        .into_par_iter()
        .filter_map(|j| {
            let Target::Page(i) = j.target else {
                return None;
            };
            let html = env.get_template(&j.template).ok()?.render(&j.ctx).ok()?;
            Some((i, main_after_title(&html).map(str::to_string)))
        })
        .collect();
    for (i, t) in texts {
        out[i] = t;
    }
    out
}

/// The inside of `<main>` after its `<h1>` (the alerts and the title come before it).
fn main_after_title(html: &str) -> Option<&str> {
    let start = html.find("<main")?;
    let body = &html[start..];
    let end = body.find("</main>")?;
    let body = &body[..end];
    let from = body
        .find("</h1>")
        .map_or_else(|| body.find('>').map(|g| g + 1), |h| Some(h + 5))?;
    Some(&body[from..])
}

/// The aliases by output path, with where each is written.
type AliasAt<'a> = BTreeMap<String, Vec<(&'a Located, &'a std::path::Path, &'a str)>>;

/// Every alias of the site with the address it stands for, its file and that file's text.
fn aliases(site: &Site) -> impl Iterator<Item = (&Located, &str, &std::path::Path, &str)> {
    let pages = site.pages.iter().map(|p| {
        (
            &p.meta.common.aliases,
            &p.doc.url,
            &p.doc.file,
            &p.doc.source,
        )
    });
    let sections = site.sections.iter().map(|s| {
        (
            &s.meta.common.aliases,
            &s.doc.url,
            &s.doc.file,
            &s.doc.source,
        )
    });
    pages.chain(sections).flat_map(|(list, url, file, source)| {
        list.iter()
            .map(move |a| (a, url.as_str(), file.as_path(), source.as_str()))
    })
}

const ALIAS_HINT: &str = "an alias is an old address of this page on this site, such as /old-page/; it cannot start with a dot, contain `..`, be a full web address, or name one of the site's own files such as /robots.txt";

/// Adds `f`; when it clashes with another output and one of the two is an alias, the error
/// points at the alias's line in its front matter, where the fix usually is.
fn add_output(out: &mut Outputs, f: OutputFile, alias_at: &AliasAt<'_>) -> Result<(), Diagnostic> {
    if !alias_at.is_empty()
        && let Some(existing) = out.clash(&f.path)
        && let Some(d) = alias_clash(alias_at, &f, existing)
    {
        return Err(d);
    }
    out.add(f)
}

fn alias_clash(
    alias_at: &AliasAt<'_>,
    new: &OutputFile,
    existing: &OutputFile,
) -> Option<Diagnostic> {
    // The alias written by `f`'s file: the last one for the file just added, the first for
    // the one already there, so that an alias written twice is reported where it repeats.
    let owned = |f: &OutputFile, last: bool| {
        let mut of_file = alias_at
            .get(&f.path)
            .into_iter()
            .flatten()
            .filter(|(_, file, _)| file.display().to_string() == f.origin)
            .copied();
        if last { of_file.last() } else { of_file.next() }
    };
    let ((a, file, source), alias, other) = match owned(new, true) {
        Some(found) => (found, new, existing),
        None => (owned(existing, false)?, existing, new),
    };
    let shown = |path: &str| format!("/{}", path.trim_end_matches("index.html"));
    let message = if alias.path == other.path {
        format!(
            "the alias `{}` is already the address of {}",
            a.value, other.origin
        )
    } else if alias.path.starts_with(&other.path) {
        format!(
            "the alias `{}` needs a folder where the site already has the file {} (from {})",
            a.value,
            shown(&other.path),
            other.origin
        )
    } else {
        format!(
            "the alias `{}` would be a file where the site already has the folder {}/ (for {})",
            a.value,
            shown(&alias.path),
            other.origin
        )
    };
    Some(
        Diagnostic::in_file(file, message)
            .at_in(source, a.line, a.column)
            .hint("an alias is an old address of this page on this site, such as /old-page/: choose one that no other page or file of the site uses, or remove it"),
    )
}

/// Whether the page or section a job renders is sensitive.
fn sensitive(ctx: &Value) -> bool {
    ["page", "section"].iter().any(|k| {
        ctx.get_attr(k)
            .and_then(|v| v.get_attr("sensitive"))
            .is_ok_and(|v| v.is_true())
    })
}

/// The error for a template whose pages lack a safety setting: reported once, with the
/// number of pages, like any other template error.
fn unsafe_template(set: &TemplateSet, template: &str, lacks: &str) -> Diagnostic {
    let file = set
        .files
        .get(template)
        .map_or_else(|| PathBuf::from(template), |t| t.file.clone());
    Diagnostic::in_file(file, format!("pages made with this template do not show {lacks}"))
        .hint("every page must say how to report a concern and offer the quick exit: show them in the theme's base template (the haven theme does it in base.html and partials/report.html)")
}

/// One job's file, or why it failed and the file it was for.
type Rendered = Result<OutputFile, (Diagnostic, String)>;

/// Renders `jobs` in parallel. A missing template is reported once per place it is named, and
/// a broken template once with the number of pages it failed.
pub fn render_jobs(
    env: &Environment<'static>,
    set: &TemplateSet,
    site: &Site,
    jobs: Vec<Job>,
    sink: Option<Sink<'_>>,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut reported = std::collections::BTreeSet::new();
    for j in &jobs {
        if !set.files.contains_key(&j.template) && !reported.contains(&j.template) {
            let at = j.chosen_at.as_ref().and_then(|(file, l)| {
                let src = site
                    .pages
                    .iter()
                    .find(|p| &p.doc.file == file)
                    .map(|p| p.doc.source.as_str())
                    .or_else(|| {
                        site.sections
                            .iter()
                            .find(|s| &s.doc.file == file)
                            .map(|s| s.doc.source.as_str())
                    })?;
                Some((file.as_path(), l.line, l.column, src))
            });
            let mut d = set.missing(&j.template, &j.origin, at);
            if matches!(
                j.target,
                Target::Search | Target::AToZ | Target::SearchIn(_)
            ) {
                d = d.hint(format!(
                    "the theme has no {}; add it to templates/, or write `search: {{enabled: false}}` in site.yaml to build without search and the A to Z",
                    j.template
                ));
            }
            diags.push(d);
            if at.is_some() {
                // One message per place the template is named is enough.
                reported.insert(j.template.clone());
            }
        }
    }
    if diags.has_errors() {
        return Err(diags.sorted());
    }

    // Listings (sections, terms, the A to Z) render many pages' entries each: they go first,
    // so that the many small page renders fill in around them, instead of one long listing
    // keeping a processor busy at the end while the others wait. The results come back in
    // the jobs' order, so messages and outputs do not depend on it.
    let mut order: Vec<(usize, Job)> = jobs.into_iter().enumerate().collect();
    order.sort_by_key(|(_, j)| matches!(j.target, Target::Page(_) | Target::Translation(_)));
    let render = |j: Job| -> Rendered {
        let fail = |e: minijinja::Error| {
            (
                template_error(&e, set, &j.template),
                j.origin.display().to_string(),
            )
        };
        let tmpl = env.get_template(&j.template).map_err(fail)?;
        let html = tmpl.render(&j.ctx).map_err(fail)?;
        if let Some(lacks) = crate::checks::safety::missing(&site.config, &html, sensitive(&j.ctx))
        {
            return Err((
                unsafe_template(set, &j.template, &lacks),
                j.origin.display().to_string(),
            ));
        }
        let mut body = Body::Bytes(html.into_bytes());
        if let Some(sink) = sink {
            sink(&j.path, &body).map_err(|e| {
                (
                    Diagnostic::from_anyhow(None, &e),
                    j.origin.display().to_string(),
                )
            })?;
            body = Body::Written;
        }
        Ok(OutputFile {
            path: j.path,
            body,
            origin: j.origin.display().to_string(),
        })
    };
    let mut rendered: Vec<(usize, Rendered)> =
        order.into_par_iter().map(|(i, j)| (i, render(j))).collect();
    rendered.sort_unstable_by_key(|(i, _)| *i);

    let mut out = Vec::with_capacity(rendered.len());
    let mut template_errors: Vec<(Diagnostic, Vec<String>)> = Vec::new();
    for (_, r) in rendered {
        match r {
            Ok(f) => out.push(f),
            // One broken template fails every page using it: report it once, with a count.
            Err((d, origin)) => match template_errors.iter_mut().find(|(e, _)| *e == d) {
                Some((_, origins)) => origins.push(origin),
                None => template_errors.push((d, vec![origin])),
            },
        }
    }
    for (mut d, origins) in template_errors {
        let others = origins.len() - 1;
        d.message
            .push_str(&format!(" (while rendering {}", origins[0]));
        if others > 0 {
            d.message.push_str(&format!(
                " and {others} other{}",
                if others == 1 { "" } else { "s" }
            ));
        }
        d.message.push(')');
        diags.push(d);
    }
    diags.sorted().into_result(out)
}

/// Aliases, feeds, sitemap, robots.txt, page assets and static files.
pub fn extras(site: &Site, views: &Views) -> Vec<Result<OutputFile, Diagnostic>> {
    let cfg = &site.config;
    let base = cfg.base_path();
    let mut out: Vec<Result<OutputFile, Diagnostic>> = Vec::new();

    // iCalendar: one file per session, and per training section every upcoming session.
    let prodid = format!("-//{}//Haven {}//EN", cfg.title, env!("CARGO_PKG_VERSION"));
    for (section, pages) in crate::training::event_pages(site) {
        for &i in &pages {
            let p = &site.pages[i];
            if let Some(e) = crate::training::event_of(p) {
                out.push(Ok(OutputFile {
                    path: crate::training::ics_path(p, base),
                    body: Body::Bytes(
                        crate::ical::calendar(
                            &p.meta.common.title,
                            &prodid,
                            &[crate::training::ical_event(site, p, e)],
                        )
                        .into_bytes(),
                    ),
                    origin: p.doc.file.display().to_string(),
                }));
            }
        }
        let s = &site.sections[section];
        let upcoming: Vec<crate::ical::Event> = views
            .upcoming_events
            .iter()
            .filter(|&&i| site.pages[i].section == section)
            .filter_map(|&i| {
                let p = &site.pages[i];
                crate::training::event_of(p).map(|e| crate::training::ical_event(site, p, e))
            })
            .collect();
        out.push(Ok(OutputFile {
            path: format!("{}calendar.ics", s.doc.url.strip_prefix(base).unwrap_or("")),
            body: Body::Bytes(
                crate::ical::calendar(
                    &format!("{}: {}", cfg.title, s.meta.common.title),
                    &prodid,
                    &upcoming,
                )
                .into_bytes(),
            ),
            origin: s.doc.file.display().to_string(),
        }));
    }

    for (a, url, file, source) in aliases(site) {
        out.push(match alias_path(&a.value) {
            Ok(path) => Ok(OutputFile {
                path,
                body: Body::Bytes(feeds::redirect_page(cfg, url).into_bytes()),
                origin: file.display().to_string(),
            }),
            Err(why) => Err(Diagnostic::in_file(
                file,
                format!(
                    "the alias `{}` is not a safe address on this site: {why}",
                    a.value
                ),
            )
            .at_in(source, a.line, a.column)
            .hint(ALIAS_HINT)),
        });
    }
    for s in &site.sections {
        if let Some(per) = s.meta.paginate_by
            && (s.pages.len() > per as usize)
        {
            out.push(Ok(OutputFile {
                path: url_to_path(&format!("{}page/1/", s.doc.url), base),
                body: Body::Bytes(feeds::redirect_page(cfg, &s.doc.url).into_bytes()),
                origin: s.doc.file.display().to_string(),
            }));
        }
        if s.meta.feed {
            out.push(Ok(OutputFile {
                path: format!("{}atom.xml", s.doc.url.strip_prefix(base).unwrap_or("")),
                body: Body::Bytes(feeds::atom(site, s).into_bytes()),
                origin: s.doc.file.display().to_string(),
            }));
        }
    }
    out.push(Ok(OutputFile {
        path: "sitemap.xml".into(),
        body: Body::Bytes(feeds::sitemap(site).into_bytes()),
        origin: "the sitemap".into(),
    }));
    out.push(Ok(OutputFile {
        path: "robots.txt".into(),
        body: Body::Bytes(feeds::robots(cfg).into_bytes()),
        origin: "robots.txt".into(),
    }));
    if cfg.headers_file {
        out.push(Ok(OutputFile {
            path: "_headers".into(),
            body: Body::Bytes(feeds::headers(cfg).into_bytes()),
            origin: "the security headers (headers_file in site.yaml)".into(),
        }));
    }
    for a in &site.assets {
        out.push(Ok(OutputFile {
            path: a.dest.clone(),
            body: Body::Copy(a.source.clone()),
            origin: a.shown(&site.root),
        }));
    }
    out.extend(static_files(site).into_iter().map(Ok));
    crate::images::publish(&site.root, &site.config.images, &views.images, out)
}

/// The output path for an alias, or why it cannot be one (words to follow "it is not a safe
/// address on this site: "). An alias is only ever a page address on this site, written as a
/// folder (`/old-page/`, `/old-page`) or an `.html` file, so it can never replace or hide one of
/// the site's own files such as `robots.txt`.
pub fn alias_path(alias: &str) -> Result<String, &'static str> {
    let a = alias.trim();
    if a.contains("://") || a.starts_with("//") {
        return Err("it is a full web address, and an alias must be an address on this site");
    }
    if a.contains(':') {
        return Err(
            "it contains `:`, so browsers would read it as another kind of address (like `javascript:`), not a page of this site",
        );
    }
    if a.contains(['?', '#']) {
        return Err(
            "the part after `?` or `#` is not part of a page's address, so a static site cannot redirect it",
        );
    }
    if a.contains('\\') || a.chars().any(char::is_control) {
        return Err("it contains `\\` or an invisible control character");
    }
    let comps: Vec<&str> = a.split('/').filter(|c| !c.is_empty()).collect();
    let Some(last) = comps.last() else {
        return Err("it is the address of the home page");
    };
    if comps.iter().any(|c| *c == "." || *c == "..") {
        return Err("it contains `..` or `.` as a folder, which would point outside the site");
    }
    if comps.iter().any(|c| c.starts_with('.')) {
        return Err("a part of it starts with a dot (like `.git`), which web servers keep hidden");
    }
    if comps.iter().any(|c| !crate::layout::is_safe_component(c)) {
        return Err("it contains a character that cannot be part of a file name");
    }
    let joined = comps.join("/");
    let lower = last.to_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") {
        Ok(joined)
    } else if a.ends_with('/') || !last.contains('.') {
        Ok(format!("{joined}/index.html"))
    } else {
        Err(
            "it names a file, not a page: an alias must end in / or .html, so that it can never replace one of the site's own files",
        )
    }
}

fn static_files(site: &Site) -> Vec<OutputFile> {
    // Unreadable folders were reported when the templates were read; a static folder that
    // cannot be read is caught again when its files are copied.
    let mut ignored = crate::diagnostics::Diagnostics::new();
    let theme = site.config.theme.as_deref();
    crate::theme::files(&site.layout, theme, STATIC, Some(STATIC), &mut ignored)
        .into_iter()
        .map(|f| OutputFile {
            origin: f.shown.display().to_string(),
            body: match f.source {
                Source::Disk(p) => Body::Copy(p),
                Source::BuiltIn(b) => Body::Static(b),
            },
            path: f.rel,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_stay_inside() {
        assert_eq!(
            alias_path("/old/page/").as_deref(),
            Ok("old/page/index.html")
        );
        assert_eq!(
            alias_path("/old/page").as_deref(),
            Ok("old/page/index.html")
        );
        assert_eq!(alias_path("old.html").as_deref(), Ok("old.html"));
        assert_eq!(
            alias_path("/v1.2/notes/").as_deref(),
            Ok("v1.2/notes/index.html")
        );
        for bad in [
            "/../../etc/",
            "https://evil.example/",
            "//evil.example/",
            "/",
            "",
            "javascript:x",
            "/a:b/",
            "/.git/config.html",
            "/.well-known/x/",
            "/robots.txt",
            "/sitemap.xml",
            "/report.pdf",
            "/old?id=3",
            "/old#top",
            "/a\\b/",
            "/a\tb/",
        ] {
            assert!(alias_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn main_after_title_skips_the_alerts_and_title_and_stops_at_main() {
        let html = "<header>Home</header><main id=\"m\"><div>Alert</div><h1>Sub-groups</h1><h2>Training</h2><p>Chair</p></main><footer>999</footer>";
        assert_eq!(
            main_after_title(html),
            Some("<h2>Training</h2><p>Chair</p>")
        );
        // No title: everything inside main.
        assert_eq!(main_after_title("<main><p>x</p></main>"), Some("<p>x</p>"));
        assert_eq!(main_after_title("<p>no main</p>"), None);
    }

    #[test]
    fn url_paths() {
        assert_eq!(url_to_path("/a/b/", "/"), "a/b/index.html");
        assert_eq!(url_to_path("/lscp/a/", "/lscp/"), "a/index.html");
        assert_eq!(url_to_path("/", "/"), "index.html");
    }

    #[test]
    fn duplicate_outputs_name_both_sources() {
        let mut o = Outputs::default();
        let f = |origin: &str| OutputFile {
            path: "a/index.html".into(),
            body: Body::Bytes(vec![]),
            origin: origin.into(),
        };
        o.add(f("content/a.md")).unwrap();
        let e = o.add(f("content/a/index.md")).unwrap_err();
        assert!(
            e.message.contains("content/a.md") && e.message.contains("content/a/index.md"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_file_where_another_needs_a_folder_clashes() {
        let f = |path: &str, origin: &str| OutputFile {
            path: path.into(),
            body: Body::Bytes(vec![]),
            origin: origin.into(),
        };
        let mut o = Outputs::default();
        o.add(f("robots.txt/index.html", "content/about.md"))
            .unwrap();
        o.add(f("robots.txt.html", "content/b.md")).unwrap();
        o.add(f("robots.txt-old/index.html", "content/c.md"))
            .unwrap();
        let e = o.add(f("robots.txt", "robots.txt")).unwrap_err();
        assert!(e.message.contains("content/about.md"), "{}", e.message);
        assert!(e.message.contains("needs a folder"), "{}", e.message);
        let e = o.add(f("robots.txt/index.html/x", "static/x")).unwrap_err();
        assert!(e.message.contains("content/about.md"), "{}", e.message);
        assert!(o.clash("robots.txt/other.html").is_none());
        assert!(o.clash("robots").is_none());
    }
}
