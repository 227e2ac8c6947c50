//! `haven init` and `haven new`, run as an editor would: the new site builds at once with only
//! the placeholder warnings, fails `--deny-warnings` until they are filled in, and each kind of
//! new file builds, warns until it is written, and is never made twice.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn haven(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A site made by `haven init` in a new folder `site` below a temporary folder.
fn init() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let o = haven(
        &[
            "init",
            "site",
            "--name",
            "Northshire Safeguarding Children Partnership",
            "--now",
            "2026-11-30",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o));
    tmp
}

/// Fills in every placeholder of the new site's `site.yaml`.
fn fill_in(site: &Path) {
    let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
    let filled: Vec<String> = yaml
        .lines()
        .map(|l| {
            let key = l.split(':').next().unwrap_or_default();
            let real = match key.trim() {
                "base_url" => "https://www.northshire-scp.example.org.uk/",
                "hub_name" => "Northshire Multi-Agency Safeguarding Hub",
                "hub_phone" => "\"01632 960000\"",
                "hub_hours" => "Monday to Friday, 9am to 5pm",
                "hub_email" => "hub@northshire.example.org.uk",
                "out_of_hours_phone" => "\"01632 960999\"",
                "address" => "[Town Hall, High Street, Northtown, NT1 1AA]",
                "email" => "scp@northshire.example.org.uk",
                "phone" => "\"01632 960100\"",
                _ => return l.to_string(),
            };
            if l.contains("REPLACE") {
                format!("{key}: {real}")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(site.join("site.yaml"), filled.join("\n") + "\n").unwrap();
}

#[test]
fn a_new_site_builds_at_once_and_warns_until_its_placeholders_are_filled() {
    let tmp = init();
    let site = tmp.path().join("site");
    assert!(!site.join("themes").exists(), "the theme is built in");
    for f in [
        ".gitignore",
        ".github/workflows/publish.yml",
        ".gitlab-ci.yml",
        "data/alerts.yaml",
        "data/glossary.yaml",
    ] {
        assert!(site.join(f).is_file(), "{f} is missing");
    }

    let o = haven(&["build"], &site);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    for key in [
        "base_url",
        "hub_name",
        "hub_phone",
        "hub_hours",
        "hub_email",
        "out_of_hours_phone",
    ] {
        assert!(
            out.contains(&format!("warning: `{key}` still holds a placeholder")),
            "no warning for {key}: {out}"
        );
    }
    assert!(!out.contains("error"), "{out}");
    let cookies = fs::read_to_string(site.join("public/cookies/index.html")).unwrap();
    assert!(
        cookies.contains("Northshire Safeguarding Children Partnership does not set any cookies")
    );
    let deny = haven(&["build", "--deny-warnings"], &site);
    assert!(
        !deny.status.success(),
        "placeholders must fail --deny-warnings"
    );

    fill_in(&site);
    let o = haven(&["build", "--deny-warnings"], &site);
    assert!(o.status.success(), "{}", text(&o));
    let home = fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.contains("01632 960000") && home.contains("Exit this page"));
    let o = haven(&["check", "--deny-warnings"], &site);
    assert!(o.status.success(), "{}", text(&o));

    // Never into a folder that holds anything.
    let again = haven(&["init", "site", "--name", "Other"], tmp.path());
    assert!(!again.status.success());
    assert!(text(&again).contains("is not empty"), "{}", text(&again));
    assert!(
        fs::read_to_string(site.join("site.yaml"))
            .unwrap()
            .contains("01632 960000")
    );
}

#[test]
fn each_kind_of_new_file_builds_warns_until_written_and_is_never_made_twice() {
    let tmp = init();
    let site = tmp.path().join("site");
    fill_in(&site);
    let kinds = [
        (
            "page",
            "Contact us",
            "content/contact-us.md",
            "/contact-us/",
        ),
        (
            "guidance",
            "Children who go missing",
            "content/guidance/children-who-go-missing.md",
            "/guidance/children-who-go-missing/",
        ),
        (
            "news",
            "Safer sleep campaign",
            "content/news/safer-sleep-campaign.md",
            "/news/safer-sleep-campaign/",
        ),
        // 2026-11-30 is a Monday: the session goes on the next weekday.
        (
            "training",
            "Neglect awareness",
            "content/training/neglect-awareness-2026-12-01.md",
            "/training/neglect-awareness-2026-12-01/",
        ),
        (
            "document",
            "Annual report 2025 to 2026",
            "content/documents/annual-report-2025-to-2026/index.md",
            "/documents/annual-report-2025-to-2026/",
        ),
    ];
    for (kind, title, file, url) in kinds {
        let o = haven(&["new", kind, title, "--now", "2026-11-30"], &site);
        assert!(o.status.success(), "{kind}: {}", text(&o));
        let said = text(&o);
        assert!(said.contains(file), "{kind}: {said}");
        assert!(
            said.contains(&format!("https://www.northshire-scp.example.org.uk{url}")),
            "{kind}: {said}"
        );
        let written = fs::read_to_string(site.join(file)).unwrap();
        assert!(
            written.contains(&format!("title: \"{title}\"")),
            "{written}"
        );
        assert!(written.contains("date: 2026-11-30"), "{written}");

        // The same title again is refused, and the file is left as it was.
        let twice = haven(&["new", kind, title, "--now", "2026-11-30"], &site);
        assert!(!twice.status.success(), "{kind} made twice");
        assert!(text(&twice).contains("already exists"), "{}", text(&twice));
        assert_eq!(fs::read_to_string(site.join(file)).unwrap(), written);
    }
    let guidance =
        fs::read_to_string(site.join("content/guidance/children-who-go-missing.md")).unwrap();
    assert!(
        guidance.contains("last_reviewed: 2026-11-30\nreview_due: 2027-11-30"),
        "{guidance}"
    );
    let session =
        fs::read_to_string(site.join("content/training/neglect-awareness-2026-12-01.md")).unwrap();
    assert!(
        session.contains("start: 2026-12-01T09:30\n  end: 2026-12-01T16:00"),
        "{session}"
    );

    // Everything builds, but each unfinished page is a warning, so --deny-warnings fails.
    let o = haven(&["build", "--now", "2026-11-30"], &site);
    assert!(o.status.success(), "{}", text(&o));
    let check = haven(&["check", "--now", "2026-11-30"], &site);
    let found = text(&check);
    for (_, _, file, _) in kinds {
        assert!(
            found.contains(&format!("{file}:"))
                && found.contains("warning[unfinished]: this page has no text yet"),
            "{file} is not reported unfinished: {found}"
        );
    }
    assert!(
        found.contains("warning[unfinished]: `owner` still holds a placeholder"),
        "{found}"
    );
    assert!(check.status.success(), "only warnings: {found}");
    let deny = haven(&["build", "--deny-warnings", "--now", "2026-11-30"], &site);
    assert!(!deny.status.success());

    // Written, the page is no longer unfinished.
    let page = site.join("content/contact-us.md");
    let body = fs::read_to_string(&page).unwrap();
    let head = body[..body.find("<!--").unwrap()].replace(
        "REPLACE with one sentence saying what the page is for",
        "How to get in touch with the partnership.",
    );
    fs::write(
        &page,
        format!("{head}Write to us at the address at the foot of every page.\n"),
    )
    .unwrap();
    let found = text(&haven(&["check", "--now", "2026-11-30"], &site));
    assert!(!found.contains("content/contact-us.md:"), "{found}");
}

#[test]
fn a_new_alert_is_added_keeping_the_file_s_notes_and_shows_once_built() {
    let tmp = init();
    let site = tmp.path().join("site");
    fill_in(&site);
    let o = haven(
        &[
            "new",
            "alert",
            "Bank holiday opening hours",
            "--now",
            "2026-11-30",
        ],
        &site,
    );
    assert!(o.status.success(), "{}", text(&o));
    let alerts = fs::read_to_string(site.join("data/alerts.yaml")).unwrap();
    assert!(
        alerts.starts_with("# Notification banners"),
        "comments kept: {alerts}"
    );
    assert!(
        alerts.contains("  - title: \"Bank holiday opening hours\"\n"),
        "{alerts}"
    );
    assert!(
        alerts.contains("starts: 2026-11-30\n    ends: 2026-12-14"),
        "{alerts}"
    );
    let twice = haven(&["new", "alert", "Bank holiday opening hours"], &site);
    assert!(!twice.status.success());
    assert_eq!(
        fs::read_to_string(site.join("data/alerts.yaml")).unwrap(),
        alerts
    );

    let o = haven(&["build", "--now", "2026-11-30"], &site);
    assert!(o.status.success(), "{}", text(&o));
    let home = fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        home.contains("Bank holiday opening hours"),
        "the alert shows"
    );
    let found = text(&haven(&["check", "--now", "2026-11-30"], &site));
    assert!(
        found.contains(
            "data/alerts.yaml:8:11: warning[unfinished]: `text` still holds a placeholder"
        ),
        "{found}"
    );
}

#[test]
fn alerts_added_at_the_same_moment_all_land() {
    let tmp = init();
    let site = tmp.path().join("site");
    let runs: Vec<std::process::Child> = (0..8)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_haven"))
                .args(["new", "alert", &format!("Alert number {i}"), "--root"])
                .arg(&site)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut r in runs {
        assert!(r.wait().unwrap().success());
    }
    let alerts = fs::read_to_string(site.join("data/alerts.yaml")).unwrap();
    for i in 0..8 {
        assert!(
            alerts.contains(&format!("title: \"Alert number {i}\"")),
            "alert {i} was lost:\n{alerts}"
        );
    }
}
