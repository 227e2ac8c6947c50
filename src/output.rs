//! Stage 7: writing the rendered site. Everything goes into a staging folder beside the output
//! folder, which is swapped into place only once every file is written: a failed build leaves
//! the previous site exactly as it was.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::{Body, Outputs};

/// Refuses output folders whose replacement would destroy the site's own files.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let abs = |p: &Path| {
        fs::canonicalize(p)
            .unwrap_or_else(|_| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    };
    let (root_abs, out_abs) = (abs(root), abs(out));
    let looks_like_site =
        out.join(crate::config::CONFIG_FILE).exists() || out.join("content").is_dir();
    if root_abs.starts_with(&out_abs) || looks_like_site {
        return Err(Diagnostic::error(format!(
            "refusing to build into {}: it holds the site's own files, which the build would replace",
            out.display()
        ))
        .hint("choose an output folder of its own, such as public/"));
    }
    Ok(())
}

fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && path.split('/').all(crate::content::is_safe_component)
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `outputs` into `out` atomically; returns the number of files written.
pub fn write(outputs: &Outputs, out: &Path) -> Result<usize, Diagnostic> {
    Staging::new(out)?.finish(outputs)
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    out.with_file_name(format!(".{name}.haven-{tag}"))
}

/// A folder beside the output that a build writes into, while it renders, and that replaces
/// the output only when [`Staging::finish`] is called. Dropped unfinished (a failed build),
/// it is removed and the output is untouched.
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    finished: bool,
}

impl Staging {
    /// Creates an empty staging folder beside `out`.
    pub fn new(out: &Path) -> Result<Staging, Diagnostic> {
        Staging::create(out).map_err(|e| Diagnostic::from_anyhow(Some(out), &e))
    }

    fn create(out: &Path) -> anyhow::Result<Staging> {
        if out.exists() && !out.is_dir() {
            anyhow::bail!("the output path exists and is not a folder");
        }
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let dir = sibling(out, "staging");
        if dir.exists() {
            fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            finished: false,
        })
    }

    /// Writes one file (`path` relative to the site), creating its folder when needed. Safe
    /// to call from several threads at once.
    pub fn put(&self, path: &str, body: &Body) -> anyhow::Result<()> {
        if !is_safe_relative(path) {
            anyhow::bail!("internal error: refusing to write outside the output folder: {path}");
        }
        let dest = self.dir.join(path);
        let attempt = |dest: &Path| -> std::io::Result<()> {
            match body {
                Body::Bytes(b) => fs::write(dest, b),
                Body::Copy(src) => fs::copy(src, dest).map(|_| ()),
                Body::Written => Ok(()),
            }
        };
        // Most folders exist by the time their second file is written: try first, create on
        // failure, rather than a create_dir_all per file.
        match attempt(&dest) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)
                        .with_context(|| format!("cannot create the folder of {path}"))?;
                }
                attempt(&dest)
            }
            other => other,
        }
        .with_context(|| match body {
            Body::Copy(src) => format!("cannot copy {} to {path}", src.display()),
            _ => format!("cannot write {path}"),
        })
    }

    /// Writes every file of `outputs` not written yet, then swaps the staging folder into
    /// place. Returns the number of files in the site.
    pub fn finish(mut self, outputs: &Outputs) -> Result<usize, Diagnostic> {
        let out = self.out.clone();
        self.finish_inner(outputs)
            .map_err(|e| Diagnostic::from_anyhow(Some(&out), &e))
    }

    fn finish_inner(&mut self, outputs: &Outputs) -> anyhow::Result<usize> {
        outputs
            .files
            .par_iter()
            .filter(|(_, f)| !matches!(f.body, Body::Written))
            .try_for_each(|(path, f)| self.put(path, &f.body))?;
        let (out, staging) = (&self.out, &self.dir);
        if out.exists() {
            let old = sibling(out, "old");
            if old.exists() {
                fs::remove_dir_all(&old)
                    .with_context(|| format!("cannot clear {}", old.display()))?;
            }
            fs::rename(out, &old)
                .with_context(|| format!("cannot move the previous {} aside", out.display()))?;
            if let Err(e) = fs::rename(staging, out) {
                // Put the previous site back so that the failure changes nothing.
                let _ = fs::rename(&old, out);
                return Err(e)
                    .with_context(|| format!("cannot move the new site into {}", out.display()));
            }
            self.finished = true;
            fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        } else {
            fs::rename(staging, out)
                .with_context(|| format!("cannot move the new site into {}", out.display()))?;
            self.finished = true;
        }
        Ok(outputs.len())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutputFile;

    #[test]
    fn relative_paths_only() {
        assert!(is_safe_relative("a/b/index.html"));
        assert!(!is_safe_relative(".hidden/x"));
        assert!(!is_safe_relative("../x"));
        assert!(!is_safe_relative("/etc/x"));
        assert!(!is_safe_relative("a//b"));
    }

    #[test]
    fn swaps_in_new_site_and_removes_old_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("stale.html"), "old").unwrap();
        let mut o = Outputs::default();
        o.add(OutputFile {
            path: "a/index.html".into(),
            body: Body::Bytes(b"new".to_vec()),
            origin: "t".into(),
        })
        .unwrap();
        assert_eq!(write(&o, &out).unwrap(), 1);
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "new");
        assert!(!out.join("stale.html").exists());
        assert!(!sibling(&out, "staging").exists() && !sibling(&out, "old").exists());
    }

    #[test]
    fn refuses_to_overwrite_the_site_itself() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("site.yaml"), "").unwrap();
        assert!(check_output_dir(tmp.path(), tmp.path()).is_err());
        assert!(check_output_dir(tmp.path(), &tmp.path().join("public")).is_ok());
    }
}
