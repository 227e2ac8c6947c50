//! The change plan, for `haven serve`: takes the paths that changed and decides what the
//! [`crate::pipeline`] must redo, keeping the served files of the last good build.
//!
//! - The body of a page edited, its front matter untouched: that page's Markdown, then the
//!   page, the listings of its section and the sections above it, its taxonomy term pages
//!   and the training listings it is on. Nothing else can show its body.
//! - Templates edited: the outputs rendered with a template that uses them, through
//!   `extends`, `include`, `import` or `from`.
//! - Anything else (front matter, a file added or removed, `site.yaml`, `data/`, static
//!   files): every stage again, but a page whose body and Markdown context are unchanged keeps
//!   its HTML from the last build.
//!
//! A change that fails leaves the last good site in place, and the error is kept for the
//! browser overlay.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostics;
use crate::layout::Layout;
use crate::output::Body;
use crate::pipeline::{BuildOptions, Stages};

/// One file of the served site.
#[derive(Clone, Debug)]
pub enum Served {
    /// Rendered in memory.
    Bytes(Arc<[u8]>),
    /// Read from this file when asked for (static files and page assets).
    File(PathBuf),
}

/// What the last rebuild did, for the terminal.
#[derive(Clone, Debug)]
pub struct Rebuilt {
    /// "1 page edited", "templates edited", "full rebuild"…
    pub kind: &'static str,
    /// Output files produced again.
    pub files: usize,
    /// Wall time of the rebuild.
    pub elapsed: Duration,
}

impl std::fmt::Display for Rebuilt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} file{} rebuilt in {} ms",
            self.kind,
            self.files,
            if self.files == 1 { "" } else { "s" },
            self.elapsed.as_millis()
        )
    }
}

/// A site kept in memory between changes.
pub struct Incremental {
    opts: BuildOptions,
    /// The root as the watcher reports paths below it.
    root: PathBuf,
    state: Option<Stages>,
    files: BTreeMap<String, Served>,
    /// Page bodies changed since the search index was last built.
    index_stale: bool,
}

/// How a set of changed paths will be handled.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// Page bodies edited: (page index, new source text).
    Bodies(Vec<(usize, String)>),
    /// Templates edited (names).
    Templates,
    /// Everything again.
    Full,
}

impl Incremental {
    /// A site not built yet; call [`Incremental::rebuild`] with no paths for the first build.
    pub fn new(opts: BuildOptions) -> Incremental {
        let root = std::fs::canonicalize(&opts.root)
            .or_else(|_| std::path::absolute(&opts.root))
            .unwrap_or_else(|_| opts.root.clone());
        Incremental {
            opts,
            root,
            state: None,
            files: BTreeMap::new(),
            index_stale: false,
        }
    }

    /// The site's folders as the last good build saw them: every file served from disk is
    /// read through them, so a file that became a link to outside the site is not served.
    pub fn layout(&self) -> Option<Arc<crate::layout::Layout>> {
        self.state.as_ref().map(|s| s.site.layout.clone())
    }

    /// The served files of the last good build.
    pub fn files(&self) -> &BTreeMap<String, Served> {
        &self.files
    }

    /// The options the site is built with.
    pub fn options(&self) -> &BuildOptions {
        &self.opts
    }

    /// Warnings from the content checks of the last good build.
    pub fn warnings(&self) -> usize {
        self.state.as_ref().map_or(0, |s| s.findings.len())
    }

    /// Rebuilds after `changed` (absolute or root-relative paths; empty means everything).
    /// On failure the last good site stays as it was.
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuilt, Diagnostics> {
        let start = Instant::now();
        let plan = self.plan(changed);
        let (kind, files) = match plan {
            Plan::Bodies(edits) => {
                let n = edits.len();
                let files = self.bodies(edits)?;
                (
                    if n == 1 {
                        "1 page edited"
                    } else {
                        "pages edited"
                    },
                    files,
                )
            }
            Plan::Templates => match self.templates()? {
                Some(files) => ("templates edited", files),
                None => ("templates edited, full rebuild", self.full()?),
            },
            Plan::Full => ("full rebuild", self.full()?),
        };
        Ok(Rebuilt {
            kind,
            files,
            elapsed: start.elapsed(),
        })
    }

    fn relative(&self, p: &Path) -> PathBuf {
        p.strip_prefix(&self.root)
            .or_else(|_| p.strip_prefix(&self.opts.root))
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| p.to_path_buf())
    }

    fn plan(&self, changed: &[PathBuf]) -> Plan {
        let Some(state) = &self.state else {
            return Plan::Full;
        };
        if changed.is_empty() {
            return Plan::Full;
        }
        let rel: Vec<PathBuf> = changed.iter().map(|p| self.relative(p)).collect();
        let template_dirs = Layout::template_dirs(state.site.config.theme.as_deref());
        let is_template = |p: &Path| template_dirs.iter().any(|d| p.starts_with(d));
        if rel.iter().all(|p| is_template(p)) {
            return Plan::Templates;
        }
        let mut edits = Vec::new();
        for p in &rel {
            let Some(content_path) = p
                .strip_prefix(crate::layout::CONTENT)
                .ok()
                .and_then(|c| c.to_str())
                .map(|c| c.replace('\\', "/"))
            else {
                return Plan::Full;
            };
            let Some(&i) = state.site.page_by_path.get(&content_path) else {
                return Plan::Full;
            };
            let page = &state.site.pages[i];
            let Ok(bytes) = state.site.layout.read_checked(&state.site.root.join(p)) else {
                return Plan::Full;
            };
            let Ok(text) = crate::text::decode_text(&bytes) else {
                return Plan::Full;
            };
            // Same front matter, byte for byte, means the same metadata and the same body
            // start; then only the body can have changed.
            let head = &page.doc.source[..page.doc.body_start];
            if !text.starts_with(head) {
                return Plan::Full;
            }
            if text != page.doc.source && !edits.iter().any(|(j, _)| *j == i) {
                edits.push((i, text));
            }
        }
        if edits.is_empty() {
            // Saved without a change (or only touched): nothing to do but reload.
            return Plan::Bodies(Vec::new());
        }
        Plan::Bodies(edits)
    }

    fn full(&mut self) -> Result<usize, Diagnostics> {
        let mut stages = crate::pipeline::run_stages(&self.opts, self.state.as_ref(), None)?;
        if let Some(errors) = crate::pipeline::error_findings(&stages.findings) {
            return Err(errors);
        }
        // The served files take the rendered bytes over; the state keeps no second copy.
        let files = std::mem::take(&mut stages.outputs.files)
            .into_iter()
            .map(|(path, f)| (path, served(f.body)))
            .collect::<BTreeMap<_, _>>();
        let n = files.len();
        self.files = files;
        self.state = Some(stages);
        self.index_stale = false;
        Ok(n)
    }

    /// Re-renders edited page bodies and what shows them.
    fn bodies(&mut self, edits: Vec<(usize, String)>) -> Result<usize, Diagnostics> {
        let files = &self.files;
        let state = self.state.as_mut().ok_or_else(Diagnostics::new)?;
        if edits.is_empty() {
            return Ok(0);
        }
        let rendered = state.edit_bodies(edits, &|path| files.contains_key(path))?;
        // The index is rebuilt after the edited page is served (`refresh_index`): on a large
        // site it takes longer than the page itself.
        self.index_stale = true;
        Ok(self.publish(rendered))
    }

    /// Builds the search index again if page bodies changed since it was built; returns what
    /// changed in it.
    pub fn refresh_index(&mut self) -> Option<Rebuilt> {
        if !std::mem::take(&mut self.index_stale) {
            return None;
        }
        let start = Instant::now();
        let files = self.state.as_ref()?.search_files()?;
        let new: BTreeMap<String, Served> = files
            .into_iter()
            .map(|f| (f.path, served(f.body)))
            .collect();
        let same = |a: &Served, b: &Served| match (a, b) {
            (Served::Bytes(x), Served::Bytes(y)) => x == y,
            _ => false,
        };
        let changed = new
            .iter()
            .filter(|(p, f)| self.files.get(*p).is_none_or(|old| !same(old, f)))
            .count();
        // The set of shards can change, so the old index goes as a whole.
        self.files
            .retain(|path, _| !path.starts_with(crate::search::INDEX_DIR));
        self.files.extend(new);
        Some(Rebuilt {
            kind: "search index updated",
            files: changed,
            elapsed: start.elapsed(),
        })
    }

    /// Re-renders the outputs whose templates use an edited template. `None` when that cannot
    /// be worked out (a template named through a variable).
    fn templates(&mut self) -> Result<Option<usize>, Diagnostics> {
        let state = self.state.as_mut().ok_or_else(Diagnostics::new)?;
        Ok(state
            .edit_templates()?
            .map(|rendered| self.publish(rendered)))
    }

    /// Puts re-rendered files in place of their previous versions; returns how many.
    fn publish(&mut self, rendered: Vec<crate::output::OutputFile>) -> usize {
        let n = rendered.len();
        for f in rendered {
            self.files.insert(f.path, served(f.body));
        }
        n
    }
}

fn served(body: Body) -> Served {
    match body {
        Body::Bytes(b) => Served::Bytes(Arc::from(b)),
        Body::Copy(p) | Body::Cached(p, _) => Served::File(p),
        Body::Static(b) => Served::Bytes(Arc::from(b)),
        // `serve` renders into memory and never into a staging folder.
        Body::Written => Served::Bytes(Arc::from(&b""[..])),
    }
}
