//! The site's folders, the order templates and static files are looked up in, and the one gate
//! every file Haven reads passes through.
//!
//! A site is a folder holding `site.yaml` and the source folders named below. Every file Haven
//! reads is found through [`Layout`]: a symbolic link, to a file or a folder, is followed only
//! when its real path stays inside the site folder (or inside a folder that `site.yaml` lists
//! under `linked_folders`); any other link is skipped with a warning naming it. Without this,
//! a link such as `content/env.txt -> /proc/self/environ` would publish the build's secrets.
//!
//! What is left: a file swapped for a link between the walk and the read (by someone who can
//! already write to the site folder while a build runs) is not caught at read time.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// The Markdown pages and their files.
pub const CONTENT: &str = "content";
/// YAML and JSON data for templates.
pub const DATA: &str = "data";
/// Files copied to the site as they are.
pub const STATIC: &str = "static";
/// The site's own templates, which replace the theme's by name.
pub const TEMPLATES: &str = "templates";
/// Installed themes, one folder each.
pub const THEMES: &str = "themes";
/// The site's own JSON Schemas for data files and `extra`, which replace the theme's by name.
pub const SCHEMAS: &str = "schemas";

/// Every folder Haven reads from. An output folder may not be any of them or inside one.
pub const SOURCE_FOLDERS: [&str; 6] = [CONTENT, DATA, STATIC, TEMPLATES, THEMES, SCHEMAS];

/// Hidden files, editor backups and operating-system clutter, which are never site files.
pub fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "Thumbs.db"
}

/// True for a single path component that cannot climb out of a folder or hide as a dotfile.
pub fn is_safe_component(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.contains(['/', '\\', '\0', ':'])
        && !s.starts_with('.')
}

/// A file found below one of the site's folders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Path components below the folder walked, as the editor sees them (`["guidance",
    /// "neglect.md"]`), even where a linked folder was followed.
    pub rel: Vec<String>,
    /// Where to read it: the path itself, or the real path of a link that stays inside.
    pub path: PathBuf,
}

impl Found {
    /// The components joined with `/`.
    pub fn rel_path(&self) -> String {
        self.rel.join("/")
    }
}

/// The site folder, resolved once, and the rule for what may be read below it.
#[derive(Debug)]
pub struct Layout {
    root: PathBuf,
    allowed: Vec<PathBuf>,
    excluded: Vec<PathBuf>,
    warnings: Mutex<BTreeSet<Warned>>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Warned {
    shown: PathBuf,
    message: String,
    hint: &'static str,
}

const OUTSIDE_HINT: &str = "Haven publishes only files inside the site folder. Copy the file into the site instead, or, for a folder shared on purpose (such as a theme used by several sites), list it under `linked_folders:` in site.yaml";

/// How deep linked folders may nest, so that a chain of links cannot hang a build.
const MAX_DEPTH: usize = 64;

impl Layout {
    /// Resolves the site folder. It must exist and be a folder: Haven never creates it.
    pub fn open(root: &Path) -> Result<Layout, Diagnostic> {
        let shown = root.display();
        let meta = fs::metadata(root).map_err(|e| {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                format!("the site folder {shown} does not exist")
            } else {
                format!("cannot open the site folder {shown}: {e}")
            };
            Diagnostic::error(what).hint(
                "run haven from the site's folder (the one holding site.yaml), or pass --root with that folder's path",
            )
        })?;
        if !meta.is_dir() {
            return Err(
                Diagnostic::error(format!("{shown} is a file, not a site folder"))
                    .hint("pass --root the folder that holds site.yaml, not a file inside it"),
            );
        }
        let real = fs::canonicalize(root)
            .map_err(|e| Diagnostic::error(format!("cannot open the site folder {shown}: {e}")))?;
        Ok(Layout {
            root: real,
            allowed: Vec::new(),
            excluded: Vec::new(),
            warnings: Mutex::new(BTreeSet::new()),
        })
    }

    /// The site folder's real path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Lets links point into `folders` (paths relative to the site folder, or absolute), as
    /// `linked_folders:` in `site.yaml` asks. Each must exist.
    pub fn allow(&mut self, folders: &[String]) -> Result<(), String> {
        for f in folders {
            let path = self.root.join(f);
            let real = fs::canonicalize(&path)
                .map_err(|e| format!("the linked folder `{f}` cannot be opened: {e}"))?;
            if !real.is_dir() {
                return Err(format!("the linked folder `{f}` is not a folder"));
            }
            self.allowed.push(real);
        }
        Ok(())
    }

    /// Keeps links from reaching into `dir` (the output folder), so that a site never
    /// publishes its own previous output.
    pub fn exclude(&mut self, dir: &Path) {
        self.excluded.push(real_path_of(dir));
    }

    /// Whether a real path may be read.
    pub fn permits(&self, real: &Path) -> bool {
        (real.starts_with(&self.root) || self.allowed.iter().any(|a| real.starts_with(a)))
            && !self.excluded.iter().any(|x| real.starts_with(x))
    }

    /// The real path of `rel` (relative to the site folder) if it exists and may be read;
    /// `None` if it is missing, or if it is a link that leaves the site (then with a warning).
    pub fn resolve(&self, rel: &Path) -> Option<PathBuf> {
        let path = self.root.join(rel);
        fs::symlink_metadata(&path).ok()?;
        self.real_inside(&path, rel)
    }

    /// The real path of `path` if it may be read; otherwise `None`, with a warning naming it
    /// as `shown` (a link that leaves the site, or leads nowhere).
    fn real_inside(&self, path: &Path, shown: &Path) -> Option<PathBuf> {
        match fs::canonicalize(path) {
            Ok(real) if self.permits(&real) => Some(real),
            Ok(real) => {
                self.refuse(shown, Some(&real));
                None
            }
            Err(_) => {
                self.refuse(shown, None);
                None
            }
        }
    }

    /// Reads `rel` (relative to the site folder) if it exists and may be read.
    pub fn read(&self, rel: &Path) -> Option<std::io::Result<Vec<u8>>> {
        self.resolve(rel).map(fs::read)
    }

    /// Reads an absolute path found by an earlier walk, checking again that it stays inside:
    /// `serve` reads files long after the walk, by which time one may have become a link.
    pub fn read_checked(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        let real = fs::canonicalize(path)?;
        if !self.permits(&real) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "this file is a link to somewhere outside the site folder",
            ));
        }
        fs::read(real)
    }

    /// The template folders in lookup order: the site's own first, then the theme's.
    pub fn template_dirs(theme: Option<&str>) -> Vec<PathBuf> {
        let mut dirs = vec![PathBuf::from(TEMPLATES)];
        if let Some(t) = theme {
            dirs.push(Self::theme_dir(t).join(TEMPLATES));
        }
        dirs
    }

    /// A theme's folder, relative to the site folder.
    pub fn theme_dir(theme: &str) -> PathBuf {
        Path::new(THEMES).join(theme)
    }

    /// Whether `rel` (relative to the site folder) is a folder that may be read.
    pub fn is_dir(&self, rel: &Path) -> bool {
        self.resolve(rel).is_some_and(|p| p.is_dir())
    }

    /// Every file below `rel` (relative to the site folder), sorted by name, skipping hidden
    /// files and backups and any link that leaves the site. Unreadable folders are errors.
    pub fn files(&self, rel: &Path, diags: &mut Diagnostics) -> Vec<Found> {
        let mut out = Vec::new();
        let Some(base) = self.resolve(rel) else {
            return out;
        };
        if !base.is_dir() {
            return out;
        }
        let mut walk = Walk {
            layout: self,
            shown: rel,
            out: &mut out,
            diags,
            entered: vec![base.clone()],
        };
        walk.dir(&base, &mut Vec::new());
        out
    }

    fn refuse(&self, shown: &Path, target: Option<&Path>) {
        let message = match target {
            Some(t) if self.excluded.iter().any(|x| t.starts_with(x)) => format!(
                "skipped: this is a link into the output folder ({}), which would publish the site inside itself",
                t.display()
            ),
            Some(t) => format!(
                "skipped: this is a link to {}, which is outside the site folder",
                t.display()
            ),
            None => "skipped: this is a link to something that does not exist".to_string(),
        };
        self.warn(shown, message, OUTSIDE_HINT);
    }

    fn warn(&self, shown: &Path, message: String, hint: &'static str) {
        if let Ok(mut w) = self.warnings.lock() {
            w.insert(Warned {
                shown: shown.to_path_buf(),
                message,
                hint,
            });
        }
    }

    /// The links skipped since the last call, as warnings.
    pub fn take_warnings(&self) -> Diagnostics {
        let taken = self
            .warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default();
        let mut d = Diagnostics::new();
        for w in taken {
            d.push(
                Diagnostic::in_file(w.shown, w.message)
                    .warning()
                    .hint(w.hint),
            );
        }
        d
    }
}

/// The real path of `p`, whether or not it exists yet: the deepest existing ancestor resolved,
/// the rest appended (a `..` in that rest can only mean its parent, as nothing there is a link).
pub fn real_path_of(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut tail = Vec::new();
    let mut cur = abs.clone();
    let mut base = loop {
        if let Ok(real) = fs::canonicalize(&cur) {
            break real;
        }
        match cur.components().next_back() {
            Some(std::path::Component::Normal(n)) => tail.push(Some(n.to_os_string())),
            Some(std::path::Component::ParentDir) => tail.push(None),
            Some(std::path::Component::CurDir) => {}
            _ => return abs,
        }
        if !cur.pop() {
            return abs;
        }
    };
    for c in tail.into_iter().rev() {
        match c {
            Some(n) => base.push(n),
            None => {
                base.pop();
            }
        }
    }
    base
}

struct Walk<'a> {
    layout: &'a Layout,
    shown: &'a Path,
    out: &'a mut Vec<Found>,
    diags: &'a mut Diagnostics,
    /// The real folders on the way down, to recognise a link back to one of them.
    entered: Vec<PathBuf>,
}

impl Walk<'_> {
    fn shown(&self, rel: &[String]) -> PathBuf {
        let mut p = self.shown.to_path_buf();
        p.extend(rel);
        p
    }

    fn dir(&mut self, real: &Path, rel: &mut Vec<String>) {
        let entries = match fs::read_dir(real) {
            Ok(e) => e,
            Err(e) => {
                let at = self.shown(rel);
                self.diags.push(Diagnostic::in_file(
                    at,
                    format!("cannot read this folder: {e}"),
                ));
                return;
            }
        };
        let mut list: Vec<(std::ffi::OsString, Option<fs::FileType>)> = entries
            .filter_map(Result::ok)
            .map(|e| (e.file_name(), e.file_type().ok()))
            .collect();
        list.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, ft) in list {
            if skipped(&name.to_string_lossy()) {
                continue;
            }
            let Some(ft) = ft else { continue };
            let Some(name_str) = name.to_str() else {
                let mut at = self.shown(rel);
                at.push(&name);
                self.diags.push(
                    Diagnostic::in_file(at, "this file name is not valid UTF-8 text")
                        .hint("rename the file using ordinary letters"),
                );
                continue;
            };
            let path = real.join(&name);
            rel.push(name_str.to_string());
            let (path, is_dir, is_file) = if ft.is_symlink() {
                match self.follow(&path, rel) {
                    Some((p, m)) => (p, m.is_dir(), m.is_file()),
                    None => {
                        rel.pop();
                        continue;
                    }
                }
            } else {
                (path, ft.is_dir(), ft.is_file())
            };
            if is_dir {
                if ft.is_symlink() {
                    if self.entered.iter().any(|e| e.starts_with(&path)) || rel.len() > MAX_DEPTH {
                        self.layout.warn(
                            &self.shown(rel),
                            "skipped: this link leads back to a folder it is inside, which would go round for ever".to_string(),
                            "remove the link, or point it at a folder that is not above it",
                        );
                        rel.pop();
                        continue;
                    }
                    self.entered.push(path.clone());
                    self.dir(&path, rel);
                    self.entered.pop();
                } else {
                    self.dir(&path, rel);
                }
            } else if is_file {
                self.out.push(Found {
                    rel: rel.clone(),
                    path,
                });
            }
            rel.pop();
        }
    }

    /// The real path and metadata of a link that may be followed.
    fn follow(&mut self, link: &Path, rel: &[String]) -> Option<(PathBuf, fs::Metadata)> {
        let real = self.layout.real_inside(link, &self.shown(rel))?;
        let meta = fs::metadata(&real).ok()?;
        Some((real, meta))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn site() -> (tempfile::TempDir, Layout) {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("site/content/guidance")).unwrap();
        let layout = Layout::open(&tmp.path().join("site")).unwrap();
        (tmp, layout)
    }

    /// The files of `content/` as paths, and the errors found on the way.
    fn content_files(layout: &Layout) -> (Vec<String>, Diagnostics) {
        let mut diags = Diagnostics::new();
        let found = layout.files(Path::new(CONTENT), &mut diags);
        (found.iter().map(Found::rel_path).collect(), diags)
    }

    #[test]
    fn links_that_leave_the_site_are_skipped_with_a_warning() {
        let (tmp, layout) = site();
        let root = layout.root().to_path_buf();
        fs::write(tmp.path().join("secret.txt"), "secret").unwrap();
        fs::write(root.join("content/guidance/a.md"), "a").unwrap();
        symlink(
            tmp.path().join("secret.txt"),
            root.join("content/guidance/env.txt"),
        )
        .unwrap();
        symlink("/etc", root.join("content/etc")).unwrap();
        symlink("a.md", root.join("content/guidance/b.md")).unwrap();
        symlink("nowhere", root.join("content/dangling.md")).unwrap();
        let mut diags = Diagnostics::new();
        let found = layout.files(Path::new(CONTENT), &mut diags);
        let rels: Vec<String> = found.iter().map(Found::rel_path).collect();
        assert_eq!(rels, ["guidance/a.md", "guidance/b.md"]);
        assert_eq!(found[1].path, root.join("content/guidance/a.md"));
        let warned: Vec<String> = layout
            .take_warnings()
            .iter()
            .map(|d| d.file.as_ref().unwrap().display().to_string())
            .collect();
        assert_eq!(
            warned,
            [
                "content/dangling.md",
                "content/etc",
                "content/guidance/env.txt"
            ]
        );
        assert!(diags.is_empty());
    }

    #[test]
    fn a_linked_folder_inside_the_site_is_followed_and_a_loop_is_not() {
        let (_tmp, layout) = site();
        let root = layout.root().to_path_buf();
        fs::create_dir_all(root.join("shared")).unwrap();
        fs::write(root.join("shared/x.md"), "x").unwrap();
        symlink(root.join("shared"), root.join("content/shared")).unwrap();
        symlink(root.join("content"), root.join("content/guidance/up")).unwrap();
        let (rels, diags) = content_files(&layout);
        assert_eq!(rels, ["shared/x.md"]);
        assert!(diags.is_empty(), "{diags}");
        let w = layout.take_warnings();
        assert_eq!(w.len(), 1, "{w}");
        let w = w.iter().next().unwrap();
        assert!(w.message.contains("leads back"));
        assert_eq!(w.file.as_deref(), Some(Path::new("content/guidance/up")));
    }

    #[test]
    fn allowed_and_excluded_folders() {
        let (tmp, mut layout) = site();
        let root = layout.root().to_path_buf();
        fs::create_dir_all(tmp.path().join("shared-theme")).unwrap();
        fs::write(tmp.path().join("shared-theme/t.html"), "t").unwrap();
        symlink(tmp.path().join("shared-theme"), root.join("content/theme")).unwrap();
        fs::create_dir_all(root.join("public")).unwrap();
        symlink(root.join("public"), root.join("content/out")).unwrap();
        layout.allow(&["../shared-theme".to_string()]).unwrap();
        layout.exclude(&root.join("public"));
        let (rels, diags) = content_files(&layout);
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(rels, ["theme/t.html"]);
        let w = layout.take_warnings();
        assert_eq!(w.len(), 1);
        assert!(w.iter().next().unwrap().message.contains("output folder"));
        assert!(layout.allow(&["missing".to_string()]).is_err());
    }

    #[test]
    fn a_missing_or_file_root_is_an_error_and_is_not_created() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nope");
        let e = Layout::open(&missing).unwrap_err();
        assert!(e.message.contains("does not exist"), "{e}");
        assert!(!missing.exists());
        fs::write(tmp.path().join("f"), "").unwrap();
        let e = Layout::open(&tmp.path().join("f")).unwrap_err();
        assert!(e.message.contains("is a file"), "{e}");
    }

    #[test]
    fn read_checked_refuses_a_file_that_became_a_link() {
        let (tmp, layout) = site();
        let root = layout.root().to_path_buf();
        let f = root.join("content/x.pdf");
        fs::write(&f, "pdf").unwrap();
        assert_eq!(layout.read_checked(&f).unwrap(), b"pdf");
        fs::remove_file(&f).unwrap();
        fs::write(tmp.path().join("passwd"), "root:x").unwrap();
        symlink(tmp.path().join("passwd"), &f).unwrap();
        assert!(layout.read_checked(&f).is_err());
    }
}
