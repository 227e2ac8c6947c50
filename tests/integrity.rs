//! Haven's promises about the files it is trusted with, tried from outside with the real
//! binary: no output folder that is not Haven's is ever replaced, two builds at once or a
//! build killed at any moment leave a complete site, and no file from outside the site folder
//! is ever published.

mod common;

use common::{copy_dir, fixtures, leftovers, snapshot, stderr};

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-23";

/// A copy of the good fixture site in `dir/site`, with every source folder present.
fn good_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&fixtures().join("good"), &root);
    (dir, root)
}

/// The good site with `n` more news pages, for builds that take long enough to interrupt.
fn big_site(n: usize) -> (tempfile::TempDir, PathBuf) {
    let (dir, root) = good_site();
    for i in 0..n {
        fs::write(
            root.join(format!("content/news/bulk-{i:04}.md")),
            format!(
                "---\ntitle: Bulletin {i}\ndate: 2025-02-01\ntopics: [neglect]\n---\n## Summary\n\nBulletin number {i} about keeping children safe. {}\n",
                "Practitioners should share information early. ".repeat(20)
            ),
        )
        .unwrap();
    }
    (dir, root)
}

fn haven(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(args)
        .output()
        .unwrap()
}

fn build(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", "--now", NOW, "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    haven(&args)
}

fn build_into(root: &Path, out: &Path) -> Output {
    build(root, &["--output-dir", out.to_str().unwrap()])
}

/// Asserts that the command's messages contain `words`.
#[track_caller]
fn says(o: &Output, words: &str) {
    let err = stderr(o);
    assert!(err.contains(words), "expected {words:?} in:\n{err}");
}

#[test]
fn output_folders_that_are_not_havens_survive_a_refused_build() {
    let (dir, root) = good_site();
    for f in ["data", "static", "templates", "themes"] {
        fs::create_dir_all(root.join(f)).unwrap();
        fs::write(root.join(f).join("keep-me.txt"), "mine").unwrap();
    }
    let documents = dir.path().join("Documents");
    fs::create_dir_all(&documents).unwrap();
    fs::write(documents.join("minutes.docx"), "the only copy").unwrap();
    let everything = || (snapshot(&root), snapshot(&documents));
    let before = everything();
    let cases: Vec<(PathBuf, &str)> = vec![
        (root.join("content"), "content/ folder"),
        (root.join("content/guidance"), "content/ folder"),
        (root.join("content/guidance/out"), "content/ folder"),
        (root.join("themes"), "themes/ folder"),
        (root.join("themes/mini/static"), "themes/ folder"),
        (root.join("data"), "data/ folder"),
        (root.join("static"), "static/ folder"),
        (root.join("templates"), "templates/ folder"),
        (root.clone(), "site folder itself"),
        (dir.path().to_path_buf(), "holds the site folder"),
        (documents.clone(), "Haven did not make"),
        (root.join("site.yaml"), "is a file"),
    ];
    for (out, words) in cases {
        for _ in 0..2 {
            let o = build_into(&root, &out);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{out:?}:\n{err}");
            assert!(
                err.contains(words),
                "{out:?}: expected {words:?} in:\n{err}"
            );
            assert!(!err.contains("panicked"), "{err}");
        }
    }
    assert!(before == everything(), "a refused build changed a folder");
    assert!(!root.join("content/guidance/out").exists());
    // An older build has no marker: the message says what to do, once.
    let o = build_into(&root, &documents);
    says(&o, "delete the folder once yourself");
}

#[test]
fn the_default_output_an_empty_folder_and_a_marked_folder_are_replaced() {
    let (dir, root) = good_site();
    assert!(build(&root, &[]).status.success());
    assert!(
        fs::read_to_string(root.join("public/.haven"))
            .unwrap()
            .starts_with("haven-output: site\nsite: https://fixture.example.org/\n")
    );
    assert!(build(&root, &[]).status.success());
    let empty = dir.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    assert!(build_into(&root, &empty).status.success());
    assert!(empty.join("index.html").is_file());
    assert!(leftovers(&root).is_empty() && leftovers(dir.path()).is_empty());
}

/// Every file below `dir` and its bytes, and every folder (with a trailing `/`).
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if e.file_type().is_dir() {
                (format!("{rel}/"), Vec::new())
            } else {
                assert!(
                    e.file_type().is_file(),
                    "{rel} is neither a file nor a folder"
                );
                (rel, fs::read(e.path()).unwrap())
            }
        })
        .collect()
}

#[test]
fn a_build_over_the_copy_before_last_is_exactly_a_fresh_build() {
    let (dir, root) = good_site();
    let page = root.join("content/guidance/swap.md");
    let file = root.join("static/guidance/swap");
    fs::create_dir_all(file.parent().unwrap()).unwrap();
    // Version A: /guidance/swap/ is a page (a folder); B: the same address is a file, and
    // the page is gone.
    let version = |v: &str| {
        let _ = fs::remove_file(&page);
        let _ = fs::remove_file(&file);
        if v == "A" {
            fs::write(&page, "---\ntitle: Swap\n---\nA page.\n").unwrap();
        } else {
            fs::write(&file, "a file").unwrap();
        }
    };
    let mut reference = std::collections::BTreeMap::new();
    for v in ["A", "B"] {
        version(v);
        let out = dir.path().join(format!("ref-{v}"));
        let o = build_into(&root, &out);
        assert!(o.status.success(), "{}", stderr(&o));
        reference.insert(v, tree(&out));
    }
    assert!(reference["A"] != reference["B"]);
    let back = root.join(".public.haven-back");
    for (i, v) in ["A", "B", "A", "B", "A", "B", "B"].iter().enumerate() {
        version(v);
        // Whatever someone left in the copy is never published, nor followed.
        if back.is_dir() {
            fs::write(back.join("left-by-hand.txt"), "x").unwrap();
            fs::create_dir_all(back.join("guidance/planted/deeper")).unwrap();
            #[cfg(unix)]
            {
                let outside = dir.path().join("outside");
                fs::create_dir_all(&outside).unwrap();
                let _ = fs::remove_dir_all(back.join("news"));
                let _ = fs::remove_file(back.join("news"));
                std::os::unix::fs::symlink(&outside, back.join("news")).unwrap();
                let _ = fs::remove_file(back.join("robots.txt"));
                fs::write(outside.join("mine.txt"), "mine").unwrap();
                fs::hard_link(outside.join("mine.txt"), back.join("robots.txt")).unwrap();
            }
        }
        let o = build(&root, &[]);
        assert!(o.status.success(), "build {i}: {}", stderr(&o));
        assert!(
            tree(&root.join("public")) == reference[v],
            "build {i} ({v}) differs from a fresh build"
        );
        #[cfg(unix)]
        {
            let outside = dir.path().join("outside");
            if outside.exists() {
                let names: Vec<_> = fs::read_dir(&outside).unwrap().collect();
                assert_eq!(names.len(), 1, "a build wrote through a link");
                assert_eq!(
                    fs::read_to_string(outside.join("mine.txt")).unwrap(),
                    "mine"
                );
            }
        }
        assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
    }
    assert!(back.is_dir(), "the copy before last is kept");
    // Out of Git's sight even in a site whose .gitignore does not name it.
    assert_eq!(fs::read_to_string(back.join(".gitignore")).unwrap(), "*\n");
    // A copy that is not Haven's is never used nor removed.
    fs::remove_dir_all(&back).unwrap();
    fs::create_dir_all(&back).unwrap();
    fs::write(back.join("notes.txt"), "mine").unwrap();
    for _ in 0..3 {
        assert!(build(&root, &[]).status.success());
        assert!(tree(&root.join("public")) == reference["B"]);
    }
    assert_eq!(fs::read_to_string(back.join("notes.txt")).unwrap(), "mine");
    assert_eq!(fs::read_dir(&back).unwrap().count(), 1);
}

#[test]
fn a_missing_or_file_root_is_refused_and_never_created() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-site");
    let o = build(&missing, &[]);
    assert_eq!(o.status.code(), Some(1));
    says(&o, "does not exist");
    assert!(!missing.exists(), "the missing root was created");
    let file = dir.path().join("notes.txt");
    fs::write(&file, "x").unwrap();
    let o = build(&file, &[]);
    assert_eq!(o.status.code(), Some(1));
    says(&o, "is a file, not a site folder");
    assert!(!stderr(&o).contains("File exists"));
}

#[test]
fn two_builds_at_once_leave_one_complete_site() {
    let (dir, root) = big_site(300);
    let reference = dir.path().join("reference");
    assert!(build_into(&root, &reference).status.success());
    let want = snapshot(&reference);
    assert!(want.len() > 300);
    for trial in 0..3 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_haven"))
                .args(["build", "--now", NOW, "--root"])
                .arg(&root)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "{}", stderr(&a));
        assert!(b.status.success(), "{}", stderr(&b));
        let got = snapshot(&root.join("public"));
        assert_eq!(got.len(), want.len(), "trial {trial}");
        assert!(
            got == want,
            "trial {trial}: public/ differs from a single build"
        );
        assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
        if trial == 0 {
            // They cannot both have started at once without one waiting for the other.
            let waited = [&a, &b]
                .iter()
                .filter(|o| stderr(o).contains("Waiting for another build"))
                .count();
            assert!(waited <= 1);
        }
    }
}

#[test]
fn a_second_build_waits_for_the_first_and_says_so() {
    let (_dir, root) = big_site(300);
    let first = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--now", NOW, "--root"])
        .arg(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The lock is taken before anything is read; give the first build a head start.
    let lock = root.join(".public.haven-lock");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !lock.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(20));
    let second = build(&root, &[]);
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success());
    assert!(second.status.success(), "{}", stderr(&second));
    says(&second, "Waiting for another build of this site to finish");
}

#[cfg(unix)]
fn kill(child: &mut std::process::Child) {
    // SIGKILL: nothing of Haven's runs after it, as when a machine's power is cut.
    let _ = child.kill();
}

#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_the_old_or_the_new_site() {
    let (dir, root) = big_site(300);
    let config = fs::read_to_string(root.join("site.yaml")).unwrap();
    let version = |v: &str| {
        fs::write(
            root.join("site.yaml"),
            config.replace("title: Fixture Partnership", &format!("title: Fixture {v}")),
        )
        .unwrap();
    };
    let mut reference = std::collections::BTreeMap::new();
    for v in ["A", "B"] {
        version(v);
        let out = dir.path().join(format!("ref-{v}"));
        assert!(build_into(&root, &out).status.success());
        reference.insert(v, (snapshot(&out), ()));
    }
    assert!(reference["A"].0 != reference["B"].0);
    // Timed as the interrupted builds will run: into public/, replacing a site.
    let mut timed = Vec::new();
    for v in ["B", "A", "B", "A"] {
        version(v);
        let start = Instant::now();
        assert!(build(&root, &[]).status.success());
        timed.push(start.elapsed());
    }
    timed.sort();
    let took = timed[1];
    let mut current = "A";
    // Twenty kills spread over the build, and six around its end, where the swap is.
    let mut delays: Vec<Duration> = (0..20).map(|i| took * (2 * i + 1) / 40).collect();
    delays.extend([90, 95, 98, 100, 103, 110].map(|p| took * p / 100));
    let (mut old, mut new) = (0, 0);
    for (i, delay) in delays.iter().enumerate() {
        let next = if current == "A" { "B" } else { "A" };
        version(next);
        let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["build", "--now", NOW, "--root"])
            .arg(&root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(*delay);
        kill(&mut child);
        let _ = child.wait();
        let got = snapshot(&root.join("public"));
        if got == reference[current].0 {
            old += 1;
            eprintln!("kill {i} after {delay:?}: the old site");
        } else if got == reference[next].0 {
            new += 1;
            current = next;
            eprintln!("kill {i} after {delay:?}: the new site");
        } else {
            panic!(
                "kill {i} after {delay:?}: public/ is neither the old nor the new site ({} files)",
                got.len()
            );
        }
    }
    eprintln!(
        "{} kills: the old site {old} times, the new one {new} times",
        delays.len()
    );
    // The next build clears what the killed ones left and succeeds.
    assert!(build(&root, &[]).status.success());
    assert!(leftovers(&root).is_empty(), "{:?}", leftovers(&root));
}

#[test]
fn the_output_is_never_missing_while_builds_swap_it() {
    let (_dir, root) = big_site(100);
    assert!(build(&root, &[]).status.success());
    let public = root.join("public");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (stop, public) = (stop.clone(), public.clone());
        std::thread::spawn(move || {
            let (mut looks, mut missing) = (0u64, 0u64);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                looks += 1;
                if !public.join("index.html").is_file() {
                    missing += 1;
                }
            }
            (looks, missing)
        })
    };
    for _ in 0..5 {
        assert!(build(&root, &[]).status.success());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (looks, missing) = watcher.join().unwrap();
    eprintln!("{looks} looks at public/index.html, {missing} found it missing");
    #[cfg(target_os = "linux")]
    assert_eq!(missing, 0, "public/ was missing during a swap");
    assert!(looks > 100);
}

#[test]
fn the_report_never_writes_into_a_built_site_or_the_sources() {
    let (dir, root) = good_site();
    assert!(build(&root, &[]).status.success());
    let before = snapshot(&root.join("public"));
    let check = |report: &Path| {
        haven(&[
            "check",
            "--now",
            NOW,
            "--root",
            root.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ])
    };
    let o = check(&root.join("public"));
    says(&o, "a site built by Haven");
    assert!(stderr(&o).contains("The report was not written"));
    assert_ne!(o.status.code(), Some(0));
    assert!(
        snapshot(&root.join("public")) == before,
        "the report touched public/"
    );
    let o = check(&root.join("content/report"));
    says(&o, "content/ folder");
    assert!(!root.join("content/report").exists());
    let report = dir.path().join("report");
    for _ in 0..2 {
        let o = check(&report);
        says(&o, "Report written");
    }
    assert!(
        fs::read_to_string(report.join("index.html"))
            .unwrap()
            .contains("<html")
    );
    // And a build will not replace the report.
    let o = build_into(&root, &report);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    const SECRET: &str = "CI_TOKEN=hunter2-secret";

    /// The good site with links to files and folders outside it.
    fn linked_site() -> (tempfile::TempDir, PathBuf) {
        let (dir, root) = good_site();
        let outside = dir.path().join("outside");
        fs::create_dir_all(outside.join("folder")).unwrap();
        fs::write(outside.join("environ"), SECRET).unwrap();
        fs::write(outside.join("folder/passwd"), SECRET).unwrap();
        fs::write(
            outside.join("page.md"),
            format!("---\ntitle: Smuggled\n---\n{SECRET}\n"),
        )
        .unwrap();
        fs::write(outside.join("board.yaml"), format!("secret: {SECRET}\n")).unwrap();
        fs::write(outside.join("t.html"), SECRET).unwrap();
        symlink(
            outside.join("environ"),
            root.join("content/guidance/env.txt"),
        )
        .unwrap();
        symlink("/etc/passwd", root.join("content/guidance/passwd.txt")).unwrap();
        symlink(outside.join("folder"), root.join("content/linked-folder")).unwrap();
        symlink(outside.join("page.md"), root.join("content/smuggled.md")).unwrap();
        symlink(outside.join("board.yaml"), root.join("data/secret.yaml")).unwrap();
        symlink(outside.join("environ"), root.join("static/env.txt")).unwrap();
        symlink(outside.join("t.html"), root.join("templates/leak.html")).unwrap();
        (dir, root)
    }

    fn published(root: &Path) -> Vec<PathBuf> {
        snapshot(&root.join("public"))
            .into_iter()
            .filter(|(_, b)| {
                String::from_utf8_lossy(b).contains("hunter2")
                    || String::from_utf8_lossy(b).contains("root:x:0")
            })
            .map(|(p, _)| p)
            .collect()
    }

    #[test]
    fn links_that_leave_the_site_are_never_published() {
        let (_dir, root) = linked_site();
        let o = build(&root, &[]);
        let err = stderr(&o);
        assert!(o.status.success(), "{err}");
        assert!(published(&root).is_empty(), "{:?}", published(&root));
        for link in [
            "content/guidance/env.txt",
            "content/guidance/passwd.txt",
            "content/linked-folder",
            "content/smuggled.md",
            "data/secret.yaml",
            "static/env.txt",
            "templates/leak.html",
        ] {
            assert!(
                err.contains(&format!("{link}: warning: skipped: this is a link to")),
                "{link} not named in:\n{err}"
            );
        }
        assert!(!root.join("public/guidance/env.txt").exists());
        assert!(!root.join("public/smuggled/index.html").exists());
        // --deny-warnings turns them into a failed build that leaves public/ alone.
        let before = snapshot(&root.join("public"));
        let o = build(&root, &["--deny-warnings"]);
        assert_eq!(o.status.code(), Some(1));
        says(&o, "--deny-warnings");
        assert!(snapshot(&root.join("public")) == before);
    }

    #[test]
    fn links_inside_the_site_or_into_linked_folders_are_followed() {
        let (dir, root) = good_site();
        let shared = dir.path().join("shared");
        fs::create_dir_all(&shared).unwrap();
        fs::write(shared.join("leaflet.txt"), "shared leaflet").unwrap();
        symlink(&shared, root.join("static/shared")).unwrap();
        fs::create_dir_all(root.join("drafts")).unwrap();
        fs::write(
            root.join("drafts/notes.md"),
            "---\ntitle: Notes\n---\nKept elsewhere in the site.\n",
        )
        .unwrap();
        symlink(
            "../../drafts/notes.md",
            root.join("content/guidance/notes.md"),
        )
        .unwrap();
        let o = build(&root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!root.join("public/shared/leaflet.txt").exists());
        assert!(
            fs::read_to_string(root.join("public/guidance/notes/index.html"))
                .unwrap()
                .contains("Kept elsewhere in the site.")
        );
        let config = fs::read_to_string(root.join("site.yaml")).unwrap();
        let set_links = |folders: &str| {
            fs::write(
                root.join("site.yaml"),
                format!("{config}linked_folders: [{folders}]\n"),
            )
            .unwrap();
        };
        set_links("../shared");
        let o = build(&root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(!stderr(&o).contains("skipped"), "{}", stderr(&o));
        assert_eq!(
            fs::read_to_string(root.join("public/shared/leaflet.txt")).unwrap(),
            "shared leaflet"
        );
        // A listed folder that does not exist is an error in site.yaml, with its line.
        set_links("../nowhere");
        let o = build(&root, &[]);
        assert_eq!(o.status.code(), Some(1));
        says(&o, "site.yaml:9:1: error: the linked folder `../nowhere`");
    }

    #[test]
    fn a_link_into_the_output_is_not_followed() {
        let (_dir, root) = good_site();
        assert!(build(&root, &[]).status.success());
        symlink(root.join("public"), root.join("content/guidance/mirror")).unwrap();
        let first = build(&root, &[]);
        says(&first, "into the output folder");
        let n = snapshot(&root.join("public")).len();
        assert!(build(&root, &[]).status.success());
        assert_eq!(
            snapshot(&root.join("public")).len(),
            n,
            "the site grew by publishing itself"
        );
    }

    #[test]
    fn a_theme_linked_from_outside_is_refused_unless_listed() {
        let (dir, root) = good_site();
        let theme = dir.path().join("shared-theme");
        fs::rename(root.join("themes/mini"), &theme).unwrap();
        symlink(&theme, root.join("themes/mini")).unwrap();
        let o = build(&root, &[]);
        assert_eq!(o.status.code(), Some(1));
        says(&o, "the theme `mini` is not installed");
        let config = fs::read_to_string(root.join("site.yaml")).unwrap();
        fs::write(
            root.join("site.yaml"),
            config + "linked_folders: [../shared-theme]\n",
        )
        .unwrap();
        let o = build(&root, &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }

    #[test]
    fn a_linked_public_stays_a_link_to_the_new_site() {
        let (dir, root) = good_site();
        let www = dir.path().join("www");
        fs::create_dir_all(www.join("live")).unwrap();
        symlink("../www/live", root.join("public")).unwrap();
        let mut seen = Vec::new();
        for title in ["One", "Two", "Three"] {
            let config = fs::read_to_string(root.join("site.yaml")).unwrap();
            let config = config
                .lines()
                .map(|l| {
                    if l.starts_with("title:") {
                        format!("title: Partnership {title}")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            fs::write(root.join("site.yaml"), config + "\n").unwrap();
            let o = build(&root, &[]);
            assert!(o.status.success(), "{}", stderr(&o));
            let meta = fs::symlink_metadata(root.join("public")).unwrap();
            assert!(meta.file_type().is_symlink(), "public/ is no longer a link");
            let target = fs::read_link(root.join("public")).unwrap();
            assert!(target.starts_with("../www"), "{target:?}");
            assert!(
                fs::read_to_string(root.join("public/index.html"))
                    .unwrap()
                    .contains(&format!("Partnership {title}"))
            );
            seen.push(target);
        }
        // The live site and the one before it, kept to roll back to, and the first folder,
        // which Haven did not make.
        let mut left: Vec<String> = fs::read_dir(&www)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), 3, "{left:?}");
        for t in &seen[1..] {
            assert!(left.contains(&t.file_name().unwrap().to_string_lossy().into_owned()));
        }
    }
}
