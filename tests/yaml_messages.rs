//! Issue 15, "Messages an editor can act on": a YAML mistake is reported in plain words at the
//! right place, its hint is the exact line to type, and a file that cannot be read does not
//! hide the problems in the others, so the editor fixes everything in one round.

mod common;

use common::{build, copy_dir, fixtures, good_site, snapshot, stderr};

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// `haven check` on the site at `root`.
fn check(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--root", root.to_str().unwrap()])
        .output()
        .unwrap()
}

/// A good site that has built once, with the broken fixtures `names` copied over it.
fn broken_site(names: &[&str]) -> tempfile::TempDir {
    let site = good_site();
    let first = build(site.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    for name in names {
        copy_dir(&fixtures().join("broken").join(name), site.path());
    }
    site
}

/// The text between the backticks of the hint `put the value in quotes: `…``.
fn quoted_line(err: &str) -> String {
    let start = err
        .find("put the value in quotes: `")
        .unwrap_or_else(|| panic!("no quoting hint in:\n{err}"))
        + "put the value in quotes: `".len();
    let len = err[start..].find("`\n").unwrap_or(err.len() - start);
    err[start..start + len].to_string()
}

/// The problems in the fixture `every-problem-in-one-run`: a front-matter error in one file,
/// and content-check errors (a missing `@/` page, an image without alt text, a link to an
/// address that does not exist) in two others.
const EVERY_PROBLEM: [&str; 4] = [
    "content/guidance/neglect.md:2:15: error: the value of `title` has a colon followed by a space",
    "content/links.md:5:5: error: link to `@/guidance/missing.md`, which does not exist",
    "content/photos.md:7:1: error[image-alt]: the image `/images/team.jpg` has no alt text",
    "content/photos.md:9:5: error[link-target]: link to `/guidance/old-neglect/`, which is not a page or file on this site",
];

/// What must not be said about the links to the page whose front matter could not be read:
/// that page exists, and its own error is the one to fix.
const NOT_SAID: [&str; 4] = [
    "link to `@/guidance/neglect.md",
    "link to `/guidance/neglect/",
    "get_page",
    "url_for",
];

#[test]
fn a_front_matter_error_does_not_hide_the_other_files_problems() {
    let site = broken_site(&["every-problem-in-one-run"]);
    let root = site.path();
    let before = snapshot(&root.join("public"));

    let out = build(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for expected in EVERY_PROBLEM {
        assert!(err.contains(expected), "`{expected}` missing from:\n{err}");
    }
    for wrong in NOT_SAID {
        assert!(!err.contains(wrong), "`{wrong}` should not be said:\n{err}");
    }
    assert!(
        err.contains("Build failed with 4 errors"),
        "exactly the four errors:\n{err}"
    );
    assert!(
        !err.contains("warning"),
        "a build shows only errors:\n{err}"
    );
    assert_eq!(
        snapshot(&root.join("public")),
        before,
        "public/ must be left as it was"
    );

    // `haven check` reports the same errors in one run too, with the warnings.
    let out = check(root);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for expected in EVERY_PROBLEM {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
    for wrong in NOT_SAID {
        assert!(
            !text.contains(wrong),
            "`{wrong}` should not be said:\n{text}"
        );
    }
    assert!(text.contains("4 errors and "), "{text}");
    assert!(text.contains("warning[description]"), "{text}");
}

#[test]
fn fixing_what_one_run_reports_is_enough() {
    let site = broken_site(&["every-problem-in-one-run"]);
    let root = site.path();
    let err = stderr(&build(root, &[]));

    // The editor does what each message says, in one round.
    let neglect = root.join("content/guidance/neglect.md");
    let text = fs::read_to_string(&neglect).unwrap();
    let fixed = text.replacen("title: Neglect: signs and help", &quoted_line(&err), 1);
    fs::write(&neglect, fixed).unwrap();
    let links = root.join("content/links.md");
    let text = fs::read_to_string(&links).unwrap();
    fs::write(&links, text.replace("missing.md", "cse.md")).unwrap();
    let photos = root.join("content/photos.md");
    let text = fs::read_to_string(&photos).unwrap();
    let text = text
        .replace(
            "![](/images/team.jpg)",
            "![The board at its annual meeting](/images/team.jpg)",
        )
        .replace("/guidance/old-neglect/", "/guidance/neglect/");
    fs::write(&photos, text).unwrap();

    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = fs::read_to_string(root.join("public/guidance/neglect/index.html")).unwrap();
    assert!(page.contains("Neglect: signs and help"), "{page}");
}

#[test]
fn a_broken_data_file_does_not_hide_content_problems() {
    let site = broken_site(&["colon-in-data-file", "check-image-alt"]);
    let out = build(site.path(), &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("data/board.yaml:3:16: error: the value of `role` has a colon"),
        "{err}"
    );
    assert!(
        err.contains("content/photos.md:7:1: error[image-alt]"),
        "{err}"
    );
    // The templates that read the data file are not rendered, so they cannot fail on it.
    assert!(!err.contains("load_data"), "{err}");
}

#[test]
fn the_quoting_hint_is_the_line_to_type() {
    for title in [
        "Harmful sexual behaviour: a guide",
        "The \"Think\" campaign: staying safe",
        "Children's \"safe\" spaces: a guide",
    ] {
        let site = good_site();
        let root = site.path();
        let about = root.join("content/about.md");
        let text = fs::read_to_string(&about).unwrap();
        let broken = text.replacen("title: About us", &format!("title: {title}"), 1);
        fs::write(&about, &broken).unwrap();
        let out = build(root, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("content/about.md:2:"), "{err}");

        let line = quoted_line(&err);
        fs::write(
            &about,
            broken.replacen(&format!("title: {title}"), &line, 1),
        )
        .unwrap();
        let out = build(root, &[]);
        assert!(
            out.status.success(),
            "`{line}` did not build:\n{}",
            stderr(&out)
        );
        let page = fs::read_to_string(root.join("public/about/index.html")).unwrap();
        let tail = title.rsplit(": ").next().unwrap();
        assert!(
            page.contains(tail),
            "`{tail}` missing from the page for `{line}`"
        );
    }
}

#[test]
fn a_tab_is_reported_on_its_own_line_in_site_yaml_too() {
    let site = good_site();
    let root = site.path();
    let config = fs::read_to_string(root.join("site.yaml")).unwrap();
    // A tab after a plain value is noticed by the parser on the line before.
    let broken = config.replacen(
        "taxonomies: [topics, audiences]\n",
        "taxonomies: [topics, audiences]\nextra:\n  phone: 01632 960000\n\temail: board@example.org\n",
        1,
    );
    let line = broken.lines().position(|l| l.starts_with('\t')).unwrap() + 1;
    fs::write(root.join("site.yaml"), broken).unwrap();
    let out = build(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "site.yaml:{line}:1: error: this line is indented with a tab, and YAML only allows spaces"
        )),
        "{err}"
    );
}

#[test]
fn links_into_a_page_whose_body_failed_are_not_called_broken() {
    let site = good_site();
    let root = site.path();
    // The neglect page's body fails (a link to a page that does not exist), so its headings
    // are unknown; the home page and this page link to them.
    let neglect = root.join("content/guidance/neglect.md");
    let text = fs::read_to_string(&neglect).unwrap();
    fs::write(
        &neglect,
        text.replacen(
            "## What neglect is\n",
            "## What neglect is\n\nSee [help](@/guidance/no-such-page.md).\n",
            1,
        ),
    )
    .unwrap();
    fs::write(
        root.join("content/links.md"),
        "---\ntitle: Links\ndescription: Links to the neglect page.\n---\n\
         See [signs](/guidance/neglect/#signs-of-neglect), [what it is](https://fixture.example.org/guidance/neglect/#what-neglect-is)\n\
         and [at school](../guidance/neglect/#at-school), but not [this](/guidance/gone/).\n",
    )
    .unwrap();
    let out = build(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/guidance/neglect.md:13:5: error: link to `@/guidance/no-such-page.md`, which does not exist"
        ),
        "{err}"
    );
    assert!(err.contains("link to `/guidance/gone/`"), "{err}");
    assert!(err.contains("Build failed with 2 errors"), "{err}");
}
