//! `haven serve`: builds the site into memory, serves it on loopback, watches the site's
//! folders and rebuilds what a change affects, then tells open pages to reload.
//!
//! The site is served from memory, never from `public/`, so `serve` cannot leave its reload
//! script in the published output. Only paths the build produced are answered: there is no
//! file-system lookup that a `..` could steer.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Response, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use tokio::sync::broadcast;

// The server's messages go to a terminal that may be piped into a command that stops reading
// (`haven serve | head`): `println!` would then panic; these drop the line instead.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}
macro_rules! tell {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod network;
mod page;
pub mod plan;
mod watch;

use crate::pipeline::BuildOptions;
use page::{LIVE_JS, OVERLAY_CSS, inject, page_csp};
use plan::{Incremental, Served};
use watch::{Watch, watch, watch_list};

/// Where the reload script, the overlay style sheet and the event stream live. Nothing a
/// site builds can start with this.
const PREFIX: &str = "/__haven/";

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

/// What to print when the preview can be reached from other devices: every address, a QR
/// code of the first for a phone, and a warning that the network can see the preview.
fn phone_help(url: &str, others: &[std::net::IpAddr], local: SocketAddr) {
    for ip in others.iter().skip(1) {
        say!("Also at {}", network::url(*ip, local.port()));
    }
    if others.is_empty() && local.ip().is_unspecified() {
        tell!(
            "Haven could not find this computer's network address. On the phone, open http://ADDRESS:{}/ with the address from this computer's network settings.",
            local.port()
        );
    } else if let Some(code) = network::qr(url) {
        say!(
            "To preview on a phone on the same network, open {url} or scan this code with its camera:\n{code}"
        );
    }
    tell!(
        "warning: the preview can be opened by anyone on this network (at home, in the office, or on public Wi-Fi), including drafts if you used --drafts. Stop it with Ctrl+C when you have finished, and leave out --interface to keep the preview on this computer only."
    );
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
    // Listening on every network (0.0.0.0): name the addresses a phone can actually open.
    let others = network::reachable(local.ip());
    let url = match others.first() {
        Some(ip) if local.ip().is_unspecified() => network::url(*ip, local.port()),
        _ => format!("http://{local}/"),
    };
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
    say!("Serving {} at {url}", build.root.display());
    if !opts.interface.is_loopback() {
        phone_help(&url, &others, local);
    }
    say!(
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
            say!("{what}: {r}");
            let warnings = site.warnings();
            if warnings > 0 && changed.is_empty() {
                tell!(
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
            tell!("{what}: the site could not be rebuilt\n{text}\n");
            tell!("Still serving the last version that built.");
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
        say!("{r}");
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
        tell!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    use tokio_stream::StreamExt;
    let rx = shared.reload.subscribe();
    let stream = tokio_stream::wrappers::BroadcastStream::new(rx)
        .map(|_| Ok::<Event, Infallible>(Event::default().event("reload").data("reload")));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

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

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::from(text))
        .unwrap_or_default()
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
}
