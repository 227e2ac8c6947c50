//! The whole pipeline: config → content → Markdown → templates → checks → output.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Site};
use crate::diagnostics::{Diagnostic, Diagnostics, Level};
use crate::glossary::Glossary;
use crate::markdown::{self, Checks, LinkContext, Rendered, Source};
use crate::render::{self, Outputs};
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
}

impl BuildOptions {
    /// The output folder these options write to.
    pub fn output(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build did, for the one-line summary.
#[derive(Clone, Debug)]
pub struct BuildSummary {
    /// Pages rendered.
    pub pages: usize,
    /// Sections rendered.
    pub sections: usize,
    /// Files written in all.
    pub files: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Where the site was written.
    pub output: PathBuf,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Built {} pages and {} sections: {} files written to {} in {} ms",
            self.pages,
            self.sections,
            self.files,
            self.output.display(),
            self.elapsed.as_millis()
        )
    }
}

/// A site rendered in memory, not yet written.
#[derive(Debug)]
pub struct RenderedSite {
    /// The model.
    pub site: Site,
    /// Every output file.
    pub outputs: Outputs,
    /// What the content checks found that did not stop the build (warnings).
    pub findings: Diagnostics,
    /// Per page, the reading-age counts, where they were gathered.
    pub readability: Vec<Option<crate::check::Readability>>,
}

/// Loads the configuration, applying command-line overrides.
pub fn load_config(opts: &BuildOptions) -> Result<Config, Diagnostic> {
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(
                Diagnostic::error(format!("--base-url `{url}` is not an http(s) address"))
                    .hint("pass a full address such as --base-url https://preview.example.org/"),
            );
        }
        config.base_url = crate::config::normalise_base_url(url);
    }
    Ok(config)
}

fn render_markdown(
    site: &Site,
    reading_ages: bool,
) -> Result<(Vec<Rendered>, Vec<Rendered>), Diagnostics> {
    let urls = views::url_map(site);
    let glossary = Glossary::from_data(&site.data_sources)?;
    let checks = Checks {
        config: site.config.checks.clone(),
        language: crate::check::load_language(&site.root, site.config.theme.as_deref())?,
        allowed_caps: crate::check::allowed_caps(&site.config.checks),
        force_readability: reading_ages,
    };
    let cx = LinkContext {
        urls: &urls,
        allow_raw_html: site.config.allow_raw_html,
        glossary: &glossary,
        checks: &checks,
        drafts: &site.draft_paths,
    };
    let pages: Vec<Result<Rendered, Diagnostics>> = site
        .pages
        .par_iter()
        .map(|p| {
            let src = Source {
                file: &p.file,
                text: &p.source,
                body_line: p.body_line,
            };
            markdown::render(p.body(), &src, &cx)
        })
        .collect();
    let sections: Vec<Result<Rendered, Diagnostics>> = site
        .sections
        .par_iter()
        .map(|s| {
            let src = Source {
                file: &s.file,
                text: &s.source,
                body_line: s.body_line,
            };
            markdown::render(s.body(), &src, &cx)
        })
        .collect();
    let mut diags = Diagnostics::new();
    let mut keep = |v: Vec<Result<Rendered, Diagnostics>>| -> Vec<Rendered> {
        v.into_iter()
            .map(|r| {
                r.unwrap_or_else(|d| {
                    diags.extend(d);
                    Rendered::default()
                })
            })
            .collect()
    };
    let (p, s) = (keep(pages), keep(sections));
    if diags.has_errors() {
        return Err(diags);
    }
    check_anchors(site, &p, &s)?;
    Ok((p, s))
}

/// Every `@/page.md#anchor` link must name a heading that exists on that page.
fn check_anchors(
    site: &Site,
    pages: &[Rendered],
    sections: &[Rendered],
) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::new();
    let sources = site
        .pages
        .iter()
        .zip(pages)
        .map(|(p, r)| (&p.file, &p.source, r))
        .chain(
            site.sections
                .iter()
                .zip(sections)
                .map(|(s, r)| (&s.file, &s.source, r)),
        );
    for (file, source, r) in sources {
        for link in &r.links {
            let Some(anchor) = &link.anchor else { continue };
            let target = site
                .page_by_path
                .get(&link.target)
                .map(|&i| &pages[i])
                .or_else(|| {
                    site.section_by_path
                        .get(&link.target)
                        .map(|&i| &sections[i])
                });
            if let Some(t) = target
                && !t.anchors.iter().any(|a| a == anchor)
            {
                let known = if t.anchors.is_empty() {
                    "that page has no headings".to_string()
                } else {
                    format!("its headings are: #{}", t.anchors.join(", #"))
                };
                diags.push(
                    Diagnostic::in_file(
                        file,
                        format!(
                            "link to `@/{}#{anchor}`, but that page has no heading `#{anchor}`",
                            link.target
                        ),
                    )
                    .at_in(source, link.line, link.column)
                    .hint(known),
                );
            }
        }
    }
    diags.into_result(())
}

fn render_all(opts: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let config = load_config(opts)?;
    let theme = config.theme.clone();
    let (site, templates) = rayon::join(
        || content::load(&opts.root, config, opts.drafts),
        || TemplateSet::load(&opts.root, theme.as_deref()),
    );
    let (site, templates) = match (site, templates) {
        (Ok(s), Ok(t)) => (s, t),
        (s, t) => {
            let mut d = Diagnostics::new();
            if let Err(e) = s {
                d.extend(e);
            }
            if let Err(e) = t {
                d.extend(e);
            }
            return Err(d.sorted());
        }
    };
    let (page_html, section_html) =
        render_markdown(&site, opts.reading_ages).map_err(Diagnostics::sorted)?;
    let mut findings = Diagnostics::new();
    for r in page_html.iter().chain(&section_html) {
        findings.0.extend(r.findings.iter().cloned());
    }
    let now = opts.now.unwrap_or_else(jiff::Timestamp::now);
    let titles = site
        .pages
        .iter()
        .map(|p| (p.path.clone(), p.meta.common.title.clone()))
        .chain(
            site.sections
                .iter()
                .map(|s| (s.path.clone(), s.meta.common.title.clone())),
        )
        .collect();
    let alerts = crate::alerts::load(&site.data_sources, &views::url_map(&site), &titles)?;
    let views = Arc::new(Views::build(&site, &page_html, &section_html, now, &alerts));
    let outputs = render::render_site(&site, views, &templates)?;
    findings.0.extend(crate::check::site_findings(
        &site, &page_html, &outputs, now,
    ));
    Ok(RenderedSite {
        site,
        outputs,
        findings: findings.sorted(),
        readability: page_html.into_iter().map(|r| r.readability).collect(),
    })
}

/// Runs every stage except writing: the whole site as an in-memory list of files. Content
/// checks set to `error` fail it; warnings come back in [`RenderedSite::findings`].
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let r = render_all(opts)?;
    if r.findings.has_errors() {
        let mut errors = Diagnostics::new();
        errors.0.extend(
            r.findings
                .iter()
                .filter(|d| d.level == Level::Error)
                .cloned(),
        );
        return Err(errors);
    }
    Ok(r)
}

/// `haven check`: builds in memory, writes nothing, and returns every problem found, errors
/// and warnings alike.
pub fn check(opts: &BuildOptions) -> Diagnostics {
    match render_all(opts) {
        Ok(r) => r.findings,
        Err(d) => d,
    }
}

/// Like [`check`], but keeps the built site (for the content report). Errors that stop a
/// build before the content checks (bad YAML, a missing template) come back as `Err`.
pub fn check_site(opts: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    render_all(opts)
}

/// Builds the site and writes it to the output folder, atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let start = Instant::now();
    let out = opts.output();
    crate::output::check_output_dir(&opts.root, &out)?;
    let r = render_site(opts)?;
    let files = crate::output::write(&r.outputs, &out)?;
    Ok(BuildSummary {
        pages: r.site.pages.len(),
        sections: r.site.sections.len(),
        files,
        elapsed: start.elapsed(),
        output: out,
        warnings: r.findings,
    })
}

/// Shows `path` relative to `root` when it is inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
