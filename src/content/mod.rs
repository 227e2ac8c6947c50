//! Stage 2: reading `content/` (and `data/`) into the [`Site`] model: sections, pages, their
//! URLs and order, taxonomies, page assets and data files. Later stages never re-read files.

pub mod event;
pub mod frontmatter;
pub mod translations;
mod walk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::layout::Layout;
use crate::text::decode_text;
use frontmatter::{Ctx, FmDate, PageMeta, SectionMeta, SortBy};
use std::sync::Arc;

pub use translations::{Original, Translation};
pub use walk::{Discovered, discover};

/// What pages and sections both are: a Markdown file with front matter, published at an
/// address.
#[derive(Debug)]
pub struct Document {
    /// The file relative to the site root, e.g. `content/guidance/neglect.md` (for messages).
    pub file: PathBuf,
    /// The path relative to `content/` with `/` separators, the key of `@/` links:
    /// `guidance/neglect.md`, or `guidance/_index.md` for a section.
    pub path: String,
    /// The whole file, decoded and with CRLF normalised (for excerpts in messages).
    pub source: String,
    /// Byte offset of the Markdown body in `source`.
    pub body_start: usize,
    /// Line of the file on which the body starts.
    pub body_line: usize,
    /// Site-relative URL, starting with the base path, ending with `/`.
    pub url: String,
}

impl Document {
    /// The Markdown body.
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }
}

/// A page: any `.md` file other than `_index.md`.
#[derive(Debug)]
pub struct Page {
    /// Its file, text and address.
    pub doc: Document,
    /// Parsed front matter.
    pub meta: PageMeta,
    /// Index into [`Site::sections`] of the section the page belongs to.
    pub section: usize,
    /// Index of the page in that section's ordered list.
    pub position: usize,
    /// Indices into [`Site::translations`] of its translations, in file order.
    pub translations: Vec<usize>,
}

/// A section: a folder with an `_index.md`.
#[derive(Debug)]
pub struct Section {
    /// Its `_index.md`, text and address.
    pub doc: Document,
    /// Parsed front matter.
    pub meta: SectionMeta,
    /// Index of the parent section; `None` for the home section.
    pub parent: Option<usize>,
    /// Pages directly in this section, in the section's order.
    pub pages: Vec<usize>,
    /// Child sections, by weight then title.
    pub subsections: Vec<usize>,
    /// Indices into [`Site::translations`] of its translations, in file order.
    pub translations: Vec<usize>,
}

/// A file copied into the output unchanged: a page bundle's PDF, an image beside a section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    /// Where it is read from.
    pub source: PathBuf,
    /// Output path relative to the output folder, `/` separated.
    pub dest: String,
    /// Size in bytes, for "PDF, 1.2 MB" labels.
    pub size: u64,
    /// The page bundle or section the file sits beside.
    pub owner: AssetOwner,
}

impl Asset {
    /// Its path in the site folder (`content/reports/chart.png`), as messages name it.
    pub fn shown(&self, root: &Path) -> String {
        self.source
            .strip_prefix(root)
            .unwrap_or(&self.source)
            .display()
            .to_string()
    }
}

/// What an [`Asset`] belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssetOwner {
    /// Index into [`Site::pages`].
    Page(usize),
    /// Index into [`Site::sections`].
    Section(usize),
}

/// One term of a taxonomy, e.g. `neglect` in `topics`.
#[derive(Debug)]
pub struct Term {
    /// As first written in front matter.
    pub name: String,
    /// URL-safe form.
    pub slug: String,
    /// Site-relative URL of the term page.
    pub url: String,
    /// Pages with this term, newest first then by title.
    pub pages: Vec<usize>,
}

/// A taxonomy from `site.yaml`, with the terms pages use.
#[derive(Debug)]
pub struct Taxonomy {
    /// Its name, e.g. `topics`.
    pub name: String,
    /// Site-relative URL of the list of terms.
    pub url: String,
    /// Terms, A to Z.
    pub terms: Vec<Term>,
}

/// The whole site, read once and shared by every later stage.
#[derive(Debug)]
pub struct Site {
    /// The site configuration.
    pub config: Config,
    /// The site root folder (its real path).
    pub root: PathBuf,
    /// The site's folders and the rule for what may be read in them.
    pub layout: Arc<Layout>,
    /// Sections; index 0 is the home section, the rest ordered by path.
    pub sections: Vec<Section>,
    /// Pages ordered by path.
    pub pages: Vec<Page>,
    /// Translations of pages and sections into the site's other languages, by path.
    pub translations: Vec<Translation>,
    /// Taxonomies in `site.yaml` order.
    pub taxonomies: Vec<Taxonomy>,
    /// Files under `data/` by their path relative to it (e.g. `board.yaml`).
    pub data: BTreeMap<String, serde_json::Value>,
    /// The text of each data file, for the ones Haven checks itself (glossary, alerts), so
    /// their errors can point at a line.
    pub data_sources: BTreeMap<String, String>,
    /// Files copied from `content/` next to their page or section.
    pub assets: Vec<Asset>,
    /// Content paths of drafts left out of this build, so a link to one can say so.
    pub draft_paths: HashSet<String>,
    /// Content path (`guidance/neglect.md`) to page index.
    pub page_by_path: HashMap<String, usize>,
    /// Content path (`guidance/_index.md`) to section index.
    pub section_by_path: HashMap<String, usize>,
    /// Content path (`guidance/neglect.pl.md`) to translation index.
    pub translation_by_path: HashMap<String, usize>,
}

impl Site {
    /// The folder below the base path of the pages in `config.languages[lang]` (`pl/`), if
    /// the site has any translations into it.
    pub fn language_folder(&self, lang: usize) -> Option<String> {
        let l = self.config.languages.get(lang)?;
        self.translations
            .iter()
            .any(|t| t.lang == lang)
            .then(|| format!("{}/", l.tag.to_ascii_lowercase()))
    }

    /// The translations of the page or section at a content path (`guidance/neglect.md`),
    /// if there is one there.
    pub fn translations_of_path(&self, path: &str) -> Option<&[usize]> {
        self.page_by_path
            .get(path)
            .map(|&i| self.pages[i].translations.as_slice())
            .or_else(|| {
                self.section_by_path
                    .get(path)
                    .map(|&i| self.sections[i].translations.as_slice())
            })
    }

    /// The translations of a page or section, as indices into [`Site::translations`].
    pub fn translations_of(&self, of: Original) -> &[usize] {
        match of {
            Original::Page(i) => &self.pages[i].translations,
            Original::Section(i) => &self.sections[i].translations,
        }
    }

    /// The translation of a page or section into `config.languages[lang]`, if there is one.
    pub fn translation_of(&self, of: Original, lang: usize) -> Option<usize> {
        self.translations_of(of)
            .iter()
            .copied()
            .find(|&k| self.translations[k].lang == lang)
    }

    /// A page or section in each language it is published in, when it has translations: the
    /// original first (`None`, the main language), then each translation in the order of
    /// `languages:`; empty when it has none.
    pub fn versions(&self, of: Original) -> Vec<(Option<usize>, &Document)> {
        let list = self.translations_of(of);
        if list.is_empty() {
            return Vec::new();
        }
        let doc = match of {
            Original::Page(i) => &self.pages[i].doc,
            Original::Section(i) => &self.sections[i].doc,
        };
        let mut translated: Vec<&Translation> =
            list.iter().map(|&k| &self.translations[k]).collect();
        translated.sort_by_key(|t| t.lang);
        std::iter::once((None, doc))
            .chain(translated.into_iter().map(|t| (Some(t.lang), &t.doc)))
            .collect()
    }

    /// The content path (`guidance/neglect.md`) of a page or section.
    pub fn path_of(&self, of: Original) -> &str {
        match of {
            Original::Page(i) => &self.pages[i].doc.path,
            Original::Section(i) => &self.sections[i].doc.path,
        }
    }

    /// The address of each translation into `config.languages[lang]`, by its original's
    /// content path.
    pub fn translated_urls(&self, lang: usize) -> HashMap<String, String> {
        self.translations
            .iter()
            .filter(|t| t.lang == lang)
            .map(|t| (self.path_of(t.of).to_string(), t.doc.url.clone()))
            .collect()
    }

    /// Section `start` and the sections above it, up to the home section.
    pub fn section_chain(&self, start: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(start), |&i| self.sections[i].parent)
    }
}

/// Makes a URL-safe slug: lower-case letters and digits (any script), single hyphens between
/// words. Returns an empty string when nothing usable is left.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "children's" reads better as "childrens" than "children-s".
        } else {
            pending_dash = true;
        }
    }
    out
}

fn err(file: &Path, source: &str, line: usize, col: usize, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::in_file(file, msg).at_in(source, line, col)
}

/// One content file, read and parsed, before URLs and sections are tied together.
struct Parsed {
    /// Path components below `content/`.
    rel: Vec<String>,
    file: PathBuf,
    source: String,
    body_start: usize,
    body_line: usize,
    kind: Kind,
}

enum Kind {
    Page { meta: PageMeta, bundle: bool },
    Section(SectionMeta),
}

impl Parsed {
    /// The file as a [`Document`] published at `url`, and its front matter.
    fn into_parts(self, url: String) -> (Document, Kind) {
        let doc = Document {
            file: self.file,
            path: self.rel.join("/"),
            source: self.source,
            body_start: self.body_start,
            body_line: self.body_line,
            url,
        };
        (doc, self.kind)
    }

    /// The folder components the file sits in.
    fn dir(&self) -> &[String] {
        &self.rel[..self.rel.len() - 1]
    }

    fn draft(&self) -> bool {
        match &self.kind {
            Kind::Page { meta, .. } => meta.common.draft,
            Kind::Section(meta) => meta.common.draft,
        }
    }
}

fn parse_file(d: &walk::Entry, taxonomies: &[String]) -> Result<Parsed, Diagnostic> {
    let file = Path::new(crate::layout::CONTENT).join(d.rel.join("/"));
    let bytes = std::fs::read(&d.path)
        .map_err(|e| Diagnostic::in_file(&file, format!("cannot read this file: {e}")))?;
    let source = decode_text(&bytes).map_err(|m| Diagnostic::in_file(&file, m))?;
    let cx = Ctx {
        file: &file,
        source: &source,
        taxonomies,
    };
    let split = frontmatter::split(&source, &file)?;
    let body_start = split.body.as_ptr() as usize - source.as_ptr() as usize;
    let body_line = split.body_line;
    let name = d.rel.last().map(String::as_str).unwrap_or_default();
    let kind = if name == "_index.md" {
        Kind::Section(frontmatter::section_meta(&split, &cx)?)
    } else {
        Kind::Page {
            meta: frontmatter::page_meta(&split, &cx)?,
            bundle: name == "index.md",
        }
    };
    Ok(Parsed {
        rel: d.rel.clone(),
        file,
        source,
        body_start,
        body_line,
        kind,
    })
}

/// A content file left out of the site because it could not be read (bad front matter, not
/// UTF-8), so that the later stages can check the rest without calling a link to it broken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Its content path, as `@/` links name it: `guidance/neglect.md`.
    pub path: String,
    /// The address it would most likely have (from its file name: a `slug:` in the front
    /// matter that could not be read is not known), if its name makes one.
    pub url: Option<String>,
}

/// The site as read, and what was left out of it.
#[derive(Debug)]
pub struct Loaded {
    /// Every file that could be read.
    pub site: Site,
    /// The content files left out.
    pub unreadable: Vec<Unreadable>,
    /// Why each content file and data file was left out. The run must fail, but not before
    /// the rest has been checked, so that an editor sees every problem in one go.
    pub errors: Diagnostics,
}

/// Reads the site in `layout`: every content file, data file and page asset. A content or
/// data file that cannot be read is left out and its error returned in [`Loaded::errors`];
/// only a problem with the site as a whole (no content folder, an unreadable folder, two
/// files at one address) stops here.
pub fn load(layout: Arc<Layout>, config: Config, drafts: bool) -> Result<Loaded, Diagnostics> {
    let mut fatal = Diagnostics::new();
    let found = discover(&layout, &mut fatal);
    let parsed: Vec<Result<Parsed, Diagnostic>> = found
        .markdown
        .par_iter()
        .map(|e| parse_file(e, &config.taxonomies))
        .collect();
    let base = config.base_path().to_string();
    let mut files = Vec::new();
    let mut errors = Diagnostics::new();
    let mut unreadable = Vec::new();
    for (entry, p) in found.markdown.iter().zip(parsed) {
        match p {
            Ok(p) => files.push(p),
            Err(d) => {
                errors.push(d);
                unreadable.push(Unreadable {
                    path: entry.rel.join("/"),
                    url: likely_url(&base, &entry.rel),
                });
            }
        }
    }
    let (data, data_sources) = load_data(&layout, &mut fatal, &mut errors);
    if fatal.has_errors() {
        fatal.extend(errors);
        return Err(fatal);
    }
    match assemble(layout, config, files, found.assets, data, drafts) {
        Ok(mut site) => {
            site.data_sources = data_sources;
            Ok(Loaded {
                site,
                unreadable,
                errors,
            })
        }
        Err(d) => {
            errors.extend(d);
            Err(errors)
        }
    }
}

/// The address a content file at `rel` (components below `content/`) gets from its name.
fn likely_url(base: &str, rel: &[String]) -> Option<String> {
    let (name, dir) = rel.split_last()?;
    let mut url = folder_url(base, dir).ok()?;
    if name != "_index.md" && name != "index.md" {
        let slug = slugify(name.trim_end_matches(".md"));
        if slug.is_empty() {
            return None;
        }
        url.push_str(&slug);
        url.push('/');
    }
    Some(url)
}

/// Reads every data file. A folder that cannot be listed goes in `fatal`; a file that cannot
/// be read or parsed goes in `errors` and is left out.
fn load_data(layout: &Layout, fatal: &mut Diagnostics, errors: &mut Diagnostics) -> Data {
    let mut out = BTreeMap::new();
    let mut sources = BTreeMap::new();
    for found in walk::data_files(layout, fatal) {
        let rel = found.rel_path();
        let file = Path::new(crate::layout::DATA).join(&rel);
        let text = match std::fs::read(&found.path) {
            Ok(b) => match decode_text(&b) {
                Ok(t) => t,
                Err(m) => {
                    errors.push(Diagnostic::in_file(&file, m));
                    continue;
                }
            },
            Err(e) => {
                errors.push(Diagnostic::in_file(
                    &file,
                    format!("cannot read this file: {e}"),
                ));
                continue;
            }
        };
        let value = if rel.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
                Diagnostic::in_file(&file, format!("this JSON could not be read: {e}")).at_in(
                    &text,
                    e.line(),
                    e.column(),
                )
            })
        } else {
            crate::yaml::parse::<serde_json::Value>(&text, &file, &text, 1)
        };
        match value {
            Ok(v) => {
                out.insert(rel.clone(), v);
                sources.insert(rel, text);
            }
            Err(d) => errors.push(d),
        }
    }
    (out, sources)
}

/// Data files as values, and their text (for files Haven itself reads with positions).
type Data = (
    BTreeMap<String, serde_json::Value>,
    BTreeMap<String, String>,
);

fn slug_of(name: &str, file: &Path, source: &str) -> Result<String, Diagnostic> {
    let s = slugify(name);
    if s.is_empty() {
        return Err(err(
            file,
            source,
            1,
            1,
            format!("cannot make a web address from the name `{name}`"),
        )
        .hint("rename the file or folder to use letters or digits, or set `slug:` in the front matter"));
    }
    Ok(s)
}

fn folder_url(base: &str, dirs: &[String]) -> Result<String, String> {
    let mut url = base.to_string();
    for d in dirs {
        let s = slugify(d);
        if s.is_empty() {
            return Err(d.clone());
        }
        url.push_str(&s);
        url.push('/');
    }
    Ok(url)
}

/// The home section used when there is no content/_index.md.
fn home_section(config: &Config) -> Parsed {
    let meta = SectionMeta {
        common: frontmatter::CommonMeta {
            title: config.title.clone(),
            description: config.description.clone(),
            date: None,
            updated: None,
            draft: false,
            weight: None,
            slug: None,
            template: None,
            aliases: Vec::new(),
            taxonomies: BTreeMap::new(),
            extra: serde_json::Value::Object(Default::default()),
            sensitive: None,
            owner: None,
            search_words: Vec::new(),
            last_reviewed: None,
            review_due: None,
            event: None,
            translation: None,
        },
        sort_by: SortBy::Weight,
        paginate_by: None,
        page_template: None,
        feed: false,
    };
    Parsed {
        rel: vec!["_index.md".into()],
        file: PathBuf::from("content/_index.md"),
        source: String::new(),
        body_start: 0,
        body_line: 1,
        kind: Kind::Section(meta),
    }
}

/// Ties the parsed files into a [`Site`]: takes every content file, the assets found beside
/// them and the data files; returns the site, or every problem with URLs and folders.
fn assemble(
    layout: Arc<Layout>,
    config: Config,
    files: Vec<Parsed>,
    raw_assets: Vec<walk::Entry>,
    data: BTreeMap<String, serde_json::Value>,
    drafts: bool,
) -> Result<Site, Diagnostics> {
    let mut diags = Diagnostics::new();
    let base = config.base_path().to_string();

    let (kept, draft_paths, draft_dirs) = leave_out_drafts(files, drafts);
    let (kept, pending) = translations::separate(kept, &config, &mut diags);
    let (mut section_files, mut page_files): (Vec<Parsed>, Vec<Parsed>) = kept
        .into_iter()
        .partition(|f| matches!(f.kind, Kind::Section(_)));
    section_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    page_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    if section_files.first().is_none_or(|s| !s.dir().is_empty()) {
        // No content/_index.md: the home page still exists, titled after the site.
        section_files.insert(0, home_section(&config));
    }

    // Sections first, so that every page can find its parent.
    let mut folders = Folders::default();
    let mut sections = build_sections(section_files, &base, &mut folders, &mut diags);
    let mut pages = build_pages(page_files, &base, &mut sections, &mut folders, &mut diags);
    order_sections(&mut sections, &mut pages);
    marked_as_translation(&pages, &sections, &mut diags);
    let translations = translations::resolve(
        pending,
        &config,
        &mut pages,
        &mut sections,
        &draft_paths,
        &mut diags,
    );
    let assets = place_assets(raw_assets, &base, &pages, &sections, &folders, &draft_dirs);

    let page_by_path = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.doc.path.clone(), i))
        .collect();
    let section_by_path = sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.doc.path.clone(), i))
        .collect();
    let taxonomies = build_taxonomies(&config, &pages, &base);
    let translation_by_path = translations
        .iter()
        .enumerate()
        .map(|(i, t)| (t.doc.path.clone(), i))
        .collect();
    let site = Site {
        config,
        root: layout.root().to_path_buf(),
        layout,
        sections,
        pages,
        taxonomies,
        data,
        data_sources: BTreeMap::new(),
        draft_paths,
        assets,
        page_by_path,
        section_by_path,
        translations,
        translation_by_path,
    };
    diags.into_result(site)
}

/// `translation: needs review` on a page or section in the site's main language, which is no
/// translation: reported, since it would otherwise mean nothing.
fn marked_as_translation(pages: &[Page], sections: &[Section], diags: &mut Diagnostics) {
    let docs = pages
        .iter()
        .map(|p| (&p.doc, &p.meta.common))
        .chain(sections.iter().map(|s| (&s.doc, &s.meta.common)));
    for (doc, m) in docs {
        if let Some(t) = &m.translation {
            diags.push(
                Diagnostic::in_file(&doc.file, "`translation:` belongs on a translation, and this file is in the site's main language")
                    .at_in(&doc.source, t.line, t.column)
                    .hint("remove the line; a translation is a file named like this one with the language before .md, such as neglect.pl.md"),
            );
        }
    }
}

/// The folders that own content, by their components below `content/`: pages find their
/// section here, and assets the page bundle or section they sit beside.
#[derive(Default)]
struct Folders {
    /// A folder with an `_index.md` to the index of its section.
    sections: BTreeMap<Vec<String>, usize>,
    /// A page bundle's folder (one with an `index.md`) to the index of its page.
    bundles: BTreeMap<Vec<String>, usize>,
}

/// Whether `dir` is at or below one of the left-out draft section folders `draft_dirs`.
fn under_draft(draft_dirs: &[Vec<String>], dir: &[String]) -> bool {
    draft_dirs.iter().any(|d| dir.starts_with(d))
}

/// Drafts (and everything below a draft section) are left out unless `drafts` asks for them.
/// Takes every parsed file; returns the files kept, the content paths of those left out (so
/// a link to one can say so) and the folders of the draft sections left out (whose assets go
/// too).
fn leave_out_drafts(
    files: Vec<Parsed>,
    drafts: bool,
) -> (Vec<Parsed>, HashSet<String>, Vec<Vec<String>>) {
    let draft_dirs: Vec<Vec<String>> = files
        .iter()
        .filter(|f| matches!(f.kind, Kind::Section(_)) && f.draft() && !drafts)
        .map(|f| f.dir().to_vec())
        .collect();
    let (kept, left_out): (Vec<Parsed>, Vec<Parsed>) = files
        .into_iter()
        .partition(|f| drafts || !(f.draft() || under_draft(&draft_dirs, f.dir())));
    let draft_paths: HashSet<String> = left_out.iter().map(|f| f.rel.join("/")).collect();
    (kept, draft_paths, draft_dirs)
}

/// Makes the sections from the `_index.md` files, sorted by path with the home section first,
/// recording each one's folder in `folders`; returns them with parents and subsections linked
/// (subsections not yet ordered). A folder name that makes no URL is reported in `diags` and
/// its section left out.
fn build_sections(
    section_files: Vec<Parsed>,
    base: &str,
    folders: &mut Folders,
    diags: &mut Diagnostics,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for f in section_files {
        let dir = f.rel[..f.rel.len() - 1].to_vec();
        let url = match folder_url(base, &dir) {
            Ok(u) => u,
            Err(name) => {
                diags.push(
                    Diagnostic::in_file(
                        &f.file,
                        format!("cannot make a web address from the folder name `{name}`"),
                    )
                    .hint("rename the folder to use letters or digits"),
                );
                continue;
            }
        };
        let parent = (0..dir.len())
            .rev()
            .find_map(|n| folders.sections.get(&dir[..n]).copied());
        let (doc, Kind::Section(meta)) = f.into_parts(url) else {
            continue;
        };
        let idx = sections.len();
        folders.sections.insert(dir, idx);
        sections.push(Section {
            doc,
            meta,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
            translations: Vec::new(),
        });
        if let Some(p) = parent {
            sections[p].subsections.push(idx);
        }
    }
    sections
}

/// Makes the pages from the other Markdown files, in path order, adding each to the page list
/// of its section in `sections` (not yet ordered) and recording page bundles' folders in
/// `folders`; returns them. A page that can have no URL is reported in `diags` and left out.
fn build_pages(
    page_files: Vec<Parsed>,
    base: &str,
    sections: &mut [Section],
    folders: &mut Folders,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let mut pages: Vec<Page> = Vec::new();
    for f in page_files {
        let Kind::Page { meta, bundle } = f.kind else {
            continue;
        };
        let (file, source) = (f.file, f.source);
        let dir = f.rel[..f.rel.len() - 1].to_vec();
        let url_parts = page_url_parts(&f.rel, &file, &source, bundle, folders);
        let (url_dirs, own_name) = match url_parts {
            Ok(parts) => parts,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let slug = match &meta.common.slug {
            Some(s) => {
                slug_of(&s.value, &file, &source).map_err(|d| d.at_in(&source, s.line, s.column))
            }
            None => slug_of(&own_name, &file, &source),
        };
        let slug = match slug {
            Ok(v) => v,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let mut url = match folder_url(base, &url_dirs) {
            Ok(u) => u,
            Err(name) => {
                diags.push(Diagnostic::in_file(
                    &file,
                    format!("cannot make a web address from the folder name `{name}`"),
                ));
                continue;
            }
        };
        url.push_str(&slug);
        url.push('/');
        let section = (0..=dir.len())
            .rev()
            .find_map(|n| folders.sections.get(&dir[..n]).copied())
            .unwrap_or(0);
        let idx = pages.len();
        if bundle {
            folders.bundles.insert(dir, idx);
        }
        pages.push(Page {
            doc: Document {
                file,
                path: f.rel.join("/"),
                source,
                body_start: f.body_start,
                body_line: f.body_line,
                url,
            },
            meta,
            section,
            position: 0,
            translations: Vec::new(),
        });
        sections[section].pages.push(idx);
    }
    pages
}

/// Where a page's URL comes from: takes its path components `rel` below `content/`, its file
/// and text (for messages) and whether it is a bundle's `index.md`; returns the folders its
/// URL hangs off and the name its slug is made from, or why it can have no URL of its own.
fn page_url_parts(
    rel: &[String],
    file: &Path,
    source: &str,
    bundle: bool,
    folders: &Folders,
) -> Result<(Vec<String>, String), Diagnostic> {
    let dir = &rel[..rel.len() - 1];
    if !bundle {
        let stem = rel
            .last()
            .map(|n| n.trim_end_matches(".md").to_string())
            .unwrap_or_default();
        return Ok((dir.to_vec(), stem));
    }
    // A bundle's folder is the page itself; its URL hangs off the folder above.
    if folders.sections.contains_key(dir) {
        return Err(err(
            file,
            source,
            1,
            1,
            "this folder has both an index.md page and an _index.md section",
        )
        .hint("rename index.md to describe the page (e.g. overview.md), or remove _index.md"));
    }
    match dir.split_last() {
        Some((last, up)) => Ok((up.to_vec(), last.clone())),
        None => Err(err(
            file,
            source,
            1,
            1,
            "content/index.md would replace the home page",
        )
        .hint("put the home page's text in content/_index.md instead")),
    }
}

/// Orders each section's pages by its `sort_by` (setting each page's `position`) and its
/// subsections by weight, then title, then path.
fn order_sections(sections: &mut [Section], pages: &mut [Page]) {
    for s in 0..sections.len() {
        let mut list = std::mem::take(&mut sections[s].pages);
        sort_pages(&mut list, pages, sections[s].meta.sort_by);
        for (pos, &p) in list.iter().enumerate() {
            pages[p].position = pos;
        }
        sections[s].pages = list;
        let mut subs = std::mem::take(&mut sections[s].subsections);
        subs.sort_by(|&a, &b| {
            let (ma, mb) = (&sections[a].meta.common, &sections[b].meta.common);
            (
                ma.weight.is_none(),
                ma.weight,
                ma.title.to_lowercase(),
                &sections[a].doc.path,
            )
                .cmp(&(
                    mb.weight.is_none(),
                    mb.weight,
                    mb.title.to_lowercase(),
                    &sections[b].doc.path,
                ))
        });
        sections[s].subsections = subs;
    }
}

/// Assets go beside the page bundle or section that owns their folder. Takes the files found
/// beside content and what owns each folder; returns the assets to copy, leaving out those
/// of draft sections that were left out (`draft_dirs`).
fn place_assets(
    raw_assets: Vec<walk::Entry>,
    base: &str,
    pages: &[Page],
    sections: &[Section],
    folders: &Folders,
    draft_dirs: &[Vec<String>],
) -> Vec<Asset> {
    let mut assets = Vec::new();
    for walk::Entry { rel, path: source } in raw_assets {
        let dir = &rel[..rel.len() - 1];
        let owner = (0..=dir.len()).rev().find_map(|n| {
            let d = &dir[..n];
            folders
                .bundles
                .get(d)
                .map(|&p| (n, pages[p].doc.url.clone(), AssetOwner::Page(p)))
                .or_else(|| {
                    folders
                        .sections
                        .get(d)
                        .map(|&s| (n, sections[s].doc.url.clone(), AssetOwner::Section(s)))
                })
        });
        let Some((n, url, owner)) = owner else {
            // Under a draft section that was left out.
            continue;
        };
        if under_draft(draft_dirs, dir) {
            continue;
        }
        let mut dest = url.trim_start_matches(base).to_string();
        for c in &rel[n..] {
            dest.push_str(c);
            dest.push('/');
        }
        dest.pop();
        // A file that vanished since the walk is reported when it is copied; 0 until then.
        let size = std::fs::metadata(&source).map_or(0, |m| m.len());
        assets.push(Asset {
            source,
            dest,
            size,
            owner,
        });
    }
    assets
}

fn date_key(d: &Option<FmDate>) -> Option<jiff::Timestamp> {
    d.as_ref().map(|d| d.instant)
}

/// Orders page indices by the section's `sort_by`, always ending with the path so that the
/// order never depends on the file system.
pub fn sort_pages(list: &mut [usize], pages: &[Page], by: SortBy) {
    list.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        let (ma, mb) = (&pa.meta.common, &pb.meta.common);
        let title = || ma.title.to_lowercase().cmp(&mb.title.to_lowercase());
        match by {
            SortBy::Date => date_key(&mb.date).cmp(&date_key(&ma.date)).then_with(title),
            SortBy::Title => title(),
            SortBy::Weight => (ma.weight.is_none(), ma.weight)
                .cmp(&(mb.weight.is_none(), mb.weight))
                .then_with(title),
        }
        .then_with(|| pa.doc.path.cmp(&pb.doc.path))
    });
}

fn build_taxonomies(config: &Config, pages: &[Page], base: &str) -> Vec<Taxonomy> {
    config
        .taxonomies
        .iter()
        .map(|name| {
            let mut terms: BTreeMap<String, Term> = BTreeMap::new();
            let url = format!("{base}{name}/");
            for (i, p) in pages.iter().enumerate() {
                for term in p.meta.common.taxonomies.get(name).into_iter().flatten() {
                    let slug = slugify(term);
                    if slug.is_empty() {
                        continue;
                    }
                    let t = terms.entry(slug.clone()).or_insert_with(|| Term {
                        name: term.clone(),
                        url: format!("{url}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    if t.pages.last() != Some(&i) {
                        t.pages.push(i);
                    }
                }
            }
            let mut terms: Vec<Term> = terms.into_values().collect();
            for t in &mut terms {
                sort_pages(&mut t.pages, pages, SortBy::Date);
            }
            terms.sort_by(|a, b| {
                a.name
                    .to_lowercase()
                    .cmp(&b.name.to_lowercase())
                    .then_with(|| a.slug.cmp(&b.slug))
            });
            Taxonomy {
                name: name.clone(),
                url,
                terms,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::is_safe_component;

    #[test]
    fn slugify_is_url_safe() {
        assert_eq!(
            slugify("Child Sexual Exploitation (CSE)"),
            "child-sexual-exploitation-cse"
        );
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("Children's services"), "childrens-services");
        assert_eq!(slugify("Żółć"), "żółć");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn decode_handles_bom_crlf_and_bad_utf8() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFa\r\nb").unwrap(), "a\nb");
        let e = decode_text(b"ok\n\xFF").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn safe_components() {
        assert!(is_safe_component("haven"));
        assert!(!is_safe_component(".."));
        assert!(!is_safe_component("a/b"));
        assert!(!is_safe_component(".hidden"));
    }
}
