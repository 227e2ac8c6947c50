//! The staging folder, the lock, the marker and the swap (see [`crate::output`]).

use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use rayon::prelude::*;

use super::reuse::Previous;
use super::{Body, OutputFile, Outputs};
use crate::diagnostics::Diagnostic;
use crate::layout::{Layout, SOURCE_FOLDERS, real_path_of};

/// The marker file every output folder carries. Hosts may serve it: it says only what made
/// the folder and for which site.
pub const MARKER: &str = ".haven";

/// What an output folder holds, as its marker says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A site, from `haven build`.
    Site,
    /// A content report, from `haven check --report`.
    Report,
    /// JSON Schemas, from `haven schema`.
    Schemas,
}

impl Kind {
    fn tag(self) -> &'static str {
        match self {
            Kind::Site => "site",
            Kind::Report => "report",
            Kind::Schemas => "schemas",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Site => "a site built by Haven",
            Kind::Report => "a content report made by `haven check --report`",
            Kind::Schemas => "JSON Schemas made by `haven schema`",
        }
    }

    /// The marker's text: the first line is what Haven reads back.
    fn marker(self, site: &str) -> String {
        format!(
            "haven-output: {}\nsite: {site}\nThis folder is made by Haven and replaced whole each time it is made again: files put here by hand will be lost.\n",
            self.tag()
        )
    }
}

/// Where `out` is, as an absolute path whose folder is resolved but whose own name is kept
/// (so that a linked output is still the link). Refuses output folders that are, hold or sit
/// inside the site's own files.
pub fn check_output_dir(layout: &Layout, out: &Path) -> Result<PathBuf, Diagnostic> {
    let root = layout.root();
    let refuse = |why: &str| {
        Diagnostic::error(format!("refusing to write into {}: {why}", out.display())).hint(
            "choose an output folder of its own, such as public/ in the site folder (the default)",
        )
    };
    let abs = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let location = match (abs.components().next_back(), abs.parent()) {
        (Some(Component::Normal(name)), Some(parent)) => real_path_of(parent).join(name),
        // Ends in `..`: a real folder, never a link.
        _ => real_path_of(&abs),
    };
    if location.file_name().is_none() {
        return Err(refuse("it is the top of the disk"));
    }
    // Both where the output is and, for a link, where it leads.
    let places = [location.clone(), real_path_of(&location)];
    for p in &places {
        if root.starts_with(p) {
            return Err(refuse(if root == p {
                "it is the site folder itself, and writing there would replace the site's own files"
            } else {
                "it holds the site folder, and writing there would replace the site's own files"
            }));
        }
        for f in SOURCE_FOLDERS {
            let src = root.join(f);
            if p.starts_with(&src) || p.starts_with(real_path_of(&src)) {
                return Err(refuse(&format!(
                    "it is inside the site's {f}/ folder, which Haven reads its content from"
                )));
            }
        }
    }
    Ok(location)
}

fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(crate::layout::is_safe_component)
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Hidden names beside the output: `.public.haven-lock`, `.public.haven-staging-…`.
fn hidden(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy());
    out.with_file_name(format!(".{name}.haven-{tag}"))
}

/// A name no other build of this machine uses at the same time.
fn unique() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The operating-system lock that keeps two builds from writing one output at once.
pub struct OutputLock {
    _file: fs::File,
}

impl OutputLock {
    /// Takes the lock for `out`, waiting (and saying so) while another build holds it.
    pub fn acquire(out: &Path) -> anyhow::Result<OutputLock> {
        let path = hidden(out, "lock");
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot create the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                eprintln!(
                    "Waiting for another build of this site to finish (it is writing {})…",
                    out.display()
                );
                file.lock()
                    .with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        Ok(OutputLock { _file: file })
    }
}

/// The folder a build replaces, and how.
enum Place {
    /// A plain folder (or nothing yet): the staging folder is exchanged with it.
    Folder,
    /// A symbolic link: a new folder is made beside `target`, and the link re-pointed.
    Link {
        /// What the link says (relative or absolute, kept the same way).
        value: PathBuf,
        /// Where it leads now.
        target: PathBuf,
    },
}

/// What an existing folder is, for the refusal message.
/// Whether `dir` may be replaced by output of `kind`: if not, why, and what to do.
fn ownership(dir: &Path, kind: Kind) -> Result<(), (String, &'static str)> {
    const CHOOSE: &str = "choose a new or empty folder for the output";
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err((format!("it cannot be read: {e}"), CHOOSE)),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(("it is a file, not a folder".to_string(), CHOOSE));
    }
    match marker_kind(dir) {
        Some(k) if k == kind => return Ok(()),
        Some(k) => {
            return Err((
                format!("it holds {}, not {}", k.what(), kind.what()),
                "keep the built site and the content report in folders of their own, for example public/ for the site and report/ for the report",
            ));
        }
        None => {}
    }
    let empty = fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if empty {
        Ok(())
    } else {
        Err((
            "the folder already has files in it that Haven did not make, and writing there would delete them".to_string(),
            "choose a new or empty folder for the output. If this folder holds a site built by an older version of Haven (from before Haven marked its output with a file named .haven), delete the folder once yourself; from then on Haven replaces it without asking",
        ))
    }
}

fn marker_kind(dir: &Path) -> Option<Kind> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    match text.lines().next()? {
        "haven-output: site" => Some(Kind::Site),
        "haven-output: report" => Some(Kind::Report),
        _ => None,
    }
}

/// Swaps two existing paths in one step. `Ok(false)` when this system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

#[cfg(unix)]
fn make_dir_link(value: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(value, link)
}

#[cfg(windows)]
fn make_dir_link(value: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_dir(value, link)
}

#[cfg(not(any(unix, windows)))]
fn make_dir_link(_value: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::new(
        ErrorKind::Unsupported,
        "symbolic links are not supported here",
    ))
}

/// Removes what killed builds left beside `out`: staging folders, and the old site from a
/// two-rename swap, which goes back into place first if the output is missing.
fn recover(out: &Path) -> anyhow::Result<()> {
    let Some(parent) = out.parent() else {
        return Ok(());
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let staging = hidden(out, "staging-");
    let old = hidden(out, "old-");
    let name = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let (staging, old) = (name(&staging), name(&old));
    let link = name(&hidden(out, "link-"));
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let mut leftovers: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| n.starts_with(&staging) || n.starts_with(&old) || n.starts_with(&link))
        .collect();
    leftovers.sort();
    let out_missing = fs::symlink_metadata(out).is_err();
    if out_missing
        && let Some((_, back)) = leftovers.iter().rev().find(|(n, _)| n.starts_with(&old))
    {
        fs::rename(back, out).with_context(|| {
            format!(
                "cannot put the previous site back from {} into {}",
                back.display(),
                out.display()
            )
        })?;
    }
    for (_, p) in leftovers {
        remove(&p);
    }
    Ok(())
}

/// Removes a folder of Haven's, or a link, without following links inside it.
fn remove(p: &Path) {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => {
            remove_tree(p);
            if fs::symlink_metadata(p).is_ok() {
                let _ = fs::remove_dir_all(p);
            }
        }
        Ok(_) => {
            let _ = fs::remove_file(p);
        }
        Err(_) => {}
    }
}

/// Removes the folder `dir` and everything in it, folders in parallel: after every build the
/// previous site (thousands of files) is removed, and one thread doing it alone was a
/// noticeable part of a build. Links are removed, never followed; what cannot be removed is
/// left for [`remove`]'s fallback.
fn remove_tree(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let entries: Vec<fs::DirEntry> = entries.filter_map(Result::ok).collect();
    entries.par_iter().for_each(|e| {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            remove_tree(&e.path());
        } else {
            let _ = fs::remove_file(e.path());
        }
    });
    let _ = fs::remove_dir(dir);
}

/// A folder beside the output that a build writes into, while it renders, and that replaces
/// the output only when [`Staging::finish`] is called. Dropped unfinished (a failed build),
/// it is removed and the output is untouched.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    place: Place,
    kind: Kind,
    finished: bool,
    /// The one-step swap: [`exchange`], or, in tests, one that always declines, to try the
    /// two-rename path on any system.
    exchange: fn(&Path, &Path) -> std::io::Result<bool>,
    /// The copy of the site before last, when the staging folder is that copy being written
    /// over (see [`super::reuse`]).
    previous: Option<Previous>,
    /// Set when writing over the copy before last failed: the folder is then not kept for
    /// the next build, which would fail the same way.
    spoiled: std::sync::atomic::AtomicBool,
    _lock: OutputLock,
}

impl Staging {
    /// Checks `out`, takes its lock, clears what killed builds left, and creates an empty
    /// staging folder for it.
    pub fn new(layout: &Layout, out: &Path, kind: Kind) -> Result<Staging, Diagnostic> {
        let out = &check_output_dir(layout, out)?;
        let io = |e: anyhow::Error| Diagnostic::from_anyhow(Some(out), &e);
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))
                .map_err(io)?;
        }
        // Once before the lock, so that a refused folder gets nothing new beside it, and again
        // under it, when no other build can be changing it.
        Staging::place(out, kind)?;
        let lock = OutputLock::acquire(out).map_err(io)?;
        recover(out).map_err(io)?;
        let (place, dir) = Staging::place(out, kind)?;
        let previous = match place {
            Place::Folder if kind == Kind::Site => take_back(out, &dir),
            Place::Link { .. } if kind == Kind::Site => {
                // An output that has become a link keeps no copy.
                if let Some(back) = back_copy(out) {
                    remove(&back);
                }
                None
            }
            _ => None,
        };
        if previous.is_none() {
            fs::create_dir(&dir)
                .with_context(|| format!("cannot create {}", dir.display()))
                .map_err(io)?;
        }
        // Marked from the start, so that a killed build's folder is recognised as Haven's.
        let marker = dir.join(MARKER);
        super::reuse::ignore_missing(fs::remove_file(&marker))
            .and_then(|()| fs::write(&marker, kind.marker("(being written)")))
            .with_context(|| format!("cannot write {}", marker.display()))
            .map_err(io)?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            place,
            kind,
            finished: false,
            exchange,
            previous,
            spoiled: Default::default(),
            _lock: lock,
        })
    }

    /// How `out` will be replaced, and the new folder to write into; refuses a folder that is
    /// not Haven's.
    fn place(out: &Path, kind: Kind) -> Result<(Place, PathBuf), Diagnostic> {
        let io = |e: anyhow::Error| Diagnostic::from_anyhow(Some(out), &e);
        let link = fs::symlink_metadata(out)
            .ok()
            .filter(|m| m.file_type().is_symlink())
            .map(|_| fs::read_link(out))
            .transpose()
            .with_context(|| format!("cannot read the link {}", out.display()))
            .map_err(io)?;
        let refuse = |dir: &Path, (why, hint): (String, &str)| {
            let via = if dir == out {
                String::new()
            } else {
                format!(", where the link {} leads", out.display())
            };
            Diagnostic::error(format!("refusing to replace {}{via}: {why}", dir.display()))
                .hint(hint)
        };
        let (place, dir) = match link {
            None => {
                ownership(out, kind).map_err(|why| refuse(out, why))?;
                (Place::Folder, hidden(out, &format!("staging-{}", unique())))
            }
            Some(value) => {
                let target = match out.parent() {
                    Some(p) if value.is_relative() => p.join(&value),
                    _ => value.clone(),
                };
                ownership(&target, kind).map_err(|why| refuse(&target, why))?;
                let dir = next_generation(&target);
                (Place::Link { value, target }, dir)
            }
        };
        Ok((place, dir))
    }

    /// Writes one file (`path` relative to the site), creating its folder when needed. Safe
    /// to call from several threads at once.
    pub fn put(&self, path: &str, body: &Body) -> anyhow::Result<()> {
        if !is_safe_relative(path) {
            anyhow::bail!("internal error: refusing to write outside the output folder: {path}");
        }
        if matches!(body, Body::Written) {
            return Ok(());
        }
        if let Some(previous) = &self.previous {
            match previous.make_way(&self.dir, path, body) {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => {
                    self.spoiled.store(true, Ordering::Relaxed);
                    return Err(e).with_context(|| spoiled_copy(&self.dir, path));
                }
            }
        }
        let dest = self.dir.join(path);
        let attempt = |dest: &Path| -> std::io::Result<()> {
            match body {
                Body::Bytes(b) => fs::write(dest, b),
                Body::Static(b) => fs::write(dest, b),
                Body::Copy(src) => fs::copy(src, dest).map(|_| ()),
                Body::Cached(src, _) => link_or_copy(src, dest),
                Body::Written => Ok(()),
            }
        };
        // Most folders exist by the time their second file is written: try first, create on
        // failure, rather than a create_dir_all per file.
        match attempt(&dest) {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create the folder of {path}"))?;
                }
                attempt(&dest)
            }
            other => other,
        }
        .with_context(|| match body {
            Body::Copy(src) | Body::Cached(src, _) => {
                format!("cannot copy {} to {path}", src.display())
            }
            _ => format!("cannot write {path}"),
        })
    }

    /// Writes every file of `outputs` not written yet and the marker naming `site`, then
    /// swaps the staging folder into place. Returns the number of files in the site.
    pub fn finish(mut self, outputs: &Outputs, site: &str) -> Result<usize, Diagnostic> {
        let out = self.out.clone();
        self.finish_inner(outputs, site)
            .map_err(|e| Diagnostic::from_anyhow(Some(&out), &e))
    }

    fn finish_inner(&mut self, outputs: &Outputs, site: &str) -> anyhow::Result<usize> {
        outputs
            .files
            .par_iter()
            .filter(|(_, f)| !matches!(f.body, Body::Written))
            .try_for_each(|(path, f)| self.put(path, &f.body))?;
        if let Some(previous) = &self.previous
            && let Err(e) = previous.sweep(&self.dir, outputs)
        {
            self.spoiled.store(true, Ordering::Relaxed);
            return Err(e).with_context(|| spoiled_copy(&self.dir, "a file"));
        }
        let marker = self.dir.join(MARKER);
        fs::write(&marker, self.kind.marker(site))
            .with_context(|| format!("cannot write {}", marker.display()))?;
        match &self.place {
            Place::Folder => self.swap_folder()?,
            Place::Link { value, target } => {
                let (value, target) = (value.clone(), target.clone());
                self.swap_link(&value, &target)?;
            }
        }
        Ok(outputs.len())
    }

    fn swap_folder(&mut self) -> anyhow::Result<()> {
        let (out, staging) = (&self.out, &self.dir);
        if fs::symlink_metadata(out).is_err() {
            fs::rename(staging, out)
                .with_context(|| format!("cannot move the new site into {}", out.display()))?;
            self.finished = true;
            return Ok(());
        }
        if (self.exchange)(staging, out)
            .with_context(|| format!("cannot swap the new site into {}", out.display()))?
        {
            // The staging folder's name now holds the previous site.
            self.finished = true;
            let staging = staging.clone();
            self.keep_for_next(&staging);
            return Ok(());
        }
        let old = hidden(out, &format!("old-{}", unique()));
        fs::rename(out, &old)
            .with_context(|| format!("cannot move the previous {} aside", out.display()))?;
        if let Err(e) = fs::rename(staging, out) {
            // Put the previous site back so that the failure changes nothing.
            let _ = fs::rename(&old, out);
            return Err(e)
                .with_context(|| format!("cannot move the new site into {}", out.display()));
        }
        self.finished = true;
        self.keep_for_next(&old);
        Ok(())
    }

    /// Keeps `old`, a site folder this build is done with, for the next build to write over
    /// (see [`super::reuse`]), or removes it when it cannot be kept.
    fn keep_for_next(&self, old: &Path) {
        let back = hidden(&self.out, BACK);
        let keep = self.kind == Kind::Site
            && matches!(self.place, Place::Folder)
            && marker_kind(old) == Some(Kind::Site)
            && fs::symlink_metadata(&back).is_err()
            && super::reuse::can_write_over(old);
        if keep && fs::rename(old, &back).is_ok() {
            // Ignored by Git even in a site whose .gitignore is older than the copy (and
            // removed again by the build that writes over it).
            let _ = fs::write(back.join(".gitignore"), "*\n");
        } else {
            remove(old);
        }
    }

    fn swap_link(&mut self, value: &Path, previous: &Path) -> anyhow::Result<()> {
        let new_name = self
            .dir
            .file_name()
            .context("internal error: the new folder has no name")?;
        let new_value = value.with_file_name(new_name);
        let tmp = hidden(&self.out, &format!("link-{}", unique()));
        make_dir_link(&new_value, &tmp)
            .with_context(|| format!("cannot create the link {}", tmp.display()))?;
        if let Err(e) = fs::rename(&tmp, &self.out) {
            let _ = fs::remove_file(&tmp);
            return Err(e)
                .with_context(|| format!("cannot re-point the link {}", self.out.display()));
        }
        self.finished = true;
        prune_generations(&self.dir, previous, self.kind);
        Ok(())
    }
}

/// The stem shared by the folders a linked output points at in turn: `site` for `site`,
/// `site.haven-17…`.
fn generation_stem(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or_else(|| "site".into(), |n| n.to_string_lossy());
    match name.rsplit_once(".haven-") {
        Some((stem, n)) if n.bytes().all(|b| b.is_ascii_digit() || b == b'-') => stem.to_string(),
        _ => name.into_owned(),
    }
}

/// A new folder beside `target` for the next generation of a linked output.
fn next_generation(target: &Path) -> PathBuf {
    let stem = generation_stem(target);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut n = 0;
    loop {
        let name = if n == 0 {
            format!("{stem}.haven-{millis}")
        } else {
            format!("{stem}.haven-{millis}-{n}")
        };
        let candidate = target.with_file_name(name);
        if fs::symlink_metadata(&candidate).is_err() {
            return candidate;
        }
        n += 1;
    }
}

/// Removes Haven's older generations beside `current`, keeping `current` and `previous`
/// (the rollback copy). Only marked folders are touched.
fn prune_generations(current: &Path, previous: &Path, kind: Kind) {
    let stem = generation_stem(current);
    let Some(parent) = current.parent() else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let same = |a: &Path, b: &Path| a.file_name() == b.file_name();
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name == stem || name.starts_with(&format!("{stem}.haven-"));
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if ours
            && is_dir
            && !same(&path, current)
            && !same(&path, previous)
            && marker_kind(&path) == Some(kind)
        {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A failed build's folder is marked as Haven's from the start, and is as good a
        // copy to write over as any.
        if !self.finished {
            let dir = self.dir.clone();
            if self.spoiled.load(Ordering::Relaxed) {
                remove(&dir);
            } else {
                self.keep_for_next(&dir);
            }
        }
    }
}

/// The name beside the output of the copy of the site before last.
const BACK: &str = "back";

/// Where the copy of the site before last is, if there is one of Haven's beside `out`: a real
/// folder (not a link) with the site marker.
fn back_copy(out: &Path) -> Option<PathBuf> {
    let back = hidden(out, BACK);
    let ours = fs::symlink_metadata(&back).is_ok_and(|m| m.is_dir())
        && marker_kind(&back) == Some(Kind::Site);
    ours.then_some(back)
}

/// Takes the copy of the site before last, if there is one of Haven's, as the staging folder
/// `dir`, and reads what it holds.
fn take_back(out: &Path, dir: &Path) -> Option<Previous> {
    let back = back_copy(out)?;
    if !super::reuse::can_write_over(&back) {
        remove(&back);
        return None;
    }
    if fs::rename(&back, dir).is_err() {
        return None;
    }
    match Previous::read(dir) {
        Ok(previous) => Some(previous),
        Err(_) => {
            // What cannot be removed now goes under a name the next build clears, so that
            // this one can start from an empty folder.
            remove(dir);
            if fs::symlink_metadata(dir).is_ok() {
                let _ = fs::rename(dir, hidden(out, &format!("staging-{}", unique())));
            }
            None
        }
    }
}

/// What a build that could not write over the copy before last in `dir` says.
fn spoiled_copy(dir: &Path, what: &str) -> String {
    format!(
        "cannot replace {what} in {}, the copy of the site kept from an earlier build; build again, and Haven will start from an empty folder instead",
        dir.display()
    )
}

/// Writes `files` (path relative to the folder, and bytes) as the whole of `out`, with the
/// same checks, lock and swap as a build.
pub fn write_files(
    layout: &Layout,
    out: &Path,
    kind: Kind,
    site: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<usize, Diagnostic> {
    let staging = Staging::new(layout, out, kind)?;
    let mut outputs = Outputs::default();
    for (path, bytes) in files {
        outputs.add(OutputFile {
            origin: path.clone(),
            path,
            body: Body::Bytes(bytes),
        })?;
    }
    staging.finish(&outputs, site)
}

/// A hard link at `dest` to `src`, or a copy where the file system cannot link (another
/// drive, or a system without hard links). A missing folder is reported as such, so that the
/// caller creates it and tries again.
fn link_or_copy(src: &Path, dest: &Path) -> std::io::Result<()> {
    // Only on Unix: there a linked file is read-only (the cache made it so) and can still be
    // deleted; on Windows a read-only file in the published folder would stop its deletion.
    #[cfg(unix)]
    match fs::hard_link(src, dest) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound && src.exists() => return Err(e),
        Err(_) => {}
    }
    fs::copy(src, dest).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs(files: &[(&str, &str)]) -> Outputs {
        let mut o = Outputs::default();
        for (p, b) in files {
            o.add(OutputFile {
                path: (*p).into(),
                body: Body::Bytes(b.as_bytes().to_vec()),
                origin: "t".into(),
            })
            .unwrap();
        }
        o
    }

    fn site() -> (tempfile::TempDir, Layout) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for f in SOURCE_FOLDERS {
            fs::create_dir_all(root.join(f)).unwrap();
            fs::write(root.join(f).join("keep.txt"), "mine").unwrap();
        }
        fs::write(root.join("site.yaml"), "title: T\n").unwrap();
        let layout = Layout::open(&root).unwrap();
        (tmp, layout)
    }

    fn build(layout: &Layout, out: &Path, files: &[(&str, &str)]) -> Result<usize, Diagnostic> {
        Staging::new(layout, out, Kind::Site)?.finish(&outputs(files), "https://e.org/")
    }

    /// [`build`] as on a system without the atomic exchange.
    fn build_with_two_renames(
        layout: &Layout,
        out: &Path,
        files: &[(&str, &str)],
    ) -> Result<usize, Diagnostic> {
        let mut staging = Staging::new(layout, out, Kind::Site)?;
        staging.exchange = |_, _| Ok(false);
        staging.finish(&outputs(files), "https://e.org/")
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                n.contains(".haven-") && !n.ends_with("haven-lock") && !n.ends_with("haven-back")
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn relative_paths_only() {
        assert!(is_safe_relative("a/b/index.html"));
        assert!(!is_safe_relative(".hidden/x"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/x"));
        assert!(!is_safe_relative("a//b"));
    }

    #[test]
    fn swaps_in_new_site_and_removes_old_files_both_ways() {
        type Build = fn(&Layout, &Path, &[(&str, &str)]) -> Result<usize, Diagnostic>;
        for build in [build as Build, build_with_two_renames] {
            let (_tmp, layout) = site();
            let out = layout.root().join("public");
            assert_eq!(build(&layout, &out, &[("stale.html", "old")]).unwrap(), 1);
            assert_eq!(build(&layout, &out, &[("a/index.html", "new")]).unwrap(), 1);
            assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
            assert!(!out.join("stale.html").exists());
            assert!(
                fs::read_to_string(out.join(MARKER))
                    .unwrap()
                    .starts_with("haven-output: site\nsite: https://e.org/\n")
            );
            assert!(
                leftovers(layout.root()).is_empty(),
                "{:?}",
                leftovers(layout.root())
            );
        }
    }

    #[test]
    fn refuses_the_site_its_ancestors_and_its_source_folders() {
        let (tmp, layout) = site();
        let root = layout.root().to_path_buf();
        let mut refused = vec![
            root.clone(),
            tmp.path().to_path_buf(),
            root.join("content/.."),
        ];
        for f in SOURCE_FOLDERS {
            refused.push(root.join(f));
            refused.push(root.join(f).join("sub/out"));
        }
        for out in refused {
            let e = build(&layout, &out, &[("index.html", "x")]).unwrap_err();
            assert!(e.message.contains("refusing"), "{out:?}: {e}");
        }
        for f in SOURCE_FOLDERS {
            assert_eq!(
                fs::read_to_string(root.join(f).join("keep.txt")).unwrap(),
                "mine"
            );
        }
        assert!(check_output_dir(&layout, &root.join("public")).is_ok());
    }

    #[test]
    fn dot_dot_in_an_output_path_is_resolved_before_anything_is_created() {
        let (tmp, layout) = site();
        let sneaky = tmp.path().join("a/missing/../../site/content/x");
        let e = build(&layout, &sneaky, &[("index.html", "x")]).unwrap_err();
        assert!(e.message.contains("content/ folder"), "{e}");
        assert!(!tmp.path().join("a").exists());
        let fine = tmp.path().join("new/../public2");
        build(&layout, &fine, &[("index.html", "x")]).unwrap();
        assert!(tmp.path().join("public2/index.html").is_file());
        assert!(!tmp.path().join("new").exists());
        let up = layout.root().join("public/..");
        assert!(build(&layout, &up, &[("index.html", "x")]).is_err());
    }

    #[test]
    fn an_existing_folder_not_made_by_haven_is_never_replaced() {
        let (tmp, layout) = site();
        let docs = tmp.path().join("Documents");
        fs::create_dir_all(&docs).unwrap();
        fs::write(docs.join("letter.docx"), "precious").unwrap();
        let e = build(&layout, &docs, &[("index.html", "x")]).unwrap_err();
        assert!(e.message.contains("did not make"), "{e}");
        assert!(
            e.hint.as_deref().unwrap_or("").contains("older version"),
            "{e:?}"
        );
        assert_eq!(
            fs::read_to_string(docs.join("letter.docx")).unwrap(),
            "precious"
        );
        // Empty, or marked: replaced.
        let empty = tmp.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        build(&layout, &empty, &[("index.html", "x")]).unwrap();
        build(&layout, &empty, &[("index.html", "y")]).unwrap();
        assert_eq!(fs::read_to_string(empty.join("index.html")).unwrap(), "y");
        // A file is never replaced.
        let file = tmp.path().join("file");
        fs::write(&file, "f").unwrap();
        assert!(build(&layout, &file, &[("index.html", "x")]).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "f");
    }

    #[test]
    fn a_report_and_a_site_never_replace_each_other() {
        let (tmp, layout) = site();
        let out = tmp.path().join("public");
        build(&layout, &out, &[("index.html", "site")]).unwrap();
        let e = write_files(
            &layout,
            &out,
            Kind::Report,
            "r",
            vec![("index.html".into(), b"report".to_vec())],
        )
        .unwrap_err();
        assert!(e.message.contains("a site built by Haven"), "{e}");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "site");
        let report = tmp.path().join("report");
        write_files(
            &layout,
            &report,
            Kind::Report,
            "r",
            vec![("index.html".into(), b"r1".to_vec())],
        )
        .unwrap();
        write_files(
            &layout,
            &report,
            Kind::Report,
            "r",
            vec![("index.html".into(), b"r2".to_vec())],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(report.join("index.html")).unwrap(), "r2");
        assert!(build(&layout, &report, &[("index.html", "x")]).is_err());
    }

    #[test]
    fn the_old_site_of_an_interrupted_two_rename_swap_is_put_back() {
        let (_tmp, layout) = site();
        let out = layout.root().join("public");
        build(&layout, &out, &[("index.html", "old")]).unwrap();
        // What a kill between the two renames leaves: no output, the old site hidden.
        let old = hidden(&out, "old-99-0");
        fs::rename(&out, &old).unwrap();
        let stale = hidden(&out, "staging-98-0");
        fs::create_dir_all(stale.join("x")).unwrap();
        // A failed build still puts the old site back and clears the stale staging folder.
        drop(Staging::new(&layout, &out, Kind::Site).unwrap());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(
            leftovers(layout.root()).is_empty(),
            "{:?}",
            leftovers(layout.root())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_output_stays_a_link_and_keeps_one_rollback_copy() {
        let (tmp, layout) = site();
        let www = tmp.path().join("www");
        fs::create_dir_all(www.join("site")).unwrap();
        let link = layout.root().join("public");
        std::os::unix::fs::symlink("../www/site", &link).unwrap();
        let mut targets = Vec::new();
        for i in 0..4 {
            build(&layout, &link, &[("index.html", &format!("v{i}"))]).unwrap();
            assert!(
                fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(
                fs::read_to_string(link.join("index.html")).unwrap(),
                format!("v{i}")
            );
            let value = fs::read_link(&link).unwrap();
            assert!(
                value.is_relative() && value.starts_with("../www"),
                "{value:?}"
            );
            targets.push(value);
        }
        let mut left: Vec<String> = fs::read_dir(&www)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        // The original target was not Haven's (empty, no marker), so it is left alone.
        let mut want: Vec<String> = targets[2..]
            .iter()
            .map(|t| t.file_name().unwrap().to_string_lossy().into_owned())
            .chain(["site".to_string()])
            .collect();
        want.sort();
        assert_eq!(left, want, "the current site and one rollback copy");
        // A link to a folder Haven did not make is refused.
        let other = tmp.path().join("other");
        fs::create_dir_all(&other).unwrap();
        fs::write(other.join("x"), "x").unwrap();
        let link2 = tmp.path().join("public2");
        std::os::unix::fs::symlink(&other, &link2).unwrap();
        assert!(build(&layout, &link2, &[("index.html", "x")]).is_err());
        assert_eq!(fs::read_link(&link2).unwrap(), other);
    }
}
