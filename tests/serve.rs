//! `haven serve` from outside: a copy of the demo site served by the real binary, spoken to
//! over plain HTTP/1.1.

mod common;

use common::copy_dir;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A copy of the demo site.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in ["content", "data", "static", "themes"] {
        copy_dir(&repo().join(d), &dir.path().join(d));
    }
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    dir
}

/// A running `haven serve`, stopped when dropped. Its terminal lines arrive on `lines`.
struct Server {
    child: Child,
    port: u16,
    lines: mpsc::Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["serve", "--port", "0", "--now", "2026-11-23", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, lines) = mpsc::channel();
    fn pipe(out: impl Read + Send + 'static, tx: mpsc::Sender<String>) {
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                if tx.send(l.unwrap_or_default()).is_err() {
                    return;
                }
            }
        });
    }
    pipe(child.stdout.take().unwrap(), tx.clone());
    pipe(child.stderr.take().unwrap(), tx);
    // Owned from here, so that a failed start still stops the process.
    let mut server = Server {
        child,
        port: 0,
        lines,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("haven serve printed its address");
        if let Some(rest) = line.split("at http://127.0.0.1:").nth(1) {
            server.port = rest.trim_end_matches('/').parse().unwrap();
            return server;
        }
    }
}

impl Server {
    /// Waits for a terminal line containing `needle`; returns it.
    fn expect_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while let Ok(l) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if l.contains(needle) {
                return l;
            }
            seen.push(l);
        }
        panic!("no line with {needle:?}; saw:\n{}", seen.join("\n"));
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request, written exactly as given (so `..` is not tidied away by a client library).
fn request(port: u16, method: &str, target: &str) -> Response {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: body.to_string(),
    }
}

fn get(port: u16, target: &str) -> Response {
    request(port, "GET", target)
}

/// An open event stream; `next_reload` waits for the next `reload` event.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            s,
            "GET /__haven/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(line.contains("200"), "{line}");
        Events(r)
    }

    fn next_reload(&mut self, server: &Server) {
        let mut line = String::new();
        // Keep-alive comments arrive every few seconds, so the read timeout alone never ends
        // a wait for an event that does not come.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if Instant::now() >= deadline {
                let said: Vec<String> = server.lines.try_iter().collect();
                panic!(
                    "no reload event within 30 s; haven serve said:\n{}",
                    said.join("\n")
                );
            }
            line.clear();
            let n = self.0.read_line(&mut line).expect("a reload event in time");
            assert!(n > 0, "the event stream closed");
            if line.contains("event: reload") {
                return;
            }
        }
    }
}

fn edit(path: &Path, f: impl FnOnce(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(&text)).unwrap();
}

#[test]
fn serves_the_site_with_types_404s_and_nothing_outside_it() {
    let site = demo();
    let server = start(site.path());
    let port = server.port;

    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.body
            .contains("<script src=\"/__haven/live.js\"></script></body>")
    );
    assert!(!home.body.contains("haven-overlay"));

    let ics = get(port, "/training/calendar.ics");
    assert_eq!(ics.status, 200);
    assert_eq!(
        ics.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert!(ics.body.starts_with("BEGIN:VCALENDAR"));
    assert_eq!(
        get(port, "/news/atom.xml").header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_eq!(
        get(port, "/css/haven.css").header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        get(port, "/js/exit-this-page.js").header("content-type"),
        Some("text/javascript; charset=utf-8")
    );

    let missing = get(port, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<h1"), "the site's own 404 page");

    let folder = get(port, "/guidance");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/guidance/"));

    for escape in [
        "/../../../../etc/passwd",
        "/guidance/../../site.yaml",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fsite.yaml",
        "/%2e%2e%5c%2e%2e%5csite.yaml",
        "/content/guidance/neglect.md",
        "/site.yaml",
    ] {
        let r = get(port, escape);
        assert_eq!(r.status, 404, "{escape}");
        assert!(
            !r.body.contains("root:") && !r.body.contains("base_url"),
            "{escape} leaked a file"
        );
    }
    assert_eq!(request(port, "POST", "/").status, 405);
    let head = request(port, "HEAD", "/guidance/neglect/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());

    // Many clients at once, then the server still answers.
    let workers: Vec<_> = (0..32)
        .map(|k| {
            std::thread::spawn(move || {
                (0..10)
                    .map(|i| {
                        let path = if (k + i) % 3 == 0 {
                            "/nope/"
                        } else {
                            "/guidance/neglect/"
                        };
                        get(port, path).status
                    })
                    .collect::<Vec<u16>>()
            })
        })
        .collect();
    let statuses: Vec<u16> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(statuses.len(), 320);
    assert!(statuses.iter().all(|&s| s == 200 || s == 404));
    assert_eq!(get(port, "/").status, 200);

    // `serve` builds in memory: nothing is written to public/.
    assert!(!site.path().join("public").exists());
}

#[test]
fn an_edit_rebuilds_only_what_it_affects_and_reloads_open_pages() {
    let site = demo();
    let server = start(site.path());
    let port = server.port;
    let mut events = Events::open(port);
    let page = site.path().join("content/guidance/neglect.md");

    edit(&page, |t| format!("{t}\nA sentence added while serving.\n"));
    events.next_reload(&server);
    let line = server.expect_line("neglect.md");
    assert!(line.contains("1 page edited"), "{line}");
    let files: usize = line
        .split(": ")
        .nth(2)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a file count in {line:?}"));
    assert!(files > 0 && files < 20, "re-rendered {files} files: {line}");
    assert!(
        get(port, "/guidance/neglect/")
            .body
            .contains("A sentence added while serving.")
    );

    // A template: the pages using it are rendered again.
    let partial = site.path().join("themes/haven/templates/page.html");
    edit(&partial, |t| {
        t.replacen("{% block main %}", "{% block main %}<!-- edited -->", 1)
    });
    events.next_reload(&server);
    let line = server.expect_line("page.html");
    assert!(line.contains("templates edited"), "{line}");
    assert!(
        get(port, "/guidance/neglect/")
            .body
            .contains("<!-- edited -->")
    );
    assert!(
        !get(port, "/").body.contains("<!-- edited -->"),
        "home does not use page.html"
    );

    // Several saves in quick succession cost one rebuild.
    for k in 0..5 {
        edit(&page, |t| format!("{t}\nQuick save {k}.\n"));
    }
    events.next_reload(&server);
    server.expect_line("neglect.md");
    std::thread::sleep(Duration::from_millis(500));
    let extra: Vec<String> = server.lines.try_iter().collect();
    assert!(
        extra.iter().all(|l| !l.contains("Changed")),
        "one rebuild for five quick saves, then: {extra:?}"
    );
    assert!(
        get(port, "/guidance/neglect/")
            .body
            .contains("Quick save 4.")
    );

    // What the partial rebuilds serve is exactly what a full build of the same files writes.
    let out = tempfile::tempdir().unwrap();
    let built = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--now", "2026-11-23", "--root"])
        .arg(site.path())
        .arg("--output-dir")
        .arg(out.path().join("public"))
        .arg("--base-url")
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .unwrap();
    assert!(built.status.success(), "{built:?}");
    // The search index follows a moment after the page: wait for it.
    let meta = std::fs::read_to_string(out.path().join("public/search/index/meta.json")).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while get(port, "/search/index/meta.json").body != meta {
        assert!(
            std::time::Instant::now() < deadline,
            "the served search index never caught up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut compared = 0;
    for e in walkdir::WalkDir::new(out.path().join("public")) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(out.path().join("public")).unwrap();
        let Some(rel) = rel.to_str().filter(|r| r.ends_with(".html")) else {
            if let Some(json) = rel.to_str().filter(|r| r.ends_with(".json")) {
                let written = std::fs::read_to_string(e.path()).unwrap();
                assert!(
                    get(port, &format!("/{json}")).body == written,
                    "/{json} differs from a full build"
                );
            }
            continue;
        };
        let url = format!("/{}", rel.trim_end_matches("index.html"));
        let served = get(port, &url)
            .body
            .replace("<script src=\"/__haven/live.js\"></script>", "");
        let written = std::fs::read_to_string(e.path()).unwrap();
        assert!(served == written, "{url} differs from a full build");
        compared += 1;
    }
    assert!(compared > 100, "compared {compared} pages");

    // Front matter changed: everything again, and the new title shows everywhere.
    edit(&page, |t| {
        t.replacen("title: Neglect", "title: Neglect of children", 1)
    });
    events.next_reload(&server);
    let line = server.expect_line("neglect.md");
    assert!(line.contains("full rebuild"), "{line}");
    assert!(get(port, "/guidance/").body.contains("Neglect of children"));
}

#[test]
fn a_build_error_shows_over_the_last_good_site_until_fixed() {
    let site = demo();
    let server = start(site.path());
    let port = server.port;
    let mut events = Events::open(port);
    let page = site.path().join("content/guidance/neglect.md");
    let good = std::fs::read_to_string(&page).unwrap();

    edit(&page, |t| {
        t.replacen("title: Neglect", "title: [Neglect", 1)
    });
    events.next_reload(&server);
    server.expect_line("could not be rebuilt");
    let shown = get(port, "/guidance/neglect/");
    assert_eq!(shown.status, 200, "the last good page is still served");
    assert!(shown.body.contains("role=\"alert\""));
    assert!(shown.body.contains("content/guidance/neglect.md:2:"));
    assert!(shown.body.contains("Haven could not rebuild the site"));
    assert!(shown.body.contains("/__haven/overlay.css"));
    let css = get(port, "/__haven/overlay.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));

    std::fs::write(&page, good).unwrap();
    events.next_reload(&server);
    let fixed = get(port, "/guidance/neglect/");
    assert!(
        !fixed.body.contains("haven-overlay"),
        "fixing the error clears it"
    );
}

#[test]
fn answers_never_redirect_to_another_site_and_carry_the_security_headers() {
    let site = demo();
    let server = start(site.path());
    let port = server.port;

    // A folder asked for with extra slashes: `//training/` would send the browser to a site
    // called `training`.
    for target in ["//training", "///training", "//guidance", "/%2Ftraining"] {
        let r = get(port, target);
        let to = r.header("location").unwrap_or("");
        assert!(
            !to.starts_with("//") && !to.starts_with("/\\"),
            "{target} redirects to {to}"
        );
    }
    let r = get(port, "//training");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/training/"));

    // Every answer tells the browser not to guess a file's type.
    let mut answers: Vec<(String, Response)> = [
        "/",
        "/guidance/neglect/",
        "/css/haven.css",
        "/js/exit-this-page.js",
        "/training/calendar.ics",
        "/news/atom.xml",
        "/no/such/page/",
        "/guidance",
        "/__haven/live.js",
        "/__haven/overlay.css",
    ]
    .iter()
    .map(|t| (t.to_string(), get(port, t)))
    .collect();
    answers.push(("POST /".into(), request(port, "POST", "/")));
    answers.push(("HEAD /".into(), request(port, "HEAD", "/")));
    for (target, r) in &answers {
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
    }

    // HTML pages carry their own Content-Security-Policy as a header too, and it still lets the
    // reload script and the error overlay's style sheet load (they are served from here).
    for target in ["/", "/guidance/neglect/", "/no/such/page/"] {
        let r = get(port, target);
        let csp = r
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{target} has no content-security-policy header"));
        // The demo keeps Haven's default policy; the page writes it with quotes escaped.
        assert_eq!(csp, haven::config::portal::DEFAULT_CSP, "{target}");
        assert!(
            r.body.replace("&#39;", "'").contains(&format!(
                "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">"
            )),
            "{target}: the header is not the page's policy: {csp}"
        );
        assert!(
            csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
            "{csp}"
        );
        assert!(csp.contains("connect-src 'self'"), "{csp}");
    }
}

#[test]
fn the_build_output_never_has_the_reload_script() {
    let site = demo();
    let out = site.path().join("public");
    let status = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["build", "--now", "2026-11-23", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(status.status.success());
    for e in walkdir::WalkDir::new(&out) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(
                !String::from_utf8_lossy(&bytes).contains("__haven"),
                "{}",
                e.path().display()
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_a_file_outside_the_site_added_while_serving_is_never_served() {
    let site = demo();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("environ");
    std::fs::write(&secret, "CI_TOKEN=hunter2-secret").unwrap();
    let server = start(site.path());
    let port = server.port;
    assert_eq!(get(port, "/js/exit-this-page.js").status, 200);
    let mut events = Events::open(port);

    // A new link in content/, and a served static file swapped for a link.
    std::os::unix::fs::symlink(&secret, site.path().join("content/guidance/env.txt")).unwrap();
    events.next_reload(&server);
    let script = site.path().join("themes/haven/static/js/exit-this-page.js");
    std::fs::remove_file(&script).unwrap();
    std::os::unix::fs::symlink(&secret, &script).unwrap();
    events.next_reload(&server);

    let r = get(port, "/guidance/env.txt");
    assert_eq!(r.status, 404, "the link was served");
    assert!(!r.body.contains("hunter2"), "the link leaked the secret");
    // The theme's copy is refused, so the script built into Haven takes its place.
    let r = get(port, "/js/exit-this-page.js");
    assert!(
        !r.body.contains("hunter2"),
        "the swapped script leaked the secret"
    );
    assert_eq!(
        r.status, 200,
        "the built-in script should take the refused copy's place"
    );
    assert!(r.body.contains("Shift"), "{}", r.body);
}
