//! Finding the files of `content/` and `data/`, in a stable order, through the site's
//! [`Layout`] (which skips hidden files, backups and links that leave the site).

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::{self, Found, Layout};

/// A content file, by its path components below `content/`.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path components relative to `content/`, e.g. `["guidance", "neglect.md"]`.
    pub rel: Vec<String>,
    /// Where to read it (the real path of a link that stays inside the site).
    pub path: std::path::PathBuf,
}

impl From<Found> for Entry {
    fn from(f: Found) -> Entry {
        Entry {
            rel: f.rel,
            path: f.path,
        }
    }
}

/// What `content/` holds.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown files (pages and `_index.md` sections).
    pub markdown: Vec<Entry>,
    /// Every other file.
    pub assets: Vec<Entry>,
}

/// Lists the files of the site's `content/` folder.
pub fn discover(layout: &Layout, diags: &mut Diagnostics) -> Discovered {
    let dir = Path::new(layout::CONTENT);
    if !layout.is_dir(dir) {
        diags.push(
            Diagnostic::in_file(layout::CONTENT, "there is no content folder")
                .hint("create a folder named content beside site.yaml, with an _index.md for the home page"),
        );
        return Discovered::default();
    }
    let mut found = Discovered::default();
    for f in layout.files(dir, diags) {
        let is_md = f.rel.last().is_some_and(|n| n.ends_with(".md"));
        if is_md {
            found.markdown.push(f.into());
        } else {
            found.assets.push(f.into());
        }
    }
    found
}

/// Lists the YAML and JSON files of the site's `data/` folder.
pub fn data_files(layout: &Layout, diags: &mut Diagnostics) -> Vec<Found> {
    layout
        .files(Path::new(layout::DATA), diags)
        .into_iter()
        .filter(|f| {
            let p = f.rel_path();
            p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".json")
        })
        .collect()
}
