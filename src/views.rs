//! What templates see: each page, section and taxonomy turned into a minijinja [`Value`] once per
//! build. Values are reference-counted, so a page listed in its section, in three taxonomy terms
//! and in `site.sections` is one shared value, not four copies of its HTML.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use minijinja::value::{Serde, Value};
use serde::Serialize;

use crate::config::Config;
use crate::config::languages::same_tag;
use crate::content::frontmatter::CommonMeta;
use crate::content::{Asset, AssetOwner, Document, Original, Site, Taxonomy, slugify};
use crate::markdown::{Rendered, TocEntry};

/// A title and URL, for breadcrumbs and previous/next links.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// Link text.
    pub title: String,
    /// Site-relative URL.
    pub url: String,
    /// The language of the title, when it is not the language of the page showing the link
    /// (a section not yet translated, in a translated page's breadcrumbs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
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

/// What page and section views share: the document's address, its front matter and its
/// rendered body. Written into each view's own fields (not as a nested map, and not through
/// `#[serde(flatten)]`, which goes through a map and made modelling views a quarter slower).
struct DocView<'a> {
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
    extra: &'a serde_json::Value,
    sensitive: bool,
    owner: Option<&'a str>,
    last_reviewed: Option<&'a str>,
    review_due: Option<&'a str>,
    assets: Vec<AssetView<'a>>,
    ancestors: Vec<Link>,
    /// Its language (BCP 47) and direction of writing.
    lang: &'a str,
    dir: &'static str,
    /// It and its translations, main language first, when it has any; empty otherwise.
    translations: Vec<Alternate<'a>>,
}

/// One language a page or section is published in, for the language switcher and
/// `hreflang` links.
#[derive(Clone, Serialize)]
struct Alternate<'a> {
    /// BCP 47 tag.
    lang: &'a str,
    /// The language's name in that language.
    name: &'a str,
    dir: &'static str,
    url: &'a str,
    permalink: String,
    /// Whether this is the page being viewed.
    current: bool,
}

impl DocView<'_> {
    /// How many fields [`DocView::write`] writes.
    const FIELDS: usize = 21;

    /// Writes the shared fields into a view being serialised.
    fn write<S: serde::ser::SerializeStruct>(&self, st: &mut S) -> Result<(), S::Error> {
        // Every field named, so that a new one cannot be left out without a compile error.
        let DocView {
            title,
            description,
            date,
            updated,
            url,
            permalink,
            path,
            weight,
            content,
            toc,
            word_count,
            extra,
            sensitive,
            owner,
            last_reviewed,
            review_due,
            assets,
            ancestors,
            lang,
            dir,
            translations,
        } = self;
        st.serialize_field("title", title)?;
        st.serialize_field("description", description)?;
        st.serialize_field("date", date)?;
        st.serialize_field("updated", updated)?;
        st.serialize_field("url", url)?;
        st.serialize_field("permalink", permalink)?;
        st.serialize_field("path", path)?;
        st.serialize_field("weight", weight)?;
        st.serialize_field("content", content)?;
        st.serialize_field("toc", toc)?;
        st.serialize_field("word_count", word_count)?;
        st.serialize_field("extra", extra)?;
        st.serialize_field("sensitive", sensitive)?;
        st.serialize_field("owner", owner)?;
        st.serialize_field("last_reviewed", last_reviewed)?;
        st.serialize_field("review_due", review_due)?;
        st.serialize_field("assets", assets)?;
        st.serialize_field("ancestors", ancestors)?;
        st.serialize_field("lang", lang)?;
        st.serialize_field("dir", dir)?;
        st.serialize_field("translations", translations)
    }
}

/// Serialises a view: `kind`, then the shared fields, then the view's own.
macro_rules! view_serialize {
    ($view:ident, $name:literal, [$($field:ident),* $(,)?]) => {
        impl Serialize for $view<'_> {
            fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                // Every field named, so that one added to the view but not here cannot
                // compile (and so cannot go missing from templates without a word).
                let $view { kind, doc, $($field),* } = self;
                let own = [$(stringify!($field)),*].len();
                let mut st = ser.serialize_struct($name, 1 + DocView::FIELDS + own)?;
                st.serialize_field("kind", kind)?;
                doc.write(&mut st)?;
                $(st.serialize_field(stringify!($field), $field)?;)*
                st.end()
            }
        }
    };
}

view_serialize!(
    PageView,
    "PageView",
    [
        draft,
        reading_time,
        taxonomies,
        event,
        section,
        previous,
        next
    ]
);
view_serialize!(
    SectionView,
    "SectionView",
    [
        pages,
        subsections,
        feed_url,
        paginate_by,
        upcoming,
        listings
    ]
);

struct PageView<'a> {
    kind: &'static str,
    doc: DocView<'a>,
    draft: bool,
    reading_time: usize,
    taxonomies: BTreeMap<&'a str, Vec<TermRef<'a>>>,
    event: Option<EventView>,
    section: &'a str,
    previous: Option<Link>,
    next: Option<Link>,
}

struct SectionView<'a> {
    kind: &'static str,
    doc: DocView<'a>,
    pages: Value,
    subsections: Value,
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
    /// The declared title (`terms:` in `site.yaml`), or the name with a capital first letter.
    title: String,
    /// The declared description, if any.
    description: Option<&'a str>,
    /// Whether the term makes the pages carrying it sensitive.
    sensitive: bool,
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
    /// The site's main language, which its settings, data files and untranslated pages are
    /// written in: templates mark them with it on a page in another language.
    main_language: &'a str,
    /// The main language's direction of writing, for the words in it on a page in another.
    main_direction: &'static str,
    /// `rtl` for a language written right to left (Urdu, Arabic…), else `ltr`.
    direction: &'static str,
    /// Who to call about a worried child (`report:` in `site.yaml`), in the page's language.
    report: Option<Cow<'a, crate::config::portal::Report>>,
    /// The "Exit this page" settings, its help page in the page's language.
    quick_exit: Option<Cow<'a, crate::config::portal::QuickExit>>,
    /// The partnership's contact details.
    contact: Option<&'a crate::config::portal::Contact>,
    /// The policy for every page's `<meta http-equiv="Content-Security-Policy">`.
    content_security_policy: &'a str,
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

/// The rendered Markdown of every page, section and translation, in the site's orders.
#[derive(Clone, Copy)]
pub struct Bodies<'a> {
    /// One per page.
    pub pages: &'a [Rendered],
    /// One per section.
    pub sections: &'a [Rendered],
    /// One per translation.
    pub translations: &'a [Rendered],
}

/// Every template-facing value of one build.
#[derive(Debug)]
pub struct Views {
    /// One per page, same order as [`Site::pages`].
    pub pages: Vec<Value>,
    /// One per section, same order as [`Site::sections`].
    pub sections: Vec<Value>,
    /// One per translation, same order as [`Site::translations`].
    pub translations: Vec<Value>,
    /// The `site` variable for the pages in each of `config.languages` (in that order).
    pub sites: Vec<Value>,
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
    /// The sizes of the site's images, for templates' `image()` (see [`Views::with_images`]).
    pub images: crate::images::ImageSizes,
    /// Per other language with translations, by lower-case tag: the addresses of the
    /// translations by their originals' content paths, and the language's folder.
    pub in_language: HashMap<String, (HashMap<String, String>, String)>,
    base_url: String,
    base_path: String,
}

impl Views {
    /// These views, with the sizes of the site's images that templates' `image()` reads.
    pub fn with_images(mut self, images: &crate::images::ImageSizes) -> Views {
        self.images = images.clone();
        self
    }

    /// Builds every view from the site and the rendered Markdown of its pages and sections.
    /// With `reuse`, a page not in its set of changed pages keeps its view from the previous
    /// build (same pages, same order), which is most of the work on a large site.
    pub fn build(
        site: &Site,
        html: Bodies<'_>,
        now: jiff::Timestamp,
        alerts: &[crate::alerts::Alert],
        glossary: &crate::glossary::Glossary,
        reuse: Option<(&Views, &HashSet<usize>)>,
        words: &crate::training::Words<'_>,
    ) -> Views {
        let reuse = reuse.map(|(prev, changed)| Reuse { prev, changed });
        let cfg = &site.config;
        let shared = Shared::new(site, now, words);
        let pages = shared.page_views(html.pages, reuse);
        let events = crate::training::event_pages(site);
        let listings = crate::training::listings(site, now, words);
        let sections = shared.section_views(html.sections, &pages, &events, &listings, reuse);
        let (taxonomies, terms) = taxonomy_views(site, &pages, reuse);
        let translations = shared.translation_views(html.translations, &pages, &sections);
        let main = Tongue {
            index: None,
            tag: &cfg.language,
            dir: crate::strings::direction(&cfg.language),
            home: None,
        };
        let site_value = site_view(site, now, alerts, &sections, &taxonomies, &main);
        let sites = cfg
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if same_tag(&l.tag, &cfg.language) {
                    return site_value.clone();
                }
                // Section 0 is always the home page.
                let home = site
                    .translation_of(Original::Section(0), i)
                    .map(|k| translations[k].clone());
                let tongue = Tongue {
                    index: Some(i),
                    tag: &l.tag,
                    dir: crate::strings::direction_of(l),
                    home,
                };
                site_view(site, now, alerts, &sections, &taxonomies, &tongue)
            })
            .collect();
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
            translations,
            sites,
            taxonomies,
            terms,
            site: site_value,
            data: site
                .data
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(Serde(v))))
                .collect(),
            // Only page bodies change when views are reused: paths, URLs and topics are as
            // before, and the A to Z shows no body.
            page_by_path: reuse.map_or_else(
                || site.page_by_path.clone(),
                |r| r.prev.page_by_path.clone(),
            ),
            section_by_path: site.section_by_path.clone(),
            urls: reuse.map_or_else(|| url_map(site), |r| r.prev.urls.clone()),
            topic_slugs: reuse.map_or_else(|| topic_slugs(site), |r| r.prev.topic_slugs.clone()),
            upcoming_events: upcoming_events(site, &events, now),
            listings,
            a_z: reuse.map_or_else(
                || Value::from(Serde(crate::search::a_z::build(site, glossary))),
                |r| r.prev.a_z.clone(),
            ),
            images: crate::images::ImageSizes::default(),
            in_language: in_language(site),
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

    /// [`Views::url_for`] for a page in the language `lang`: a page or section translated into
    /// it is its translation's address, and the search page is the language's own.
    pub fn url_for_in(&self, path: &str, lang: &str) -> Option<String> {
        let Some((translated, folder)) = self.in_language.get(&lang.to_ascii_lowercase()) else {
            return self.url_for(path);
        };
        if let Some(rest) = path.strip_prefix("@/") {
            let (p, anchor) = rest
                .split_once('#')
                .map_or((rest, None), |(p, a)| (p, Some(a)));
            if let Some(url) = translated.get(p) {
                return Some(match anchor {
                    Some(a) => format!("{url}#{a}"),
                    None => url.clone(),
                });
            }
        } else if path.trim_start_matches('/') == crate::search::PAGE {
            return Some(format!("{}{folder}{}", self.base_path, crate::search::PAGE));
        }
        self.url_for(path)
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

/// The previous build's views and the pages changed since it, for a rebuild that keeps every
/// view no changed page appears in.
#[derive(Clone, Copy)]
struct Reuse<'a> {
    prev: &'a Views,
    changed: &'a HashSet<usize>,
}

impl<'a> Reuse<'a> {
    /// Takes a page index; returns the previous view of that page if the page is unchanged.
    fn page(self, index: usize) -> Option<&'a Value> {
        if self.changed.contains(&index) {
            return None;
        }
        self.prev.pages.get(index)
    }

    /// Takes the site; returns the sections whose views hold a changed page: every section
    /// above one, since a section's view nests its subsections'.
    fn touched_sections(self, site: &Site) -> HashSet<usize> {
        self.changed
            .iter()
            .filter_map(|&p| site.pages.get(p))
            .flat_map(|p| site.section_chain(p.section))
            .collect()
    }

    /// Takes a section index and the result of [`Reuse::touched_sections`]; returns the
    /// previous view of that section if no changed page is below it.
    fn section(self, index: usize, touched: &HashSet<usize>) -> Option<&'a Value> {
        if touched.contains(&index) {
            return None;
        }
        self.prev.sections.get(index)
    }

    /// Takes a taxonomy; returns its previous term views, if it had the same number of terms
    /// (so term indices still match).
    fn terms(self, taxonomy: &Taxonomy) -> Option<&'a [Value]> {
        self.prev
            .terms
            .get(&taxonomy.name)
            .filter(|v| v.len() == taxonomy.terms.len())
            .map(Vec::as_slice)
    }

    /// Takes a term's pages; returns whether any of them changed.
    fn any_changed(self, pages: &[usize]) -> bool {
        pages.iter().any(|p| self.changed.contains(p))
    }
}

/// What page and section views draw on besides their own content, worked out once per build
/// rather than once per view.
/// Whether `html` shows the image at `url` (an `<img src>`, its spaces written as `%20` or not),
/// so that it is not listed again among the page's downloads.
fn shown_inline(html: &str, url: &str) -> bool {
    crate::images::is_image(url)
        && (html.contains(&format!("src=\"{url}\""))
            || html.contains(&format!("src=\"{}\"", url.replace(' ', "%20"))))
}

struct Shared<'a> {
    site: &'a Site,
    now: jiff::Timestamp,
    /// The words for sessions' dates, times and places.
    words: &'a crate::training::Words<'a>,
    /// Per section, whether it is sensitive, after inheritance.
    section_sensitive: Vec<bool>,
    /// The files beside each page and section.
    assets: HashMap<AssetOwner, Vec<&'a Asset>>,
}

impl<'a> Shared<'a> {
    /// Takes the site and the build time; returns the shared parts, ready for views.
    fn new(site: &'a Site, now: jiff::Timestamp, words: &'a crate::training::Words<'a>) -> Self {
        // `sensitive` inherits down the tree; parents come before their children in
        // `site.sections`, so one forward pass settles every section.
        let mut section_sensitive = vec![false; site.sections.len()];
        for (i, s) in site.sections.iter().enumerate() {
            let inherited = s.parent.is_some_and(|p| section_sensitive[p]);
            section_sensitive[i] = carries_sensitive_term(&site.config, &s.meta.common)
                || s.meta.common.sensitive.unwrap_or(inherited);
        }
        let mut assets: HashMap<AssetOwner, Vec<&Asset>> = HashMap::new();
        for a in &site.assets {
            assets.entry(a.owner).or_default().push(a);
        }
        Shared {
            site,
            now,
            words,
            section_sensitive,
            assets,
        }
    }

    /// Takes a page or section and its HTML; returns its files as templates see them, less the
    /// images the page already shows (a photo in the text is not also a download).
    fn assets_of(&self, owner: AssetOwner, html: &str) -> Vec<AssetView<'a>> {
        let base_path = self.site.config.base_path();
        self.assets
            .get(&owner)
            .into_iter()
            .flatten()
            .filter(|a| !shown_inline(html, &format!("{base_path}{}", a.dest)))
            .map(|a| {
                let name = a.dest.rsplit('/').next().unwrap_or(&a.dest);
                AssetView {
                    name,
                    url: format!("{base_path}{}", a.dest),
                    size: a.size,
                    kind: crate::files::kind_label(name),
                    label: crate::files::label(name, a.size),
                }
            })
            .collect()
    }

    /// Takes a section (or none) and a language (`None` for the main one); returns links to
    /// it and every section above it, home first, each in that language where it is
    /// translated.
    fn ancestors(&self, section: Option<usize>, lang: Option<usize>) -> Vec<Link> {
        let site = self.site;
        let mut out: Vec<Link> = section
            .into_iter()
            .flat_map(|s| site.section_chain(s))
            .map(|i| {
                let s = &site.sections[i];
                let translated = lang
                    .and_then(|l| site.translation_of(Original::Section(i), l))
                    .map(|k| &site.translations[k]);
                match translated {
                    Some(t) => link(&t.meta.title, &t.doc.url),
                    None if lang.is_some() => Link {
                        lang: Some(site.config.language.clone()),
                        ..link(&s.meta.common.title, &s.doc.url)
                    },
                    None => link(&s.meta.common.title, &s.doc.url),
                }
            })
            .collect();
        out.reverse();
        out
    }

    /// Takes the rendered Markdown of every page; returns every page's view, in page order,
    /// reusing the previous view of each unchanged page when `reuse` is given.
    fn page_views(&self, page_html: &[Rendered], reuse: Option<Reuse<'_>>) -> Vec<Value> {
        // The largest part of this stage on a big site, and each page's view is its own.
        self.site
            .pages
            .par_iter()
            .enumerate()
            .zip(page_html)
            .map(
                |((index, _), html)| match reuse.and_then(|r| r.page(index)) {
                    Some(v) => v.clone(),
                    None => self.page_view(index, html),
                },
            )
            .collect()
    }

    /// Takes a page's or section's document, front matter, rendered Markdown, whether it is
    /// sensitive, the original it is (or translates: its files and the sections above it are
    /// the original's) and its language (`None` for the site's main language); returns the
    /// part of its view that pages and sections share.
    fn doc_view(
        &self,
        doc: &'a Document,
        m: &'a CommonMeta,
        r: &'a Rendered,
        sensitive: bool,
        of: Original,
        lang: Option<usize>,
    ) -> DocView<'a> {
        let (tag, dir) = self.language(lang);
        let (owner, parent) = match of {
            Original::Page(i) => (AssetOwner::Page(i), Some(self.site.pages[i].section)),
            Original::Section(i) => (AssetOwner::Section(i), self.site.sections[i].parent),
        };
        DocView {
            title: &m.title,
            description: m.description.as_deref(),
            date: m.date.as_ref().map(|d| d.text.as_str()),
            updated: m.updated.as_ref().map(|d| d.text.as_str()),
            url: &doc.url,
            permalink: self.site.config.permalink(&doc.url),
            path: &doc.path,
            weight: m.weight,
            content: r.content.clone(),
            toc: &r.toc,
            word_count: r.word_count,
            extra: &m.extra,
            sensitive,
            owner: m.owner.as_deref(),
            last_reviewed: m.last_reviewed.as_ref().map(|d| d.text.as_str()),
            review_due: m.review_due.as_ref().map(|d| d.text.as_str()),
            assets: self.assets_of(owner, r.html()),
            ancestors: self.ancestors(parent, lang),
            lang: tag,
            dir,
            translations: self.alternates(of, lang),
        }
    }

    /// Takes one of the site's languages (`None` for the main one); returns its tag and
    /// direction of writing.
    fn language(&self, lang: Option<usize>) -> (&'a str, &'static str) {
        let cfg = &self.site.config;
        match lang.and_then(|i| cfg.languages.get(i)) {
            Some(l) => (&l.tag, crate::strings::direction_of(l)),
            None => (&cfg.language, crate::strings::direction(&cfg.language)),
        }
    }

    /// Takes a page or section and the language being viewed; returns the page or section in
    /// each language it is published in, the main language first, or nothing when it has no
    /// translations.
    fn alternates(&self, of: Original, current: Option<usize>) -> Vec<Alternate<'a>> {
        let cfg = &self.site.config;
        let name = |tag: &str| {
            cfg.languages
                .iter()
                .find(|l| same_tag(&l.tag, tag))
                .map_or("", |l| l.name.as_str())
        };
        self.site
            .versions(of)
            .into_iter()
            .map(|(lang, doc)| {
                let (tag, dir) = self.language(lang);
                Alternate {
                    lang: tag,
                    name: name(tag),
                    dir,
                    url: &doc.url,
                    permalink: cfg.permalink(&doc.url),
                    current: current == lang,
                }
            })
            .collect()
    }

    /// Takes a page index and the page's rendered Markdown; returns the page's view.
    fn page_view(&self, index: usize, r: &Rendered) -> Value {
        let site = self.site;
        let cfg = &site.config;
        let p = &site.pages[index];
        let m = &p.meta.common;
        let siblings = &site.sections[p.section].pages;
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| siblings.get(i))
                .map(|&j| link(&site.pages[j].meta.common.title, &site.pages[j].doc.url))
        };
        let sensitive = self.page_sensitive(index);
        Value::from(Serde(PageView {
            kind: "page",
            doc: self.doc_view(&p.doc, m, r, sensitive, Original::Page(index), None),
            draft: m.draft,
            reading_time: r.word_count.div_ceil(200).max(1),
            taxonomies: term_refs(cfg, m),
            event: m
                .event
                .as_ref()
                .map(|e| event_view(site, p, e, self.now, self.words)),
            section: &site.sections[p.section].doc.path,
            previous: neighbour(p.position.checked_sub(1)),
            next: neighbour(Some(p.position + 1)),
        }))
    }

    /// Whether the page at `index` is sensitive: a sensitive term outranks `sensitive: false`,
    /// so that the quick exit cannot be switched off for a page about young people's safety by
    /// a setting inherited from elsewhere.
    fn page_sensitive(&self, index: usize) -> bool {
        let p = &self.site.pages[index];
        let m = &p.meta.common;
        carries_sensitive_term(&self.site.config, m)
            || m.sensitive.unwrap_or(self.section_sensitive[p.section])
    }

    /// Takes the rendered Markdown of every translation and the views of every page and
    /// section; returns every translation's view, in translation order. A translated section
    /// lists its pages and subsections in its language where they are translated, and in the
    /// main language where not; a translation is sensitive when its original is.
    fn translation_views(
        &self,
        html: &[Rendered],
        pages: &[Value],
        sections: &[Value],
    ) -> Vec<Value> {
        let site = self.site;
        let cfg = &site.config;
        let mut out: Vec<Option<Value>> = vec![None; site.translations.len()];
        for (k, t) in site.translations.iter().enumerate() {
            let Original::Page(i) = t.of else { continue };
            let p = &site.pages[i];
            let r = &html[k];
            let sensitive = self.page_sensitive(i) || t.meta.sensitive == Some(true);
            out[k] = Some(Value::from(Serde(PageView {
                kind: "page",
                doc: self.doc_view(&t.doc, &t.meta, r, sensitive, t.of, Some(t.lang)),
                draft: t.meta.draft,
                reading_time: r.word_count.div_ceil(200).max(1),
                taxonomies: term_refs(cfg, &t.meta),
                event: None,
                section: &site.sections[p.section].doc.path,
                previous: None,
                next: None,
            })));
        }
        // Subsections come after their parents by path: from the end, every translated
        // subsection's view is there before its parent's needs it.
        let mut of_sections: Vec<(usize, usize)> = site
            .translations
            .iter()
            .enumerate()
            .filter_map(|(k, t)| match t.of {
                Original::Section(i) => Some((i, k)),
                Original::Page(_) => None,
            })
            .collect();
        of_sections.sort_unstable_by(|a, b| b.cmp(a));
        for (i, k) in of_sections {
            let t = &site.translations[k];
            let s = &site.sections[i];
            let in_lang = |of: Original, main: &Value| {
                site.translation_of(of, t.lang)
                    .and_then(|j| out[j].clone())
                    .unwrap_or_else(|| main.clone())
            };
            let view = Value::from(Serde(SectionView {
                kind: "section",
                doc: self.doc_view(
                    &t.doc,
                    &t.meta,
                    &html[k],
                    self.section_sensitive[i] || t.meta.sensitive == Some(true),
                    t.of,
                    Some(t.lang),
                ),
                pages: s
                    .pages
                    .iter()
                    .map(|&p| in_lang(Original::Page(p), &pages[p]))
                    .collect(),
                subsections: s
                    .subsections
                    .iter()
                    .map(|&c| in_lang(Original::Section(c), &sections[c]))
                    .collect(),
                feed_url: None,
                paginate_by: None,
                upcoming: sections[i].get_attr("upcoming").unwrap_or_default(),
                listings: Vec::new(),
            }));
            out[k] = Some(view);
        }
        out.into_iter().map(Option::unwrap_or_default).collect()
    }

    /// Takes the rendered Markdown of every section, every page's view, the training sessions
    /// by section and the training filter pages; returns every section's view, in section
    /// order, reusing the previous view of each section no changed page is below.
    fn section_views(
        &self,
        section_html: &[Rendered],
        pages: &[Value],
        events: &BTreeMap<usize, Vec<usize>>,
        listings: &[crate::training::Listing],
        reuse: Option<Reuse<'_>>,
    ) -> Vec<Value> {
        let touched = reuse
            .map(|r| r.touched_sections(self.site))
            .unwrap_or_default();
        // Children sort after their parents by path, so building from the end sees every
        // subsection's value before its parent needs it.
        let mut sections: Vec<Option<Value>> = vec![None; self.site.sections.len()];
        for i in (0..self.site.sections.len()).rev() {
            let view = match reuse.and_then(|r| r.section(i, &touched)) {
                Some(v) => v.clone(),
                None => self.section_view(i, &section_html[i], pages, &sections, events, listings),
            };
            sections[i] = Some(view);
        }
        sections
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect()
    }

    /// Takes a section index, its rendered Markdown, every page's view, the section views
    /// built so far (all of its subsections'), the training sessions by section and the
    /// training filter pages; returns the section's view.
    fn section_view(
        &self,
        i: usize,
        r: &Rendered,
        pages: &[Value],
        sections: &[Option<Value>],
        events: &BTreeMap<usize, Vec<usize>>,
        listings: &[crate::training::Listing],
    ) -> Value {
        let site = self.site;
        let s = &site.sections[i];
        let m = &s.meta.common;
        let sensitive = self.section_sensitive[i];
        Value::from(Serde(SectionView {
            kind: "section",
            doc: self.doc_view(&s.doc, m, r, sensitive, Original::Section(i), None),
            pages: s.pages.iter().map(|&p| pages[p].clone()).collect(),
            subsections: s
                .subsections
                .iter()
                .map(|&c| sections[c].clone().unwrap_or_default())
                .collect(),
            feed_url: s.meta.feed.then(|| format!("{}atom.xml", s.doc.url)),
            paginate_by: s.meta.paginate_by,
            upcoming: events
                .get(&i)
                .into_iter()
                .flatten()
                .filter(|&&p| {
                    crate::training::event_of(&site.pages[p])
                        .is_some_and(|e| crate::training::is_upcoming(e, self.now))
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
        }))
    }
}

/// Takes a title and a URL; returns them as a [`Link`].
fn link(title: &str, url: &str) -> Link {
    Link {
        title: title.to_string(),
        url: url.to_string(),
        lang: None,
    }
}

/// Takes the site configuration and a page's front matter; returns the page's terms under
/// every configured taxonomy.
fn term_refs<'a>(cfg: &'a Config, m: &'a CommonMeta) -> BTreeMap<&'a str, Vec<TermRef<'a>>> {
    // Every configured taxonomy is present, empty when unused, so templates can loop over
    // `page.taxonomies.topics` without guarding it.
    cfg.taxonomies
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
        .collect()
}

/// Takes the site and every page's view; returns each taxonomy's view and its terms' views,
/// both by taxonomy name. With `reuse`, a term none of whose pages changed keeps its previous
/// view.
fn taxonomy_views(
    site: &Site,
    pages: &[Value],
    reuse: Option<Reuse<'_>>,
) -> (BTreeMap<String, Value>, BTreeMap<String, Vec<Value>>) {
    let cfg = &site.config;
    let mut taxonomies = BTreeMap::new();
    let mut terms_by = BTreeMap::new();
    for t in &site.taxonomies {
        let previous = reuse.and_then(|r| Some((r, r.terms(t)?)));
        let terms: Vec<Value> = t
            .terms
            .iter()
            .enumerate()
            .map(|(k, term)| {
                if let Some((r, prev)) = previous
                    && !r.any_changed(&term.pages)
                {
                    return prev[k].clone();
                }
                let info = declared_term(cfg, &t.name, &term.slug);
                Value::from(Serde(TermView {
                    name: &term.name,
                    title: info
                        .and_then(|i| i.title.clone())
                        .unwrap_or_else(|| capitalise_first(&term.name)),
                    description: info.and_then(|i| i.description.as_deref()),
                    sensitive: info.is_some_and(|i| i.sensitive),
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
    (taxonomies, terms_by)
}

/// The declaration in `site.yaml` of the term of `taxonomy` whose address is `slug`, matched by
/// address so that `Young people` and `young people` are one term.
fn declared_term<'c>(
    cfg: &'c crate::config::Config,
    taxonomy: &str,
    slug: &str,
) -> Option<&'c crate::config::TermInfo> {
    cfg.terms
        .get(taxonomy)?
        .iter()
        .find(|(name, _)| crate::content::slugify(name) == slug)
        .map(|(_, info)| info)
}

/// Whether any term a page or section carries is declared `sensitive: true`.
fn carries_sensitive_term(
    cfg: &crate::config::Config,
    m: &crate::content::frontmatter::CommonMeta,
) -> bool {
    m.taxonomies.iter().any(|(taxonomy, terms)| {
        terms.iter().any(|t| {
            declared_term(cfg, taxonomy, &crate::content::slugify(t)).is_some_and(|i| i.sensitive)
        })
    })
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Takes the site, the build time, every alert, every section's view, every taxonomy's view
/// and the language of the pages it is for (with the home page in that language); returns
/// the `site` variable.
fn site_view(
    site: &Site,
    now: jiff::Timestamp,
    alerts: &[crate::alerts::Alert],
    sections: &[Value],
    taxonomies: &BTreeMap<String, Value>,
    tongue: &Tongue<'_>,
) -> Value {
    let today = crate::clock::site_date(now);
    let cfg = &site.config;
    Value::from(Serde(SiteView {
        title: &cfg.title,
        description: cfg.description.as_deref(),
        base_url: &cfg.base_url,
        base_path: cfg.base_path(),
        language: tongue.tag,
        main_language: &cfg.language,
        main_direction: crate::strings::direction(&cfg.language),
        direction: tongue.dir,
        report: tongue.report(site),
        quick_exit: tongue.quick_exit(site),
        contact: cfg.contact.as_ref(),
        content_security_policy: &cfg.content_security_policy,
        extra: &cfg.extra,
        today: today.to_string(),
        alerts: alerts.iter().filter(|a| a.is_current(today)).collect(),
        home: tongue
            .home
            .clone()
            .unwrap_or_else(|| sections.first().cloned().unwrap_or_default()),
        sections: Value::from(sections.to_vec()),
        taxonomies: taxonomies
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect(),
        // A language with its own search page links to it.
        search_url: cfg.search.enabled.then(|| {
            let folder = tongue
                .index
                .and_then(|i| site.language_folder(i))
                .unwrap_or_default();
            format!("{}{folder}{}", cfg.base_path(), crate::search::PAGE)
        }),
        a_z_url: cfg
            .search
            .enabled
            .then(|| format!("{}{}", cfg.base_path(), crate::search::A_Z_PAGE)),
    }))
}

/// The language a `site` variable is made for.
struct Tongue<'a> {
    /// Index into `config.languages`; `None` for the main language.
    index: Option<usize>,
    tag: &'a str,
    dir: &'static str,
    /// The home page's view in this language, if it is translated.
    home: Option<Value>,
}

impl Tongue<'_> {
    /// The `@/` path of the page at `path` (an `@/` path) in this language, if it is
    /// translated.
    fn translated_path(&self, site: &Site, path: &str) -> Option<String> {
        let lang = self.index?;
        let rest = path.strip_prefix("@/")?;
        let (p, anchor) = rest
            .split_once('#')
            .map_or((rest, None), |(p, a)| (p, Some(a)));
        let list = site.translations_of_path(p)?;
        let t = list
            .iter()
            .map(|&k| &site.translations[k])
            .find(|t| t.lang == lang)?;
        Some(match anchor {
            Some(a) => format!("@/{}#{a}", t.doc.path),
            None => format!("@/{}", t.doc.path),
        })
    }

    /// `report:` in this language: its words from `languages:`, its page translated.
    fn report<'s>(&self, site: &'s Site) -> Option<Cow<'s, crate::config::portal::Report>> {
        let r = site.config.report.as_ref()?;
        let Some(lang) = self.index else {
            return Some(Cow::Borrowed(r));
        };
        let mut r = r.clone();
        if let Some(words) = &site.config.languages[lang].report {
            if let Some(name) = &words.hub_name {
                r.hub_name = name.clone();
            }
            if words.hub_hours.is_some() {
                r.hub_hours = words.hub_hours.clone();
            }
        }
        if let Some(page) = self.translated_path(site, &r.page) {
            r.page = page;
        }
        Some(Cow::Owned(r))
    }

    /// `quick_exit:` with its help page in this language, if that is translated.
    fn quick_exit<'s>(&self, site: &'s Site) -> Option<Cow<'s, crate::config::portal::QuickExit>> {
        let q = site.config.quick_exit.as_ref()?;
        let help = q
            .help
            .as_deref()
            .and_then(|h| self.translated_path(site, h));
        Some(match help {
            Some(h) => {
                let mut q = q.clone();
                q.help = Some(h);
                Cow::Owned(q)
            }
            None => Cow::Borrowed(q),
        })
    }
}

/// Takes the site, its training sessions by section and the build time; returns the pages of
/// sessions still to come, soonest first (ties by page index).
fn upcoming_events(
    site: &Site,
    events: &BTreeMap<usize, Vec<usize>>,
    now: jiff::Timestamp,
) -> Vec<usize> {
    crate::training::upcoming(site, events.values().flatten().copied(), now)
}

/// Takes the site; returns, per page, the slugs of its `topics` terms.
fn topic_slugs(site: &Site) -> Vec<Vec<String>> {
    site.pages
        .iter()
        .map(|p| {
            p.meta
                .common
                .taxonomies
                .get(crate::config::TOPICS)
                .into_iter()
                .flatten()
                .map(|t| slugify(t))
                .collect()
        })
        .collect()
}

fn event_view(
    site: &Site,
    p: &crate::content::Page,
    e: &crate::content::event::Event,
    now: jiff::Timestamp,
    w: &crate::training::Words<'_>,
) -> EventView {
    use crate::training as t;
    let (availability, booking_closed) = t::availability(e, now, w);
    let base = site.config.base_path();
    let section_url = &site.sections[p.section].doc.url;
    EventView {
        start: t::local_rfc3339(e.start),
        end: t::local_rfc3339(e.end),
        dates: t::dates_label(e, w),
        time: t::time_range(e.sessions[0].0, e.sessions[0].1, w),
        month: t::month_label(e.start, w),
        sessions: e
            .sessions
            .iter()
            .map(|&(a, b)| SessionView {
                date: t::date_label(a, w),
                time: t::time_range(a, b, w),
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
        cost_label: t::cost_label(e.cost, w),
        booking_url: e.booking_url.clone(),
        status: e.status.as_str(),
        availability,
        booking_closed,
        upcoming: t::is_upcoming(e, now),
        ics_url: format!("{base}{}", t::ics_path(p, base)),
        json_ld: Value::from_safe_string(t::json_ld(site, p, e)),
    }
}

/// Per other language with translations, by lower-case tag: each translation's address by
/// its original's content path, and the language's folder (`pl/`).
fn in_language(site: &Site) -> HashMap<String, (HashMap<String, String>, String)> {
    (0..site.config.languages.len())
        .filter_map(|lang| {
            let folder = site.language_folder(lang)?;
            let tag = site.config.languages[lang].tag.to_ascii_lowercase();
            Some((tag, (site.translated_urls(lang), folder)))
        })
        .collect()
}

/// Content path to URL for every page and section.
pub fn url_map(site: &Site) -> HashMap<String, String> {
    site.pages
        .iter()
        .map(|p| (p.doc.path.clone(), p.doc.url.clone()))
        .chain(
            site.sections
                .iter()
                .map(|s| (s.doc.path.clone(), s.doc.url.clone())),
        )
        .chain(
            site.translations
                .iter()
                .map(|t| (t.doc.path.clone(), t.doc.url.clone())),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_in_the_text_is_not_a_download_too() {
        let html = "<p><img width=\"4\" src=\"/reports/my%20chart.png\" alt=\"x\" /></p><a href=\"/reports/r.pdf\">";
        assert!(shown_inline(html, "/reports/my chart.png"));
        assert!(!shown_inline(html, "/reports/other.png"));
        assert!(
            !shown_inline(html, "/reports/r.pdf"),
            "a linked PDF stays a download"
        );
    }
}
