//! Stage 7: the files a build produces, and writing them, so that no command can lose an editor's files or leave
//! the live site half-written.
//!
//! - **Only Haven's folders are replaced.** Every build leaves a marker file ([`MARKER`]) in
//!   its output. An existing output folder is replaced only if it is empty or carries the
//!   marker; the site folder, its ancestors and its source folders are refused outright.
//! - **One build at a time.** An operating-system lock on a file beside the output is held
//!   from the first file written to the swap; the kernel releases it if the build dies.
//! - **An atomic swap.** The new site is written into a staging folder beside the output,
//!   then exchanged with it in one step (Linux `renameat2(RENAME_EXCHANGE)`), so a web server
//!   serving the output sees the old site or the new one, never neither. Where the exchange is
//!   refused (another operating system, or a file system such as NFS without it), two renames
//!   are used instead; a build killed between them leaves the old site in a hidden folder
//!   beside the output, which the next build puts back before it starts.
//! - **The copy before last is written over.** The site a swap replaces is kept beside the
//!   output, and the next build writes over it instead of starting from an empty folder, so
//!   that unchanged files (processed images above all) cost nothing (see [`reuse`]).
//! - **A linked output stays a link.** When the output is a symbolic link (a web root pointed
//!   at the build), the new site is written beside the link's target and the link is replaced
//!   in one rename; the previous target is kept as the rollback copy and older ones removed.

//!
//! The output types ([`OutputFile`], [`Outputs`]) are here rather than with the stages that
//! make them, so that rendering, the search index and the checks share them without depending
//! on each other.

mod reuse;
mod staging;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostics::Diagnostic;

pub use reuse::listing;
pub use staging::{Kind, MARKER, OutputLock, Staging, check_output_dir, write_files};

/// Where an output's bytes come from.
#[derive(Debug)]
pub enum Body {
    /// Generated in memory.
    Bytes(Vec<u8>),
    /// Copied from this file.
    Copy(PathBuf),
    /// A file of Haven's own cache (a processed image), which Haven writes once and never
    /// changes: published as a hard link to it where the file system allows, else a copy.
    /// With its identity when known, so that a build finds it already in place without a look.
    Cached(PathBuf, Option<FileId>),
    /// A file of the theme compiled into Haven.
    Static(&'static [u8]),
    /// Already written to the build's staging folder while rendering.
    Written,
}

/// Which file a path names, as the file system tells it (Unix), so that two paths to one file
/// are known for what they are without reading either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    /// The file system it is on.
    pub device: u64,
    /// Its inode number there.
    pub inode: u64,
}

/// Where each rendered file goes as soon as it is rendered: a build's staging folder, so that
/// writing overlaps rendering and the site's HTML is never all in memory at once.
pub type Sink<'a> = &'a (dyn Fn(&str, &Body) -> anyhow::Result<()> + Sync);

/// One file of the built site.
#[derive(Debug)]
pub struct OutputFile {
    /// Path below the output folder, `/` separated, never with `..`.
    pub path: String,
    /// Its content.
    pub body: Body,
    /// What produced it, for duplicate-URL messages (e.g. `content/news/a.md`).
    pub origin: String,
}

/// Everything a build produces, checked for clashes.
#[derive(Debug, Default)]
pub struct Outputs {
    /// Path to file, sorted by path.
    pub files: BTreeMap<String, OutputFile>,
}

impl Outputs {
    /// Adds a file; a second file at the same path is an error naming both origins.
    pub fn add(&mut self, file: OutputFile) -> Result<(), Diagnostic> {
        if let Some(existing) = self.clash(&file.path) {
            let url = file.path.trim_end_matches("index.html");
            let message = if existing.path == file.path {
                format!(
                    "two sources would write the same address /{url}: {} and {}",
                    existing.origin, file.origin
                )
            } else {
                format!(
                    "/{url} (from {}) and /{} (from {}) cannot both be written: one needs a folder where the other is a file",
                    file.origin,
                    existing.path.trim_end_matches("index.html"),
                    existing.origin
                )
            };
            return Err(Diagnostic::in_file(&file.origin, message)
                .hint("give one of them a different file name, `slug:` or alias"));
        }
        self.files.insert(file.path.clone(), file);
        Ok(())
    }

    /// The file already here that a file at `path` could not be written beside: one at the
    /// same path, one where `path` needs a folder (`robots.txt` for `robots.txt/index.html`),
    /// or one inside the folder `path` would be.
    pub fn clash(&self, path: &str) -> Option<&OutputFile> {
        if let Some(f) = self.files.get(path) {
            return Some(f);
        }
        if let Some(f) = path
            .match_indices('/')
            .find_map(|(i, _)| self.files.get(&path[..i]))
        {
            return Some(f);
        }
        use std::ops::Bound;
        let folder = format!("{path}/");
        self.files
            .range::<str, _>((Bound::Included(folder.as_str()), Bound::Unbounded))
            .next()
            .filter(|(k, _)| k.starts_with(&folder))
            .map(|(_, f)| f)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when nothing was produced.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
