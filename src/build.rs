//! `haven build` and `haven check`: the [`crate::pipeline`] run whole, then written through
//! [`crate::output`] (build) or kept in memory (check).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::content::Site;
use crate::diagnostics::Diagnostics;
use crate::layout::Layout;
use crate::output::{self, Kind, Outputs, Staging};
pub use crate::pipeline::{BuildOptions, Timings};
use crate::pipeline::{Stopped, error_findings, run_all, run_stages};
/// What a successful build did, for the one-line summary.
#[derive(Clone, Debug)]
pub struct BuildSummary {
    /// Pages rendered.
    pub pages: usize,
    /// Sections rendered.
    pub sections: usize,
    /// Translations of pages and sections rendered.
    pub translations: usize,
    /// Files written in all.
    pub files: usize,
    /// Wall time of the whole build.
    pub elapsed: Duration,
    /// Where the site was written.
    pub output: PathBuf,
    /// Problems that did not stop the build.
    pub warnings: Diagnostics,
    /// How long each stage took, in pipeline order (`haven build --timings`).
    pub timings: Timings,
}

impl std::fmt::Display for BuildSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let translations = match self.translations {
            0 => String::new(),
            1 => " and 1 translation".to_string(),
            n => format!(" and {n} translations"),
        };
        let sections = if translations.is_empty() {
            " and "
        } else {
            ", "
        };
        write!(
            f,
            "Built {} pages{sections}{} sections{translations}: {} files written to {} in {} ms",
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
    pub readability: Vec<Option<crate::text::Readability>>,
    /// How long each stage took.
    pub timings: Timings,
    /// What counted as now for this run (`--now`, or the clock when it started), so that a
    /// report made from it agrees with the checks.
    pub now: jiff::Timestamp,
}

/// Every stage but writing; on failure, every problem found, warnings included.
fn render_all(opts: &BuildOptions) -> Result<RenderedSite, Stopped> {
    let s = run_all(opts, None, None)?;
    Ok(RenderedSite {
        site: s.site,
        outputs: s.outputs,
        findings: s.findings,
        readability: s.pages.into_iter().map(|r| r.readability).collect(),
        timings: s.timings,
        now: s.now,
    })
}

/// Runs every stage except writing: the whole site as an in-memory list of files. Content
/// checks set to `error` fail it; warnings come back in [`RenderedSite::findings`].
pub fn render_site(opts: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    let r = render_all(opts).map_err(Stopped::errors)?;
    match error_findings(&r.findings) {
        Some(errors) => Err(errors),
        None => Ok(r),
    }
}

/// `haven check`: builds in memory, writes nothing, and returns every problem found, errors
/// and warnings alike. A file that cannot be read (bad YAML) does not hide the problems in
/// the others: they are all checked and reported together.
pub fn check(opts: &BuildOptions) -> Diagnostics {
    match render_all(opts) {
        Ok(r) => r.findings,
        Err(Stopped(d)) => d,
    }
}

/// Like [`check`], but keeps the built site (for the content report). When something fails
/// that a site cannot be made without (bad YAML, a missing template), every problem found,
/// errors and warnings alike, comes back as `Err`.
pub fn check_site(opts: &BuildOptions) -> Result<RenderedSite, Diagnostics> {
    render_all(opts).map_err(|Stopped(d)| d)
}

/// Builds the site and writes it to the output folder, atomically.
pub fn build(opts: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let start = Instant::now();
    let out = opts.output();
    let layout = Layout::open(&opts.root)?;
    // Checks the output folder is Haven's and waits for any other build of it to finish.
    let staging = Staging::new(&layout, &out, Kind::Site)?;
    let prepared = start.elapsed();
    let sink = |path: &str, body: &output::Body| staging.put(path, body);
    // On any error the staging folder is dropped, and with it everything written so far.
    let mut stages = run_stages(opts, None, Some(&sink))?;
    if let Some(errors) = error_findings(&stages.findings) {
        return Err(errors);
    }
    if opts.deny_warnings && !stages.findings.is_empty() {
        return Err(std::mem::take(&mut stages.findings));
    }
    let mut timings = std::mem::take(&mut stages.timings);
    timings.first(
        "check the output folder, read the copy before last",
        prepared,
    );
    let t = Instant::now();
    let files = staging.finish(&stages.outputs, &stages.site.config.base_url)?;
    timings.lap("write the rest, swap into place", t);
    let summary = BuildSummary {
        pages: stages.site.pages.len(),
        sections: stages.site.sections.len(),
        translations: stages.site.translations.len(),
        files,
        elapsed: start.elapsed(),
        output: out,
        warnings: std::mem::take(&mut stages.findings),
        timings,
    };
    // Freeing a large site takes a noticeable share of a build; let it happen off the
    // critical path (a command-line build exits without waiting for it).
    std::thread::spawn(move || drop(stages));
    Ok(summary)
}

/// Shows `path` relative to `root` when it is inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}
