//! Finding the files of `content/` and `data/`, in a stable order.
//!
//! Symbolic links to folders are not followed, so a link loop cannot hang the build; hidden files
//! and editor backups are skipped; names must be UTF-8 so every URL and message can show them.

use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A content file, by its path components below `content/`.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Path components relative to `content/`, e.g. `["guidance", "neglect.md"]`.
    pub rel: Vec<String>,
}

/// What `content/` holds.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Markdown files (pages and `_index.md` sections).
    pub markdown: Vec<Entry>,
    /// Every other file, as path components.
    pub assets: Vec<Vec<String>>,
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name == "Thumbs.db"
}

/// Walks `dir`, yielding path components of every regular file (or link to one) below it.
fn files_below(dir: &Path, shown: &str, diags: &mut Diagnostics) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || e.file_name().to_str().is_none_or(|n| !skipped(n)));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(|p| Path::new(shown).join(p))
                    .unwrap_or_else(|| shown.into());
                diags.push(Diagnostic::in_file(
                    at,
                    format!("cannot read this folder: {e}"),
                ));
                continue;
            }
        };
        let ft = entry.file_type();
        let is_file = ft.is_file() || (ft.is_symlink() && entry.path().is_file());
        if !is_file {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let mut comps = Vec::new();
        for c in rel.components() {
            match c.as_os_str().to_str() {
                Some(s) => comps.push(s.to_string()),
                None => {
                    diags.push(
                        Diagnostic::in_file(
                            Path::new(shown).join(rel),
                            "this file name is not valid UTF-8 text",
                        )
                        .hint("rename the file using ordinary letters"),
                    );
                    comps.clear();
                    break;
                }
            }
        }
        if !comps.is_empty() {
            out.push(comps);
        }
    }
    out
}

/// Lists the files of `root/content`.
pub fn discover(root: &Path, diags: &mut Diagnostics) -> Discovered {
    let dir = root.join("content");
    if !dir.is_dir() {
        diags.push(
            Diagnostic::in_file("content", "there is no content folder")
                .hint("create a folder named content beside site.yaml, with an _index.md for the home page"),
        );
        return Discovered::default();
    }
    let mut found = Discovered::default();
    for rel in files_below(&dir, "content", diags) {
        let is_md = rel.last().is_some_and(|n| n.ends_with(".md"));
        if is_md {
            found.markdown.push(Entry { rel });
        } else {
            found.assets.push(rel);
        }
    }
    found
}

/// Lists the YAML and JSON files of `root/data`, as `/`-separated paths relative to it.
pub fn data_files(root: &Path, diags: &mut Diagnostics) -> Vec<String> {
    let dir = root.join("data");
    if !dir.is_dir() {
        return Vec::new();
    }
    files_below(&dir, "data", diags)
        .into_iter()
        .map(|c| c.join("/"))
        .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".json"))
        .collect()
}
