//! The theme's files, wherever they come from: the default theme compiled into Haven, a theme
//! folder in the site (`themes/NAME/`), and the site's own folders on top.
//!
//! `theme: haven` needs no `themes/` folder: Haven carries that theme inside it (see
//! `build.rs`), so updating Haven updates the theme. A site may still replace any of its files
//! by name, from `themes/haven/` or from its own `templates/`, `static/` and `schemas/`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::layout::{Found, Layout};

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

/// The name of the theme compiled into Haven.
pub const DEFAULT: &str = "haven";

/// Where a theme file's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file in the site folder (the real path, already checked to stay inside).
    Disk(PathBuf),
    /// A file of the theme compiled into Haven.
    BuiltIn(&'static [u8]),
}

/// One file of a theme folder (`templates/`, `static/`, `schemas/`).
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Its path below that folder, `/`-separated (`partials/nav.html`).
    pub rel: String,
    /// How messages name it: a path relative to the site folder, or, for a built-in file,
    /// the path it would have if the theme were copied into the site.
    pub shown: PathBuf,
    /// Where to read it.
    pub source: Source,
}

impl ThemeFile {
    /// Its bytes; a file on disk is checked again against the site's link rule.
    pub fn read(&self, layout: &Layout) -> std::io::Result<Cow<'static, [u8]>> {
        match &self.source {
            Source::Disk(p) => layout.read_checked(p).map(Cow::Owned),
            Source::BuiltIn(b) => Ok(Cow::Borrowed(b)),
        }
    }

    /// Whether it comes from inside Haven rather than the site folder.
    pub fn is_built_in(&self) -> bool {
        matches!(self.source, Source::BuiltIn(_))
    }
}

/// Whether `theme` can be used: it is the built-in theme, or the site has its folder.
pub fn exists(layout: &Layout, theme: &str) -> bool {
    theme == DEFAULT || layout.is_dir(&Layout::theme_dir(theme))
}

/// The files of folder `sub` (`templates`, `static`, `schemas`) by name, each from the last of:
/// the built-in theme (when `theme` is `haven`), `themes/THEME/SUB/`, and the site's own
/// `site_dir` (usually the folder of the same name). Sorted by name.
pub fn files(
    layout: &Layout,
    theme: Option<&str>,
    sub: &str,
    site_dir: Option<&str>,
    diags: &mut Diagnostics,
) -> Vec<ThemeFile> {
    let mut by_name: BTreeMap<String, ThemeFile> = BTreeMap::new();
    if let Some(t) = theme {
        if t == DEFAULT {
            for (rel, bytes) in built_in_below(sub) {
                by_name.insert(
                    rel.to_string(),
                    ThemeFile {
                        rel: rel.to_string(),
                        shown: Layout::theme_dir(t).join(sub).join(rel),
                        source: Source::BuiltIn(bytes),
                    },
                );
            }
        }
        add_folder(layout, &Layout::theme_dir(t).join(sub), &mut by_name, diags);
    }
    if let Some(d) = site_dir {
        add_folder(layout, Path::new(d), &mut by_name, diags);
    }
    by_name.into_values().collect()
}

/// One file at the top of the theme (`language.yaml`): the site's `themes/THEME/` copy if it
/// has one, else the built-in theme's.
pub fn file(layout: &Layout, theme: &str, name: &str) -> Option<ThemeFile> {
    let rel = Layout::theme_dir(theme).join(name);
    if let Some(real) = layout.resolve(&rel) {
        return Some(ThemeFile {
            rel: name.to_string(),
            shown: rel,
            source: Source::Disk(real),
        });
    }
    if theme != DEFAULT {
        return None;
    }
    built_in(name).map(|b| ThemeFile {
        rel: name.to_string(),
        shown: rel,
        source: Source::BuiltIn(b),
    })
}

/// A file of the theme compiled into Haven (`strings/en.yaml`), whatever the site has.
pub fn built_in(rel: &str) -> Option<&'static [u8]> {
    BUILT_IN.iter().find(|(r, _)| *r == rel).map(|(_, b)| *b)
}

/// The built-in files below `sub/`, with their paths below it.
fn built_in_below(sub: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    BUILT_IN.iter().filter_map(move |(rel, bytes)| {
        rel.strip_prefix(sub)
            .and_then(|r| r.strip_prefix('/'))
            .map(|r| (r, *bytes))
    })
}

fn add_folder(
    layout: &Layout,
    folder: &Path,
    by_name: &mut BTreeMap<String, ThemeFile>,
    diags: &mut Diagnostics,
) {
    for Found { rel, path } in layout.files(folder, diags) {
        let rel = rel.join("/");
        by_name.insert(
            rel.clone(),
            ThemeFile {
                shown: folder.join(&rel),
                rel,
                source: Source::Disk(path),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_theme_is_built_in() {
        let names: Vec<&str> = BUILT_IN.iter().map(|(r, _)| *r).collect();
        for needed in [
            "templates/base.html",
            "templates/page.html",
            "templates/partials/report.html",
            "static/css/haven.css",
            "static/js/exit-this-page.js",
            "schemas/data/board.json",
            "language.yaml",
        ] {
            assert!(
                names.contains(&needed),
                "{needed} is not built in: {names:?}"
            );
        }
        assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert!(!names.iter().any(|n| n.starts_with('.') || n.contains("/.")));
    }

    #[test]
    fn site_files_replace_built_in_ones_by_name() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("themes/haven/templates")).unwrap();
        std::fs::create_dir_all(root.join("templates/partials")).unwrap();
        std::fs::write(root.join("themes/haven/templates/page.html"), "theme copy").unwrap();
        std::fs::write(root.join("templates/page.html"), "site's own").unwrap();
        std::fs::write(root.join("templates/partials/extra.html"), "new").unwrap();
        let layout = Layout::open(root).unwrap();
        let mut diags = Diagnostics::new();
        let found = files(
            &layout,
            Some("haven"),
            "templates",
            Some("templates"),
            &mut diags,
        );
        let get = |n: &str| found.iter().find(|f| f.rel == n).unwrap();
        assert_eq!(&*get("page.html").read(&layout).unwrap(), b"site's own");
        assert_eq!(get("page.html").shown, Path::new("templates/page.html"));
        assert_eq!(&*get("partials/extra.html").read(&layout).unwrap(), b"new");
        assert!(get("base.html").is_built_in());
        assert_eq!(
            get("base.html").shown,
            Path::new("themes/haven/templates/base.html")
        );
        // Another theme has nothing built in.
        let other = files(&layout, Some("plain"), "templates", None, &mut diags);
        assert!(other.is_empty());
        assert!(exists(&layout, "haven") && !exists(&layout, "plain"));
        assert!(file(&layout, "haven", "language.yaml").is_some_and(|f| f.is_built_in()));
        assert!(diags.is_empty());
    }
}
