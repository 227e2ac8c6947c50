//! Helpers the whole-site tests share: the fixtures, copying a site, and reading a built one.

// Each test file uses its own share of these.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies the folder `from` (files and folders) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::create_dir_all(dest.parent().unwrap()).unwrap();
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file below `dir` (following `dir` itself if it is a link) with its bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// What a command wrote to standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Each broken fixture under `tests/fixtures/broken/`: its name, and from its `NAME.expect`
/// file the location its error must start with (first line) and words it must contain (second).
pub fn broken_fixtures() -> Vec<(String, String, String)> {
    let dir = fixtures().join("broken");
    let mut all: Vec<(String, String, String)> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let expect = fs::read_to_string(dir.join(format!("{name}.expect")))
                .unwrap_or_else(|_| panic!("{name} has no {name}.expect beside it"));
            let mut lines = expect.lines();
            let location = lines.next().unwrap_or_default().to_string();
            let words = lines.next().unwrap_or_default().to_string();
            (name, location, words)
        })
        .collect();
    all.sort();
    all
}

/// The good site in a fresh folder.
pub fn good_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("good"), dir.path());
    dir
}

/// Names beside an output in `dir` that a build may not leave. It may leave its lock file, the
/// image cache, and the copy of the site it writes the next build over (marked as Haven's).
pub fn leftovers(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            !(n.ends_with(".haven-back")
                && fs::read_to_string(e.path().join(".haven"))
                    .is_ok_and(|m| m.starts_with("haven-output: site\n")))
        })
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".haven-") && !n.ends_with(".haven-lock") && n != ".haven-cache")
        .collect();
    v.sort();
    v
}

/// Builds the site at `root` with the release-independent test binary.
pub fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(&args)
        .output()
        .unwrap()
}

/// Copies the broken fixture `name` over a good site that has built once, builds again, and
/// returns every way that went wrong: not exit 1, an error without `location` and `words`, a
/// panic, a changed `public/`, or staging folders left behind.
pub fn broken_fixture_failures(name: &str, location: &str, words: &str) -> Vec<String> {
    let mut failures = Vec::new();
    let site = good_site();
    let root = site.path();
    if !build(root, &[]).status.success() {
        return vec![format!("{name}: the good site must build first")];
    }
    let before = snapshot(&root.join("public"));
    copy_dir(&fixtures().join("broken").join(name), root);

    let out = build(root, &[]);
    let err = stderr(&out);
    if out.status.code() != Some(1) {
        failures.push(format!(
            "{name}: exit {:?}, expected 1\n{err}",
            out.status.code()
        ));
    }
    if !err.contains(location) || !err.contains(words) {
        failures.push(format!(
            "{name}: expected `{location}` and `{words}` in:\n{err}"
        ));
    }
    if err.contains("panicked") {
        failures.push(format!("{name}: panicked\n{err}"));
    }
    if snapshot(&root.join("public")) != before {
        failures.push(format!("{name}: the previous public/ was changed"));
    }
    if !leftovers(root).is_empty() {
        failures.push(format!("{name}: staging folders left behind"));
    }
    failures
}
