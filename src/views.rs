//! What templates see: each page, section and taxonomy turned into a minijinja [`Value`] once per
//! build. Values are reference-counted, so a page listed in its section, in three taxonomy terms
//! and in `site.sections` is one shared value, not four copies of its HTML.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::content::{Asset, AssetOwner, Site, slugify};
use crate::markdown::{Rendered, TocEntry};

/// A title and URL, for breadcrumbs and previous/next links.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// Link text.
    pub title: String,
    /// Site-relative URL.
    pub url: String,
}

/// A file beside a page or section, as templates see it.
#[derive(Serialize)]
struct AssetView<'a> {
    name: &'a str,
    url: String,
    size: u64,
    kind: String,
    /// "PDF, 1.2 MB".
    label: String,
}

/// One day of a course.
#[derive(Serialize)]
struct SessionView {
    date: String,
    time: String,
    start: String,
    end: String,
}

/// A training session's details, with everything a template needs already worded.
#[derive(Serialize)]
struct EventView {
    start: String,
    end: String,
    /// "Thursday 3 December 2026", or "… to …" for a course over several days.
    dates: String,
    /// "9:30am to 4pm" (of the first day for a longer course).
    time: String,
    /// "December 2026", for grouping listings.
    month: String,
    sessions: Vec<SessionView>,
    venue: Option<String>,
    online: bool,
    mode: &'static str,
    level: Option<u8>,
    level_url: Option<String>,
    capacity: Option<u32>,
    places_left: Option<u32>,
    cost: f64,
    cost_label: String,
    booking_url: Option<String>,
    status: &'static str,
    /// "4 places left", "Full: no places left", "Cancelled"…
    availability: String,
    /// Why booking is not possible, when it is not.
    booking_closed: Option<String>,
    upcoming: bool,
    ics_url: String,
    json_ld: Value,
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
    sensitive: bool,
    owner: Option<&'a str>,
    last_reviewed: Option<&'a str>,
    review_due: Option<&'a str>,
    assets: Vec<AssetView<'a>>,
    event: Option<EventView>,
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
    pages: Value,
    subsections: Value,
    extra: &'a serde_json::Value,
    sensitive: bool,
    owner: Option<&'a str>,
    last_reviewed: Option<&'a str>,
    review_due: Option<&'a str>,
    assets: Vec<AssetView<'a>>,
    ancestors: Vec<Link>,
    feed_url: Option<String>,
    paginate_by: Option<u32>,
    /// Training sessions in this section still to come, soonest first.
    upcoming: Value,
    /// Static filter pages of the section's training sessions.
    listings: Vec<ListingLink>,
}

/// A link to a training filter page.
#[derive(Clone, Serialize)]
struct ListingLink {
    url: String,
    title: String,
    kind: &'static str,
    value: String,
    count: usize,
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    url: &'a str,
    permalink: String,
    pages: Value,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    url: &'a str,
    permalink: String,
    terms: Value,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    extra: &'a serde_json::Value,
    /// The build date in London (`--now` or the clock), for alerts and "upcoming".
    today: String,
    /// Alerts from `data/alerts.yaml` that are current on `today`.
    alerts: Vec<&'a crate::alerts::Alert>,
    home: Value,
    sections: Value,
    taxonomies: BTreeMap<&'a str, Value>,
    /// The search page's address, when search is on (for a link in the header).
    search_url: Option<String>,
    /// The A to Z page's address, when search is on.
    a_z_url: Option<String>,
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
    /// Per page, the slugs of its `topics` terms (for `upcoming_events(topics=…)`).
    pub topic_slugs: Vec<Vec<String>>,
    /// Pages of upcoming training sessions, soonest first (for `upcoming_events()`).
    pub upcoming_events: Vec<usize>,
    /// Training filter pages to render, each with its list of page values.
    pub listings: Vec<(crate::training::Listing, Value)>,
    /// The A to Z of topics and guidance, by letter (for `search.html` and `a_z.html`).
    pub a_z: Value,
    base_url: String,
    base_path: String,
}

impl Views {
    /// Builds every view from the site and the rendered Markdown of its pages and sections.
    /// With `reuse`, a page not in its set of changed pages keeps its view from the previous
    /// build (same pages, same order), which is most of the work on a large site.
    pub fn build(
        site: &Site,
        page_html: &[Rendered],
        section_html: &[Rendered],
        now: jiff::Timestamp,
        alerts: &[crate::alerts::Alert],
        glossary: &crate::glossary::Glossary,
        reuse: Option<(&Views, &HashSet<usize>)>,
    ) -> Views {
        let today = crate::clock::site_date(now);
        let cfg = &site.config;
        let link = |title: &str, url: &str| Link {
            title: title.to_string(),
            url: url.to_string(),
        };
        let ancestors = |s: Option<usize>| {
            let mut out: Vec<Link> = s
                .into_iter()
                .flat_map(|s| site.section_chain(s))
                .map(|i| link(&site.sections[i].meta.common.title, &site.sections[i].url))
                .collect();
            out.reverse();
            out
        };

        // `sensitive` inherits down the tree; parents come before their children in
        // `site.sections`, so one forward pass settles every section.
        let mut section_sensitive = vec![false; site.sections.len()];
        for (i, s) in site.sections.iter().enumerate() {
            let inherited = s.parent.is_some_and(|p| section_sensitive[p]);
            section_sensitive[i] = s.meta.common.sensitive.unwrap_or(inherited);
        }

        let mut owned: HashMap<AssetOwner, Vec<&Asset>> = HashMap::new();
        for a in &site.assets {
            owned.entry(a.owner).or_default().push(a);
        }
        let assets_of = |owner: AssetOwner| -> Vec<AssetView<'_>> {
            owned
                .get(&owner)
                .into_iter()
                .flatten()
                .map(|a| {
                    let name = a.dest.rsplit('/').next().unwrap_or(&a.dest);
                    AssetView {
                        name,
                        url: format!("{}{}", cfg.base_path(), a.dest),
                        size: a.size,
                        kind: crate::files::kind_label(name),
                        label: crate::files::label(name, a.size),
                    }
                })
                .collect()
        };

        // The largest part of this stage on a big site, and each page's view is its own.
        let pages: Vec<Value> = site
            .pages
            .par_iter()
            .enumerate()
            .zip(page_html)
            .map(|((index, p), r)| {
                if let Some((prev, changed)) = reuse
                    && !changed.contains(&index)
                    && let Some(v) = prev.pages.get(index)
                {
                    return v.clone();
                }
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
                    content: r.content.clone(),
                    toc: &r.toc,
                    word_count: r.word_count,
                    reading_time: r.word_count.div_ceil(200).max(1),
                    taxonomies,
                    extra: &m.extra,
                    sensitive: m.sensitive.unwrap_or(section_sensitive[p.section]),
                    owner: m.owner.as_deref(),
                    last_reviewed: m.last_reviewed.as_ref().map(|d| d.text.as_str()),
                    review_due: m.review_due.as_ref().map(|d| d.text.as_str()),
                    assets: assets_of(AssetOwner::Page(index)),
                    event: m.event.as_ref().map(|e| event_view(site, p, e, now)),
                    ancestors: ancestors(Some(p.section)),
                    section: &site.sections[p.section].path,
                    previous: neighbour(p.position.checked_sub(1)),
                    next: neighbour(Some(p.position + 1)),
                }))
            })
            .collect();

        // With `reuse`, only the views that hold a changed page are built again: the sections
        // above it and the terms it has.
        let touched_sections: HashSet<usize> = reuse
            .into_iter()
            .flat_map(|(_, changed)| changed)
            .filter_map(|&p| site.pages.get(p))
            .flat_map(|p| site.section_chain(p.section))
            .collect();
        let events = crate::training::event_pages(site);
        let listings = crate::training::listings(site, now);
        // Children sort after their parents by path, so building from the end sees every
        // subsection's value before its parent needs it.
        let mut sections: Vec<Option<Value>> = vec![None; site.sections.len()];
        for i in (0..site.sections.len()).rev() {
            if let Some((prev, _)) = reuse
                && !touched_sections.contains(&i)
                && let Some(v) = prev.sections.get(i)
            {
                sections[i] = Some(v.clone());
                continue;
            }
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
                content: r.content.clone(),
                toc: &r.toc,
                word_count: r.word_count,
                pages: s.pages.iter().map(|&p| pages[p].clone()).collect(),
                subsections: s
                    .subsections
                    .iter()
                    .map(|&c| sections[c].clone().unwrap_or_default())
                    .collect(),
                extra: &m.extra,
                sensitive: section_sensitive[i],
                owner: m.owner.as_deref(),
                last_reviewed: m.last_reviewed.as_ref().map(|d| d.text.as_str()),
                review_due: m.review_due.as_ref().map(|d| d.text.as_str()),
                assets: assets_of(AssetOwner::Section(i)),
                ancestors: ancestors(s.parent),
                feed_url: s.meta.feed.then(|| format!("{}atom.xml", s.url)),
                paginate_by: s.meta.paginate_by,
                upcoming: events
                    .get(&i)
                    .into_iter()
                    .flatten()
                    .filter(|&&p| {
                        crate::training::event_of(&site.pages[p])
                            .is_some_and(|e| crate::training::is_upcoming(e, now))
                    })
                    .map(|&p| pages[p].clone())
                    .collect(),
                listings: listings
                    .iter()
                    .filter(|l| l.section == i)
                    .map(|l| ListingLink {
                        url: l.url.clone(),
                        title: l.title.clone(),
                        kind: l.kind,
                        value: l.value.clone(),
                        count: l.pages.len(),
                    })
                    .collect(),
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
            let previous = reuse.and_then(|(prev, changed)| {
                prev.terms
                    .get(&t.name)
                    .filter(|v| v.len() == t.terms.len())
                    .map(|v| (v, changed))
            });
            let terms: Vec<Value> = t
                .terms
                .iter()
                .enumerate()
                .map(|(k, term)| {
                    if let Some((prev, changed)) = previous
                        && !term.pages.iter().any(|p| changed.contains(p))
                    {
                        return prev[k].clone();
                    }
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
                terms: Value::from(terms.clone()),
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
            today: today.to_string(),
            alerts: alerts.iter().filter(|a| a.is_current(today)).collect(),
            home: sections.first().cloned().unwrap_or_default(),
            sections: Value::from(sections.clone()),
            taxonomies: taxonomies
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect(),
            search_url: cfg
                .search
                .enabled
                .then(|| format!("{}{}", cfg.base_path(), crate::search::PAGE)),
            a_z_url: cfg
                .search
                .enabled
                .then(|| format!("{}{}", cfg.base_path(), crate::search::A_Z_PAGE)),
        }));

        let mut upcoming_events: Vec<usize> = events
            .values()
            .flatten()
            .copied()
            .filter(|&p| {
                crate::training::event_of(&site.pages[p])
                    .is_some_and(|e| crate::training::is_upcoming(e, now))
            })
            .collect();
        upcoming_events.sort_by_key(|&p| {
            (
                crate::training::event_of(&site.pages[p]).map(|e| e.start),
                p,
            )
        });
        let listings = listings
            .into_iter()
            .map(|l| {
                let items: Vec<Value> = l.pages.iter().map(|&p| pages[p].clone()).collect();
                (l, Value::from(items))
            })
            .collect();
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
            page_by_path: reuse.map_or_else(
                || site.page_by_path.clone(),
                |(prev, _)| prev.page_by_path.clone(),
            ),
            section_by_path: site.section_by_path.clone(),
            urls: reuse.map_or_else(|| url_map(site), |(prev, _)| prev.urls.clone()),
            topic_slugs: match reuse {
                Some((prev, _)) => prev.topic_slugs.clone(),
                None => site
                    .pages
                    .iter()
                    .map(|p| {
                        p.meta
                            .common
                            .taxonomies
                            .get("topics")
                            .into_iter()
                            .flatten()
                            .map(|t| slugify(t))
                            .collect()
                    })
                    .collect(),
            },
            upcoming_events,
            listings,
            // Only page bodies change when views are reused, and the A to Z shows none.
            a_z: match reuse {
                Some((prev, _)) => prev.a_z.clone(),
                None => Value::from(Serde(crate::search::a_z::build(site, glossary))),
            },
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

fn event_view(
    site: &Site,
    p: &crate::content::Page,
    e: &crate::content::event::Event,
    now: jiff::Timestamp,
) -> EventView {
    use crate::training as t;
    let (availability, booking_closed) = t::availability(e, now);
    let base = site.config.base_path();
    let section_url = &site.sections[p.section].url;
    EventView {
        start: t::local_rfc3339(e.start),
        end: t::local_rfc3339(e.end),
        dates: t::dates_label(e),
        time: t::time_range(e.sessions[0].0, e.sessions[0].1),
        month: jiff::Zoned::new(e.start, crate::clock::site_zone())
            .strftime("%B %Y")
            .to_string(),
        sessions: e
            .sessions
            .iter()
            .map(|&(a, b)| SessionView {
                date: t::date_label(a),
                time: t::time_range(a, b),
                start: t::local_rfc3339(a),
                end: t::local_rfc3339(b),
            })
            .collect(),
        venue: e.venue.clone(),
        online: e.online,
        mode: e.mode.as_str(),
        level: e.level,
        level_url: e.level.map(|l| format!("{section_url}level/{l}/")),
        capacity: e.capacity,
        places_left: e.places_left,
        cost: e.cost,
        cost_label: t::cost_label(e.cost),
        booking_url: e.booking_url.clone(),
        status: e.status.as_str(),
        availability,
        booking_closed,
        upcoming: t::is_upcoming(e, now),
        ics_url: format!("{base}{}", t::ics_path(p, base)),
        json_ld: Value::from_safe_string(t::json_ld(site, p, e)),
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
