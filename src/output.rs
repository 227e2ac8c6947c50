//! Stage 7: writing the rendered site. Everything goes into a staging folder beside the output
//! folder, which is swapped into place only once every file is written: a failed build leaves
//! the previous site exactly as it was.

use std::collections::BTreeSet;
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
    write_inner(outputs, out).map_err(|e| Diagnostic::from_anyhow(Some(out), &e))
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("public");
    out.with_file_name(format!(".{name}.haven-{tag}"))
}

fn write_inner(outputs: &Outputs, out: &Path) -> anyhow::Result<usize> {
    if out.exists() && !out.is_dir() {
        anyhow::bail!("the output path exists and is not a folder");
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let staging = sibling(out, "staging");
    if staging.exists() {
        fs::remove_dir_all(&staging)
            .with_context(|| format!("cannot clear {}", staging.display()))?;
    }
    fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;

    let result = (|| -> anyhow::Result<()> {
        let mut dirs = BTreeSet::new();
        for path in outputs.files.keys() {
            if !is_safe_relative(path) {
                anyhow::bail!(
                    "internal error: refusing to write outside the output folder: {path}"
                );
            }
            if let Some((dir, _)) = path.rsplit_once('/') {
                dirs.insert(dir);
            }
        }
        for d in &dirs {
            fs::create_dir_all(staging.join(d)).with_context(|| format!("cannot create {d}"))?;
        }
        outputs
            .files
            .par_iter()
            .try_for_each(|(path, f)| -> anyhow::Result<()> {
                let dest = staging.join(path);
                match &f.body {
                    Body::Bytes(b) => {
                        fs::write(&dest, b).with_context(|| format!("cannot write {path}"))?
                    }
                    Body::Copy(src) => {
                        fs::copy(src, &dest)
                            .with_context(|| format!("cannot copy {} to {path}", src.display()))?;
                    }
                }
                Ok(())
            })
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }

    if out.exists() {
        let old = sibling(out, "old");
        if old.exists() {
            fs::remove_dir_all(&old).with_context(|| format!("cannot clear {}", old.display()))?;
        }
        fs::rename(out, &old)
            .with_context(|| format!("cannot move the previous {} aside", out.display()))?;
        if let Err(e) = fs::rename(&staging, out) {
            // Put the previous site back so that the failure changes nothing.
            let _ = fs::rename(&old, out);
            return Err(e)
                .with_context(|| format!("cannot move the new site into {}", out.display()));
        }
        fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
    } else {
        fs::rename(&staging, out)
            .with_context(|| format!("cannot move the new site into {}", out.display()))?;
    }
    Ok(outputs.len())
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
