//! Whole-site tests: the `haven` binary builds `tests/fixtures/good` (a site using every
//! feature) and refuses each site in `tests/fixtures/broken/` (the good site with one file
//! replaced), naming the file and line, exiting non-zero and leaving the previous output alone.

mod common;

use common::{
    broken_fixture_failures, broken_fixtures, build, copy_dir, fixtures, good_site, snapshot,
    stderr,
};

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn haven(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(args)
        .output()
        .unwrap()
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn good_site_builds_with_every_feature() {
    let site = good_site();
    let root = site.path();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("Built 9 pages and 6 sections: 94 files written"),
        "{summary}"
    );

    // Security headers for hosts that read `_headers`, with the site's policy.
    let headers = read(root, "_headers");
    assert!(
        headers.contains("\n/*\n  Content-Security-Policy: default-src 'none';")
            && headers.contains("frame-ancestors 'none'\n")
            && headers.contains("  X-Content-Type-Options: nosniff\n"),
        "{headers}"
    );

    // Home: index.html template, @/ links, functions.
    let home = read(root, "index.html");
    assert!(home.contains("<html lang=\"en-GB\">"));
    assert!(home.contains("<a href=\"/guidance/neglect/#signs-of-neglect\">neglect</a>"));
    assert!(home.contains("<p id=\"chair\">Alex Chair</p>"), "load_data");
    assert!(
        home.contains("<p id=\"neglect-url\">/guidance/neglect/</p>"),
        "url_for"
    );
    assert!(
        home.contains("<p id=\"neglect-title\">Neglect</p>"),
        "get_page"
    );
    assert!(
        home.contains("<p id=\"news-count\">3</p>"),
        "get_section leaves drafts out"
    );
    assert!(
        home.contains("child sexual exploitation=1;Early Help=1;Neglect=4;"),
        "get_taxonomy"
    );
    // Site static wins over theme static; theme static is still copied.
    assert_eq!(read(root, "css/site.css"), "/* site css wins */\n");
    assert_eq!(read(root, "theme-only.txt"), "theme only\n");
    assert!(home.contains("href=\"/css/site.css\""));

    // A page through its section's page_template, with the Markdown features.
    let neglect = read(root, "guidance/neglect/index.html");
    for needle in [
        "<title>Guidance: Neglect – Fixture Partnership</title>",
        "<h2 id=\"what-neglect-is\">What neglect is</h2>",
        "<h3 id=\"at-school\">At school</h3>",
        "<a class=\"child\" href=\"#at-school\">At school</a>",
        "<table>",
        "<del>old</del>",
        "type=\"checkbox\"",
        "class=\"footnotes\"",
        "\u{201c}persistent\u{201d}",
        "child\u{2019}s",
        "<span class=\"hl-",
        "<p class=\"owner\">Neglect sub-group</p>",
        "<p class=\"dates\">1 June 2025 / 3 July 2025</p>",
        "<a class=\"topic\" href=\"/topics/early-help/\">Early Help</a>",
        "<a class=\"crumb\" href=\"/guidance/\">Guidance</a>",
        "<a href=\"/guidance/cse/\">child exploitation</a>",
        "rel=\"prev\" href=\"/guidance/cse/\"",
    ] {
        assert!(
            neglect.contains(needle),
            "{needle} missing from neglect page:\n{neglect}"
        );
    }
    // Nested sections and a slug made URL-safe.
    let leaf = read(root, "guidance/deep/deeper/leaf-page/index.html");
    assert!(leaf.contains("<a class=\"crumb\" href=\"/guidance/deep/deeper/\">Deeper section</a>"));
    assert!(
        read(root, "guidance/index.html").contains("<a class=\"sub\" href=\"/guidance/deep/\">")
    );
    // A page's own template from the site's templates/, and the site's 404 over the theme's.
    assert!(read(root, "special/index.html").contains("<h1 class=\"special\">Special page</h1>"));
    assert!(read(root, "404.html").contains("Site 404 wins"));

    // Pagination, newest first, drafts left out.
    let news1 = read(root, "news/index.html");
    assert!(news1.contains(
        "<li class=\"listed\">News post 3</li><li class=\"listed\">News post 2</li></ul>"
    ));
    assert!(news1.contains("<a rel=\"next\" href=\"/news/page/2/\">"));
    let news2 = read(root, "news/page/2/index.html");
    assert!(news2.contains("<li class=\"listed\">News post 1</li></ul>") && news2.contains("2/2"));
    assert!(read(root, "news/page/1/index.html").contains("url=/news/"));
    assert!(!root.join("public/news/secret").exists());

    // Feed, sitemap, robots, aliases, taxonomies, page bundle assets.
    let feed = read(root, "news/atom.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(feed.contains("<updated>2025-03-15T00:00:00Z</updated>"));
    let sitemap = read(root, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example.org/guidance/neglect/</loc><lastmod>2025-07-03T10:00:00+01:00</lastmod>"));
    assert!(sitemap.contains("<loc>https://fixture.example.org/topics/neglect/</loc>"));
    assert!(read(root, "robots.txt").contains("Sitemap: https://fixture.example.org/sitemap.xml"));
    for alias in ["about-the-board/index.html", "old/about.html"] {
        let a = read(root, alias);
        assert!(
            a.contains("http-equiv=\"refresh\" content=\"0; url=/about/\""),
            "{alias}"
        );
        assert!(
            a.contains("<a href=\"/about/\">"),
            "{alias} needs a visible link"
        );
    }
    assert!(
        read(root, "topics/index.html")
            .contains("<a class=\"term\" href=\"/topics/early-help/\">Early Help</a>")
    );
    let term = read(root, "topics/neglect/index.html");
    assert!(term.contains("<a class=\"tp\" href=\"/guidance/neglect/\">Neglect</a><a class=\"tp\" href=\"/news/post-3/\">"));
    assert!(read(root, "audiences/parents-and-carers/index.html").contains("News post 1"));
    assert_eq!(
        read(root, "reports/annual-2024/report.pdf"),
        "%PDF-1.4 fixture\n"
    );
}

#[test]
fn builds_are_byte_identical() {
    let site = good_site();
    let a = site.path().join("out-a");
    let b = site.path().join("out-b");
    assert!(
        build(site.path(), &["--output-dir", a.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        build(site.path(), &["--output-dir", b.to_str().unwrap()])
            .status
            .success()
    );
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    // 94 files of the site, and the marker that says the folder is Haven's.
    assert_eq!(sa.len(), 95);
    assert!(a.join(".haven").is_file());
    assert_eq!(sa, sb);
}

#[test]
fn drafts_only_with_flag() {
    let site = good_site();
    assert!(build(site.path(), &["--drafts"]).status.success());
    assert!(read(site.path(), "news/secret/index.html").contains("Draft post"));
}

#[test]
fn base_url_override_moves_every_link_under_its_path() {
    let site = good_site();
    let out = build(
        site.path(),
        &["--base-url", "https://preview.example.org/lscp"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let home = read(site.path(), "index.html");
    assert!(
        home.contains("href=\"/lscp/guidance/neglect/#signs-of-neglect\""),
        "{home}"
    );
    assert!(home.contains("href=\"/lscp/css/site.css\""));
    assert!(
        read(site.path(), "sitemap.xml")
            .contains("<loc>https://preview.example.org/lscp/about/</loc>")
    );
    assert!(read(site.path(), "about-the-board/index.html").contains("url=/lscp/about/"));
    let search = read(site.path(), "search/index.html");
    assert!(
        search.contains("data-index=\"/lscp/search/index/\""),
        "{search}"
    );
    assert!(search.contains("src=\"/lscp/search/search.js\""));
    assert!(read(site.path(), "search/index/p/0.json").contains("\"u\":\"/lscp/"));
    assert!(
        fragment(site.path(), 0)["u"]
            .as_str()
            .unwrap()
            .starts_with("/lscp/")
    );
}

fn json(root: &Path, rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(root, rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Document `n`'s fragment in the search index (fragments come `bundle` to a file).
fn fragment(root: &Path, n: usize) -> serde_json::Value {
    let bundle = json(root, "search/index/meta.json")["bundle"]
        .as_u64()
        .expect("meta.json names the bundle size") as usize;
    json(root, &format!("search/index/p/{}.json", n / bundle))[n % bundle].clone()
}

/// The document number of the page at `url` in the search index.
fn doc_of(root: &Path, url: &str) -> usize {
    let meta = json(root, "search/index/meta.json");
    (0..meta["documents"].as_u64().unwrap() as usize)
        .find(|&i| fragment(root, i)["u"] == url)
        .unwrap_or_else(|| panic!("{url} is not in the search index"))
}

/// Postings of `term`, decoded to (document, record, score).
fn postings(root: &Path, shard: &str, term: &str) -> Vec<(u64, u64, u64)> {
    let v = json(root, &format!("search/index/t/{shard}.json"));
    let flat: Vec<u64> = v[term]
        .as_array()
        .unwrap_or_else(|| panic!("{term} not in shard {shard}: {v}"))
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let mut doc = 0;
    flat.chunks(3)
        .map(|c| {
            doc += c[0];
            (doc, c[1], c[2])
        })
        .collect()
}

#[test]
fn search_index_and_a_to_z() {
    let site = good_site();
    let root = site.path();
    fs::write(
        root.join("data/glossary.yaml"),
        "terms:\n  - term: CSE\n    expansion: child sexual exploitation\n",
    )
    .unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));

    let meta = json(root, "search/index/meta.json");
    assert_eq!(meta["documents"], 15, "9 pages and 6 sections");
    assert_eq!(
        meta["synonyms"],
        serde_json::json!([["cse", ["child", "sexual", "exploitation"]]])
    );
    let shards: Vec<&str> = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for k in &shards {
        assert!(
            root.join(format!("public/search/index/t/{k}.json"))
                .is_file(),
            "{k}"
        );
    }

    // "neglect": the page titled Neglect scores above a page that only mentions it.
    let neglect = doc_of(root, "/guidance/neglect/");
    let p = postings(root, "ne", "neglect");
    let best = p.iter().max_by_key(|(_, _, s)| *s).unwrap();
    assert_eq!(best.0 as usize, neglect, "{p:?}");
    // Records follow headings: the fragment names each heading's anchor.
    let f = fragment(root, neglect);
    assert_eq!(f["t"], "Neglect");
    assert_eq!(f["s"], "Guidance");
    assert_eq!(f["x"]["audiences"], serde_json::json!(["practitioners"]));
    let anchors: Vec<&str> = f["r"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert_eq!(
        anchors,
        ["", "what-neglect-is", "signs-of-neglect", "at-school"]
    );
    // A stemmed body word points at the record it is in.
    let school = postings(root, "sc", "school");
    assert!(
        school.iter().any(|x| x.0 as usize == neglect && x.1 == 3),
        "{school:?}"
    );

    // The acronym: a page that spells out "child sexual exploitation" is found by "cse".
    let cse = doc_of(root, "/guidance/cse/");
    assert!(
        postings(root, "cs", "cse")
            .iter()
            .any(|x| x.0 as usize == cse)
    );

    // Filters list the documents of each term.
    let topic: Vec<usize> =
        serde_json::from_value(json(root, "search/index/f/topics/neglect.json")).unwrap();
    assert!(topic.contains(&neglect));
    assert!(!topic.contains(&cse));

    // The client, the search page and the A to Z.
    assert!(read(root, "search/search.js").contains("data-haven-search"));
    let search = read(root, "search/index.html");
    assert!(search.contains("data-index=\"/search/index/\""));
    let az = read(root, "a-z/index.html");
    for needle in [
        "<h2 id=\"letter-n\">N</h2>",
        "<a class=\"az\" href=\"/guidance/neglect/\">Neglect (Guidance)</a>",
        "<a class=\"az\" href=\"/topics/neglect/\">Neglect (Topic)</a>",
        "<a class=\"az\" href=\"/guidance/\">Guidance (Section)</a>",
    ] {
        assert!(
            az.contains(needle),
            "{needle} missing from the A to Z:\n{az}"
        );
    }
    // Drafts stay out of both.
    assert!(!az.contains("/news/secret/"));
    assert!(
        !fs::read_dir(root.join("public/search/index/p"))
            .unwrap()
            .any(|e| fs::read_to_string(e.unwrap().path())
                .unwrap()
                .contains("/news/secret/"))
    );

    // Turned off, there is no index, no search page and no A to Z, and no templates needed.
    let config = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        format!("{config}search:\n  enabled: false\n"),
    )
    .unwrap();
    fs::remove_file(root.join("themes/mini/templates/search.html")).unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join("public/search").exists() && !root.join("public/a-z").exists());
}

#[test]
fn the_headers_file_can_be_turned_off() {
    let site = good_site();
    let root = site.path();
    let config = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        format!("{config}headers_file: false\n"),
    )
    .unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("public/index.html").is_file());
    assert!(!root.join("public/_headers").exists());
}

#[test]
fn search_on_without_its_templates_says_how_to_turn_it_off() {
    let site = good_site();
    let root = site.path();
    fs::remove_file(root.join("themes/mini/templates/a_z.html")).unwrap();
    let out = build(root, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("the template `a_z.html` does not exist"),
        "{err}"
    );
    assert!(err.contains("search: {enabled: false}"), "{err}");
}

#[test]
fn windows_line_endings_and_byte_order_mark_are_accepted() {
    let site = good_site();
    fs::write(
        site.path().join("content/about.md"),
        "\u{feff}---\r\ntitle: About from Windows\r\ndate: 2025-01-02\r\n---\r\nLine one.\r\n\r\n## A heading\r\n",
    )
    .unwrap();
    let out = build(site.path(), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let about = read(site.path(), "about/index.html");
    assert!(about.contains("<h1>About from Windows</h1>"));
    assert!(about.contains("<h2 id=\"a-heading\">A heading</h2>"));
    assert!(!about.contains('\r'));
}

#[test]
fn refuses_to_build_over_the_site_itself() {
    let site = good_site();
    let out = build(
        site.path(),
        &["--output-dir", site.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("refusing to write into"));
    assert!(site.path().join("content/about.md").exists());
}

#[test]
fn help_and_version() {
    let help = haven(&["build", "--help"]);
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--root", "--output-dir", "--drafts", "--base-url"] {
        assert!(text.contains(flag), "{flag} missing from build --help");
    }
    let v = haven(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("haven {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn broken_sites_fail_clearly_and_keep_the_previous_output() {
    let failures: Vec<String> = broken_fixtures()
        .iter()
        .flat_map(|(name, location, words)| broken_fixture_failures(name, location, words))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_broken_fixture_has_an_expectation() {
    let names: Vec<String> = broken_fixtures().into_iter().map(|(n, _, _)| n).collect();
    assert!(
        names.len() >= 40,
        "only {} broken fixtures found",
        names.len()
    );
    for entry in fs::read_dir(fixtures().join("broken")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            assert!(names.contains(&name), "{name} has no {name}.expect");
        } else {
            let stem = name
                .strip_suffix(".expect")
                .expect("only .expect files beside fixtures");
            assert!(
                fixtures().join("broken").join(stem).is_dir(),
                "{name} has no fixture folder"
            );
        }
    }
}

#[test]
fn check_reports_everything_and_writes_nothing() {
    let site = good_site();
    let root = site.path();
    copy_dir(&fixtures().join("broken/check-image-alt"), root);
    copy_dir(&fixtures().join("broken/check-heading-skip"), root);
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--root", root.to_str().unwrap()];
        args.extend_from_slice(extra);
        haven(&args)
    };
    let out = check(&[]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    // Grouped by file, every error and warning, then a count.
    assert!(text.contains("== content/photos.md"), "{text}");
    assert!(text.contains("error[image-alt]"));
    assert!(text.contains("error[heading-order]"));
    assert!(text.contains("warning[description]"));
    assert!(text.contains("2 errors and "), "{text}");
    assert!(!root.join("public").exists(), "check wrote output");

    let json = check(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["errors"], 2);
    let first = &v["findings"][0];
    for key in ["file", "line", "column", "level", "rule", "message", "hint"] {
        assert!(first.get(key).is_some(), "{key}");
    }

    // Warnings alone pass, unless --deny-warnings.
    let clean = good_site();
    let ok = haven(&["check", "--root", clean.path().to_str().unwrap()]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let strict = haven(&[
        "check",
        "--root",
        clean.path().to_str().unwrap(),
        "--deny-warnings",
    ]);
    assert_eq!(strict.status.code(), Some(1));
}

/// Runs `haven build` on `root` with a deadline; returns the exit code and stderr.
fn build_within(root: &Path, seconds: u64) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--root", root.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code(), err);
        }
        if start.elapsed().as_secs() >= seconds {
            child.kill().unwrap();
            panic!("haven build took over {seconds} s on {}", root.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Writes one hostile input into a copy of the good site.
type Maker = dyn Fn(&Path);

/// Hostile inputs generated here rather than committed (they are large, or symlinks): each
/// must finish in under 10 seconds with a clean exit or a clear error, never a panic or crash.
#[test]
fn hostile_inputs_never_panic_or_hang() {
    let cases: Vec<(&str, Box<Maker>)> = vec![
        (
            "lists nested 3,000 deep, with a glossary",
            Box::new(|root: &Path| {
                let mut md = String::from("---\ntitle: Deep\n---\n");
                for i in 0..3000 {
                    md.push_str(&"  ".repeat(i));
                    md.push_str("- CSE item\n");
                }
                fs::write(root.join("content/deep.md"), md).unwrap();
                fs::write(
                    root.join("data/glossary.yaml"),
                    "terms:\n  - term: CSE\n    expansion: child sexual exploitation\n",
                )
                .unwrap();
            }),
        ),
        (
            "block quotes nested 20,000 deep",
            Box::new(|root: &Path| {
                let md = format!("---\ntitle: Quotes\n---\n{}x\n", "> ".repeat(20_000));
                fs::write(root.join("content/quotes.md"), md).unwrap();
            }),
        ),
        (
            "a 10 MB page",
            Box::new(|root: &Path| {
                let para =
                    "Safeguarding is everyone's business, and every MASH referral counts.\n\n";
                let md = format!(
                    "---\ntitle: Big\n---\n{}",
                    para.repeat(10_000_000 / para.len())
                );
                fs::write(root.join("content/big.md"), md).unwrap();
            }),
        ),
        (
            "unbalanced brackets and emphasis",
            Box::new(|root: &Path| {
                let md = format!(
                    "---\ntitle: Brackets\n---\n{}x{}\n\n{}\n",
                    "[".repeat(50_000),
                    "](".repeat(20_000),
                    "*_".repeat(50_000)
                );
                fs::write(root.join("content/brackets.md"), md).unwrap();
            }),
        ),
        (
            "a symbolic link loop",
            Box::new(|root: &Path| {
                #[cfg(unix)]
                std::os::unix::fs::symlink("..", root.join("content/guidance/loop")).unwrap();
                #[cfg(not(unix))]
                let _ = root;
            }),
        ),
        (
            "a YAML bomb of aliases",
            Box::new(|root: &Path| {
                let mut y = String::from(
                    "---\ntitle: Bomb\nextra:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n",
                );
                for (k, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
                    .iter()
                    .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
                {
                    y.push_str(&format!("  {k}: &{k} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
                }
                y.push_str("---\nx\n");
                fs::write(root.join("content/bomb.md"), y).unwrap();
            }),
        ),
    ];
    for (name, make) in cases {
        let site = good_site();
        let root = site.path();
        assert!(build(root, &[]).status.success());
        let before = snapshot(&root.join("public"));
        make(root);
        // The limit is 10 s for an optimised build; an unoptimised test binary sharing two
        // cores with the other tests gets four times that, so the test cannot flake.
        let limit = if cfg!(debug_assertions) { 40 } else { 10 };
        let started = std::time::Instant::now();
        let (code, err) = build_within(root, limit);
        // Shown with --nocapture, for the record of how far inside the limit each case is.
        eprintln!(
            "{name}: exit {code:?} in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        assert!(
            matches!(code, Some(0) | Some(1)),
            "{name}: exit {code:?}\n{err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        if code == Some(1) {
            assert!(err.contains("error"), "{name}: no message\n{err}");
            assert_eq!(
                snapshot(&root.join("public")),
                before,
                "{name}: output changed"
            );
        }
    }
}

/// Legitimate but unusual file names build, at URL-safe addresses.
#[test]
fn file_names_with_spaces_and_non_latin_letters_build() {
    let site = good_site();
    let root = site.path();
    fs::write(
        root.join("content/Neglect Guidance (2026).md"),
        "---\ntitle: Neglect guidance\n---\nx\n",
    )
    .unwrap();
    fs::write(
        root.join("content/защита детей.md"),
        "---\ntitle: Защита детей\n---\nx\n",
    )
    .unwrap();
    fs::write(
        root.join("content/traversal.md"),
        "---\ntitle: Traversal\nslug: ../../../etc/passwd\n---\nx\n",
    )
    .unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        root.join("public/neglect-guidance-2026/index.html")
            .is_file()
    );
    assert!(root.join("public/защита-детей/index.html").is_file());
    assert!(root.join("public/etc-passwd/index.html").is_file());
    assert!(!root.join("etc").exists());
}

/// `haven check --format github` and `--format gitlab` on a broken site (the good site with the
/// `alert-link-misspelt` fixture): each finding's file, line, column, level and words.
#[test]
fn check_formats_for_github_and_gitlab() {
    let site = good_site();
    let root = site.path();
    common::copy_dir(
        &common::fixtures()
            .join("broken")
            .join("alert-link-misspelt"),
        root,
    );
    let run = |format: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["check", "--format", format, "--root"])
            .arg(root)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let gh = run("github");
    let line = gh
        .lines()
        .find(|l| l.contains("Neglect week"))
        .unwrap_or_else(|| panic!("{gh}"));
    assert!(
        line.starts_with("::error file=data/alerts.yaml,line=4,col=11,title=haven build::alert `Neglect week`: link to `@/guidance/neglect`, which does not exist%0AHow to fix it: did you mean `@/guidance/neglect.md`?"),
        "{line}"
    );
    assert!(
        gh.lines()
            .all(|l| l.starts_with("::") || l.starts_with("haven check: ")),
        "{gh}"
    );
    assert!(
        gh.lines()
            .last()
            .unwrap()
            .starts_with("haven check: 1 error"),
        "{gh}"
    );

    let gl: serde_json::Value = serde_json::from_str(&run("gitlab")).unwrap();
    let items = gl.as_array().unwrap();
    let f = items
        .iter()
        .find(|f| f["description"].as_str().unwrap().contains("Neglect week"))
        .unwrap();
    assert_eq!(f["location"]["path"], "data/alerts.yaml");
    assert_eq!(f["location"]["lines"]["begin"], 4);
    assert_eq!(f["severity"], "major");
    assert_eq!(f["check_name"], "build");
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 16);
    assert!(
        f["description"]
            .as_str()
            .unwrap()
            .contains(". How to fix it: did you mean `@/guidance/neglect.md`?")
    );
}
