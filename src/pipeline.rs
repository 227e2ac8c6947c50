//! The pipeline that `build`, `check` and `serve` all drive: config → content → Markdown →
//! checks → views → templates → render, with the search index built alongside. A full run
//! gives `Stages`; `serve`'s change plan asks the same stages to redo only part of the work
//! (`Stages::edit_bodies`, `Stages::edit_templates`), and writing is [`crate::output`]'s.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::checks::Checks;
use crate::config::Config;
use crate::content::{self, Site, Unreadable};
use crate::diagnostics::{Diagnostic, Diagnostics, Level};
use crate::glossary::Glossary;
use crate::layout::Layout;
use crate::markdown::{self, LinkContext, Rendered, Source};
use crate::output::{self, OutputFile};
use crate::render::{self, Target};
use crate::templates::TemplateSet;
use crate::views::{self, Views};

/// What `haven build` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
    /// Where to write; `root/public` when `None`.
    pub output_dir: Option<PathBuf>,
    /// Include pages and sections marked `draft: true`.
    pub drafts: bool,
    /// Replaces `base_url` from `site.yaml` (for previews and staging hosts).
    pub base_url: Option<String>,
    /// What counts as now for alerts and upcoming events; the clock when `None`.
    pub now: Option<jiff::Timestamp>,
    /// Estimate every page's reading age even when the readability rule is off (for the
    /// content report).
    pub reading_ages: bool,
    /// Fail the build, leaving the previous output as it was, if there is any warning.
    pub deny_warnings: bool,
}

impl BuildOptions {
    /// The output folder these options write to.
    pub fn output(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Wall time per pipeline stage, for profiling a build without a profiler.
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// Each stage in turn.
    pub stages: Vec<(&'static str, Duration)>,
    /// Work done alongside a stage (not added to the total): after which stage, what, how long.
    pub alongside: Vec<(usize, &'static str, Duration)>,
}

impl Timings {
    /// Records that `stage` ended now, `since` it started; returns now for the next stage.
    pub(crate) fn lap(&mut self, stage: &'static str, since: Instant) -> Instant {
        let now = Instant::now();
        self.stages.push((stage, now - since));
        now
    }

    /// Records a stage that ran before all those recorded so far.
    pub(crate) fn first(&mut self, stage: &'static str, took: Duration) {
        self.stages.insert(0, (stage, took));
        for (after, _, _) in &mut self.alongside {
            *after += 1;
        }
    }

    /// Records work that ran alongside the stages just recorded (shown under the last).
    pub(crate) fn note(&mut self, what: &'static str, took: Duration) {
        self.alongside.push((self.stages.len(), what, took));
    }
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let total: Duration = self.stages.iter().map(|(_, d)| *d).sum();
        let share = |d: &Duration| {
            if total.is_zero() {
                0.0
            } else {
                100.0 * d.as_secs_f64() / total.as_secs_f64()
            }
        };
        for (i, (stage, d)) in self.stages.iter().enumerate() {
            writeln!(
                f,
                "  {stage:<34} {:>8.1} ms {:>5.1}%",
                d.as_secs_f64() * 1e3,
                share(d)
            )?;
            for (_, what, d) in self.alongside.iter().filter(|a| a.0 == i + 1) {
                writeln!(
                    f,
                    "    alongside them: {what:<18} {:>8.1} ms",
                    d.as_secs_f64() * 1e3
                )?;
            }
        }
        write!(f, "  {:<34} {:>8.1} ms", "total", total.as_secs_f64() * 1e3)
    }
}

/// Opens the site folder and reads its configuration, applying command-line overrides. The
/// output folder is kept out of reach of the site's links, so a site never publishes itself.
pub fn open_site(opts: &BuildOptions) -> Result<(Layout, Config), Diagnostics> {
    let mut layout = Layout::open(&opts.root)?;
    layout.exclude(&opts.output());
    let mut config = Config::load(&mut layout)?;
    if let Some(url) = &opts.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(
                Diagnostic::error(format!("--base-url `{url}` is not an http(s) address"))
                    .hint("pass a full address such as --base-url https://preview.example.org/")
                    .into(),
            );
        }
        config.base_url = crate::config::normalise_base_url(url);
    }
    Ok((layout, config))
}

/// Everything the Markdown stage reads besides the page itself. Two builds with equal
/// contexts render an unchanged body to the same HTML, which is what lets `serve` reuse it.
pub(crate) struct MarkdownContext {
    urls: std::collections::HashMap<String, String>,
    pub(crate) glossary: Glossary,
    glossary_source: Option<String>,
    checks: Checks,
    allow_raw_html: bool,
    drafts: std::collections::HashSet<String>,
    /// Content paths of the files left out because they could not be read.
    left_out: HashSet<String>,
    /// The size of every image the site publishes.
    images: crate::images::ImageSizes,
    /// Whether the site's main language is English, which the glossary and the language
    /// checks are written in.
    english: bool,
    /// Whether the site's main language is written right to left.
    rtl: bool,
    /// No glossary, for the pages in other languages: an English expansion of an acronym
    /// would be wrong there.
    no_glossary: Glossary,
    /// Per language of `config.languages`, `urls` with each page that has a translation into
    /// it pointing at the translation (empty for a language with none).
    urls_in: Vec<std::collections::HashMap<String, String>>,
}

/// The language a body is written in, for what applies to it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyLanguage {
    /// English: the glossary and the language checks apply.
    pub(crate) english: bool,
    /// Written right to left: numbers in it are marked left to right.
    pub(crate) rtl: bool,
    /// The index in `config.languages` of a translation's language.
    pub(crate) translation: Option<usize>,
}

impl MarkdownContext {
    /// The context for `site`. A file left out because it could not be read (`unreadable`)
    /// keeps an address here, so that a link to it is not reported as broken as well: its
    /// own error is the one to fix.
    pub(crate) fn new(
        site: &Site,
        reading_ages: bool,
        unreadable: &[Unreadable],
    ) -> Result<MarkdownContext, Diagnostics> {
        let mut urls = views::url_map(site);
        for u in unreadable {
            let url = u.url.clone();
            urls.entry(u.path.clone())
                .or_insert_with(|| url.unwrap_or_else(|| site.config.base_path().to_string()));
        }
        let by_language = urls_in(site, &urls);
        Ok(MarkdownContext {
            urls,
            glossary: Glossary::from_data(&site.data_sources)?,
            glossary_source: site
                .data_sources
                .get(crate::glossary::GLOSSARY_FILE)
                .cloned(),
            checks: Checks {
                config: site.config.checks.clone(),
                language: crate::checks::load_language(&site.layout, site.config.theme.as_deref())?,
                allowed_caps: crate::config::checks::allowed_caps(&site.config.checks),
                force_readability: reading_ages,
            },
            allow_raw_html: site.config.allow_raw_html,
            drafts: site.draft_paths.clone(),
            left_out: unreadable.iter().map(|u| u.path.clone()).collect(),
            images: image_sizes(site),
            english: is_english(&site.config.language),
            rtl: crate::strings::direction(&site.config.language) == "rtl",
            no_glossary: Glossary::default(),
            urls_in: by_language,
        })
    }

    /// What a body in `language` has its links, images and acronyms rendered against:
    /// acronyms are marked only in English, and a link from a translation to a page goes to
    /// that page's translation into the same language, where there is one.
    pub(crate) fn links(&self, language: BodyLanguage) -> LinkContext<'_> {
        LinkContext {
            urls: language
                .translation
                .and_then(|l| self.urls_in.get(l))
                .filter(|m| !m.is_empty())
                .unwrap_or(&self.urls),
            allow_raw_html: self.allow_raw_html,
            glossary: if language.english {
                &self.glossary
            } else {
                &self.no_glossary
            },
            drafts: &self.drafts,
            images: &self.images,
            rtl: language.rtl,
        }
    }

    /// The language of the site's main pages.
    pub(crate) fn main_language(&self) -> BodyLanguage {
        BodyLanguage {
            english: self.english,
            rtl: self.rtl,
            translation: None,
        }
    }

    /// Whether a body rendered under `other` renders the same under `self`.
    fn same_as(&self, other: &MarkdownContext) -> bool {
        self.urls == other.urls
            && self.glossary_source == other.glossary_source
            && self.checks == other.checks
            && self.allow_raw_html == other.allow_raw_html
            && self.drafts == other.drafts
            && self.left_out == other.left_out
            && self.images == other.images
            && self.urls_in == other.urls_in
    }
}

/// Per language of the site, the content-path map `urls` with each page and section that has
/// a translation into it pointing at the translation; empty for a language with none.
fn urls_in(
    site: &Site,
    urls: &std::collections::HashMap<String, String>,
) -> Vec<std::collections::HashMap<String, String>> {
    (0..site.config.languages.len())
        .map(|lang| {
            let translated = site.translated_urls(lang);
            if translated.is_empty() {
                return translated;
            }
            let mut map = urls.clone();
            map.extend(translated);
            map
        })
        .collect()
}

/// The sizes of the images the site publishes, from `content/` and the static folders (read
/// from their headers; the images themselves are processed with the other outputs).
fn image_sizes(site: &Site) -> crate::images::ImageSizes {
    let images = crate::images::site_images(site);
    crate::images::ImageSizes::read(
        &site.root,
        site.config.base_path(),
        &site.config.images,
        &images,
    )
}

/// Whether the language `tag` is English (`en`, `en-GB`…).
pub(crate) fn is_english(tag: &str) -> bool {
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    primary.eq_ignore_ascii_case("en")
}

/// Renders one page or section body written in `language`.
pub(crate) fn render_body(
    doc: &crate::content::Document,
    text: &str,
    body: &str,
    cx: &MarkdownContext,
    language: BodyLanguage,
) -> Result<Rendered, Diagnostics> {
    let english = language.english;
    let src = Source {
        file: &doc.file,
        text,
        body_line: doc.body_line,
        url: &doc.url,
    };
    let (mut rendered, facts) = markdown::render(body, &src, &cx.links(language))?;
    let (findings, readability) =
        crate::checks::page(&facts, body, &src, &cx.checks, &cx.glossary, english);
    rendered.findings = findings;
    rendered.readability = readability;
    Ok(rendered)
}

/// Every page and section body rendered, and the addresses of those that failed.
struct Bodies {
    pages: Vec<Rendered>,
    sections: Vec<Rendered>,
    translations: Vec<Rendered>,
    /// URLs of the pages and sections whose body could not be rendered (their errors are
    /// reported): their headings are unknown, so links to their anchors are not checked.
    failed: HashSet<String>,
}

/// Renders every page and section body; a body that fails gets an empty rendering and its
/// errors go in `problems`, so the checks of the others still run.
fn render_markdown(
    site: &Site,
    cx: &MarkdownContext,
    previous: Option<&Stages>,
    problems: &mut Diagnostics,
) -> Bodies {
    // A body that has not changed since the previous build (under the same context) keeps
    // its HTML: `serve` re-renders only what was edited.
    let reuse = previous.filter(|p| p.markdown.same_as(cx));
    let pages: Vec<Result<Rendered, Diagnostics>> = site
        .pages
        .par_iter()
        .map(|p| {
            if let Some(prev) = reuse
                && let Some(&j) = prev.site.page_by_path.get(&p.doc.path)
                && prev.site.pages[j].doc.body() == p.doc.body()
                && prev.site.pages[j].doc.body_line == p.doc.body_line
            {
                return Ok(prev.pages[j].clone());
            }
            render_body(&p.doc, &p.doc.source, p.doc.body(), cx, cx.main_language())
        })
        .collect();
    let sections: Vec<Result<Rendered, Diagnostics>> = site
        .sections
        .par_iter()
        .map(|s| render_body(&s.doc, &s.doc.source, s.doc.body(), cx, cx.main_language()))
        .collect();
    let translations: Vec<Result<Rendered, Diagnostics>> = site
        .translations
        .par_iter()
        .map(|t| {
            let l = &site.config.languages[t.lang];
            let language = BodyLanguage {
                english: is_english(&l.tag),
                rtl: crate::strings::direction_of(l) == "rtl",
                translation: Some(t.lang),
            };
            render_body(&t.doc, &t.doc.source, t.doc.body(), cx, language)
        })
        .collect();
    // Content paths and URLs of the bodies that failed.
    let mut failed: Vec<(&str, &str)> = Vec::new();
    let mut p = keep_rendered(
        pages,
        site.pages.iter().map(|p| &p.doc),
        problems,
        &mut failed,
    );
    let mut s = keep_rendered(
        sections,
        site.sections.iter().map(|s| &s.doc),
        problems,
        &mut failed,
    );
    let mut t = keep_rendered(
        translations,
        site.translations.iter().map(|t| &t.doc),
        problems,
        &mut failed,
    );
    // A link to a file left out, or to a body that failed, names a page that is there, only
    // unreadable: its own error is the one to fix, and its headings are unknown. These
    // bodies are only checked, never published, so such links are simply not checked.
    let skip: HashSet<&str> = cx
        .left_out
        .iter()
        .map(String::as_str)
        .chain(failed.iter().map(|(path, _)| *path))
        .collect();
    if !skip.is_empty() {
        for r in p.iter_mut().chain(s.iter_mut()).chain(t.iter_mut()) {
            r.links.retain(|l| !skip.contains(l.target.as_str()));
        }
    }
    if let Err(d) = crate::checks::anchor_errors(site, &p, &s) {
        problems.extend(d);
    }
    Bodies {
        pages: p,
        sections: s,
        translations: t,
        failed: failed.iter().map(|(_, url)| url.to_string()).collect(),
    }
}

/// Takes the rendering of each of `docs`; returns the bodies, an empty one where rendering
/// failed, putting its errors in `problems` and its content path and URL in `failed`.
fn keep_rendered<'a>(
    rendered: Vec<Result<Rendered, Diagnostics>>,
    docs: impl Iterator<Item = &'a crate::content::Document>,
    problems: &mut Diagnostics,
    failed: &mut Vec<(&'a str, &'a str)>,
) -> Vec<Rendered> {
    rendered
        .into_iter()
        .zip(docs)
        .map(|(r, doc)| {
            r.unwrap_or_else(|d| {
                problems.extend(d);
                failed.push((doc.path.as_str(), doc.url.as_str()));
                Rendered::default()
            })
        })
        .collect()
}

/// Every stage's result, kept by `serve` so that the next change re-does only what it
/// affects.
pub(crate) struct Stages {
    pub(crate) site: Site,
    pub(crate) templates: TemplateSet,
    pub(crate) markdown: MarkdownContext,
    pub(crate) pages: Vec<Rendered>,
    pub(crate) sections: Vec<Rendered>,
    pub(crate) translations: Vec<Rendered>,
    pub(crate) alerts: Vec<crate::alerts::Alert>,
    /// `data/search.yaml` with the built-in safety searches.
    pub(crate) search: crate::search::settings::SearchSettings,
    pub(crate) views: Arc<Views>,
    pub(crate) outputs: output::Outputs,
    pub(crate) findings: Diagnostics,
    pub(crate) now: jiff::Timestamp,
    pub(crate) timings: Timings,
}

/// The page and section titles by content path, for alert messages.
fn titles(site: &Site) -> std::collections::HashMap<String, String> {
    site.pages
        .iter()
        .map(|p| (p.doc.path.clone(), p.meta.common.title.clone()))
        .chain(
            site.sections
                .iter()
                .map(|s| (s.doc.path.clone(), s.meta.common.title.clone())),
        )
        .collect()
}

/// Why a run gave no site to write: every problem it found, errors and warnings alike, so
/// that `haven check` can show them all and a build only the errors.
#[derive(Debug)]
pub(crate) struct Stopped(pub(crate) Diagnostics);

impl Stopped {
    /// The errors among the problems.
    pub(crate) fn errors(self) -> Diagnostics {
        let mut errors = self.0;
        errors.0.retain(|d| d.level == Level::Error);
        errors
    }
}

/// Whether the theme's words are there, whole, for each of the site's languages, before any
/// page is dressed in them; and whether each language has its "Worried about a child?" page.
fn strings_findings(site: &Site, set: &TemplateSet, left_out: &[Unreadable]) -> Diagnostics {
    let config_text = || {
        site.layout
            .read(std::path::Path::new(crate::config::CONFIG_FILE))
            .and_then(Result::ok)
            .and_then(|b| crate::text::decode_text(&b).ok())
            .unwrap_or_default()
    };
    let cfg = &site.config;
    let mut out = set.strings.check(&cfg.language, &config_text);
    for l in &cfg.languages {
        if !crate::config::languages::same_tag(&l.tag, &cfg.language) {
            out.extend(set.strings.check(&l.tag, &config_text));
        }
    }
    out.extend(safety_in_every_language(site, &config_text, left_out));
    out
}

/// A reader who does not read English must find how to report a concern in their language:
/// each language the site lists needs its translation of the `report:` page. A translation
/// that is there but could not be read (`left_out`) has its own error; one that is a draft
/// left out of this build is named as such.
fn safety_in_every_language(
    site: &Site,
    config_text: &dyn Fn() -> String,
    left_out: &[Unreadable],
) -> Diagnostics {
    let cfg = &site.config;
    let mut out = Diagnostics::new();
    let Some(report) = &cfg.report else {
        return out;
    };
    let path = report.page.trim_start_matches("@/");
    let path = path.split('#').next().unwrap_or(path);
    let Some(translations) = site.translations_of_path(path) else {
        // A report page that does not exist is reported by the settings' link checks.
        return out;
    };
    for (i, l) in cfg.languages.iter().enumerate() {
        if crate::config::languages::same_tag(&l.tag, &cfg.language)
            || translations.iter().any(|&k| site.translations[k].lang == i)
        {
            continue;
        }
        let name = path.rsplit_once(".md").map_or(path, |(stem, _)| stem);
        let wanted = format!("{name}.{}.md", l.tag).to_lowercase();
        if left_out.iter().any(|u| u.path.to_lowercase() == wanted) {
            continue;
        }
        let draft = site.draft_paths.iter().any(|d| d.to_lowercase() == wanted);
        let text = config_text();
        let line = crate::config::languages::tag_line(&text, &l.tag);
        out.push(
            Diagnostic::in_file(
                crate::config::CONFIG_FILE,
                format!(
                    "the site lists {} ({}), but has no {} translation of the page that says how to report a concern, content/{path}",
                    l.name, l.tag, l.name
                ),
            )
            .at_in(&text, line, 1)
            .hint(if draft {
                format!(
                    "content/{name}.{}.md is a draft (draft: true), so this build leaves it out: remove the draft line once it is ready, or remove {} from languages: until then",
                    l.tag, l.tag
                )
            } else {
                format!(
                    "every language's readers must be able to find who to call: add content/{name}.{}.md, translated, or remove {} from languages: until it is ready",
                    l.tag, l.tag
                )
            }),
        );
    }
    out
}

/// Runs every stage; on failure, only the errors (see [`run_all`]).
pub(crate) fn run_stages(
    opts: &BuildOptions,
    previous: Option<&Stages>,
    sink: Option<output::Sink<'_>>,
) -> Result<Stages, Diagnostics> {
    run_all(opts, previous, sink).map_err(Stopped::errors)
}

/// Runs every stage. A problem stops the run only when nothing after can do without what
/// failed: a file that cannot be read is left out and the rest is still rendered and
/// checked, so one run reports everything. Templates are rendered (and files handed to
/// `sink`) only when nothing has failed; otherwise the site checks run against the files the
/// site would have, and the run ends in [`Stopped`].
pub(crate) fn run_all(
    opts: &BuildOptions,
    previous: Option<&Stages>,
    sink: Option<output::Sink<'_>>,
) -> Result<Stages, Stopped> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let (layout, config) = open_site(opts).map_err(Stopped)?;
    let layout = Arc::new(layout);
    let theme = config.theme.clone();
    let (loaded, templates) = rayon::join(
        || content::load(layout.clone(), config, opts.drafts),
        || TemplateSet::load(&layout, theme.as_deref()),
    );
    let mut problems = Diagnostics::new();
    let templates = templates.map_err(|d| problems.extend(d)).ok();
    let content::Loaded {
        site,
        unreadable,
        errors,
    } = match loaded {
        Ok(l) => l,
        Err(d) => {
            problems.extend(d);
            return Err(Stopped(problems.sorted()));
        }
    };
    problems.extend(errors);
    if let Some(set) = &templates {
        problems.extend(strings_findings(&site, set, &unreadable));
    }
    let t = timings.lap("read content, front matter, templates", t);
    let markdown = match MarkdownContext::new(&site, opts.reading_ages, &unreadable) {
        Ok(m) => m,
        Err(d) => {
            problems.extend(d);
            return Err(Stopped(problems.sorted()));
        }
    };
    let Bodies {
        pages,
        sections,
        translations,
        failed,
    } = render_markdown(&site, &markdown, previous, &mut problems);
    let t = timings.lap("render Markdown", t);
    let mut findings = Diagnostics::new();
    for r in pages.iter().chain(&sections).chain(&translations) {
        findings.0.extend(r.findings.iter().cloned());
    }
    let now = opts.now.unwrap_or_else(jiff::Timestamp::now);
    let alerts = crate::alerts::load(&site.data_sources, &markdown.urls, &titles(&site))
        .unwrap_or_else(|d| {
            problems.push(d);
            Vec::new()
        });
    // The theme's schemas describe what its templates read: a data file or `extra` that does
    // not fit is reported in its own file, before a template would fail on it.
    problems.extend(crate::render::schema_findings(&site, &markdown.images));
    // Settings hold only `@/` paths, which need no rendered output to check.
    problems.0.extend(crate::checks::settings_link_findings(
        &site,
        &pages,
        &|_| true,
    ));
    let search = crate::search::settings::SearchSettings::from_data(&site.data_sources)
        .unwrap_or_else(|d| {
            problems.extend(d);
            Default::default()
        });
    problems.extend(search.reader_findings(&site));
    let built = Built {
        site: &site,
        pages: &pages,
        sections: &sections,
        translations: &translations,
        markdown: &markdown,
        alerts: &alerts,
        search: &search,
        now,
    };
    let rendered = match templates {
        Some(set) if !problems.has_errors() => built
            .render(&set, sink, &mut timings, t)
            .map(|(views, outputs)| (set, views, outputs)),
        _ => Err(Diagnostics::new()),
    };
    let (templates, views, outputs) = match rendered {
        Ok(done) => done,
        Err(d) => {
            problems.extend(d);
            problems.extend(findings);
            problems.extend(built.unrendered_findings(&unreadable, &failed));
            problems.extend(layout.take_warnings());
            return Err(Stopped(problems.sorted()));
        }
    };
    let t = Instant::now();
    let has = |path: &str| outputs.files.contains_key(path);
    findings.0.extend(crate::checks::site_findings(
        &site,
        &pages,
        &translations,
        &markdown.images,
        &has,
        now,
    ));
    findings.0.extend(crate::checks::section_link_findings(
        &site, &pages, &sections, &has,
    ));
    // Every file has been read by now: the links skipped on the way are warnings.
    findings.extend(layout.take_warnings());
    timings.lap("site checks", t);
    Ok(Stages {
        site,
        templates,
        markdown,
        pages,
        sections,
        translations,
        alerts,
        search,
        views,
        outputs,
        findings: findings.sorted(),
        now,
        timings,
    })
}

/// What the stages before the templates made: enough to render the site, or, when something
/// has failed already, to check it without rendering.
struct Built<'a> {
    site: &'a Site,
    pages: &'a [Rendered],
    sections: &'a [Rendered],
    translations: &'a [Rendered],
    markdown: &'a MarkdownContext,
    alerts: &'a [crate::alerts::Alert],
    search: &'a crate::search::settings::SearchSettings,
    now: jiff::Timestamp,
}

/// The words for sessions' dates, times and places in the site's main language, from the
/// theme's words in `set` (English without them).
fn session_words<'a>(site: &Site, set: Option<&'a TemplateSet>) -> crate::training::Words<'a> {
    crate::training::Words::new(
        set.and_then(|s| s.strings.for_language(&site.config.language)),
        &site.config.language,
    )
}

impl Built<'_> {
    /// The views, with sessions worded in the words of `set` (English without it).
    fn views(&self, set: Option<&TemplateSet>) -> Views {
        Views::build(
            self.site,
            views::Bodies {
                pages: self.pages,
                sections: self.sections,
                translations: self.translations,
            },
            self.now,
            self.alerts,
            &self.markdown.glossary,
            None,
            &session_words(self.site, set),
        )
        .with_images(&self.markdown.images)
    }

    /// Renders every output with `templates`, handing each file to `sink`, and the search
    /// index alongside; `t` is when the stage began, for `timings`.
    fn render(
        &self,
        templates: &TemplateSet,
        sink: Option<output::Sink<'_>>,
        timings: &mut Timings,
        t: Instant,
    ) -> Result<(Arc<Views>, output::Outputs), Diagnostics> {
        let site = self.site;
        // The search index reads the rendered Markdown (and the few pages on their own
        // templates, rendered for it), so it is built while the templates render: it fills
        // the gaps where they leave a processor idle (writing files waits on the disk).
        let start = Instant::now();
        let views = Arc::new(self.views(Some(templates)));
        let view_time = start.elapsed();
        let (rendered, index) = rayon::join(
            || render::render_site(site, views.clone(), templates, sink),
            || {
                let start = Instant::now();
                site.config.search.enabled.then(|| {
                    let shown = render::templated_text(
                        site,
                        views.clone(),
                        templates,
                        &crate::search::reads_as_shown,
                    );
                    let glossary = &self.markdown.glossary;
                    let words = session_words(site, Some(templates));
                    let texts = crate::search::Texts {
                        pages: self.pages,
                        sections: self.sections,
                        shown: &shown,
                        translations: self.translations,
                        words: &words,
                    };
                    let files =
                        crate::search::index(site, &texts, glossary, self.search, self.now, sink);
                    (files, start.elapsed())
                })
            },
        );
        timings.stages.push(("model views", view_time));
        timings.lap(
            if sink.is_some() {
                "render templates and write"
            } else {
                "render templates"
            },
            t + view_time,
        );
        let mut outputs = rendered?;
        if let Some((files, took)) = index {
            timings.note("search index", took);
            let files = files.map_err(|e| Diagnostic::from_anyhow(None, &e))?;
            let mut clashes = Diagnostics::new();
            for f in files {
                if let Err(d) = outputs.add(f) {
                    clashes.push(d);
                }
            }
            clashes.into_result(())?;
        }
        Ok((views, outputs))
    }

    /// The site checks when the templates are not rendered because something failed already.
    /// Links are checked against the addresses the site would have (its pages, listings and
    /// other files, and the likely addresses of the `unreadable` files), so that one run
    /// still reports every broken link. Rendering is left out because a template can fail
    /// only because a page it asks for was left out, which would be a second, misleading
    /// error; the search index's own files are left out too, since no content links to them.
    /// Links to the pages whose body `failed` are not reported: those pages are there, and
    /// their headings, which an `#anchor` is checked against, are unknown.
    fn unrendered_findings(
        &self,
        unreadable: &[Unreadable],
        failed: &HashSet<String>,
    ) -> Diagnostics {
        let views = self.views(None);
        let base = self.site.config.base_path();
        let mut paths: HashSet<String> = render::jobs(self.site, &views, &|_| true)
            .into_iter()
            .map(|j| j.path)
            .collect();
        let mut found = Diagnostics::new();
        for f in render::extras(self.site, &views) {
            match f {
                Ok(f) => {
                    paths.insert(f.path);
                }
                Err(d) => found.push(d),
            }
        }
        paths.extend(
            unreadable
                .iter()
                .filter_map(|u| u.url.as_deref())
                .map(|url| render::url_to_path(url, base)),
        );
        let cfg = &self.site.config;
        let into_failed: HashSet<(&Path, usize, usize)> = self
            .site
            .pages
            .iter()
            .zip(self.pages)
            .flat_map(|(p, r)| {
                r.local_links
                    .iter()
                    .filter(|l| {
                        let url = link_url(&l.target, &p.doc.url, &cfg.base_url, cfg.base_path());
                        failed.contains(&url)
                    })
                    .map(|l| (p.doc.file.as_path(), l.line, l.column))
            })
            .collect();
        let has = |p: &str| paths.contains(p);
        let mut findings = crate::checks::site_findings(
            self.site,
            self.pages,
            self.translations,
            &self.markdown.images,
            &has,
            self.now,
        );
        findings.extend(crate::checks::section_link_findings(
            self.site,
            self.pages,
            self.sections,
            &has,
        ));
        found.0.extend(findings.into_iter().filter(|d| {
            let at = (d.file.as_deref(), d.line, d.column);
            !matches!(at, (Some(f), Some(l), Some(c)) if into_failed.contains(&(f, l, c)))
        }));
        found
    }
}

/// The page address (`/guidance/neglect/`) a link to `target`, written on the page at
/// `page_url`, leads to: without its `#anchor` or `?query`, and ending in `/`. A full address
/// on this site (`base_url`, whose path is `base_path`) counts as the same.
fn link_url(target: &str, page_url: &str, base_url: &str, base_path: &str) -> String {
    let own = target
        .strip_prefix(base_url)
        .map(|rest| format!("{base_path}{rest}"));
    let target = own.as_deref().unwrap_or(target);
    let path = target.split(['#', '?']).next().unwrap_or("");
    let joined = if path.is_empty() {
        page_url.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{page_url}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    if parts.is_empty() {
        "/".to_string()
    } else {
        format!("/{}/", parts.join("/"))
    }
}

/// The content checks set to `error`, if any failed.
pub(crate) fn error_findings(findings: &Diagnostics) -> Option<Diagnostics> {
    let mut errors = Diagnostics::new();
    errors
        .0
        .extend(findings.iter().filter(|d| d.level == Level::Error).cloned());
    (!errors.is_empty()).then_some(errors)
}

impl Stages {
    /// Renders edited page bodies (page index, new source text) and every output that can show
    /// them; `has` says whether a path is in the site as it is served (for link checks). On an
    /// error the stages are left as they were.
    pub(crate) fn edit_bodies(
        &mut self,
        edits: Vec<(usize, String)>,
        has: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<Vec<OutputFile>, Diagnostics> {
        let mut fresh = Vec::new();
        for (i, text) in edits {
            let p = &self.site.pages[i];
            let r = render_body(
                &p.doc,
                &text,
                &text[p.doc.body_start..],
                &self.markdown,
                self.markdown.main_language(),
            )?;
            fresh.push((i, text, r));
        }
        // Swap the new bodies in, check, and swap back if anything after fails.
        let mut old = Vec::new();
        for (i, text, r) in fresh {
            let prev_source = std::mem::replace(&mut self.site.pages[i].doc.source, text);
            let prev_rendered = std::mem::replace(&mut self.pages[i], r);
            old.push((i, prev_source, prev_rendered));
        }
        let changed: HashSet<usize> = old.iter().map(|(i, _, _)| *i).collect();
        let headings_changed = old
            .iter()
            .any(|(i, _, r)| r.anchors != self.pages[*i].anchors);
        let rendered = self
            .check_edits(&changed, headings_changed, has)
            .and_then(|()| self.render_edits(&changed));
        if rendered.is_err() {
            for (i, source, rendered) in old {
                self.site.pages[i].doc.source = source;
                self.pages[i] = rendered;
            }
        }
        rendered
    }

    /// The views again (reusing what the edits cannot change) and the outputs that show the
    /// `changed` pages.
    fn render_edits(&mut self, changed: &HashSet<usize>) -> Result<Vec<OutputFile>, Diagnostics> {
        let views = Arc::new(
            Views::build(
                &self.site,
                views::Bodies {
                    pages: &self.pages,
                    sections: &self.sections,
                    translations: &self.translations,
                },
                self.now,
                &self.alerts,
                &self.markdown.glossary,
                Some((&self.views, changed)),
                &session_words(&self.site, Some(&self.templates)),
            )
            .with_images(&self.markdown.images),
        );
        let affected = affected_targets(&self.site, &views, changed);
        let jobs = render::jobs(&self.site, &views, &|t| affected.contains(&t));
        let env = crate::templates::environment(&self.templates, views.clone());
        let rendered = render::render_jobs(&env, &self.templates, &self.site, jobs, None)?;
        self.views = views;
        Ok(rendered)
    }

    /// The error-level checks an edited body can fail: `@/` anchors across the site, and the
    /// site-path links of the edited pages (or of every page, if an edit changed the
    /// headings others may link to).
    fn check_edits(
        &self,
        changed: &HashSet<usize>,
        headings_changed: bool,
        has: &(dyn Fn(&str) -> bool + Sync),
    ) -> Result<(), Diagnostics> {
        crate::checks::anchor_errors(&self.site, &self.pages, &self.sections)?;
        let which: Vec<usize> = if headings_changed {
            (0..self.site.pages.len()).collect()
        } else {
            changed.iter().copied().collect()
        };
        let findings =
            crate::checks::link_findings(&self.site, &self.pages, has, which.into_iter());
        let mut d = Diagnostics::new();
        d.0.extend(
            self.pages
                .iter()
                .enumerate()
                .filter(|(i, _)| changed.contains(i))
                .flat_map(|(_, r)| r.findings.iter().cloned()),
        );
        d.0.extend(findings);
        match error_findings(&d) {
            Some(errors) => Err(errors.sorted()),
            None => Ok(()),
        }
    }

    /// Reads the templates again and re-renders the outputs whose templates use an edited
    /// one. `None` when that cannot be worked out (a template named through a variable).
    pub(crate) fn edit_templates(&mut self) -> Result<Option<Vec<OutputFile>>, Diagnostics> {
        let set = TemplateSet::load(&self.site.layout, self.site.config.theme.as_deref())?;
        if set.strings != self.templates.strings {
            return Ok(None);
        }
        let changed: HashSet<String> = set
            .files
            .iter()
            .filter(|(name, f)| {
                self.templates
                    .files
                    .get(*name)
                    .is_none_or(|old| old.source != f.source)
            })
            .map(|(name, _)| name.clone())
            .chain(
                self.templates
                    .files
                    .keys()
                    .filter(|n| !set.files.contains_key(*n))
                    .cloned(),
            )
            .collect();
        let (Some(old_users), Some(new_users)) = (
            self.templates.dependents(&changed),
            set.dependents(&changed),
        ) else {
            return Ok(None);
        };
        let users: HashSet<String> = old_users.union(&new_users).cloned().collect();
        let jobs: Vec<render::Job> = render::jobs(&self.site, &self.views, &|_| true)
            .into_iter()
            .filter(|j| users.contains(&j.template))
            .collect();
        let env = crate::templates::environment(&set, self.views.clone());
        let rendered = render::render_jobs(&env, &set, &self.site, jobs, None)?;
        self.templates = set;
        Ok(Some(rendered))
    }

    /// The search index's files for the pages as they are now, if search is on.
    pub(crate) fn search_files(&self) -> Option<Vec<OutputFile>> {
        if !self.site.config.search.enabled {
            return None;
        }
        let shown = render::templated_text(
            &self.site,
            self.views.clone(),
            &self.templates,
            &crate::search::reads_as_shown,
        );
        let words = session_words(&self.site, Some(&self.templates));
        let texts = crate::search::Texts {
            pages: &self.pages,
            sections: &self.sections,
            shown: &shown,
            translations: &self.translations,
            words: &words,
        };
        crate::search::index(
            &self.site,
            &texts,
            &self.markdown.glossary,
            &self.search,
            self.now,
            None,
        )
        .ok()
    }
}

/// The template renders that can show the bodies of `changed` pages.
fn affected_targets(site: &Site, views: &Views, changed: &HashSet<usize>) -> HashSet<Target> {
    let mut out = HashSet::new();
    for &i in changed {
        out.insert(Target::Page(i));
        for s in site.section_chain(site.pages[i].section) {
            out.insert(Target::Section(s));
            // A translated section lists the page too, where it is not translated.
            out.extend(
                site.sections[s]
                    .translations
                    .iter()
                    .map(|&k| Target::Translation(k)),
            );
        }
        for (t, tax) in site.taxonomies.iter().enumerate() {
            for (k, term) in tax.terms.iter().enumerate() {
                if term.pages.contains(&i) {
                    out.insert(Target::Term(t, k));
                }
            }
        }
        for (k, (l, _)) in views.listings.iter().enumerate() {
            if l.pages.contains(&i) {
                out.insert(Target::Listing(k));
            }
        }
    }
    out
}
