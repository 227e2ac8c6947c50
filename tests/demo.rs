//! The demo partnership site (the repository's own `site.yaml`, `content/`, `data/` and the
//! `haven` theme), built into a temporary folder at fixed dates and checked by what the HTML
//! contains: the portal features readers depend on.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the demo site as if it were `now`; returns the output folder.
fn build_at(now: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output-dir")
        .arg(&public)
        .args(["--now", now])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// A copy of the demo site to change: its content, data, theme and `site.yaml`.
fn demo_copy() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    for dir in ["content", "data", "static", "themes"] {
        common::copy_dir(&repo().join(dir), &site.path().join(dir));
    }
    fs::copy(repo().join("site.yaml"), site.path().join("site.yaml")).unwrap();
    site
}

/// Builds the site at `root` as if it were `now`, into `root/public`; it must succeed.
fn build_copy(root: &Path, now: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--now", now, "--root"])
        .arg(root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join("public").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn html_files(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out.join("public"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn report_a_concern_is_on_every_page() {
    let out = build_at("2026-11-23");
    let files = html_files(out.path());
    assert!(files.len() > 40, "only {} pages", files.len());
    for f in files {
        let html = fs::read_to_string(&f).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        // A page in another language says it in that language; the numbers are the same.
        let english = html.contains("<html lang=\"en-GB\"");
        let words: &[&str] = if english {
            &[
                "call <a dir=\"ltr\" href=\"tel:999\">999</a>",
                "Out of hours",
                "Bromley Multi Agency Safeguarding Hub (MASH)",
            ]
        } else if html.contains("<html lang=\"pl\"") {
            &[
                "zadzwoń pod numer <a dir=\"ltr\" href=\"tel:999\">999</a>",
                "Międzyinstytucjonalny Zespół ds. Ochrony Dzieci w Bromley (MASH)",
                "od poniedziałku do piątku",
            ]
        } else {
            &[
                "<a dir=\"ltr\" href=\"tel:999\">999</a>",
                "بروملی ملٹی ایجنسی سیف گارڈنگ ہب (MASH)",
            ]
        };
        for must in words.iter().chain(&[
            "020 7946 0123",
            "mash@bromley.example.org.uk",
            "020 7946 0999",
            "0800 1111",
        ]) {
            assert!(html.contains(must), "{} lacks {must}", f.display());
        }
    }
}

#[test]
fn exit_this_page_is_on_every_page_by_default() {
    let out = build_at("2026-11-23");
    let pages = html_files(out.path());
    assert!(pages.len() > 100, "only {} pages", pages.len());
    for page in &pages {
        let html = fs::read_to_string(page).unwrap();
        // Alias pages only redirect, at once.
        if html.contains("http-equiv=\"refresh\"") {
            continue;
        }
        assert!(
            html.contains(
                "class=\"exit-this-page__button\" href=\"https://www.bbc.co.uk/weather\""
            ),
            "{} has no Exit this page",
            page.display()
        );
        assert!(html.contains("/js/exit-this-page.js"), "{}", page.display());
    }
    assert!(out.path().join("public/js/exit-this-page.js").is_file());
}

#[test]
fn exit_this_page_only_where_sensitive_when_the_site_says_so() {
    let site = demo_copy();
    let config = fs::read_to_string(repo().join("site.yaml"))
        .unwrap()
        .replace("  show_on: all\n", "  show_on: sensitive\n");
    assert!(config.contains("show_on: sensitive"));
    fs::write(site.path().join("site.yaml"), config).unwrap();
    build_copy(site.path(), "2026-11-23");
    let out = site.path();
    let has_exit = |rel: &str| read(out, rel).contains("exit-this-page__button");
    // Marked sensitive in its section, inherited by the pages below it.
    assert!(has_exit("guidance/neglect/index.html"));
    assert!(has_exit("young-people/index.html"));
    assert!(has_exit("young-people/online-safety/index.html"));
    // The `young people` audience is declared sensitive in site.yaml: every page carrying it
    // shows the exit, wherever it sits, and so does the term's own list.
    assert!(has_exit("news/new-website-launched/index.html"));
    // Where sensitive pages are found: search, the A to Z, and listings that list one.
    assert!(has_exit("search/index.html"));
    assert!(has_exit("a-z/index.html"));
    assert!(has_exit("audiences/young-people/index.html"));
    assert!(has_exit("topics/neglect/index.html"));
    assert!(has_exit("guidance/index.html"));
    for calm in [
        "index.html",
        "about/board/index.html",
        "accessibility/index.html",
    ] {
        assert!(!has_exit(calm), "{calm} has an Exit button");
    }
}

#[test]
fn alerts_show_only_while_current() {
    let summer = build_at("2026-07-01");
    let home = read(summer.path(), "index.html");
    assert!(home.contains("Female genital mutilation (FGM) and the summer holidays"));
    assert!(!home.contains("Safer sleep for babies"));
    let winter = build_at("2026-12-24");
    let home = read(winter.path(), "index.html");
    assert!(!home.contains("summer holidays</p>"));
    assert!(home.contains("Safer sleep for babies this winter"));
    assert!(home.contains("Christmas and New Year contact numbers"));
    assert!(home.contains("role=\"region\""));
}

#[test]
fn acronyms_are_explained_and_listed_in_the_glossary() {
    let out = build_at("2026-11-23");
    let cse = read(out.path(), "guidance/child-sexual-exploitation/index.html");
    assert!(cse.contains("<abbr title=\"child sexual exploitation\">CSE</abbr>"));
    assert_eq!(
        cse.matches("<abbr title=\"child sexual exploitation\">")
            .count(),
        1
    );
    let glossary = read(out.path(), "glossary/index.html");
    for (id, text) in [
        ("cse", "child sexual exploitation"),
        ("lado", "Local Authority Designated Officer"),
        ("mash", "Multi Agency Safeguarding Hub"),
    ] {
        assert!(glossary.contains(&format!("id=\"{id}\"")), "no #{id}");
        assert!(glossary.contains(text));
    }
}

/// Every all-capitals word of 2 to 6 letters in the demo content is in the glossary.
#[test]
fn demo_glossary_covers_every_acronym_in_the_content() {
    let glossary = fs::read_to_string(repo().join("data/glossary.yaml")).unwrap();
    let known: BTreeSet<&str> = glossary
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- term: "))
        .collect();
    let mut missing = BTreeSet::new();
    for e in walkdir::WalkDir::new(repo().join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = fs::read_to_string(e.path()).unwrap();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let n = word.chars().count();
            let caps = (2..=6).contains(&n) && word.chars().all(|c| c.is_ascii_uppercase());
            if caps && !known.contains(word) {
                missing.insert(format!("{word} ({})", e.path().display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in data/glossary.yaml: {missing:#?}"
    );
}

#[test]
fn board_and_subgroups_come_from_data() {
    let out = build_at("2026-11-23");
    let board = read(out.path(), "about/board/index.html");
    for partner in [
        "London Borough of Bromley",
        "Metropolitan Police Service",
        "Integrated Care Board",
    ] {
        assert!(
            board.contains(&format!("<th scope=\"row\">{partner}")) || board.contains(partner),
            "{partner}"
        );
    }
    assert!(board.contains("<th scope=\"col\">Role</th>"));
    assert!(board.contains("Independent Chair and Scrutineer"));
    // Roles with commas in them are shown whole (a YAML flow mapping once cut them short at
    // the first comma, and published "Assistant Director" for seven different roles).
    for role in [
        "Assistant Director, Children&#39;s Social Care",
        "Head of Service, Safeguarding and Quality Assurance",
        "Detective Chief Inspector, Child Abuse Investigation Team",
        "Chair, Children, Families and Voluntary Sector Forum",
        "Lead Officer, Education Safeguarding",
    ] {
        assert!(board.contains(role), "{role} is not shown whole");
    }
    // Every member and adviser is exactly a role and an agency: a value cut at a comma shows
    // up as a stray key.
    let data: serde_json::Value =
        serde_saphyr::from_str(&fs::read_to_string(repo().join("data/board.yaml")).unwrap())
            .unwrap();
    for list in ["members", "advisers"] {
        for m in data[list].as_array().unwrap() {
            let keys: BTreeSet<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, BTreeSet::from(["agency", "role"]), "{m}");
        }
    }
    let subs = read(out.path(), "about/sub-groups/index.html");
    assert!(subs.contains("<h2 id=\"vulnerable-children\">Vulnerable Children</h2>"));
    assert!(subs.contains("Jane Bailey"));
}

#[test]
fn documents_show_file_type_and_size_and_offer_other_formats() {
    let out = build_at("2026-11-23");
    let page = read(out.path(), "documents/annual-report-2018-19/index.html");
    let pdf = out
        .path()
        .join("public/documents/annual-report-2018-19/annual-report-2018-19.pdf");
    let size = fs::metadata(&pdf).unwrap().len();
    assert!(
        page.contains(&format!("(PDF, {})", haven::files::size_label(size))),
        "{page}"
    );
    assert!(page.contains("accessible format"));
    let library = read(out.path(), "documents/index.html");
    assert!(
        library.contains("<h2 id=\"annual-report\">Annual report</h2>")
            || library.contains("Annual report")
    );
    assert!(library.contains("(PDF, "));
}

#[test]
fn guidance_shows_when_it_was_last_reviewed() {
    let out = build_at("2026-11-23");
    let page = read(out.path(), "guidance/neglect/index.html");
    let reviewed = page
        .split("Last reviewed: <time datetime=\"")
        .nth(1)
        .expect("no Last reviewed line");
    let (iso, rest) = reviewed.split_once("\">").unwrap();
    let shown = rest.split('<').next().unwrap();
    // "3 June 2026" for 2026-06-03: day without a leading zero, month in words.
    let d: Vec<&str> = iso.split('-').collect();
    assert!(
        shown.starts_with(d[2].trim_start_matches('0')),
        "{iso} shown as {shown}"
    );
    assert!(shown.ends_with(d[0]), "{iso} shown as {shown}");
    assert!(page.contains("Owner: "));
}

#[test]
fn statements_are_linked_from_every_footer() {
    let out = build_at("2026-11-23");
    let home = read(out.path(), "index.html");
    for href in [
        "/accessibility/",
        "/cookies/",
        "/privacy/",
        "/glossary/",
        "/search/",
        "/a-z/",
    ] {
        assert!(
            home.contains(&format!("href=\"{href}\"")),
            "footer lacks {href}"
        );
    }
    assert!(read(out.path(), "cookies/index.html").contains("This site sets no cookies"));
}

/// WCAG 2.4.5 (Multiple Ways): besides the menus, every page is in the A to Z, which needs no
/// JavaScript, and in the search index; every page's header links to search.
#[test]
fn every_page_is_in_the_a_to_z_and_the_search_index() {
    let out = build_at("2026-11-23");
    // Each translation is in its language's index, after every page of the main language.
    for tag in ["pl", "ur"] {
        let meta: serde_json::Value =
            serde_json::from_str(&read(out.path(), &format!("{tag}/search/index/meta.json")))
                .unwrap();
        let own = meta["own"].as_array().unwrap();
        let (first, count) = (own[0].as_u64().unwrap(), own[1].as_u64().unwrap());
        assert_eq!(count, 4, "{tag}: the demo has four pages in each language");
        let bundle = meta["bundle"].as_u64().unwrap();
        let mut urls = BTreeSet::new();
        for i in first..first + count {
            let file = format!("{tag}/search/index/p/{}.json", i / bundle);
            let f: serde_json::Value = serde_json::from_str(&read(out.path(), &file)).unwrap();
            urls.insert(f[(i % bundle) as usize]["u"].as_str().unwrap().to_string());
        }
        for page in [
            "",
            "worried-about-a-child/",
            "staying-safe-online/",
            "young-people/",
        ] {
            assert!(
                urls.contains(&format!("/{tag}/{page}")),
                "{tag}: /{tag}/{page} not indexed"
            );
        }
    }
    let az = read(out.path(), "a-z/index.html");
    let search = read(out.path(), "search/index.html");
    let meta: serde_json::Value =
        serde_json::from_str(&read(out.path(), "search/index/meta.json")).unwrap();
    let n = meta["documents"].as_u64().unwrap() as usize;
    let bundle = meta["bundle"].as_u64().unwrap() as usize;
    let indexed: BTreeSet<String> = (0..n)
        .map(|i| {
            let file = format!("search/index/p/{}.json", i / bundle);
            let f: serde_json::Value = serde_json::from_str(&read(out.path(), &file)).unwrap();
            f[i % bundle]["u"].as_str().unwrap().to_string()
        })
        .collect();
    let mut pages = 0;
    for file in html_files(out.path()) {
        let rel = file
            .strip_prefix(out.path().join("public"))
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let html = fs::read_to_string(&file).unwrap();
        if html.contains("http-equiv=\"refresh\"") {
            continue; // an old address that redirects
        }
        // A page in another language links to that language's search page.
        let folder = ["pl/", "ur/"]
            .into_iter()
            .find(|f| rel.starts_with(f))
            .unwrap_or("");
        assert!(
            html.contains(&format!(
                "class=\"site-header__search\" href=\"/{folder}search/\""
            )),
            "{rel} has no link to search"
        );
        let Some(dir) = rel.strip_suffix("index.html") else {
            continue;
        };
        let url = format!("/{dir}");
        // Content pages only: listings, taxonomy pages and the search pages are not content.
        let src = repo()
            .join("content")
            .join(format!("{}.md", dir.trim_end_matches('/')));
        let bundle = repo().join("content").join(dir).join("index.md");
        if !(src.is_file() || bundle.is_file()) {
            continue;
        }
        pages += 1;
        assert!(indexed.contains(&url), "{url} is not in the search index");
        let is_event = fs::read_to_string(if src.is_file() { &src } else { &bundle })
            .unwrap()
            .contains("\nevent:");
        if !is_event {
            let link = format!("href=\"{url}\"");
            assert!(az.contains(&link), "{url} is not in the A to Z");
        }
    }
    assert!(pages > 40, "only {pages} content pages found");
    // The search page leads to every letter of the A to Z that has entries.
    for letter in ["a", "f", "n", "w"] {
        let link = format!("href=\"/a-z/#letter-{letter}\"");
        assert!(search.contains(&link), "the search page lacks {link}");
        assert!(az.contains(&format!("id=\"letter-{letter}\"")));
    }
    // Acronyms lead to their topics.
    assert!(
        az.contains(
            "<a href=\"/topics/female-genital-mutilation/\">FGM</a> – see Female genital mutilation"
        ),
        "{az}"
    );
    let synonyms = meta["synonyms"].to_string();
    assert!(
        synonyms.contains("[\"cse\",[\"child\",\"sexual\",\"exploitation\"]]"),
        "{synonyms}"
    );
}

/// The unfolded lines of an iCalendar file, after checking every physical line.
fn ics_lines(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"));
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "line over 75 octets: {l:?}");
        assert!(!l.contains('\n'), "bare LF in {l:?}");
    }
    text.replace("\r\n ", "")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn training_lists_upcoming_sessions_by_month_and_past_ones_separately() {
    let out = build_at("2026-12-01");
    let list = read(out.path(), "training/index.html");
    // Month headings in date order, each session under its month.
    let months: Vec<usize> = [
        "December 2026",
        "January 2027",
        "February 2027",
        "March 2027",
    ]
    .iter()
    .map(|m| {
        list.find(&format!(">{m}</h3>"))
            .unwrap_or_else(|| panic!("no {m}"))
    })
    .collect();
    assert!(months.windows(2).all(|w| w[0] < w[1]), "{months:?}");
    let dec3 = list.find("Thursday 3 December 2026").unwrap();
    let dec9 = list.find("Wednesday 9 December 2026").unwrap();
    assert!(months[0] < dec3 && dec3 < dec9 && dec9 < months[1]);
    // Status in words, never colour alone; online sessions say so.
    assert!(list.contains(">Full: no places left</strong>"));
    assert!(list.contains(">Cancelled</strong>"));
    assert!(list.contains("<dt>Where</dt><dd>Online</dd>"));
    // Sessions before --now are not upcoming; they are on /training/past/.
    assert!(!list.contains("Thursday 8 October 2026"));
    let past = read(out.path(), "training/past/index.html");
    assert!(past.contains("Thursday 8 October 2026"));
    assert!(past.contains("Thursday 17 September 2026"));
    assert!(!past.contains("3 December 2026"));
    // A later --now moves the December session into the past.
    let later = build_at("2026-12-04T09:00:00Z");
    assert!(read(later.path(), "training/past/index.html").contains("Thursday 3 December 2026"));
}

#[test]
fn training_filter_pages_work_without_javascript() {
    let out = build_at("2026-12-01");
    let level3 = read(out.path(), "training/level/3/index.html");
    assert!(level3.contains("Advanced safeguarding"));
    assert!(!level3.contains("Basic safeguarding awareness</a>"));
    let neglect = read(out.path(), "training/topics/neglect/index.html");
    assert!(neglect.contains("Recognising and responding to neglect"));
    assert!(read(out.path(), "training/audiences/practitioners/index.html").contains("<h1>"));
}

#[test]
fn session_pages_offer_booking_or_say_why_not_and_link_their_calendar_file() {
    let out = build_at("2026-12-01");
    let open = read(
        out.path(),
        "training/domestic-abuse-impact-2027-01/index.html",
    );
    assert!(open.contains(
        "href=\"https://training.bscp.example.org.uk/book/domestic-abuse-impact-2027-01\""
    ));
    assert!(open.contains(
        "href=\"/training/domestic-abuse-impact-2027-01/domestic-abuse-impact-2027-01.ics\""
    ));
    let full = read(
        out.path(),
        "training/fgm-mandatory-reporting-2027-01/index.html",
    );
    assert!(full.contains("This session is full"));
    assert!(!full.contains(">Book a place"));
    let cancelled = read(
        out.path(),
        "training/self-harm-and-suicide-2027-02/index.html",
    );
    assert!(cancelled.contains("has been cancelled"));
    let multi = read(
        out.path(),
        "training/advanced-safeguarding-2027-02/index.html",
    );
    assert!(multi.contains("Wednesday 10 February 2027</time>, 9:30am to 4pm"));
    assert!(multi.contains("Thursday 11 February 2027</time>, 9:30am to 4pm"));
}

#[test]
fn json_ld_describes_each_session_as_a_course_instance() {
    let out = build_at("2026-12-01");
    let page = read(
        out.path(),
        "training/neglect-graded-care-2027-03/index.html",
    );
    let json = page
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .and_then(|r| r.split("</script>").next())
        .expect("JSON-LD");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["@type"], "Course");
    let i = &v["hasCourseInstance"];
    assert_eq!(i["@type"], "CourseInstance");
    // 30 March 2027 is after the clocks go forward: the offset is +01:00.
    assert_eq!(i["startDate"], "2027-03-30T09:30:00+01:00");
    assert_eq!(i["offers"]["priceCurrency"], "GBP");
    assert_eq!(i["offers"]["price"], "0.00");
    assert_eq!(i["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        i["eventAttendanceMode"],
        "https://schema.org/OfflineEventAttendanceMode"
    );
    assert_eq!(i["remainingAttendeeCapacity"], 20);
    assert_eq!(i["location"]["@type"], "Place");
    let online = read(
        out.path(),
        "training/cse-awareness-online-2026-12/index.html",
    );
    assert!(online.contains("\"@type\":\"VirtualLocation\""));
    assert!(online.contains("OnlineEventAttendanceMode"));
}

#[test]
fn icalendar_files_follow_rfc_5545_across_a_clock_change() {
    let out = build_at("2026-12-01");
    let cal = fs::read_to_string(out.path().join("public/training/calendar.ics")).unwrap();
    let lines = ics_lines(&cal);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    let events = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
    assert!(events >= 15, "{events} upcoming sessions");
    for must in [
        "UID:",
        "DTSTAMP:",
        "DTSTART:",
        "DTEND:",
        "SUMMARY:",
        "SEQUENCE:",
    ] {
        assert_eq!(
            lines.iter().filter(|l| l.starts_with(must)).count(),
            events,
            "{must}"
        );
    }
    // 25 March 2027 (GMT) and 30 March 2027 (BST), both at 9:30am in London.
    assert!(lines.contains(&"DTSTART:20270325T093000Z".to_string()));
    assert!(lines.contains(&"DTSTART:20270330T083000Z".to_string()));
    assert!(lines.contains(&"STATUS:CANCELLED".to_string()));
    // Revised page: SEQUENCE above 0.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("SEQUENCE:") && l != "SEQUENCE:0")
    );
    // Past sessions are not in the subscribable calendar.
    assert!(!cal.contains("neglect-graded-care-2026-10"));
    // Stable UIDs: a second build writes the same file byte for byte.
    let again = build_at("2026-12-01");
    assert_eq!(
        cal,
        fs::read_to_string(again.path().join("public/training/calendar.ics")).unwrap()
    );
    let one =
        fs::read_to_string(out.path().join(
            "public/training/advanced-safeguarding-2027-02/advanced-safeguarding-2027-02.ics",
        ))
        .unwrap();
    assert_eq!(
        ics_lines(&one)
            .iter()
            .filter(|l| *l == "BEGIN:VEVENT")
            .count(),
        1
    );
}

#[test]
fn home_and_guidance_show_the_next_sessions() {
    let out = build_at("2026-12-01");
    let home = read(out.path(), "index.html");
    assert!(home.contains("Upcoming training"));
    assert!(home.contains("Basic safeguarding awareness"));
    let neglect = read(out.path(), "guidance/neglect/index.html");
    assert!(neglect.contains("Training on this topic"));
    assert!(neglect.contains("Recognising and responding to neglect"));
}

#[test]
fn check_report_lists_findings_reviews_owners_and_reading_ages() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let o = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--root"])
        .arg(repo())
        .args(["--now", "2026-11-23", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let html = fs::read_to_string(report.join("index.html")).unwrap();
    for must in [
        "<h2 id=\"findings\">Problems by page</h2>",
        "content/guidance/private-fostering.md",
        "(review-due)",
        "<h2 id=\"reviews\">Due for review in the next 60 days</h2>",
        "(overdue)",
        "<h3>Vulnerable Children Sub-Group (",
        "<h2 id=\"reading\">Reading age</h2>",
    ] {
        assert!(html.contains(must), "report lacks {must}");
    }
    assert!(!dir.path().join("public").exists());
}

#[test]
fn no_two_pages_share_a_title() {
    let out = build_at("2026-11-23");
    let public = out.path().join("public");
    let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
    let mut sessions = 0;
    for f in html_files(out.path()) {
        let html = fs::read_to_string(&f).unwrap();
        let rel = f
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let title = html
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| t.trim().to_string())
            .unwrap_or_else(|| panic!("{rel} has no <title>"));
        // Alias pages only redirect, at once, and all say so.
        if title.starts_with("This page has moved – ") {
            continue;
        }
        // The later pages of a listing say which page they are.
        let parts: Vec<&str> = rel.split('/').collect();
        if let Some(i) = parts.iter().position(|p| *p == "page")
            && let Some(n) = parts.get(i + 1).and_then(|n| n.parse::<u32>().ok())
            && n > 1
        {
            assert!(title.contains(&format!("page {n}")), "{rel}: {title}");
        }
        // A training session's title carries its date.
        if rel.starts_with("training/") && html.contains("application/ld+json") {
            sessions += 1;
            assert!(
                [" 2026 – Training – ", " 2027 – Training – "]
                    .iter()
                    .any(|y| title.contains(y)),
                "{rel}: {title}"
            );
        }
        if let Some(other) = seen.insert(title.clone(), f.clone()) {
            panic!("{rel} and {} share the title {title:?}", other.display());
        }
    }
    assert!(sessions >= 18, "only {sessions} training sessions");
    assert!(seen.contains_key(
        "Recognising and responding to neglect, Tuesday 30 March 2027 – Training – \
         Bromley Safeguarding Children Partnership"
    ));
    // The search index gives each session its date, and nothing else one.
    let mut dated = 0;
    for e in walkdir::WalkDir::new(public.join("search/index/p")) {
        let e = e.unwrap();
        if !e.file_type().is_file() {
            continue;
        }
        let docs: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(e.path()).unwrap()).unwrap();
        for d in docs.as_array().unwrap() {
            let url = d["u"].as_str().unwrap();
            let is_session = url.starts_with("/training/") && url != "/training/";
            assert_eq!(d.get("e").is_some(), is_session, "{url}: {d:?}");
            dated += usize::from(d.get("e").is_some());
        }
    }
    assert_eq!(dated, sessions);
}

/// A training section whose `_index.md` names no templates still lists only the upcoming
/// sessions, links to the past ones, and shows each session's facts, date and booking.
#[test]
fn a_training_section_works_without_naming_templates() {
    let site = demo_copy();
    let index = site.path().join("content/training/_index.md");
    let plain = fs::read_to_string(&index)
        .unwrap()
        .replace("template: training.html\n", "")
        .replace("page_template: training_session.html\n", "");
    assert!(!plain.contains("template"), "{plain}");
    fs::write(&index, plain).unwrap();
    build_copy(site.path(), "2026-11-30");
    let list = read(site.path(), "training/index.html");
    let main = &list[list.find("<main").unwrap()..list.find("</main>").unwrap()];
    assert!(main.contains("Upcoming sessions"), "{main}");
    assert!(main.contains("/training/basic-safeguarding-awareness-2026-12/"));
    // 17 September 2026 is past on 30 November 2026: linked from the past sessions only.
    assert!(
        !main.contains("/training/basic-safeguarding-awareness-2026-09/"),
        "{main}"
    );
    assert!(main.contains("href=\"/training/past/\""), "{main}");
    let past = read(site.path(), "training/past/index.html");
    assert!(past.contains("/training/basic-safeguarding-awareness-2026-09/"));
    let session = read(
        site.path(),
        "training/basic-safeguarding-awareness-2026-12/index.html",
    );
    assert!(session.contains("<title>Basic safeguarding awareness, Thursday 3 December 2026 – "));
    assert!(session.contains("class=\"summary-list\"") && session.contains("application/ld+json"));
    assert!(session.contains("Add to calendar"));
}

#[test]
fn the_default_theme_needs_no_themes_folder_and_can_be_overridden_by_name() {
    let with = build_at("2026-11-23");
    let site = demo_copy();
    fs::remove_dir_all(site.path().join("themes")).unwrap();
    build_copy(site.path(), "2026-11-23");
    let listed = |root: &Path| -> BTreeSet<(String, Vec<u8>)> {
        walkdir::WalkDir::new(root)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap();
                (rel.display().to_string(), fs::read(e.path()).unwrap())
            })
            .collect()
    };
    let (a, b) = (
        listed(&with.path().join("public")),
        listed(&site.path().join("public")),
    );
    assert!(a.len() > 400, "{} files", a.len());
    let differ: Vec<&String> = a.symmetric_difference(&b).map(|(n, _)| n).collect();
    assert!(differ.is_empty(), "differ without themes/: {differ:?}");
    assert!(b.iter().any(|(n, _)| n == "css/haven.css"));

    // A file of the site's own replaces the built-in one of the same name, from templates/,
    // themes/haven/ or static/.
    fs::create_dir_all(site.path().join("templates/partials")).unwrap();
    fs::write(
        site.path().join("templates/partials/review.html"),
        "<p>Our own review line</p>",
    )
    .unwrap();
    fs::create_dir_all(site.path().join("themes/haven/static/css")).unwrap();
    fs::write(
        site.path().join("themes/haven/static/css/haven.css"),
        "body{}",
    )
    .unwrap();
    build_copy(site.path(), "2026-11-23");
    let out = site.path();
    assert!(read(out, "guidance/neglect/index.html").contains("<p>Our own review line</p>"));
    assert_eq!(read(out, "css/haven.css"), "body{}");
    assert!(read(out, "js/exit-this-page.js").contains("Shift"));
}

#[test]
fn photos_are_published_upright_in_several_widths_with_nothing_that_identifies_them() {
    let out = build_at("2026-11-23");
    let html = read(out.path(), "news/safer-sleeping-campaign/index.html");
    assert!(
        html.contains("<img width=\"2400\" height=\"1600\" decoding=\"async\" srcset=\"/images/safer-sleep-nursery-336w.jpg 336w, /images/safer-sleep-nursery-672w.jpg 672w, /images/safer-sleep-nursery-1008w.jpg 1008w, /images/safer-sleep-nursery-1344w.jpg 1344w, /images/safer-sleep-nursery.jpg 2400w\" sizes="),
        "{html}"
    );
    // The original is stored on its side with an orientation flag and a GPS position.
    let original = fs::read(repo().join("static/images/safer-sleep-nursery.jpg")).unwrap();
    assert!(haven::images::original_has_location(&original));
    for (file, w, h) in [
        ("images/safer-sleep-nursery.jpg", 2400, 1600),
        ("images/safer-sleep-nursery-672w.jpg", 672, 448),
        ("images/safer-sleep-nursery-336w.jpg", 336, 224),
    ] {
        let bytes = fs::read(out.path().join("public").join(file)).unwrap();
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!((img.width(), img.height()), (w, h), "{file}");
        assert!(
            !haven::images::original_has_location(&bytes),
            "{file} has a location"
        );
        assert!(
            !bytes.windows(6).any(|w| w == b"Exif\0\0")
                && !bytes.windows(9).any(|w| w == b"DemoPhone"),
            "{file} keeps EXIF"
        );
    }
    let check = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--now", "2026-11-23", "--root"])
        .arg(repo())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(
        said.contains("static/images/safer-sleep-nursery.jpg: warning[image-location]"),
        "{said}"
    );
    assert!(!said.contains("county-lines-park.jpg: warning"), "{said}");
}

/// A banner named in front matter goes through templates' `image()`: its size, smaller copies
/// and no lazy loading (it is at the top); a banner without words for it, or naming an image
/// the site does not publish, stops the build with the file and what to do.
#[test]
fn a_banner_in_front_matter_is_sized_and_checked() {
    let site = demo_copy();
    let root = site.path();
    build_copy(root, "2026-11-30");
    let html = read(root, "news/county-lines-awareness-week/index.html");
    let banner = html
        .split("<figure class=\"banner\">")
        .nth(1)
        .and_then(|b| b.split("</figure>").next())
        .unwrap_or_else(|| panic!("no banner: {html}"));
    assert!(
        banner.starts_with("<img src=\"/images/county-lines-park.jpg\" alt=\"A park at dusk")
            && banner.contains(" width=\"1800\" height=\"1200\" decoding=\"async\" srcset=\"/images/county-lines-park-336w.jpg 336w,")
            && banner.contains(" sizes=\"")
            && !banner.contains("loading="),
        "{banner}"
    );
    let post = root.join("content/news/county-lines-awareness-week.md");
    let text = fs::read_to_string(&post).unwrap();
    let fails = |edited: String, words: &[&str]| {
        fs::write(&post, edited).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(["build", "--now", "2026-11-30", "--root"])
            .arg(root)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(!o.status.success(), "{said}");
        for w in words {
            assert!(said.contains(w), "expected {w:?} in: {said}");
        }
    };
    let alt = "    alt: A park at dusk, with a lit lamp post, a tree and an empty bench\n";
    fails(
        text.replace(alt, ""),
        &["content/news/county-lines-awareness-week.md:", "alt"],
    );
    // The line of `image:`, counted from 1; its value starts at column 12.
    let line = 1 + text
        .lines()
        .position(|l| {
            l.trim_start()
                .starts_with("image: images/county-lines-park")
        })
        .unwrap();
    fails(
        text.replace(
            "images/county-lines-park.jpg",
            "images/county-lines-prak.jpg",
        ),
        &[
            &format!(
                "content/news/county-lines-awareness-week.md:{line}:12: error: `image` is not a picture this site publishes"
            ),
            "check the spelling",
        ],
    );
    // The last good build is still there.
    assert!(
        read(root, "news/county-lines-awareness-week/index.html")
            .contains("county-lines-park-336w.jpg")
    );
}

/// A site whose `language:` is Polish or Urdu is dressed in that language's words: the quick
/// exit and what it announces, the report box, review dates with Polish month forms; Urdu pages
/// are right to left. No English words of the theme are left on the page.
#[test]
fn a_site_in_another_language_wears_the_theme_in_that_language() {
    for (tag, exit, reviewed, english_left) in [
        ("pl", "Opuść tę stronę", "stycznia 2026", "Exit this page"),
        ("ur", "", "جنوری 2026", "Exit this page"),
    ] {
        let site = demo_copy();
        let root = site.path();
        let config = fs::read_to_string(root.join("site.yaml")).unwrap();
        let changed = config.replace("language: en-GB", &format!("language: {tag}"));
        assert_ne!(config, changed, "the demo's site.yaml says language: en-GB");
        // A site written in one language: no translations.
        let (head, rest) = changed.split_once("languages:\n").unwrap();
        let rest = rest.split_once("\ntheme:").unwrap().1;
        fs::write(root.join("site.yaml"), format!("{head}theme:{rest}")).unwrap();
        for f in walkdir::WalkDir::new(root.join("content")) {
            let p = f.unwrap().into_path();
            let name = p.to_string_lossy().into_owned();
            if name.ends_with(".pl.md") || name.ends_with(".ur.md") {
                fs::remove_file(p).unwrap();
            }
        }
        build_copy(root, "2026-11-30");
        let page = read(root, "worried-about-a-child/index.html");
        let rtl = if tag == "ur" { " dir=\"rtl\"" } else { "" };
        assert!(
            page.contains(&format!("<html lang=\"{tag}\"{rtl}>")),
            "{tag}: {}",
            &page[..200]
        );
        assert!(page.contains(exit), "{tag}: no exit button words");
        assert!(page.contains(reviewed), "{tag}: review date not in {tag}");
        for english in [
            english_left,
            "Worried about a child?</h2>",
            "Last reviewed",
            "Skip to main content",
            "Shift, press",
        ] {
            assert!(
                !page.contains(english),
                "{tag}: `{english}` is still in English"
            );
        }
        // The search page's messages, plural forms and all, are in the language too.
        let search = read(root, "search/index.html");
        if tag == "pl" {
            assert!(
                search.contains("data-word-results-few=\"{count} wyniki dla {query}{within}\""),
                "pl: the search messages"
            );
        }
        assert!(
            !search.contains("results for {query}"),
            "{tag}: search in English"
        );
        // Training sessions are worded in the language too: dates, times and places.
        let training = read(root, "training/index.html");
        let (date_word, english_word) = if tag == "pl" {
            ("grudnia 2026", "December 2026")
        } else {
            ("دسمبر 2026", "December 2026")
        };
        assert!(
            training.contains(date_word),
            "{tag}: session dates not in {tag}"
        );
        assert!(
            !training.contains(english_word),
            "{tag}: an English month in the sessions"
        );
        assert!(!training.contains("places left"), "{tag}: English places");
        // The emergency and hub numbers are there, unchanged.
        assert!(page.contains("href=\"tel:999\""), "{tag}: 999");
        assert!(page.contains("020 7946 0123"), "{tag}: the hub's number");
    }
}

/// The demo's Polish and Urdu pages: published under their language's folder, each saying its
/// language and direction, dressed in the theme's words in that language, with the report box
/// in that language and its numbers unchanged; the switcher and `hreflang` links tie each page
/// to its other languages, and nothing a reader should not see (the review mark) is shown.
#[test]
fn translations_are_published_in_their_language() {
    let out = build_at("2026-11-23");
    let root = out.path();
    for (tag, dir, exit, heading) in [
        ("pl", "", "Opuść tę stronę", "Martwisz się o dziecko?"),
        (
            "ur",
            " dir=\"rtl\"",
            "یہ صفحہ چھوڑیں",
            "کیا آپ کو کسی بچے کے بارے میں تشویش ہے؟",
        ),
    ] {
        for rel in [
            "",
            "worried-about-a-child/",
            "staying-safe-online/",
            "young-people/",
        ] {
            let page = read(root, &format!("{tag}/{rel}index.html"));
            let at = format!("/{tag}/{rel}");
            assert!(
                page.contains(&format!("<html lang=\"{tag}\"{dir}>")),
                "{at}: lang"
            );
            assert!(page.contains(exit), "{at}: the exit in {tag}");
            assert!(
                !page.contains("needs review"),
                "{at}: shows the review mark"
            );
            assert!(
                !page.contains("Skip to main content"),
                "{at}: English skip link"
            );
            // The switcher names every language in itself, marked as that language.
            assert!(page.contains("<a href=\"/"), "{at}: no link back");
            for (other, name) in [("en-GB", "English"), ("pl", "Polski"), ("ur", "اردو")] {
                if other == tag {
                    assert!(page.contains(&format!("lang=\"{other}\"")), "{at}");
                    assert!(page.contains("aria-current=\"page\">"), "{at}: current");
                } else {
                    assert!(
                        page.contains(&format!("lang=\"{other}\" hreflang=\"{other}\"")),
                        "{at}: no switcher link to {other}"
                    );
                }
                assert!(page.contains(name), "{at}: {name}");
            }
            // Phone numbers read left to right, even in Urdu.
            assert!(
                !page.contains("<a href=\"tel:"),
                "{at}: a tel: link without dir"
            );
        }
        let worried = read(root, &format!("{tag}/worried-about-a-child/index.html"));
        assert!(worried.contains(heading), "{tag}: the translated title");
        assert!(
            worried.contains(&format!(
                "<link rel=\"canonical\" href=\"https://www.bscp.example.org.uk/{tag}/worried-about-a-child/\">"
            )),
            "{tag}: canonical"
        );
    }
    // The English page links to its translations too, and its report box stays English.
    let english = read(root, "worried-about-a-child/index.html");
    assert!(english.contains("<html lang=\"en-GB\">"));
    assert!(english.contains(
        "hreflang=\"x-default\" href=\"https://www.bscp.example.org.uk/worried-about-a-child/\""
    ));
    // The report-a-concern link of a translated page goes to that language's page.
    let pl = read(root, "pl/young-people/index.html");
    assert!(pl.contains("class=\"site-header__report\" href=\"/pl/worried-about-a-child/\""));
    // An untranslated section in a translated page's menu is marked as English.
    assert!(
        pl.contains("lang=\"en-GB\" dir=\"ltr\">Safeguarding guidance</a>"),
        "menu not marked"
    );
    // A link in a translation to a page translated into its language goes to the translation.
    assert!(
        pl.contains("href=\"/pl/staying-safe-online/\""),
        "link to the English page"
    );
    // Numbers written as text in Urdu read left to right.
    let ur = read(root, "ur/worried-about-a-child/index.html");
    assert!(
        ur.contains("<span dir=\"ltr\">0808 800 5000</span>"),
        "NSPCC number"
    );
    // English rules are not applied to Polish text: no acronym is expanded in English there.
    let pl_worried = read(root, "pl/worried-about-a-child/index.html");
    assert!(
        !pl_worried.contains("<abbr title=\"Multi Agency"),
        "English <abbr> in Polish"
    );
}

/// A translated section of training sessions lists the sessions, which stay in English: their
/// titles, dates and places are marked as English (and left to right) on the Polish page,
/// while the labels around them are Polish.
#[test]
fn a_translated_training_section_marks_the_english_sessions() {
    let site = demo_copy();
    let root = site.path();
    fs::write(
        root.join("content/training/_index.pl.md"),
        "---\ntitle: Szkolenia\n---\nSzkolenia partnerstwa prowadzimy po angielsku.\n",
    )
    .unwrap();
    build_copy(root, "2026-11-23");
    let page = read(root, "pl/training/index.html");
    assert!(page.contains("<html lang=\"pl\">"));
    assert!(page.contains("<h1>Szkolenia</h1>"), "the translated title");
    // Every session's date is marked English; the label before it is Polish.
    let dates = page.matches("<dd lang=\"en-GB\" dir=\"ltr\"><time").count();
    assert!(dates > 3, "only {dates} session dates marked as English");
    assert!(
        !page.contains("<dd><time"),
        "a session date not marked as English"
    );
    assert!(
        !page.contains("<dt>Date</dt>"),
        "an English label on the Polish page"
    );
}
