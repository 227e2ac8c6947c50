//! Every link and image is checked: `@/` paths work in images as in links, a local image or
//! file that is not there is an error, and a full address of the site's own (as pasted from a
//! browser) is checked like a site path, with a hint to write it as an `@/` path.

mod common;

use common::{build, good_site, snapshot, stderr};

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Writes `text` to `rel` below `root`, making its folders.
fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A real PNG of a few pixels: Haven publishes only images it can read and write again.
fn write_png(root: &Path, rel: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(4, 3, image::Rgb([20, 90, 160]))
        .save(path)
        .unwrap();
}

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn check(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--root", root.to_str().unwrap()])
        .output()
        .unwrap()
}

/// The good site with a picture beside a page bundle, one beside a section and one in
/// `static/`, and a page (`content/charts.md`) with the Markdown `body`.
fn site_with_pictures(body: &str) -> tempfile::TempDir {
    let site = good_site();
    let root = site.path();
    write_png(root, "content/reports/annual-2024/chart.png");
    write_png(root, "content/guidance/flow.png");
    write_png(root, "static/images/logo.png");
    write(
        root,
        "content/charts.md",
        &format!("---\ntitle: Charts\ndescription: Referrals in 2024, in pictures.\n---\n{body}"),
    );
    site
}

const WORKING: &str = "\
![Referrals by month, highest in October](@/reports/annual-2024/chart.png)

![How a referral moves between teams](@/guidance/flow.png \"The referral flow\")

![The partnership's logo](/images/logo.png)

Download the [annual report (PDF, 1 KB)](@/reports/annual-2024/report.pdf#page=2).

Read our [guidance on neglect](https://FIXTURE.example.org/guidance/neglect) and the
[signs of neglect](http://fixture.example.org/guidance/neglect/#signs-of-neglect).

Our [partner's guidance](https://partner.example.org/guidance/neglct/) is not checked.
";

#[test]
fn at_images_and_full_self_links_resolve_and_no_at_path_is_published() {
    let site = site_with_pictures(WORKING);
    let root = site.path();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(root, "charts/index.html");
    for needle in [
        "src=\"/reports/annual-2024/chart.png\"",
        "src=\"/guidance/flow.png\"",
        "src=\"/images/logo.png\"",
        "href=\"/reports/annual-2024/report.pdf#page=2\"",
        // A full address that works is published as written (it is only a warning).
        "href=\"https://FIXTURE.example.org/guidance/neglect\"",
    ] {
        assert!(html.contains(needle), "{needle} missing:\n{html}");
    }
    for file in ["reports/annual-2024/chart.png", "guidance/flow.png"] {
        assert!(
            root.join("public").join(file).is_file(),
            "{file} not copied"
        );
    }
    for (path, bytes) in snapshot(&root.join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("@/"),
            "{} still has an @/ path",
            path.display()
        );
    }

    // The full addresses work, and `haven check` says how to write them instead.
    let out = check(root);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("content/charts.md:13:10: warning[link-target]: link to `https://FIXTURE.example.org/guidance/neglect`, this site's own address written in full"),
        "{text}"
    );
    assert!(
        text.contains(
            "write `@/guidance/neglect.md` instead, so the link keeps working if the page moves"
        ),
        "{text}"
    );
    assert!(
        text.contains("write `@/guidance/neglect.md#signs-of-neglect` instead"),
        "{text}"
    );
    assert!(!text.contains("partner.example.org"), "{text}");
    assert!(!text.contains(": error"), "{text}");
}

#[test]
fn a_base_url_with_a_path_is_the_site_own_address_below_it() {
    let body = "\
![Referrals by month, highest in October](@/reports/annual-2024/chart.png)

Read our [guidance on neglect](https://example.org/lscp/guidance/neglect/), go
[home](HTTPS://Example.org/lscp) or see [another site on our host](https://example.org/other/).
";
    let site = site_with_pictures(body);
    let root = site.path();
    let out = build(root, &["--base-url", "https://example.org/lscp"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(root, "charts/index.html");
    assert!(
        html.contains("src=\"/lscp/reports/annual-2024/chart.png\""),
        "{html}"
    );

    write(
        root,
        "content/charts.md",
        "---\ntitle: Charts\ndescription: d\n---\nRead our [guidance on neglect](https://example.org/lscp/guidance/neglct/).\n",
    );
    let out = build(root, &["--base-url", "https://example.org/lscp/"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/charts.md:5:10: error[link-target]: link to `https://example.org/lscp/guidance/neglct/`, which is not a page or file on this site"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `@/guidance/neglect.md`?"),
        "{err}"
    );
}

#[test]
fn raw_html_images_and_links_resolve_and_are_checked() {
    let body = "\
<img src=\"@/reports/annual-2024/chart.png\" alt=\"Referrals by month\">

Read the <a href='@/guidance/neglect.md#signs-of-neglect'>signs of neglect</a>.
";
    let site = site_with_pictures(body);
    let root = site.path();
    let yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        format!("{yaml}allow_raw_html: true\n"),
    )
    .unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(root, "charts/index.html");
    assert!(
        html.contains("<img width=\"4\" height=\"3\" decoding=\"async\" src=\"/reports/annual-2024/chart.png\" alt=\"Referrals by month\">"),
        "{html}"
    );
    assert!(
        html.contains("<a href='/guidance/neglect/#signs-of-neglect'>"),
        "{html}"
    );

    write(
        root,
        "content/charts.md",
        "---\ntitle: Charts\ndescription: d\n---\nOur logo:\n\n<p>\n  <img alt=\"Our logo\" src=\"/images/logo.pgn\">\n</p>\n",
    );
    let out = build(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/charts.md:8:28: error[link-target]: the image `/images/logo.pgn` is not a file on this site"),
        "{err}"
    );
    assert!(err.contains("did you mean `/images/logo.png`?"), "{err}");
}

#[test]
fn a_relative_picture_beside_a_page_that_is_not_a_bundle_is_found_and_named() {
    // guidance/neglect.md is published at /guidance/neglect/, so `flow.png` there is
    // /guidance/neglect/flow.png; the file beside it is published at /guidance/flow.png.
    let site = site_with_pictures("Intro.\n");
    let root = site.path();
    let neglect = fs::read_to_string(root.join("content/guidance/neglect.md")).unwrap();
    fs::write(
        root.join("content/guidance/neglect.md"),
        format!("{neglect}\n![How a referral moves between teams](flow.png)\n"),
    )
    .unwrap();
    let out = build(root, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[link-target]: the image `flow.png` is not a file on this site"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `@/guidance/flow.png`? A relative address is read from the page's own address (/guidance/neglect/)"),
        "{err}"
    );
}

/// The one check for a link target that a setting gives, as another stage would call it.
#[test]
fn a_single_target_is_checked_like_a_link_in_a_page() {
    let site = site_with_pictures("Intro.\n");
    let root = site.path();
    let mut layout = haven::layout::Layout::open(root).unwrap();
    let config = haven::config::Config::load(&mut layout).unwrap();
    let loaded = haven::content::load(std::sync::Arc::new(layout), config, false).unwrap();
    let site = loaded.site;
    let pages = vec![haven::markdown::Rendered::default(); site.pages.len()];
    let has = |path: &str| {
        [
            "index.html",
            "search/index.html",
            "guidance/neglect/index.html",
        ]
        .contains(&path)
    };
    let problem = |target: &str| haven::checks::link_target_problem(&site, &pages, &has, target);
    for fine in [
        "@/guidance/neglect.md",
        "@/reports/annual-2024/chart.png",
        "/search/",
        "/search",
        "mailto:someone@example.org",
        "https://www.gov.uk/",
    ] {
        assert_eq!(problem(fine), None, "{fine}");
    }
    let p = problem("@/guidance/negelct.md").expect("misspelt");
    assert_eq!(p.level, haven::Level::Error);
    assert_eq!(p.rule, None, "a broken @/ path is always an error");
    assert!(
        p.hint.starts_with("did you mean `@/guidance/neglect.md`?"),
        "{}",
        p.hint
    );
    let p = problem("/serch/").expect("misspelt site path");
    assert_eq!(p.rule, Some("link-target"));
    assert!(p.message.contains("`/serch/`"), "{}", p.message);
    let p = problem("https://fixture.example.org/guidance/neglect/").expect("full self-link");
    assert_eq!(p.level, haven::Level::Warning);
    assert!(p.hint.contains("`@/guidance/neglect.md`"), "{}", p.hint);
    let p = problem("https://Fixture.Example.org/guidance/neglct").expect("broken self-link");
    assert_eq!(p.level, haven::Level::Error);
    assert!(p.hint.contains("`@/guidance/neglect.md`"), "{}", p.hint);
}

#[test]
fn a_picture_in_a_bundle_gets_its_size_and_a_huge_one_is_a_warning() {
    let site = good_site();
    let root = site.path();
    let bundle = "content/reports/annual-2024";
    write_png(root, &format!("{bundle}/chart.png"));
    let index = fs::read_to_string(root.join(bundle).join("index.md")).unwrap();
    write(
        root,
        &format!("{bundle}/index.md"),
        &format!(
            "{index}\n![Referrals by month, highest in October](@/reports/annual-2024/chart.png)\n\n![Referrals by team](./by-team.png)\n"
        ),
    );
    write_png(root, &format!("{bundle}/by-team.png"));
    let wide = root.join("static/images/banner.png");
    fs::create_dir_all(wide.parent().unwrap()).unwrap();
    image::RgbImage::from_pixel(4100, 20, image::Rgb([1, 2, 3]))
        .save(&wide)
        .unwrap();
    let out = build(root, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read(root, "reports/annual-2024/index.html");
    assert!(html.contains("<img width=\"4\" height=\"3\""), "{html}");
    // Named relative to the page: sized too, and addressed from the site's root.
    assert!(
        html.contains("<img width=\"4\" height=\"3\" decoding=\"async\" loading=\"lazy\" src=\"/reports/annual-2024/by-team.png\" alt=\"Referrals by team\""),
        "{html}"
    );
    let said = String::from_utf8_lossy(&check(root).stdout).into_owned();
    assert!(
        said.contains("static/images/banner.png: warning[image-size]: this image is")
            && said.contains("4100 × 20 pixels"),
        "{said}"
    );
    // The banner is published with smaller copies, none wider than it.
    assert!(root.join("public/images/banner-1344w.png").is_file());
}
