//! Machine-readable outputs written without templates: Atom feeds, the sitemap, robots.txt and
//! alias redirect pages. Their formats are fixed by standards, not by themes.

use std::fmt::Write;

use crate::config::Config;
use crate::content::{Section, Site};
use crate::highlight::escaped as escape;

/// An Atom 1.0 feed of a section's pages, newest first. `updated` is the newest page date, never
/// the build time, so unchanged content gives an unchanged feed.
pub fn atom(site: &Site, section: &Section) -> String {
    let cfg = &site.config;
    let mut pages: Vec<usize> = section.pages.clone();
    crate::content::sort_pages(
        &mut pages,
        &site.pages,
        crate::content::frontmatter::SortBy::Date,
    );
    let stamp = |i: usize| {
        let m = &site.pages[i].meta.common;
        m.updated.as_ref().or(m.date.as_ref()).map(|d| d.instant)
    };
    let updated = pages
        .iter()
        .filter_map(|&i| stamp(i))
        .max()
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let self_url = cfg.permalink(&format!("{}atom.xml", section.doc.url));
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        escape(&cfg.language)
    );
    let _ = writeln!(
        x,
        "  <title>{} – {}</title>",
        escape(&cfg.title),
        escape(&section.meta.common.title)
    );
    if let Some(d) = section
        .meta
        .common
        .description
        .as_ref()
        .or(cfg.description.as_ref())
    {
        let _ = writeln!(x, "  <subtitle>{}</subtitle>", escape(d));
    }
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&cfg.permalink(&section.doc.url))
    );
    let _ = writeln!(x, "  <id>{}</id>", escape(&self_url));
    let _ = writeln!(x, "  <updated>{}</updated>", updated);
    let _ = writeln!(x, "  <author><name>{}</name></author>", escape(&cfg.title));
    for &i in &pages {
        let p = &site.pages[i];
        let m = &p.meta.common;
        let link = cfg.permalink(&p.doc.url);
        x.push_str("  <entry>\n");
        let _ = writeln!(x, "    <title>{}</title>", escape(&m.title));
        let _ = writeln!(
            x,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
            escape(&link)
        );
        let _ = writeln!(x, "    <id>{}</id>", escape(&link));
        if let Some(d) = &m.date {
            let _ = writeln!(x, "    <published>{}</published>", d.instant);
        }
        let _ = writeln!(x, "    <updated>{}</updated>", stamp(i).unwrap_or(updated));
        if let Some(d) = &m.description {
            let _ = writeln!(x, "    <summary>{}</summary>", escape(d));
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

/// A sitemap of every page, section, translation and taxonomy page. A page published in more
/// than one language lists, under each of its addresses, every language's address and the
/// main one as `x-default` (`xhtml:link`, as search engines read them).
pub fn sitemap(site: &Site) -> String {
    use crate::content::Original;
    let cfg = &site.config;
    // Address, last change, and the page in each of its languages (tag, address).
    type Entry = (String, Option<String>, Vec<(String, String)>);
    let mut entries: Vec<Entry> = Vec::new();
    let lastmod = |m: &crate::content::frontmatter::CommonMeta| {
        m.updated
            .as_ref()
            .or(m.date.as_ref())
            .map(|d| d.text.clone())
    };
    let alternates = |of: Original| -> Vec<(String, String)> {
        let versions = site.versions(of);
        let mut out: Vec<(String, String)> = versions
            .iter()
            .map(|(lang, doc)| {
                let tag = lang.map_or(&cfg.language, |l| &cfg.languages[l].tag);
                (tag.clone(), cfg.permalink(&doc.url))
            })
            .collect();
        if let Some((_, main)) = out.first().cloned() {
            out.push(("x-default".to_string(), main));
        }
        out
    };
    for (i, p) in site.pages.iter().enumerate() {
        let alt = alternates(Original::Page(i));
        entries.push((cfg.permalink(&p.doc.url), lastmod(&p.meta.common), alt));
    }
    for (i, s) in site.sections.iter().enumerate() {
        let alt = alternates(Original::Section(i));
        entries.push((cfg.permalink(&s.doc.url), lastmod(&s.meta.common), alt));
    }
    for t in &site.translations {
        entries.push((
            cfg.permalink(&t.doc.url),
            lastmod(&t.meta),
            alternates(t.of),
        ));
    }
    for t in &site.taxonomies {
        entries.push((cfg.permalink(&t.url), None, Vec::new()));
        for term in &t.terms {
            entries.push((cfg.permalink(&term.url), None, Vec::new()));
        }
    }
    entries.sort();
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (loc, lm, alt) in entries {
        let _ = write!(x, "  <url><loc>{}</loc>", escape(&loc));
        if let Some(lm) = lm {
            let _ = write!(x, "<lastmod>{}</lastmod>", escape(&lm));
        }
        for (lang, href) in alt {
            let _ = write!(
                x,
                "\n    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape(&lang),
                escape(&href)
            );
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// robots.txt allowing everything and naming the sitemap.
pub fn robots(cfg: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        cfg.base_url
    )
}

/// What a browser may use on the site's pages: nothing beyond the page itself (no camera,
/// microphone, location, payment, sensors, full screen or autoplay).
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), xr-spatial-tracking=()";

/// `_headers`, the file Netlify and Cloudflare Pages read for response headers: the site's
/// Content-Security-Policy with `frame-ancestors 'none'` (which only a header can set: a page
/// cannot stop another site framing it from a `<meta>`), `nosniff`, no referrer, and no
/// permissions. Other hosts ignore the file; the README gives the same for Apache, nginx, IIS
/// and Azure Static Web Apps.
pub fn headers(cfg: &Config) -> String {
    let csp = cfg.content_security_policy.trim().trim_end_matches(';');
    format!(
        "# Security headers for every page and file, read by Netlify and Cloudflare Pages. Written by\n\
         # Haven from site.yaml (content_security_policy); turn it off with headers_file: false.\n\
         /*\n  Content-Security-Policy: {csp}; frame-ancestors 'none'\n  X-Frame-Options: DENY\n  \
         X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n  Permissions-Policy: {PERMISSIONS_POLICY}\n"
    )
}

/// A redirect page for an old address: an instant meta refresh, plus a visible link for
/// browsers and people that do not follow it. It carries the site's one Content-Security-Policy.
pub fn redirect_page(cfg: &Config, to: &str) -> String {
    let canonical = escape(&cfg.permalink(to));
    let to = escape(to);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>This page has moved – {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n</head>\n<body>\n<main>\n<h1>This page has moved</h1>\n<p><a href=\"{to}\">Go to the new page</a>.</p>\n</main>\n</body>\n</html>\n",
        lang = escape(&cfg.language),
        title = escape(&cfg.title),
        csp = escape(&cfg.content_security_policy),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_carry_the_sites_policy_and_forbid_framing() {
        let mut cfg: Config = serde_saphyr::from_str(
            "title: T\nbase_url: https://example.org/\nsafeguarding_site: false\n",
        )
        .unwrap();
        cfg.content_security_policy = "default-src 'none'; img-src 'self';".into();
        let h = headers(&cfg);
        let lines: Vec<&str> = h.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(lines[0], "/*");
        assert_eq!(
            lines[1],
            "  Content-Security-Policy: default-src 'none'; img-src 'self'; frame-ancestors 'none'"
        );
        assert!(lines.contains(&"  X-Content-Type-Options: nosniff"));
        assert!(lines.contains(&"  Referrer-Policy: no-referrer"));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("  Permissions-Policy: accelerometer=()"))
        );
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.starts_with("  ") && l.contains(": ")),
            "{h}"
        );
    }

    fn cfg() -> Config {
        Config::parse(
            "title: T & Co\nbase_url: https://e.org/\nsafeguarding_site: false\ncontent_security_policy: default-src 'none'; base-uri 'none'\n",
            std::path::Path::new("site.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn redirect_has_refresh_and_visible_link() {
        let html = redirect_page(&cfg(), "/news/");
        assert!(html.contains("content=\"0; url=/news/\""));
        // The site's one policy (and `serve` sends it as a header).
        assert!(html.contains("content=\"default-src &#39;none&#39;; base-uri &#39;none&#39;\""));
        assert!(html.contains("<a href=\"/news/\">"));
        // Like every other page: readable on a phone, and no address sent on to the next.
        assert!(
            html.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            )
        );
        assert!(html.contains("<meta name=\"referrer\" content=\"no-referrer\">"));
        assert!(html.contains("href=\"https://e.org/news/\""));
        assert!(html.contains("T &amp; Co"));
    }

    #[test]
    fn robots_names_sitemap() {
        assert!(robots(&cfg()).contains("Sitemap: https://e.org/sitemap.xml"));
    }
}
