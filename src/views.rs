//! What templates see: each page, section and taxonomy turned into a minijinja [`Value`] once per
//! build. Values are reference-counted, so a page listed in its section, in three taxonomy terms
//! and in `site.sections` is one shared value, not four copies of its HTML.

use std::collections::{BTreeMap, HashMap};

use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::content::{Site, slugify};
use crate::markdown::{Rendered, TocEntry};

/// A title and URL, for breadcrumbs and previous/next links.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// Link text.
    pub title: String,
    /// Site-relative URL.
    pub url: String,
}

#[derive(Serialize)]
struct TermRef<'a> {
    name: &'a str,
    slug: String,
    url: String,
}

#[derive(Serialize)]
struct PageView<'a> {
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    url: &'a str,
    permalink: String,
    path: &'a str,
    weight: Option<i64>,
    draft: bool,
    content: Value,
    toc: &'a [TocEntry],
    word_count: usize,
    reading_time: usize,
    taxonomies: BTreeMap<&'a str, Vec<TermRef<'a>>>,
    extra: &'a serde_json::Value,
    ancestors: Vec<Link>,
    section: &'a str,
    previous: Option<Link>,
    next: Option<Link>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    url: &'a str,
    permalink: String,
    path: &'a str,
    weight: Option<i64>,
    content: Value,
    toc: &'a [TocEntry],
    word_count: usize,
    pages: Vec<Value>,
    subsections: Vec<Value>,
    extra: &'a serde_json::Value,
    ancestors: Vec<Link>,
    feed_url: Option<String>,
    paginate_by: Option<u32>,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
    permalink: String,
    pages: Vec<Value>,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    url: &'a str,
    permalink: String,
    terms: Vec<Value>,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    extra: &'a serde_json::Value,
    home: Value,
    sections: Vec<Value>,
    taxonomies: BTreeMap<&'a str, Value>,
}

/// Every template-facing value of one build.
#[derive(Debug)]
pub struct Views {
    /// One per page, same order as [`Site::pages`].
    pub pages: Vec<Value>,
    /// One per section, same order as [`Site::sections`].
    pub sections: Vec<Value>,
    /// Per taxonomy name.
    pub taxonomies: BTreeMap<String, Value>,
    /// Per taxonomy name, then per term slug.
    pub terms: BTreeMap<String, Vec<Value>>,
    /// The `site` variable.
    pub site: Value,
    /// Data files by path below `data/`.
    pub data: BTreeMap<String, Value>,
    /// Content path to page index.
    pub page_by_path: HashMap<String, usize>,
    /// Content path to section index.
    pub section_by_path: HashMap<String, usize>,
    /// Content path to URL, for `url_for("@/…")`.
    pub urls: HashMap<String, String>,
    base_url: String,
    base_path: String,
}

impl Views {
    /// Builds every view from the site and the rendered Markdown of its pages and sections.
    pub fn build(site: &Site, page_html: &[Rendered], section_html: &[Rendered]) -> Views {
        let cfg = &site.config;
        let link = |title: &str, url: &str| Link {
            title: title.to_string(),
            url: url.to_string(),
        };
        let ancestors = |mut s: Option<usize>| {
            let mut out = Vec::new();
            while let Some(i) = s {
                out.push(link(
                    &site.sections[i].meta.common.title,
                    &site.sections[i].url,
                ));
                s = site.sections[i].parent;
            }
            out.reverse();
            out
        };

        let pages: Vec<Value> = site
            .pages
            .iter()
            .zip(page_html)
            .map(|(p, r)| {
                let m = &p.meta.common;
                let siblings = &site.sections[p.section].pages;
                let neighbour = |i: Option<usize>| {
                    i.and_then(|i| siblings.get(i))
                        .map(|&j| link(&site.pages[j].meta.common.title, &site.pages[j].url))
                };
                // Every configured taxonomy is present, empty when unused, so templates can
                // loop over `page.taxonomies.topics` without guarding it.
                let taxonomies = cfg
                    .taxonomies
                    .iter()
                    .map(|name| {
                        let refs = m
                            .taxonomies
                            .get(name)
                            .into_iter()
                            .flatten()
                            .map(|t| {
                                let slug = slugify(t);
                                TermRef {
                                    name: t,
                                    url: format!("{}{name}/{slug}/", cfg.base_path()),
                                    slug,
                                }
                            })
                            .collect();
                        (name.as_str(), refs)
                    })
                    .collect();
                Value::from(Serde(PageView {
                    kind: "page",
                    title: &m.title,
                    description: m.description.as_deref(),
                    date: m.date.as_ref().map(|d| d.text.as_str()),
                    updated: m.updated.as_ref().map(|d| d.text.as_str()),
                    url: &p.url,
                    permalink: cfg.permalink(&p.url),
                    path: &p.path,
                    weight: m.weight,
                    draft: m.draft,
                    content: Value::from_safe_string(r.html.clone()),
                    toc: &r.toc,
                    word_count: r.word_count,
                    reading_time: r.word_count.div_ceil(200).max(1),
                    taxonomies,
                    extra: &m.extra,
                    ancestors: ancestors(Some(p.section)),
                    section: &site.sections[p.section].path,
                    previous: neighbour(p.position.checked_sub(1)),
                    next: neighbour(Some(p.position + 1)),
                }))
            })
            .collect();

        // Children sort after their parents by path, so building from the end sees every
        // subsection's value before its parent needs it.
        let mut sections: Vec<Option<Value>> = vec![None; site.sections.len()];
        for i in (0..site.sections.len()).rev() {
            let s = &site.sections[i];
            let m = &s.meta.common;
            let r = &section_html[i];
            let view = SectionView {
                kind: "section",
                title: &m.title,
                description: m.description.as_deref(),
                date: m.date.as_ref().map(|d| d.text.as_str()),
                updated: m.updated.as_ref().map(|d| d.text.as_str()),
                url: &s.url,
                permalink: cfg.permalink(&s.url),
                path: &s.path,
                weight: m.weight,
                content: Value::from_safe_string(r.html.clone()),
                toc: &r.toc,
                word_count: r.word_count,
                pages: s.pages.iter().map(|&p| pages[p].clone()).collect(),
                subsections: s
                    .subsections
                    .iter()
                    .map(|&c| sections[c].clone().unwrap_or_default())
                    .collect(),
                extra: &m.extra,
                ancestors: ancestors(s.parent),
                feed_url: s.meta.feed.then(|| format!("{}atom.xml", s.url)),
                paginate_by: s.meta.paginate_by,
            };
            sections[i] = Some(Value::from(Serde(view)));
        }
        let sections: Vec<Value> = sections
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();

        let mut taxonomies = BTreeMap::new();
        let mut terms_by = BTreeMap::new();
        for t in &site.taxonomies {
            let terms: Vec<Value> = t
                .terms
                .iter()
                .map(|term| {
                    Value::from(Serde(TermView {
                        name: &term.name,
                        slug: &term.slug,
                        url: &term.url,
                        permalink: cfg.permalink(&term.url),
                        pages: term.pages.iter().map(|&p| pages[p].clone()).collect(),
                    }))
                })
                .collect();
            let tv = Value::from(Serde(TaxonomyView {
                name: &t.name,
                url: &t.url,
                permalink: cfg.permalink(&t.url),
                terms: terms.clone(),
            }));
            taxonomies.insert(t.name.clone(), tv);
            terms_by.insert(t.name.clone(), terms);
        }

        let site_value = Value::from(Serde(SiteView {
            title: &cfg.title,
            description: cfg.description.as_deref(),
            base_url: &cfg.base_url,
            base_path: cfg.base_path(),
            language: &cfg.language,
            extra: &cfg.extra,
            home: sections.first().cloned().unwrap_or_default(),
            sections: sections.clone(),
            taxonomies: taxonomies
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect(),
        }));

        Views {
            pages,
            sections,
            taxonomies,
            terms: terms_by,
            site: site_value,
            data: site
                .data
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(Serde(v))))
                .collect(),
            page_by_path: site.page_by_path.clone(),
            section_by_path: site.section_by_path.clone(),
            urls: url_map(site),
            base_url: cfg.base_url.clone(),
            base_path: cfg.base_path().to_string(),
        }
    }

    /// The URL of `@/content/path.md`, or of a static file path such as `/css/site.css`.
    pub fn url_for(&self, path: &str) -> Option<String> {
        if let Some(rest) = path.strip_prefix("@/") {
            let (p, anchor) = rest
                .split_once('#')
                .map_or((rest, None), |(p, a)| (p, Some(a)));
            let url = self.urls.get(p)?;
            return Some(match anchor {
                Some(a) => format!("{url}#{a}"),
                None => url.clone(),
            });
        }
        Some(format!(
            "{}{}",
            self.base_path,
            path.trim_start_matches('/')
        ))
    }

    /// The absolute address of a site-relative URL.
    pub fn permalink(&self, url: &str) -> String {
        if url.contains("://") {
            return url.to_string();
        }
        let origin = self.base_url.trim_end_matches(&self.base_path);
        if url.starts_with('/') {
            format!("{origin}{url}")
        } else {
            format!("{}{url}", self.base_url)
        }
    }
}

/// Content path to URL for every page and section.
pub fn url_map(site: &Site) -> HashMap<String, String> {
    site.pages
        .iter()
        .map(|p| (p.path.clone(), p.url.clone()))
        .chain(
            site.sections
                .iter()
                .map(|s| (s.path.clone(), s.url.clone())),
        )
        .collect()
}
