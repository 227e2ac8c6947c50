//! Watching the site's folders: which changes matter, and rebuilding after a burst of them
//! settles. Takes the site being served; publishes each rebuild to the server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::plan::Incremental;
use super::{Shared, publish};

/// Quiet time after the last file event before rebuilding: an editor's save is often
/// several events (write, rename, attributes), and several quick saves should cost one
/// rebuild.
const SETTLE: Duration = Duration::from_millis(30);

/// The folders and files a site is built from, that exist.
pub(super) fn watch_list(root: &Path) -> Vec<PathBuf> {
    crate::layout::SOURCE_FOLDERS
        .iter()
        .chain(&[crate::config::CONFIG_FILE])
        .map(PathBuf::from)
        .filter(|p| root.join(p).exists())
        .collect()
}

/// Whether a changed path can matter to the build: editors' swap and backup files cannot.
fn relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#"))
}

/// The file watcher, set up before the first build so that no save is missed.
pub(super) struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    watching: Vec<PathBuf>,
}

impl Watch {
    pub(super) fn new(root: &Path) -> Result<Watch, String> {
        use notify::{RecursiveMode, Watcher};
        // Events name paths below the watched ones; watching canonical paths makes them easy
        // to tell apart.
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| format!("cannot watch for changes: {e}"))?;
        // The root itself, not recursively, so that a folder created later (static/, data/)
        // and site.yaml are seen, without watching public/ and its thousands of folders.
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut w = Watch {
            root,
            watcher,
            events,
            watching: Vec::new(),
        };
        w.add_folders();
        Ok(w)
    }

    /// Watches the site's folders that exist and are not watched yet.
    fn add_folders(&mut self) {
        use notify::{RecursiveMode, Watcher};
        for p in watch_list(&self.root) {
            let abs = self.root.join(&p);
            if abs.is_dir() && !self.watching.contains(&abs) {
                match self.watcher.watch(&abs, RecursiveMode::Recursive) {
                    Ok(()) => self.watching.push(abs),
                    Err(e) => eprintln!("error: cannot watch {}: {e}", abs.display()),
                }
            }
        }
    }
}

pub(super) fn watch(mut w: Watch, mut site: Incremental, shared: Arc<Shared>) {
    let root = w.root.clone();
    let top = crate::layout::SOURCE_FOLDERS;
    loop {
        let Ok(first) = w.events.recv() else { return };
        let mut batch = Vec::new();
        let mut take = |e: notify::Result<notify::Event>| {
            if let Ok(e) = e
                && !matches!(e.kind, notify::EventKind::Access(_))
            {
                for p in e.paths {
                    let rel = p.strip_prefix(&root).unwrap_or(&p).to_path_buf();
                    let inside =
                        rel == Path::new("site.yaml") || top.iter().any(|t| rel.starts_with(t));
                    if inside && relevant(&p) && !batch.contains(&p) {
                        batch.push(p);
                    }
                }
            }
        };
        take(first);
        while let Ok(e) = w.events.recv_timeout(SETTLE) {
            take(e);
        }
        if batch.is_empty() {
            continue;
        }
        w.add_folders();
        let shown: Vec<String> = batch
            .iter()
            .take(3)
            .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
            .collect();
        let what = if batch.len() > 3 {
            format!("{} and {} more", shown.join(", "), batch.len() - 3)
        } else {
            shown.join(", ")
        };
        publish(&shared, &mut site, &batch, &format!("Changed {what}"));
    }
}
