//! The copy of the site before last, kept beside the output (`.public.haven-back`) and written
//! over by the next build, instead of a build starting from an empty folder.
//!
//! Why: a build used to write every file into a new folder and, after the swap, delete every
//! file of the site it replaced. For a processed image that meant a hard link made and one
//! removed, each build, for the image and each of its smaller copies: with 200 photos on a
//! small site, most of what a warm build cost (issue 19). Written over, the copy before last
//! already holds an unchanged image as a link to the same cached file, and it costs nothing.
//! The swap is unchanged: the live site is never written into.
//!
//! What keeps it safe:
//! - the copy is used only when it is a real folder (not a link) with Haven's site marker, and
//!   only under the output's lock;
//! - and only where the file system tells names apart exactly (not one that takes `News` and
//!   `news` for one name, as Windows and macOS usually do), and gives files identities (Unix):
//!   elsewhere the replaced site is removed, as it always was;
//! - before anything is written, whatever in it is neither a file nor a folder (a symbolic
//!   link, say) is removed, so that nothing written can lead outside it;
//! - a file is never written over in place: it is removed and written anew, so that a file
//!   also linked from elsewhere (a cached image, or someone's own hard link) never changes;
//! - a file is kept only when it is the very cached file the build publishes (the same inode
//!   on the same file system);
//! - what the build does not write is removed before the swap, so the folder swapped in holds
//!   exactly what a build into an empty folder makes.

use std::ffi::OsString;
use std::fs;
use std::io::{self, ErrorKind};
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{Body, FileId, MARKER, Outputs};

/// What the copy held when the build took it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    /// A file, with its inode number (0 where the system has none to give).
    File(u64),
}

/// The copy of the site before last, being written over (see the module's notes).
pub(super) struct Previous {
    /// Path below the folder, `/` separated, to what was there.
    entries: FxHashMap<String, Entry>,
    /// The file system the folder is on (Unix), so that inodes are compared only within one.
    device: Option<u64>,
}

/// Succeeds where there was nothing to remove: gone already, or below what is now a file
/// (a folder of the copy the build has written a file over).
pub(super) fn ignore_missing(r: io::Result<()>) -> io::Result<()> {
    match r {
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(()),
        other => other,
    }
}

/// Whether this build may change what is in the folder `dir`: a folder of the copy that it
/// cannot (one made by another user, such as a certificate tool run as root) would stop the
/// build half-way, so such a copy is not written over at all.
#[cfg(target_os = "linux")]
fn may_change(dir: &Path) -> io::Result<()> {
    use rustix::fs::{Access, access};
    access(dir, Access::WRITE_OK | Access::EXEC_OK).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn may_change(_: &Path) -> io::Result<()> {
    Ok(())
}

/// The inode number of a listed file, from the listing itself (0 where there is none).
#[cfg(unix)]
fn inode(e: &fs::DirEntry) -> u64 {
    std::os::unix::fs::DirEntryExt::ino(e)
}

/// The inode number of a listed file, from the listing itself (0 where there is none).
#[cfg(not(unix))]
fn inode(_: &fs::DirEntry) -> u64 {
    0
}

/// The file system `dir` is on (Unix).
#[cfg(unix)]
fn device(dir: &Path) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(dir).ok().map(|m| m.dev())
}

/// The file system `dir` is on (Unix).
#[cfg(not(unix))]
fn device(_: &Path) -> Option<u64> {
    None
}

/// The names in the folder `dir`, each with its file's identity where the system gives one,
/// from one listing rather than a look at each file.
///
/// The identities are trusted only when every name has its own: some file systems (network
/// and other user-space ones) list one made-up number for every file, and a kept file must
/// never be taken for another.
pub fn listing(dir: &Path) -> FxHashMap<OsString, Option<FileId>> {
    let device = device(dir);
    let Ok(entries) = fs::read_dir(dir) else {
        return FxHashMap::default();
    };
    let mut listed: FxHashMap<OsString, Option<FileId>> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let inode = inode(&e);
            let id = device
                .filter(|_| inode != 0)
                .map(|device| FileId { device, inode });
            (e.file_name(), id)
        })
        .collect();
    let mut inodes = FxHashSet::default();
    let distinct = listed.len() > 1
        && listed
            .values()
            .all(|id| id.is_some_and(|id| inodes.insert(id.inode)));
    if !distinct {
        listed.values_mut().for_each(|id| *id = None);
    }
    listed
}

/// Whether a copy in the folder `dir` can be written over at all: only where files have
/// identities to tell a kept image by (Unix), and where the file system tells names apart
/// exactly as a build does. One that folds case (Windows, macOS by default, a memory stick)
/// or Unicode forms (macOS) would take `news/` for the `News/` of the copy, so that a file
/// written would be removed again as left over.
pub(super) fn can_write_over(dir: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let probe = dir.join(".haven-probe-a\u{e9}");
    let _ = fs::remove_file(&probe);
    if fs::File::create_new(&probe).is_err() {
        return false;
    }
    let folds = [".haven-probe-A\u{e9}", ".haven-probe-ae\u{301}"]
        .iter()
        .any(|alias| fs::symlink_metadata(dir.join(alias)).is_ok());
    fs::remove_file(&probe).is_ok() && !folds
}

/// Removes what is at `path` whatever it is, never following a link.
fn remove_any(path: &Path, is_dir: bool) -> io::Result<()> {
    ignore_missing(if is_dir {
        fs::remove_dir_all(path)
    } else {
        // A link to a folder is removed as a folder on Windows.
        fs::remove_file(path).or_else(|e| fs::remove_dir(path).map_err(|_| e))
    })
}

/// Lists the folder `dir` (`rel` below the copy), its folders in parallel, removing on the way
/// whatever is neither a file nor a folder, and names no build writes (not UTF-8).
fn walk(dir: &Path, rel: &str) -> io::Result<Vec<(String, Entry)>> {
    may_change(dir)?;
    let mut found = Vec::new();
    let mut folders = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        let kind = e.file_type()?;
        let name = match e.file_name().into_string() {
            Ok(n) if !kind.is_symlink() && (kind.is_dir() || kind.is_file()) => n,
            _ => {
                remove_any(&e.path(), kind.is_dir() && !kind.is_symlink())?;
                continue;
            }
        };
        let rel = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        if kind.is_dir() {
            folders.push((e.path(), rel));
        } else {
            found.push((rel, Entry::File(inode(&e))));
        }
    }
    let below = folders
        .into_par_iter()
        .map(|(path, rel)| {
            let mut below = walk(&path, &rel)?;
            below.push((rel, Entry::Dir));
            Ok(below)
        })
        .collect::<io::Result<Vec<_>>>()?;
    found.extend(below.into_iter().flatten());
    Ok(found)
}

impl Previous {
    /// Reads what the folder `dir` holds, removing anything in it a build could be led through.
    pub(super) fn read(dir: &Path) -> io::Result<Previous> {
        Ok(Previous {
            entries: walk(dir, "")?.into_iter().collect(),
            device: device(dir),
        })
    }

    /// Makes way in `dir` for the file at `path` (below it): removes a file where a folder
    /// of its path must be, a folder where it must be, and the file that was there. Returns
    /// true, and removes nothing, when that file is already the cached file `body` publishes.
    pub(super) fn make_way(&self, dir: &Path, path: &str, body: &Body) -> io::Result<bool> {
        for (i, _) in path.match_indices('/') {
            if let Some(Entry::File(_)) = self.entries.get(&path[..i]) {
                // Another file of the same folder may have made way already: what matters is
                // that the folder can be made, which writing the file checks.
                let _ = fs::remove_file(dir.join(&path[..i]));
            }
        }
        match self.entries.get(path) {
            None => Ok(false),
            Some(Entry::Dir) => remove_any(&dir.join(path), true).map(|()| false),
            Some(Entry::File(ino)) => {
                if let Body::Cached(_, id) = body
                    && self.is_cached_file(*id, *ino)
                {
                    return Ok(true);
                }
                remove_any(&dir.join(path), false).map(|()| false)
            }
        }
    }

    /// Whether the file with inode `ino` in the copy is the cached file `id` names.
    fn is_cached_file(&self, id: Option<FileId>, ino: u64) -> bool {
        id.is_some_and(|id| ino != 0 && id.inode == ino && Some(id.device) == self.device)
    }

    /// Removes from `dir` what the copy held and `outputs` does not, so that it holds what a
    /// build into an empty folder would.
    pub(super) fn sweep(&self, dir: &Path, outputs: &Outputs) -> io::Result<()> {
        let folders: FxHashSet<&str> = outputs
            .files
            .keys()
            .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
            .collect();
        let stale = |p: &str| p != MARKER && !outputs.files.contains_key(p) && !folders.contains(p);
        self.entries
            .par_iter()
            .filter(|(p, e)| **e != Entry::Dir && stale(p))
            .try_for_each(|(p, _)| remove_any(&dir.join(p), false))?;
        let mut empty: Vec<&String> = self
            .entries
            .iter()
            .filter(|(p, e)| **e == Entry::Dir && stale(p))
            .map(|(p, _)| p)
            .collect();
        // The deepest first, so that each is empty when its turn comes.
        empty.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
        for p in empty {
            remove_any(&dir.join(p), true)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_written_over_only_where_names_are_exact() {
        let tmp = tempfile::tempdir().unwrap();
        let exact = fs::File::create_new(tmp.path().join("Case")).is_ok()
            && fs::File::create_new(tmp.path().join("case")).is_ok();
        assert_eq!(can_write_over(tmp.path()), cfg!(unix) && exact);
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1 + usize::from(exact)
        );
        assert!(!can_write_over(&tmp.path().join("missing")));
    }

    #[cfg(unix)]
    #[test]
    fn only_the_very_cached_file_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let copy = tmp.path().join("copy");
        fs::create_dir_all(&cache).unwrap();
        fs::create_dir_all(copy.join("img")).unwrap();
        fs::write(cache.join("a.jpg"), "a").unwrap();
        fs::write(cache.join("b.jpg"), "b").unwrap();
        fs::hard_link(cache.join("a.jpg"), copy.join("img/a.jpg")).unwrap();
        fs::write(copy.join("img/b.jpg"), "b").unwrap();
        let previous = Previous::read(&copy).unwrap();
        let cached = |n: &str| {
            let path = cache.join(n);
            let inode = std::os::unix::fs::MetadataExt::ino(&fs::metadata(&path).unwrap());
            let device = device(&cache).unwrap();
            Body::Cached(path, Some(FileId { device, inode }))
        };
        // The same inode: kept, untouched.
        assert!(
            previous
                .make_way(&copy, "img/a.jpg", &cached("a.jpg"))
                .unwrap()
        );
        assert!(copy.join("img/a.jpg").is_file());
        // The same bytes in another file, or another cached file: made way for.
        assert!(
            !previous
                .make_way(&copy, "img/b.jpg", &cached("b.jpg"))
                .unwrap()
        );
        assert!(!copy.join("img/b.jpg").exists());
        let previous = Previous::read(&copy).unwrap();
        assert!(
            !previous
                .make_way(&copy, "img/a.jpg", &cached("b.jpg"))
                .unwrap()
        );
        assert!(!copy.join("img/a.jpg").exists());
        assert_eq!(fs::read_to_string(cache.join("a.jpg")).unwrap(), "a");
        // Without its identity, or with another file system's, a file is written anew.
        fs::hard_link(cache.join("a.jpg"), copy.join("img/a.jpg")).unwrap();
        let previous = Previous::read(&copy).unwrap();
        let Body::Cached(path, Some(id)) = cached("a.jpg") else {
            unreachable!()
        };
        let elsewhere = FileId {
            device: id.device + 1,
            ..id
        };
        for body in [
            Body::Cached(path.clone(), None),
            Body::Cached(path, Some(elsewhere)),
        ] {
            assert!(!previous.make_way(&copy, "img/a.jpg", &body).unwrap());
        }
        // The names of a folder come with their identity, but only when each has its own.
        let listed = listing(&cache);
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[std::ffi::OsStr::new("a.jpg")], Some(id));
        fs::hard_link(cache.join("a.jpg"), cache.join("c.jpg")).unwrap();
        assert!(listing(&cache).values().all(Option::is_none));
        fs::remove_file(cache.join("c.jpg")).unwrap();
        fs::remove_file(cache.join("b.jpg")).unwrap();
        assert_eq!(listing(&cache).len(), 1);
        assert!(listing(&cache).values().all(Option::is_none));
    }
}
