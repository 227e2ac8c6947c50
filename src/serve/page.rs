//! What `serve` adds to a page as it sends it: the reload script, the error overlay when the
//! last build failed, and the page's own Content-Security-Policy as a header. Takes the page's
//! bytes; returns what to send. Nothing here is ever part of a build.

use axum::http::HeaderValue;

use super::PREFIX;
use crate::highlight::escaped as escape;

/// The reload script, served as `/__haven/live.js`.
pub(super) const LIVE_JS: &str = "// Added by `haven serve` only; never part of a build.
(function () {
  var source = new EventSource('/__haven/events');
  source.addEventListener('reload', function () { location.reload(); });
})();
";

/// The error overlay's style sheet, served as `/__haven/overlay.css`.
pub(super) const OVERLAY_CSS: &str = ".haven-overlay{position:fixed;inset:1rem;z-index:2147483647;overflow:auto;\
background:#fff;color:#0b0c0c;border:5px solid #d4351c;padding:1rem 1.5rem;\
font:1rem/1.5 system-ui,sans-serif;box-shadow:0 0 0 100vmax rgba(0,0,0,.5)}\
.haven-overlay h2{margin:0 0 .5rem;font-size:1.5rem}\
.haven-overlay pre{white-space:pre-wrap;background:#f3f2f1;padding:1rem;overflow:auto;\
font:0.95rem/1.4 ui-monospace,monospace}\
.haven-overlay pre:focus{outline:3px solid #fd0;box-shadow:0 0 0 6px #0b0c0c}\n";

/// The policy for the page `serve` makes itself when nothing has built yet: it loads only the
/// reload script and the overlay's style sheet, both from `serve`.
const OWN_PAGE_CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

/// The Content-Security-Policy header for an HTML page: the policy the page sets in its own
/// `<meta http-equiv="Content-Security-Policy">`, sent as a header too, as a web server
/// should (the header covers the page from its first byte). `serve`'s reload script and
/// overlay style sheet are same-origin files, so the usual `'self'` policies allow them.
pub(super) fn page_csp(html: &[u8]) -> Option<HeaderValue> {
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
            policies.push(crate::search::text::decode(policy.trim()));
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

/// Adds the reload script (and the error overlay, if the last build failed) to an HTML page.
pub(super) fn inject(html: &[u8], error: Option<&str>) -> Vec<u8> {
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
