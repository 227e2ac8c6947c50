//! `haven serve`: builds the site into memory, serves it on loopback, watches the site's
//! folders and rebuilds what a change affects, then tells open pages to reload.
//!
//! The site is served from memory, never from `public/`, so `serve` cannot leave its reload
//! script in the published output. Only paths the build produced are answered: there is no
//! file-system lookup that a `..` could steer.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use tokio::sync::broadcast;

use crate::highlight::escaped as escape;
use crate::incremental::{Incremental, Served};
use crate::pipeline::BuildOptions;

/// Where the reload script, the overlay style sheet and the event stream live. Nothing a
/// site builds can start with this.
const PREFIX: &str = "/__haven/";

/// Quiet time after the last file event before rebuilding: an editor's save is often
/// several events (write, rename, attributes), and several quick saves should cost one
/// rebuild.
const SETTLE: Duration = Duration::from_millis(30);

/// What `haven serve` was asked to do.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The build options (root, drafts, now); `base_url` is replaced with the server's.
    pub build: BuildOptions,
    /// Address to listen on.
    pub interface: std::net::IpAddr,
    /// Port to listen on (0 picks a free one).
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// What the server shows: the last good site, and the error of the last build if it failed.
#[derive(Default)]
struct Snapshot {
    files: BTreeMap<String, Served>,
    error: Option<String>,
    /// Files served from disk are read through it (see [`crate::layout`]).
    layout: Option<Arc<crate::layout::Layout>>,
}

struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    reload: broadcast::Sender<()>,
}

/// Runs the server until the process is stopped. Returns only if it cannot start.
pub fn serve(opts: ServeOptions) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(run(opts))
}

async fn run(opts: ServeOptions) -> Result<(), String> {
    let addr = SocketAddr::new(opts.interface, opts.port);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            format!(
                "cannot listen on {addr}: the port is in use (is another `haven serve` running?); choose another with --port"
            )
        } else {
            format!("cannot listen on {addr}: {e}")
        }
    })?;
    let local = listener
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?;
    let url = format!("http://{local}/");
    let mut build = opts.build.clone();
    build.base_url = Some(url.clone());

    let (reload, _) = broadcast::channel(16);
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Arc::new(Snapshot::default())),
        reload,
    });
    let watcher = Watch::new(&build.root)?;
    let mut site = Incremental::new(build.clone());
    publish(&shared, &mut site, &[], "first build");
    let watched = watch_list(&build.root);
    {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("haven-watch".into())
            .spawn(move || watch(watcher, site, shared))
            .map_err(|e| format!("cannot start watching for changes: {e}"))?;
    }
    if !opts.interface.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the preview visible to other computers on the network",
            opts.interface
        );
    }
    println!("Serving {} at {url}", build.root.display());
    println!(
        "Watching {} for changes. Press Ctrl+C to stop.",
        watched
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if opts.open {
        open_browser(&url);
    }
    let app = router(shared);
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("the server stopped: {e}"))
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__haven/events", get(events))
        .route(
            "/__haven/live.js",
            get(|| async { own_file("live.js", LIVE_JS) }),
        )
        .route(
            "/__haven/overlay.css",
            get(|| async { own_file("overlay.css", OVERLAY_CSS) }),
        )
        .fallback(file)
        .layer(axum::middleware::map_response(nosniff))
        .with_state(shared)
}

/// Every answer says `nosniff`, so that a browser takes each file as the type `serve` gives it
/// and never runs a text file or an upload as a script.
async fn nosniff(mut r: Response<Body>) -> Response<Body> {
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

/// Rebuilds after `changed` and shows the result: the new site, or the error over the last
/// good one.
fn publish(shared: &Shared, site: &mut Incremental, changed: &[PathBuf], what: &str) {
    let result = site.rebuild(changed);
    let previous = shared
        .snapshot
        .read()
        .map(|s| s.clone())
        .unwrap_or_default();
    let next = match result {
        Ok(r) => {
            println!("{what}: {r}");
            let warnings = site.warnings();
            if warnings > 0 && changed.is_empty() {
                eprintln!(
                    "{warnings} warning{} from the content checks; run `haven check` to see them.",
                    if warnings == 1 { "" } else { "s" }
                );
            }
            Snapshot {
                files: site.files().clone(),
                error: None,
                layout: site.layout(),
            }
        }
        Err(d) => {
            let text = d.to_string();
            eprintln!("{what}: the site could not be rebuilt\n{text}\n");
            eprintln!("Still serving the last version that built.");
            Snapshot {
                files: previous.files.clone(),
                error: Some(text),
                layout: previous.layout.clone(),
            }
        }
    };
    if let Ok(mut s) = shared.snapshot.write() {
        *s = Arc::new(next);
    }
    // No open page is not an error.
    let _ = shared.reload.send(());
    if let Some(r) = site.refresh_index() {
        println!("{r}");
        if let Ok(mut s) = shared.snapshot.write() {
            let error = s.error.clone();
            *s = Arc::new(Snapshot {
                files: site.files().clone(),
                error,
                layout: site.layout(),
            });
        }
    }
}

/// The folders and files a site is built from, that exist.
fn watch_list(root: &Path) -> Vec<PathBuf> {
    crate::layout::SOURCE_FOLDERS
        .iter()
        .chain(&[crate::config::CONFIG_FILE])
        .map(PathBuf::from)
        .filter(|p| root.join(p).exists())
        .collect()
}

/// Whether a changed path can matter to the build: editors' swap and backup files cannot.
fn relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#"))
}

/// The file watcher, set up before the first build so that no save is missed.
struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    watching: Vec<PathBuf>,
}

impl Watch {
    fn new(root: &Path) -> Result<Watch, String> {
        use notify::{RecursiveMode, Watcher};
        // Events name paths below the watched ones; watching canonical paths makes them easy
        // to tell apart.
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = std::sync::mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx)
            .map_err(|e| format!("cannot watch for changes: {e}"))?;
        // The root itself, not recursively, so that a folder created later (static/, data/)
        // and site.yaml are seen, without watching public/ and its thousands of folders.
        watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
        let mut w = Watch {
            root,
            watcher,
            events,
            watching: Vec::new(),
        };
        w.add_folders();
        Ok(w)
    }

    /// Watches the site's folders that exist and are not watched yet.
    fn add_folders(&mut self) {
        use notify::{RecursiveMode, Watcher};
        for p in watch_list(&self.root) {
            let abs = self.root.join(&p);
            if abs.is_dir() && !self.watching.contains(&abs) {
                match self.watcher.watch(&abs, RecursiveMode::Recursive) {
                    Ok(()) => self.watching.push(abs),
                    Err(e) => eprintln!("error: cannot watch {}: {e}", abs.display()),
                }
            }
        }
    }
}

fn watch(mut w: Watch, mut site: Incremental, shared: Arc<Shared>) {
    let root = w.root.clone();
    let top = crate::layout::SOURCE_FOLDERS;
    loop {
        let Ok(first) = w.events.recv() else { return };
        let mut batch = Vec::new();
        let mut take = |e: notify::Result<notify::Event>| {
            if let Ok(e) = e
                && !matches!(e.kind, notify::EventKind::Access(_))
            {
                for p in e.paths {
                    let rel = p.strip_prefix(&root).unwrap_or(&p).to_path_buf();
                    let inside =
                        rel == Path::new("site.yaml") || top.iter().any(|t| rel.starts_with(t));
                    if inside && relevant(&p) && !batch.contains(&p) {
                        batch.push(p);
                    }
                }
            }
        };
        take(first);
        while let Ok(e) = w.events.recv_timeout(SETTLE) {
            take(e);
        }
        if batch.is_empty() {
            continue;
        }
        w.add_folders();
        let shown: Vec<String> = batch
            .iter()
            .take(3)
            .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
            .collect();
        let what = if batch.len() > 3 {
            format!("{} and {} more", shown.join(", "), batch.len() - 3)
        } else {
            shown.join(", ")
        };
        publish(&shared, &mut site, &batch, &format!("Changed {what}"));
    }
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    use tokio_stream::StreamExt;
    let rx = shared.reload.subscribe();
    let stream = tokio_stream::wrappers::BroadcastStream::new(rx)
        .map(|_| Ok::<Event, Infallible>(Event::default().event("reload").data("reload")));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

const LIVE_JS: &str = "// Added by `haven serve` only; never part of a build.
(function () {
  var source = new EventSource('/__haven/events');
  source.addEventListener('reload', function () { location.reload(); });
})();
";

const OVERLAY_CSS: &str = ".haven-overlay{position:fixed;inset:1rem;z-index:2147483647;overflow:auto;\
background:#fff;color:#0b0c0c;border:5px solid #d4351c;padding:1rem 1.5rem;\
font:1rem/1.5 system-ui,sans-serif;box-shadow:0 0 0 100vmax rgba(0,0,0,.5)}\
.haven-overlay h2{margin:0 0 .5rem;font-size:1.5rem}\
.haven-overlay pre{white-space:pre-wrap;background:#f3f2f1;padding:1rem;overflow:auto;\
font:0.95rem/1.4 ui-monospace,monospace}\
.haven-overlay pre:focus{outline:3px solid #fd0;box-shadow:0 0 0 6px #0b0c0c}\n";

/// One of `serve`'s own files, typed by its name like any file of the site.
fn own_file(name: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type(name)),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
}

/// The content type for a file name, from its extension (mime_guess's table), naming UTF-8
/// for text, and telling Atom feeds apart from other XML.
pub fn content_type(path: &str) -> String {
    if path.ends_with("atom.xml") {
        return "application/atom+xml; charset=utf-8".to_string();
    }
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.essence_str(),
            "application/javascript" | "application/xml"
        );
    if text {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// The output path a request path asks for, and whether it is a folder missing its slash.
fn lookup<'a>(files: &'a BTreeMap<String, Served>, path: &str) -> Lookup<'a> {
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Lookup::Missing;
    };
    let rel = decoded.trim_start_matches('/');
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if let Some(f) = files.get(&key) {
        return Lookup::Found(key, f);
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        // One leading slash only: browsers read `//training/` (and `/\training/`) as the
        // address of another site called `training`.
        return Lookup::Redirect(format!("/{}/", path.trim_start_matches(['/', '\\'])));
    }
    Lookup::Missing
}

/// Reads a static file or page asset, refusing one that has become a link leading out of the
/// site since the build.
async fn read_inside(
    layout: Option<Arc<crate::layout::Layout>>,
    path: PathBuf,
) -> std::io::Result<Vec<u8>> {
    let Some(layout) = layout else {
        return Err(std::io::ErrorKind::NotFound.into());
    };
    tokio::task::spawn_blocking(move || layout.read_checked(&path))
        .await
        .map_err(std::io::Error::other)?
}

enum Lookup<'a> {
    Found(String, &'a Served),
    Redirect(String),
    Missing,
}

async fn file(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response<Body> {
    if method != Method::GET && method != Method::HEAD {
        return Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(header::ALLOW, "GET, HEAD")
            .body(Body::empty())
            .unwrap_or_default();
    }
    let snapshot = shared
        .snapshot
        .read()
        .map(|s| s.clone())
        .unwrap_or_default();
    let (status, key, served) = match lookup(&snapshot.files, uri.path()) {
        Lookup::Found(key, f) => (StatusCode::OK, key, Some(f.clone())),
        Lookup::Redirect(to) => {
            return Response::builder()
                .status(StatusCode::MOVED_PERMANENTLY)
                .header(header::LOCATION, to)
                .body(Body::empty())
                .unwrap_or_default();
        }
        Lookup::Missing => (
            StatusCode::NOT_FOUND,
            "404.html".to_string(),
            snapshot.files.get("404.html").cloned(),
        ),
    };
    let bytes: Vec<u8> = match served {
        Some(Served::Bytes(b)) => b.to_vec(),
        Some(Served::File(p)) => match read_inside(snapshot.layout.clone(), p).await {
            Ok(b) => b,
            Err(_) => {
                return plain(StatusCode::NOT_FOUND, "Not found");
            }
        },
        None if snapshot.error.is_some() => Vec::new(),
        None => return plain(status, "Not found"),
    };
    let ctype = content_type(&key);
    let mut csp = None;
    let body = if ctype.starts_with("text/html") {
        csp = page_csp(&bytes);
        inject(&bytes, snapshot.error.as_deref())
    } else {
        bytes
    };
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(csp) = csp {
        response = response.header(header::CONTENT_SECURITY_POLICY, csp);
    }
    if method == Method::HEAD {
        return response.body(Body::empty()).unwrap_or_default();
    }
    response.body(Body::from(body)).unwrap_or_default()
}

/// The policy for the page `serve` makes itself when nothing has built yet: it loads only the
/// reload script and the overlay's style sheet, both from `serve`.
const OWN_PAGE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/// The Content-Security-Policy header for an HTML page: the policy the page sets in its own
/// `<meta http-equiv="Content-Security-Policy">`, sent as a header too, as a web server
/// should (the header covers the page from its first byte). `serve`'s reload script and
/// overlay style sheet are same-origin files, so the usual `'self'` policies allow them.
fn page_csp(html: &[u8]) -> Option<HeaderValue> {
    let text = String::from_utf8_lossy(html);
    if text.trim().is_empty() {
        return Some(HeaderValue::from_static(OWN_PAGE_CSP));
    }
    let policies = meta_policies(&text);
    if policies.is_empty() {
        return None;
    }
    // Several policies are all enforced; a header lists them separated by commas.
    HeaderValue::from_str(&policies.join(", ")).ok()
}

/// The `content` of every `<meta http-equiv="Content-Security-Policy">` before `<body`.
fn meta_policies(html: &str) -> Vec<String> {
    let end = html
        .as_bytes()
        .windows(5)
        .position(|w| w.eq_ignore_ascii_case(b"<body"))
        .unwrap_or(html.len());
    let head = &html[..end];
    // ASCII lower-casing keeps every byte where it was, so positions carry over to `head`.
    let lower = head.to_ascii_lowercase();
    let mut policies = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find("<meta") {
        let start = at + i + "<meta".len();
        let close = lower[start..].find('>').map_or(lower.len(), |j| start + j);
        at = close;
        if !lower[start..].starts_with(|c: char| c.is_ascii_whitespace() || c == '/') {
            continue;
        }
        let attrs = attributes(&head[start..close]);
        let is_csp = attrs.iter().any(|(name, value)| {
            name == "http-equiv" && value.trim().eq_ignore_ascii_case("content-security-policy")
        });
        if let Some((_, policy)) = attrs.iter().find(|(name, _)| name == "content")
            && is_csp
        {
            policies.push(unescape_attribute(policy.trim()));
        }
    }
    policies
}

/// The attributes of a tag (the text between its name and `>`), names lower-cased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let space = |c: char| c.is_ascii_whitespace();
    let mut out = Vec::new();
    let mut rest = tag;
    loop {
        rest = rest.trim_start_matches(|c: char| space(c) || c == '/');
        if rest.is_empty() {
            return out;
        }
        let name_end = rest
            .find(|c: char| space(c) || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start_matches(space);
        let value = match rest.strip_prefix('=') {
            None => "",
            Some(after) => {
                let after = after.trim_start_matches(space);
                match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let inner = &after[1..];
                        let end = inner.find(q).unwrap_or(inner.len());
                        rest = inner.get(end + 1..).unwrap_or("");
                        &inner[..end]
                    }
                    _ => {
                        let end = after.find(space).unwrap_or(after.len());
                        rest = &after[end..];
                        &after[..end]
                    }
                }
            }
        };
        out.push((name, value.to_string()));
    }
}

/// The character references a template may write in an attribute value.
fn unescape_attribute(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text))
        .unwrap_or_default()
}

/// Adds the reload script (and the error overlay, if the last build failed) to an HTML page.
fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let script = format!("<script src=\"{PREFIX}live.js\"></script>");
    let overlay = error.map(|e| {
        format!(
            "<link rel=\"stylesheet\" href=\"{PREFIX}overlay.css\">\
<div class=\"haven-overlay\" role=\"alert\" aria-labelledby=\"haven-overlay-title\">\
<h2 id=\"haven-overlay-title\">Haven could not rebuild the site</h2>\
<p>You are looking at the last version that built. Fix the problem below and save the file: \
this message goes away by itself.</p><pre tabindex=\"0\">{}</pre></div>",
            escape(e)
        )
    });
    let mut out = String::with_capacity(text.len() + 2048);
    if text.trim().is_empty() {
        // Nothing has built yet: a page of its own for the error.
        out.push_str(
            "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<title>Build error: Haven</title></head><body><main>",
        );
        out.push_str(overlay.as_deref().unwrap_or(""));
        out.push_str("</main>");
        out.push_str(&script);
        out.push_str("</body></html>");
        return out.into_bytes();
    }
    let lower = text.to_ascii_lowercase();
    let body_open = lower
        .find("<body")
        .and_then(|i| lower[i..].find('>').map(|j| i + j + 1));
    let body_close = lower.rfind("</body>");
    let mut at = 0;
    if let (Some(o), Some(overlay)) = (body_open, &overlay) {
        out.push_str(&text[..o]);
        out.push_str(overlay);
        at = o;
    }
    match body_close.filter(|&c| c >= at) {
        Some(c) => {
            out.push_str(&text[at..c]);
            out.push_str(&script);
            out.push_str(&text[c..]);
        }
        None => {
            out.push_str(&text[at..]);
            out.push_str(&script);
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("training/calendar.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("news/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(content_type("docs/Plan.PDF"), "application/pdf");
        assert_eq!(content_type("README"), "application/octet-stream");
        assert_eq!(content_type("css/haven.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("js/search.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("img/a.svg"), "image/svg+xml");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
    }

    #[test]
    fn lookups_stay_inside_the_built_site() {
        let mut files = BTreeMap::new();
        for k in [
            "index.html",
            "a/index.html",
            "a/b.pdf",
            "caf\u{e9}/index.html",
        ] {
            files.insert(k.to_string(), Served::Bytes(Arc::from(&b"x"[..])));
        }
        let found = |p: &str| match lookup(&files, p) {
            Lookup::Found(k, _) => Some(k),
            _ => None,
        };
        assert_eq!(found("/").as_deref(), Some("index.html"));
        assert_eq!(found("/a/").as_deref(), Some("a/index.html"));
        assert_eq!(found("/a/b.pdf").as_deref(), Some("a/b.pdf"));
        assert_eq!(
            found("/caf%C3%A9/").as_deref(),
            Some("caf\u{e9}/index.html")
        );
        assert!(matches!(lookup(&files, "/a"), Lookup::Redirect(to) if to == "/a/"));
        // Never `//a/`, which browsers read as another site called `a`.
        for p in ["//a", "///a", "/\\a"] {
            let to = match lookup(&files, p) {
                Lookup::Redirect(to) => to,
                _ => String::new(),
            };
            assert!(to.is_empty() || to == "/a/", "{p} redirects to {to}");
        }
        assert!(matches!(lookup(&files, "//a"), Lookup::Redirect(to) if to == "/a/"));
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%ff",
            "/%",
        ] {
            assert!(matches!(lookup(&files, bad), Lookup::Missing), "{bad}");
        }
    }

    #[test]
    fn the_page_policy_is_sent_as_a_header() {
        let page = b"<!DOCTYPE html><html><head><meta charset=utf-8>\
<META HTTP-EQUIV='content-security-policy' CONTENT=\"default-src 'none'; script-src 'self'\">\
<meta name=\"description\" content=\"script-src *\"></head>\
<body><meta http-equiv=\"Content-Security-Policy\" content=\"img-src *\"></body></html>";
        assert_eq!(
            page_csp(page).unwrap(),
            "default-src 'none'; script-src 'self'"
        );
        let escaped = b"<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;self&#39;\"/>\
<meta http-equiv=Content-Security-Policy content=\"img-src &#x27;self&#x27;\">";
        assert_eq!(
            page_csp(escaped).unwrap(),
            "default-src 'self', img-src 'self'"
        );
        assert!(
            page_csp(b"<html><head><metadata content=x></head><body>Hi</body></html>").is_none()
        );
        assert!(page_csp(b"<p>no head").is_none());
        // A value a header cannot carry is left out rather than breaking the response.
        assert!(
            page_csp("<meta http-equiv=content-security-policy content=\"a\u{7f}\">".as_bytes())
                .is_none()
        );
        assert_eq!(page_csp(b"").unwrap(), OWN_PAGE_CSP);
    }

    #[test]
    fn injects_the_script_and_the_overlay_into_the_body() {
        let page = b"<!DOCTYPE html><html><body class=\"x\"><h1>Hi</h1></body></html>";
        let ok = String::from_utf8(inject(page, None)).unwrap();
        assert!(ok.contains("<h1>Hi</h1><script src=\"/__haven/live.js\"></script></body>"));
        assert!(!ok.contains("haven-overlay"));
        let bad = String::from_utf8(inject(page, Some("content/a.md:3:1: error: <oops>"))).unwrap();
        let overlay = bad.find("role=\"alert\"").unwrap();
        assert!(overlay > bad.find("<body class=\"x\">").unwrap());
        assert!(overlay < bad.find("<h1>Hi</h1>").unwrap());
        assert!(bad.contains("content/a.md:3:1: error: &lt;oops&gt;"));
    }
}
