//! Stage 5c: the site search index, built from the rendered pages, and the A to Z page that
//! stands in for search where JavaScript is off.
//!
//! The index is split so that a query downloads only what it needs, from any static host:
//!
//! - `search/index/meta.json`: the list of term shards, the stop words, the glossary's
//!   acronyms with their expansions, and a version for cache busting;
//! - `search/index/t/KEY.json`: the terms starting with KEY (two characters, or more where two
//!   would make a large file), each with its postings `[document step, record, score, …]`;
//! - `search/index/p/N.json`: the fragments of documents `N × BUNDLE` to `N × BUNDLE +
//!   BUNDLE - 1` (`bundle` in the meta), each the document's title, address, section,
//!   description, taxonomy terms and text, split at its headings, for the result and its
//!   snippet;
//! - `search/index/f/TAXONOMY/TERM.json`: the documents listing a term, for the filters.
//!
//! Scores are BM25 over each heading's stretch of text (a "record"), with a page's title,
//! description and terms weighted above its body, worked out here so that the client only
//! adds them up. The client is `search.js` beside this file, written to `search/search.js`.

pub mod a_z;
pub mod settings;
pub mod text;
pub mod tokens;

use std::collections::HashMap;
use std::hash::Hasher as _;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use crate::content::Site;
use crate::glossary::Glossary;
use crate::markdown::Rendered;
use crate::output::{Body, OutputFile, Sink};

/// Where the index files go, below the output folder.
pub const INDEX_DIR: &str = "search/index/";
/// The search page's address below the base path.
pub const PAGE: &str = "search/";
/// The A to Z page's address below the base path.
pub const A_Z_PAGE: &str = "a-z/";
/// Where the client script goes, below the output folder.
pub const CLIENT_PATH: &str = "search/search.js";
/// The browser client.
pub const CLIENT: &str = include_str!("search.js");

/// Documents per fragment file. A file costs more to create than its bytes do to write (on
/// this project's machine, 10,000 files of 4.5 KB took 1.7 times as long as 5,000 of 9 KB,
/// and one file per page made search cost 24% of the build instead of under 20%), while a
/// result fetches its whole file: two to a file halves the files.
const BUNDLE: usize = 2;
/// A shard larger than this (in bytes) is split by one more character of its terms.
const SHARD_LIMIT: usize = 12 * 1024;
/// Keys never grow past this many characters, however common the prefix.
const MAX_KEY: usize = 6;
/// Text kept per record (a heading's stretch) for snippets: a match further in shows the
/// record's start instead. The snippet shows 240 characters; keeping 400 of each record keeps
/// the first query at 10,000 pages under its 150 KB budget (ten results fetch up to ten files).
const RECORD_TEXT_LIMIT: usize = 400;

/// Field weights: a match in a title counts most, then description, terms and headings.
const W_TITLE: u16 = 8;
const W_DESCRIPTION: u16 = 3;
const W_TERMS: u16 = 3;
const W_HEADING: u16 = 3;
/// An editor's words for what readers search for (`search_words:`): as much as a heading,
/// below the title. At 5 they outweighed the audience a search's words name: "naked pic of
/// a classmate" from a teacher opened the young people's page, whose words have "naked
/// photo" (4 more of 368 judged queries right first at 3, none fewer).
const W_ALSO: u16 = 3;
const W_BODY: u16 = 1;
/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.6;

/// One searchable document: a page or a section's own page.
#[derive(Clone)]
struct Doc<'a> {
    title: &'a str,
    description: &'a str,
    url: &'a str,
    section: &'a str,
    /// A training session's date ("Tuesday 30 March 2027"), which tells apart the same course
    /// on different dates.
    date: Option<String>,
    /// Taxonomy name → the document's terms, sorted by name (the fragment's order).
    taxonomies: Vec<(&'a str, &'a [String])>,
    /// What readers may search for to find it (`search_words:`), indexed but not shown.
    also: &'a [String],
    html: &'a str,
}

/// The fragment file of one document, as the client reads it: `{"t": title, "u": address,
/// "s": section, "d": description, "e": a training session's date (only on sessions), "x":
/// {taxonomy: [term, …]}, "r": [[anchor, heading, text], …]}`. Written by hand rather than by serde: it holds the text of the whole site,
/// and nearly all of it needs no escaping, which [`json_str`] finds several times faster.
fn fragment_json(out: &mut Vec<u8>, doc: &Doc<'_>, records: &[text::Record]) {
    let fields = [
        (&b"{\"t\":"[..], doc.title),
        (b",\"u\":", doc.url),
        (b",\"s\":", doc.section),
        (b",\"d\":", doc.description),
    ];
    for (key, value) in fields {
        out.extend_from_slice(key);
        json_str(out, value);
    }
    if let Some(date) = &doc.date {
        out.extend_from_slice(b",\"e\":");
        json_str(out, date);
    }
    out.extend_from_slice(b",\"x\":{");
    for (i, (name, terms)) in doc.taxonomies.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, name);
        out.extend_from_slice(b":[");
        for (j, term) in terms.iter().enumerate() {
            if j > 0 {
                out.push(b',');
            }
            json_str(out, term);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"},\"r\":[");
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        json_str(out, &r.anchor);
        out.push(b',');
        json_str(out, &r.heading);
        out.push(b',');
        json_str(out, clip(&r.text));
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut Vec<u8>, s: &str) {
    // One pass with no branch per byte decides whether anything needs escaping.
    let plain = !s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else if serde_json::to_writer(&mut *out, s).is_err() {
        // Writing to a Vec cannot fail; an empty string keeps the file valid regardless.
        out.extend_from_slice(b"\"\"");
    }
}

/// Glossary acronyms as stems, with their expansions' stems.
struct Synonyms {
    list: Vec<(String, Vec<String>)>,
    /// First stem of an expansion → indexes into `list`.
    by_first: HashMap<String, Vec<usize>>,
}

impl Synonyms {
    fn new(glossary: &Glossary) -> Synonyms {
        let mut list = Vec::new();
        for e in glossary.entries() {
            let acronym = tokens::stems(&e.term);
            let expansion = tokens::stems(&e.expansion);
            if let [a] = acronym.as_slice()
                && !expansion.is_empty()
                && expansion != acronym
            {
                list.push((a.clone(), expansion));
            }
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (_, exp)) in list.iter().enumerate() {
            by_first.entry(exp[0].clone()).or_default().push(i);
        }
        Synonyms { list, by_first }
    }
}

/// Marks a word that is not indexed (a stop word, or one letter).
const SKIP: u32 = u32::MAX;
/// Slots in [`Vocab::recent`] (a power of two): 128 KiB, which stays in a core's cache.
const RECENT: usize = 4096;

/// The words met by one run of documents, numbered. Each parallel run has its own, so the
/// readers never wait for each other; the runs' numbers are merged once at the end.
struct Vocab {
    /// A word as written (lower-cased) → its term, or [`SKIP`]. Most words repeat, so this
    /// saves stemming them again. Words of up to 16 bytes (nearly all) are looked up by their
    /// bytes packed into a number, which hashes and compares faster than a string.
    short: FxHashMap<u128, u32>,
    words: FxHashMap<Box<str>, u32>,
    /// The packed words met last, one per slot by a hash of the word, with their terms: most
    /// words are found here, in a step or two, before `short` is asked.
    recent: Vec<(u128, u32)>,
    /// A stem → its term.
    stems: FxHashMap<Box<str>, u32>,
    /// Terms' stems.
    names: Vec<Box<str>>,
    /// Per term, the glossary expansions that start with it (indexes into `Synonyms::list`).
    starts: Vec<Vec<usize>>,
    /// Per term, whether `starts` has any: asked of every word read, and a byte a term stays
    /// in a core's cache where `starts` (24 bytes a term) does not.
    opens: Vec<bool>,
}

impl Default for Vocab {
    fn default() -> Vocab {
        Vocab {
            short: FxHashMap::default(),
            words: FxHashMap::default(),
            recent: vec![(0, SKIP); RECENT],
            stems: FxHashMap::default(),
            names: Vec::new(),
            starts: Vec::new(),
            opens: Vec::new(),
        }
    }
}

impl Vocab {
    fn term(&mut self, stem: &str, syn: &Synonyms) -> u32 {
        if let Some(&t) = self.stems.get(stem) {
            return t;
        }
        let t = self.names.len() as u32;
        self.names.push(stem.into());
        self.stems.insert(stem.into(), t);
        let starts = syn.by_first.get(stem).cloned().unwrap_or_default();
        self.opens.push(!starts.is_empty());
        self.starts.push(starts);
        t
    }

    /// The term of word `w`, whose bytes [`tokens::pack`] to `packed`.
    fn word(&mut self, w: &str, packed: Option<u128>, syn: &Synonyms, buf: &mut String) -> u32 {
        let slot = packed.map(|k| {
            // A multiplicative hash of the two halves; its top bits pick the slot.
            let h = (k as u64 ^ (k >> 64) as u64 ^ (k >> 80) as u64)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (h >> (64 - RECENT.trailing_zeros())) as usize
        });
        // No word packs to zero, the key of an empty slot.
        if let (Some(k), Some(i)) = (packed, slot)
            && self.recent[i].0 == k
        {
            return self.recent[i].1;
        }
        let known = match packed {
            Some(k) => self.short.get(&k),
            None => self.words.get(w),
        };
        let t = match known {
            Some(&t) => t,
            None => {
                let t = if w.len() < 2 || tokens::is_stop_word(w) {
                    SKIP
                } else {
                    tokens::stem_into(w, buf);
                    self.term(buf, syn)
                };
                match packed {
                    Some(k) => self.short.insert(k, t),
                    None => self.words.insert(w.into(), t),
                };
                t
            }
        };
        if let (Some(k), Some(i)) = (packed, slot) {
            self.recent[i] = (k, t);
        }
        t
    }
}

/// The glossary expansions written in full in `seq` from `i` on: (acronym, words).
fn expansions_at<'v, 'y>(
    vocab: &'v Vocab,
    syn: &'y Synonyms,
    seq: &'v [u32],
    i: usize,
) -> impl Iterator<Item = (&'y str, usize)> + use<'v, 'y> {
    vocab.starts[seq[i] as usize].iter().filter_map(move |&k| {
        let (acronym, exp) = &syn.list[k];
        let whole = exp.len() <= seq.len() - i
            && exp
                .iter()
                .zip(&seq[i..])
                .all(|(e, &s)| **e == *vocab.names[s as usize]);
        whole.then_some((acronym.as_str(), exp.len()))
    })
}

/// One document's hits: (term in its run's vocabulary, record, weighted count).
struct DocHits {
    hits: Vec<(u32, u16, u16)>,
    /// Words per record.
    lengths: Vec<u32>,
    /// The title's terms, and how many it has (see [`Run::title_terms`]).
    title: Vec<u32>,
    title_len: u8,
}

/// A run of consecutive documents read by one thread.
#[derive(Default)]
struct Run {
    vocab: Vocab,
    /// (document number, its hits)
    docs: Vec<(usize, DocHits)>,
    /// The documents' fragment files.
    files: Vec<IndexFile>,
    /// Weighted counts in the current record, by term; `touched` lists the non-zero ones.
    counts: Vec<u16>,
    touched: Vec<u32>,
    seq: Vec<u32>,
    buf: String,
    reader: text::Reader,
}

impl Run {
    /// Counts the words of one field of the current record; returns how many.
    fn add(&mut self, text: &str, weight: u16, syn: &Synonyms) -> u32 {
        let Run {
            vocab,
            counts,
            touched,
            seq,
            buf,
            ..
        } = self;
        let mut count = |t: u32| {
            if counts.len() <= t as usize {
                counts.resize(t as usize + 1, 0);
            }
            let c = &mut counts[t as usize];
            if *c == 0 {
                touched.push(t);
            }
            *c = c.saturating_add(weight);
        };
        seq.clear();
        let mut expansions = false;
        tokens::for_each_packed_word(text, |w, packed| {
            let t = vocab.word(w, packed, syn, buf);
            if t != SKIP {
                count(t);
                seq.push(t);
                expansions |= vocab.opens[t as usize];
            }
        });
        // An expansion in full also counts as its acronym, so "CSE" finds pages that only
        // spell out "child sexual exploitation".
        if expansions {
            for i in 0..seq.len() {
                let found: Vec<&str> = expansions_at(vocab, syn, seq, i).map(|(a, _)| a).collect();
                for acronym in found {
                    let a = vocab.term(acronym, syn);
                    count(a);
                }
            }
        }
        seq.len() as u32
    }

    /// The terms of the title just [`add`](Run::add)ed (its acronyms too), without repeats,
    /// and how many it has once each expansion and its acronym count as one ("Child sexual
    /// exploitation (CSE)" has one): a search with that many of them matches the whole title.
    fn title_terms(&mut self, syn: &Synonyms) -> (Vec<u32>, u8) {
        let mut terms: Vec<u32> = self.seq.clone();
        let mut collapsed = Vec::with_capacity(self.seq.len());
        let mut i = 0;
        while i < self.seq.len() {
            let found = expansions_at(&self.vocab, syn, &self.seq, i).next();
            match found {
                Some((acronym, len)) => {
                    let a = self.vocab.term(acronym, syn);
                    terms.push(a);
                    collapsed.push(a);
                    i += len;
                }
                None => {
                    collapsed.push(self.seq[i]);
                    i += 1;
                }
            }
        }
        terms.sort_unstable();
        terms.dedup();
        collapsed.sort_unstable();
        collapsed.dedup();
        (terms, collapsed.len().min(255) as u8)
    }

    /// Ends record `rec`: its counts become hits.
    fn end_record(&mut self, rec: u16, hits: &mut Vec<(u32, u16, u16)>) {
        for &t in &self.touched {
            hits.push((t, rec, std::mem::take(&mut self.counts[t as usize])));
        }
        self.touched.clear();
    }

    /// Reads document `n`, appending its fragment to `out`.
    fn read(&mut self, n: usize, doc: &Doc<'_>, syn: &Synonyms, out: &mut Vec<u8>) {
        let mut reader = std::mem::take(&mut self.reader);
        let records = reader.read(doc.html);
        // Record numbers are u16 in the index; a page with more headings than that keeps
        // the rest of its text in the last record.
        let last = usize::from(u16::MAX);
        let mut hits = Vec::new();
        let (mut title, mut title_len) = (Vec::new(), 0);
        let mut lengths = vec![0u32; records.len().min(last + 1)];
        for (idx, rec) in records.iter().enumerate() {
            let r = idx.min(last);
            let mut words = 0;
            if r == 0 {
                words += self.add(doc.title, W_TITLE, syn);
                (title, title_len) = self.title_terms(syn);
                words += self.add(doc.description, W_DESCRIPTION, syn);
                for (_, terms) in &doc.taxonomies {
                    for t in *terms {
                        words += self.add(t, W_TERMS, syn);
                    }
                }
                for w in doc.also {
                    words += self.add(w, W_ALSO, syn);
                }
                // A session's dates, as its result shows them: "neglect training october".
                if let Some(date) = &doc.date {
                    words += self.add(date, W_TERMS, syn);
                }
            } else {
                words += self.add(&rec.heading, W_HEADING, syn);
            }
            words += self.add(&rec.text, W_BODY, syn);
            lengths[r] += words;
            if idx < last || idx + 1 == records.len() {
                self.end_record(r as u16, &mut hits);
            }
        }
        fragment_json(out, doc, &records[..records.len().min(last + 1)]);
        self.reader = reader;
        self.docs.push((
            n,
            DocHits {
                hits,
                lengths,
                title,
                title_len,
            },
        ));
    }
}

/// A file of the index: where it goes, a digest of it for the index version, and its bytes
/// unless they were written already.
struct IndexFile {
    path: String,
    digest: u64,
    bytes: Option<Vec<u8>>,
}

impl IndexFile {
    /// What the index's version takes of a file at `path` holding `bytes`.
    fn digest_of(path: &str, bytes: &[u8]) -> u64 {
        digest(path.as_bytes()) ^ digest(bytes).rotate_left(7)
    }

    /// Writes the file through `sink` if there is one, so that the index never holds all of
    /// its files in memory at once (they are most of its size); otherwise keeps them.
    fn emit(path: String, bytes: Vec<u8>, sink: Option<Sink<'_>>) -> anyhow::Result<IndexFile> {
        let digest = Self::digest_of(&path, &bytes);
        let bytes = match sink {
            Some(sink) => {
                sink(&path, &Body::Bytes(bytes))?;
                None
            }
            None => Some(bytes),
        };
        Ok(IndexFile {
            path,
            digest,
            bytes,
        })
    }
}

/// The shard key of `term` at `len` characters: letters and digits as they are, any other
/// character as `_`, and `-` past the end of the term. `search.js` has the same function.
/// The order of terms in the index: by their shard keys (see [`key`]), so that the terms of
/// one key are always side by side, then by name. Byte order alone is not enough: in Urdu,
/// `اب` (key `__`) sorts between `ا` and `ب` (both key `_-`), which would split `_-` in two.
fn shard_order(a: &str, b: &str) -> std::cmp::Ordering {
    let mapped = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_ascii_lowercase() || c.is_ascii_digit() {
                    c
                } else {
                    '_'
                }
            })
            .collect::<Vec<char>>()
    };
    // Shorter first where one is the other's start: the end of a term is `-` in a key,
    // which sorts before every other key character.
    let (ma, mb) = (mapped(a), mapped(b));
    ma.cmp(&mb).then_with(|| a.cmp(b))
}

fn key(term: &str, len: usize) -> String {
    let mut chars = term.chars();
    (0..len)
        .map(|_| match chars.next() {
            Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit() => c,
            Some(_) => '_',
            None => '-',
        })
        .collect()
}

/// A quick digest of bytes (for the index version, not security).
fn digest(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// `search.js` without its comments and indentation (a quarter of its size), which every
/// reader downloads with their first search. Only comments that start a line are taken out
/// (the client is written so: none starts inside a string or a regular expression); the
/// browser tests run the result.
fn compact_script(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut in_comment = false;
    for line in src.lines() {
        let mut t = line.trim();
        if in_comment {
            match t.find("*/") {
                Some(end) => {
                    in_comment = false;
                    t = t[end + 2..].trim();
                }
                None => continue,
            }
        } else if t.starts_with("//") {
            continue;
        } else if let Some(rest) = t.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) => t = rest[end + 2..].trim(),
                None => {
                    in_comment = true;
                    continue;
                }
            }
        }
        if !t.is_empty() {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

/// The first [`RECORD_TEXT_LIMIT`] bytes of `text`, cut at a word break.
fn clip(text: &str) -> &str {
    if text.len() <= RECORD_TEXT_LIMIT {
        return text;
    }
    let mut end = RECORD_TEXT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(' ') {
        Some(space) => &text[..space],
        None => &text[..end],
    }
}

/// Every term's postings, gathered from the runs: terms sorted by name, and per term its
/// postings (document, record, weighted count) in document order.
struct Inverted<'a> {
    names: Vec<&'a str>,
    /// `postings[offsets[t]..offsets[t + 1]]` are term t's.
    offsets: Vec<usize>,
    postings: Vec<(u32, u16, u16)>,
    /// Words per record, per document.
    lengths: Vec<&'a [u32]>,
    /// `titles[title_offsets[t]..title_offsets[t + 1]]`: the documents whose title has term t,
    /// with their titles' lengths (see [`Run::title_terms`]), in document order.
    title_offsets: Vec<usize>,
    titles: Vec<(u32, u8)>,
    /// How rare a term is is counted over the documents numbered below this (see [`shards`]).
    measured: usize,
}

fn invert<'r>(runs: &[&'r Run], n_docs: usize) -> Inverted<'r> {
    // One numbering for all runs' terms, in name order so that shards are runs of terms.
    let mut all: Vec<&str> = runs
        .iter()
        .flat_map(|r| r.vocab.names.iter().map(|n| &**n))
        .collect();
    all.sort_unstable_by(|a, b| shard_order(a, b));
    all.dedup();
    let global: FxHashMap<&str, u32> = all
        .iter()
        .enumerate()
        .map(|(i, n)| (*n, i as u32))
        .collect();
    let maps: Vec<Vec<u32>> = runs
        .iter()
        .map(|r| r.vocab.names.iter().map(|n| global[&**n]).collect())
        .collect();
    // A counting sort: how many postings per term, then each in its place, in document
    // order because runs and their documents are in document order.
    let mut offsets = vec![0usize; all.len() + 1];
    for (run, map) in runs.iter().zip(&maps) {
        for (_, d) in &run.docs {
            for h in &d.hits {
                offsets[map[h.0 as usize] as usize + 1] += 1;
            }
        }
    }
    for t in 0..all.len() {
        offsets[t + 1] += offsets[t];
    }
    let mut next = offsets.clone();
    let mut postings = vec![(0u32, 0u16, 0u16); offsets[all.len()]];
    let mut lengths: Vec<&[u32]> = vec![&[]; n_docs];
    for (run, map) in runs.iter().zip(&maps) {
        for (n, d) in &run.docs {
            lengths[*n] = &d.lengths;
            for &(t, rec, w) in &d.hits {
                let g = map[t as usize] as usize;
                postings[next[g]] = (*n as u32, rec, w);
                next[g] += 1;
            }
        }
    }
    // The same counting sort for the titles' terms.
    let mut title_offsets = vec![0usize; all.len() + 1];
    for (run, map) in runs.iter().zip(&maps) {
        for (_, d) in &run.docs {
            for &t in &d.title {
                title_offsets[map[t as usize] as usize + 1] += 1;
            }
        }
    }
    for t in 0..all.len() {
        title_offsets[t + 1] += title_offsets[t];
    }
    let mut next = title_offsets.clone();
    let mut titles = vec![(0u32, 0u8); title_offsets[all.len()]];
    for (run, map) in runs.iter().zip(&maps) {
        for (n, d) in &run.docs {
            for &t in &d.title {
                let g = map[t as usize] as usize;
                titles[next[g]] = (*n as u32, d.title_len);
                next[g] += 1;
            }
        }
    }
    Inverted {
        names: all,
        offsets,
        postings,
        lengths,
        title_offsets,
        titles,
        measured: n_docs,
    }
}

/// Groups the terms `from..to` (sorted) by key at `len` characters into shards, splitting any
/// shard that would be over the limit; returns (key, first term, end term).
fn plan_shards(
    inv: &Inverted<'_>,
    from: usize,
    to: usize,
    len: usize,
    out: &mut Vec<(String, usize, usize)>,
) {
    let mut i = from;
    while i < to {
        let k = key(inv.names[i], len);
        let mut j = i;
        let mut size = 2;
        while j < to && key(inv.names[j], len) == k {
            // About nine bytes a posting: "12,3,45,"; six a title's: "12,3,"; a common
            // term's bitmap a byte per six documents.
            let postings = inv.offsets[j + 1] - inv.offsets[j];
            size += inv.names[j].len() + 4;
            if postings > dense_min(inv.lengths.len()) {
                size += 9 * DENSE_TOP + inv.names[j].len() + 8 + inv.lengths.len() / 6;
            } else {
                size += 9 * postings;
            }
            let titled = inv.title_offsets[j + 1] - inv.title_offsets[j];
            if titled > 0 {
                size += inv.names[j].len() + 6 + 6 * titled;
            }
            j += 1;
        }
        if size > SHARD_LIMIT && len < MAX_KEY && j - i > 1 {
            plan_shards(inv, i, j, len + 1, out);
        } else {
            out.push((k, i, j));
        }
        i = j;
    }
}

/// A term on more documents than this keeps only its best [`DENSE_TOP`] postings in full,
/// and lists every document it is on as a bitmap (a posting costs about nine bytes, a document
/// of the bitmap one bit): see [`shard_json`].
fn dense_min(n_docs: usize) -> usize {
    DENSE_TOP.max(n_docs / 48)
}
/// The postings a common term keeps in full: its best-scoring places, which rank the results
/// shown first.
const DENSE_TOP: usize = 100;
/// The characters of a bitmap, six documents each (`search.js` has the same).
const BITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A shard's JSON: each term with its postings scored, `[document step, record, score, …]`.
/// A term on many documents (see [`dense_min`]) keeps its best postings there, and adds
/// `"~term": [score, bitmap]`: every document it is on, six to a character, which the client
/// scores with that score (the mean of the postings left out) at the document's start. So a
/// word on every page of a 10,000-page site costs about 2.5 KB instead of 90.
fn shard_json(inv: &Inverted<'_>, from: usize, to: usize, avg_len: f32, n_docs: usize) -> Vec<u8> {
    let mut s = Vec::with_capacity(16 + 10 * (inv.offsets[to] - inv.offsets[from]));
    s.push(b'{');
    // BM25's length normalisation, `K1 * (1 - B + B * len / avg_len)`, as `base + per * len`.
    let base = K1 * (1.0 - B);
    let per = K1 * B / avg_len.max(1.0);
    let mut scored: Vec<(u32, u16, u32)> = Vec::new();
    let mut histogram = Vec::new();
    for t in from..to {
        if t > from {
            s.push(b',');
        }
        let postings = &inv.postings[inv.offsets[t]..inv.offsets[t + 1]];
        let (mut df, mut df_all) = (0usize, 0usize);
        let mut last = u32::MAX;
        for p in postings {
            if p.0 != last {
                df_all += 1;
                df += usize::from((p.0 as usize) < inv.measured);
                last = p.0;
            }
        }
        // A word only the translations have is measured against all documents.
        if df == 0 {
            df = df_all;
        }
        let n = inv.measured.max(df) as f32;
        // Times ten, so that the score keeps a decimal place as an integer.
        let idf10 = 10.0 * (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
        scored.clear();
        scored.extend(postings.iter().map(|&(doc, rec, w)| {
            let len = inv.lengths[doc as usize]
                .get(rec as usize)
                .copied()
                .unwrap_or(0) as f32;
            let w = f32::from(w);
            let sat = w * (K1 + 1.0) / (w + base + per * len);
            // Rounded by adding a half: `f32::round` is a library call, and there are millions.
            (doc, rec, (idf10 * sat + 0.5).clamp(1.0, 9999.0) as u32)
        }));
        let dense = df > dense_min(n_docs);
        let mut floor = 0;
        if dense {
            floor = keep_best(&mut scored, &mut histogram);
        }
        // Terms are letters and digits only, so they need no escaping.
        s.push(b'"');
        s.extend_from_slice(inv.names[t].as_bytes());
        s.extend_from_slice(b"\":[");
        let mut prev = 0u32;
        for (k, &(doc, rec, score)) in scored.iter().enumerate() {
            if k > 0 {
                s.push(b',');
            }
            push_int(&mut s, doc - prev);
            s.push(b',');
            push_int(&mut s, u32::from(rec));
            s.push(b',');
            push_int(&mut s, score);
            prev = doc;
        }
        s.push(b']');
        if dense {
            s.extend_from_slice(b",\"~");
            s.extend_from_slice(inv.names[t].as_bytes());
            s.extend_from_slice(b"\":[");
            push_int(&mut s, floor.max(1));
            s.extend_from_slice(b",\"");
            bitmap(&mut s, postings.iter().map(|p| p.0), n_docs);
            s.extend_from_slice(b"\"]");
        }
        // The documents with the term in their title, under the term with `>` before it:
        // `[document step, title length, …]`.
        let titles = &inv.titles[inv.title_offsets[t]..inv.title_offsets[t + 1]];
        if !titles.is_empty() {
            s.extend_from_slice(b",\">");
            s.extend_from_slice(inv.names[t].as_bytes());
            s.extend_from_slice(b"\":[");
            let mut prev = 0u32;
            for (k, &(doc, len)) in titles.iter().enumerate() {
                if k > 0 {
                    s.push(b',');
                }
                push_int(&mut s, doc - prev);
                s.push(b',');
                push_int(&mut s, u32::from(len));
                prev = doc;
            }
            s.push(b']');
        }
    }
    s.push(b'}');
    s
}

/// Keeps of a common term's `scored` postings (in document order) its [`DENSE_TOP`] best,
/// ties to the earlier place, still in document order; returns the mean score of the rest.
/// Scores are small whole numbers, so a count of each finds the lowest score kept in two
/// passes, where sorting the term's postings (a word on every page of a 10,000-page site has
/// tens of thousands) took a twentieth of the index's time. `histogram` is reused.
fn keep_best(scored: &mut Vec<(u32, u16, u32)>, histogram: &mut Vec<u32>) -> u32 {
    let rest = scored.len().saturating_sub(DENSE_TOP);
    if rest == 0 {
        return 0;
    }
    let top = scored.iter().map(|p| p.2).max().unwrap_or(0) as usize;
    histogram.clear();
    histogram.resize(top + 1, 0);
    let mut sum = 0u64;
    for p in scored.iter() {
        histogram[p.2 as usize] += 1;
        sum += u64::from(p.2);
    }
    // The lowest score kept, and how many postings with it are kept (the earliest).
    let (mut lowest, mut above) = (top, 0usize);
    while above + (histogram[lowest] as usize) < DENSE_TOP {
        above += histogram[lowest] as usize;
        lowest -= 1;
    }
    let mut at_lowest = DENSE_TOP - above;
    let mut kept_sum = 0u64;
    scored.retain(|p| {
        let keep = p.2 as usize > lowest || (p.2 as usize == lowest && at_lowest > 0);
        if keep {
            at_lowest -= usize::from(p.2 as usize == lowest);
            kept_sum += u64::from(p.2);
        }
        keep
    });
    ((sum - kept_sum) / rest as u64) as u32
}

/// Appends the documents `docs` (ascending, repeats allowed) of `n_docs` as [`BITS`]
/// characters, six documents each, the lowest bit first; trailing empty characters left off.
fn bitmap(out: &mut Vec<u8>, docs: impl Iterator<Item = u32>, n_docs: usize) {
    let mut sixes = vec![0u8; n_docs.div_ceil(6)];
    for d in docs {
        let d = d as usize;
        if let Some(c) = sixes.get_mut(d / 6) {
            *c |= 1 << (d % 6);
        }
    }
    let used = sixes.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
    out.extend(sixes[..used].iter().map(|&c| BITS[usize::from(c)]));
}

fn doc_terms<'a>(
    site: &'a Site,
    m: &'a crate::content::frontmatter::CommonMeta,
) -> Vec<(&'a str, &'a [String])> {
    let mut terms = site
        .config
        .taxonomies
        .iter()
        .filter_map(|t| Some((t.as_str(), m.taxonomies.get(t)?.as_slice())))
        .collect::<Vec<_>>();
    terms.sort_unstable_by_key(|(name, _)| *name);
    terms
}

/// The template of the page that lists the glossary's terms.
const GLOSSARY_TEMPLATE: &str = "glossary.html";

/// Whether the index reads `p` as its template shows it (see
/// [`crate::render::templated_text`]): every page but the glossary's, which stays its
/// Markdown, because every acronym is on it and "what is a DSL" finds it through the glossary
/// itself.
pub fn reads_as_shown(p: &crate::content::Page) -> bool {
    !is_glossary_page(p)
}

/// Whether `p` is the page that lists the glossary.
fn is_glossary_page(p: &crate::content::Page) -> bool {
    p.meta
        .common
        .template
        .as_ref()
        .is_some_and(|t| t.value == GLOSSARY_TEMPLATE)
}

/// Ascending numbers as runs of `[first, count]`.
fn runs_of(ids: impl Iterator<Item = usize>) -> Vec<[usize; 2]> {
    let mut out: Vec<[usize; 2]> = Vec::new();
    for i in ids {
        match out.last_mut() {
            Some([first, n]) if *first + *n == i => *n += 1,
            _ => out.push([i, 1]),
        }
    }
    out
}

/// Appends `n` in decimal (`write!` is several times slower, and there are millions).
fn push_int(s: &mut Vec<u8>, n: u32) {
    s.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// The documents of `site`: its pages, then its sections.
fn documents<'a>(
    site: &'a Site,
    pages: &'a [Rendered],
    sections: &'a [Rendered],
    shown: &'a [Option<String>],
    words: &crate::training::Words<'_>,
) -> Vec<Doc<'a>> {
    let section_title = |i: usize| -> &str {
        if i == 0 {
            ""
        } else {
            &site.sections[i].meta.common.title
        }
    };
    site.pages
        .iter()
        .zip(pages)
        .enumerate()
        .map(|(i, (p, r))| Doc {
            title: &p.meta.common.title,
            description: p.meta.common.description.as_deref().unwrap_or(""),
            url: &p.doc.url,
            section: section_title(p.section),
            date: crate::training::event_of(p).map(|e| crate::training::dates_label(e, words)),
            taxonomies: doc_terms(site, &p.meta.common),
            also: &p.meta.common.search_words,
            html: shown.get(i).and_then(Option::as_deref).unwrap_or(r.html()),
        })
        .chain(site.sections.iter().zip(sections).map(|(s, r)| Doc {
            title: &s.meta.common.title,
            description: s.meta.common.description.as_deref().unwrap_or(""),
            url: &s.doc.url,
            section: s.parent.map_or("", section_title),
            date: None,
            taxonomies: doc_terms(site, &s.meta.common),
            also: &s.meta.common.search_words,
            html: r.html(),
        }))
        .collect()
}

/// A shard's key and its file.
type Shard = (String, IndexFile);

/// Reads `docs`, numbered from `first` (a multiple of [`BUNDLE`]), in parallel runs, writing
/// their fragments in bundles under `dir`; returns the runs.
fn read_runs(
    docs: &[Doc<'_>],
    first: usize,
    syn: &Synonyms,
    dir: &str,
    sink: Option<Sink<'_>>,
) -> anyhow::Result<Vec<Run>> {
    docs.par_chunks(BUNDLE)
        .enumerate()
        .try_fold(Run::default, |mut run, (c, bundle)| {
            let b = first / BUNDLE + c;
            let size: usize = bundle.iter().map(|d| d.html.len() / 2 + 256).sum();
            let mut bytes = Vec::with_capacity(size);
            bytes.push(b'[');
            for (i, d) in bundle.iter().enumerate() {
                if i > 0 {
                    bytes.push(b',');
                }
                run.read(b * BUNDLE + i, d, syn, &mut bytes);
            }
            bytes.push(b']');
            let file = IndexFile::emit(format!("{dir}{INDEX_DIR}p/{b}.json"), bytes, sink)?;
            run.files.push(file);
            anyhow::Ok(run)
        })
        .collect::<anyhow::Result<Vec<Run>>>()
}

/// Builds and writes under `dir` the shards of the documents `runs` read (numbered below
/// `n_docs`): their keys and files in key order. Scores are measured against the documents
/// below `measured` (how rare a word is, how long a record is), so that the translations
/// listed after the main language's pages change no score of its pages for its words.
fn shards(
    runs: &[&Run],
    n_docs: usize,
    measured: usize,
    dir: &str,
    sink: Option<Sink<'_>>,
) -> anyhow::Result<Vec<Shard>> {
    let mut inv = invert(runs, n_docs);
    inv.measured = measured;
    let (total, count) = inv.lengths[..measured.min(n_docs)]
        .iter()
        .flat_map(|l| l.iter())
        .fold((0u64, 0u64), |(t, c), &l| (t + u64::from(l), c + 1));
    let avg_len = total as f32 / count.max(1) as f32;
    let mut plan = Vec::new();
    plan_shards(&inv, 0, inv.names.len(), 2, &mut plan);
    plan.into_par_iter()
        .map(|(k, from, to)| {
            let json = shard_json(&inv, from, to, avg_len, n_docs);
            let file = IndexFile::emit(format!("{dir}{INDEX_DIR}t/{k}.json"), json, sink)?;
            Ok((k, file))
        })
        .collect::<anyhow::Result<_>>()
}

/// What the index reads of each page and section.
pub struct Texts<'a> {
    /// The pages' rendered Markdown, in the site's order.
    pub pages: &'a [Rendered],
    /// The sections' rendered Markdown.
    pub sections: &'a [Rendered],
    /// Per page, what its own template shows, in place of its Markdown (see
    /// [`crate::render::templated_text`]).
    pub shown: &'a [Option<String>],
    /// The translations' rendered Markdown, in the site's order.
    pub translations: &'a [Rendered],
    /// The words for sessions' dates, which a result shows.
    pub words: &'a crate::training::Words<'a>,
}

/// The documents of one of the site's other languages, in the index of its search page, after
/// every document of the main language (whose numbers, and so the filters, sessions and news
/// lists, stay as they are): the search page of a language shows its own pages first.
struct Own {
    /// The tag, whose folder the index goes in (`pl/search/index/`).
    folder: String,
    /// The number of the first of them.
    first: usize,
    /// How many there are.
    count: usize,
    /// The number of its translation of the "Worried about a child?" page.
    report: Option<usize>,
}

/// Takes the site, the main language's documents and what the translations show; returns the
/// documents of each other language with translations: its folder, and its own documents.
fn translated<'a>(site: &'a Site, texts: &Texts<'a>) -> Vec<(usize, Vec<Doc<'a>>, Option<usize>)> {
    let report = site
        .config
        .report
        .as_ref()
        .and_then(|r| r.page.strip_prefix("@/")?.split('#').next());
    let mut out = Vec::new();
    for lang in 0..site.config.languages.len() {
        let mut docs = Vec::new();
        let mut report_at = None;
        for (t, r) in site.translations.iter().zip(texts.translations) {
            if t.lang != lang {
                continue;
            }
            if report == Some(site.path_of(t.of)) {
                report_at = Some(docs.len());
            }
            docs.push(Doc {
                title: &t.meta.title,
                description: t.meta.description.as_deref().unwrap_or(""),
                url: &t.doc.url,
                section: "",
                date: None,
                taxonomies: Vec::new(),
                also: &t.meta.search_words,
                html: r.html(),
            });
        }
        if !docs.is_empty() {
            out.push((lang, docs, report_at));
        }
    }
    out
}

/// The index files for `site`, from what its pages and sections show (`texts`): the main
/// language's at `search/index/`, and for each other language with translations one at
/// `TAG/search/index/` holding its pages and then the main language's. With a `sink`, the
/// files are written through it as they are made, and come back as [`Body::Written`].
pub fn index(
    site: &Site,
    texts: &Texts<'_>,
    glossary: &Glossary,
    settings: &settings::SearchSettings,
    now: jiff::Timestamp,
    sink: Option<Sink<'_>>,
) -> anyhow::Result<Vec<OutputFile>> {
    let docs = documents(site, texts.pages, texts.sections, texts.shown, texts.words);
    let cx = IndexContext {
        site,
        glossary,
        settings,
        now,
        sink,
    };
    let syn = Synonyms::new(glossary);
    let mut runs = read_runs(&docs, 0, &syn, "", sink)?;
    let fragments: Vec<IndexFile> = runs
        .iter_mut()
        .flat_map(|r| std::mem::take(&mut r.files))
        .collect();
    // Another language's index shares these files: its version changes with them.
    let shared: Vec<u64> = fragments.iter().map(|f| f.digest).collect();
    // The other languages' documents, numbered from the bundle after the main language's.
    let first = docs.len().div_ceil(BUNDLE) * BUNDLE;
    let languages = translated(site, texts);
    // The main search page finds the translations too, after every page in its own language:
    // a reader who types Polish on the English page ("martwię się o dziecko") gets the Polish
    // page, not "no results". They are read once more, into fragments of the main index.
    let mut elsewhere = Elsewhere {
        main: docs.len(),
        languages: Vec::new(),
    };
    let mut all_translated = Vec::new();
    for (lang, own, _) in &languages {
        elsewhere.languages.push(Translated {
            first: first + all_translated.len(),
            count: own.len(),
            tag: &site.config.languages[*lang].tag,
            dir: crate::strings::direction_of(&site.config.languages[*lang]),
        });
        all_translated.extend(own.iter().cloned());
    }
    let mut main: Vec<&Run> = runs.iter().collect();
    let mut main_fragments = fragments;
    let mut translated_runs = read_runs(&all_translated, first, &syn, "", sink)?;
    main_fragments.extend(
        translated_runs
            .iter_mut()
            .flat_map(|r| std::mem::take(&mut r.files)),
    );
    main.extend(translated_runs.iter());
    let n_main = if all_translated.is_empty() {
        docs.len()
    } else {
        first + all_translated.len()
    };
    let mut files = write_index(
        &cx,
        &main,
        n_main,
        main_fragments,
        &[],
        None,
        (!all_translated.is_empty()).then_some(&elsewhere),
    )?;
    files.push(OutputFile {
        path: CLIENT_PATH.to_string(),
        body: IndexFile::emit(
            CLIENT_PATH.to_string(),
            compact_script(CLIENT).into_bytes(),
            sink,
        )?
        .bytes
        .map_or(Body::Written, Body::Bytes),
        origin: "the search index".to_string(),
    });
    // Another language's index: the main language's documents as read above (not read
    // again), then its own, from the next bundle on.
    for (lang, own, report) in languages {
        let folder = format!("{}/", site.config.languages[lang].tag.to_ascii_lowercase());
        let mut own_runs = read_runs(&own, first, &syn, &folder, sink)?;
        let own_files: Vec<IndexFile> = own_runs
            .iter_mut()
            .flat_map(|r| std::mem::take(&mut r.files))
            .collect();
        let all: Vec<&Run> = runs.iter().chain(own_runs.iter()).collect();
        let own = Own {
            folder,
            first,
            count: own.len(),
            report: report.map(|r| first + r),
        };
        files.extend(write_index(
            &cx,
            &all,
            first + own.count,
            own_files,
            &shared,
            Some(&own),
            None,
        )?);
    }
    Ok(files)
}

/// The translations in the main language's index, which lists them after its own pages and
/// marks them with their language.
struct Elsewhere<'a> {
    /// How many documents the main language has, which come first.
    main: usize,
    /// Each language's translations.
    languages: Vec<Translated<'a>>,
}

/// One language's translations in the main language's index.
struct Translated<'a> {
    /// The number of the first of them.
    first: usize,
    /// How many there are.
    count: usize,
    /// The language's tag (`pl`).
    tag: &'a str,
    /// Which way it is written: `ltr` or `rtl`.
    dir: &'static str,
}

/// What every index of the site is written with.
struct IndexContext<'a> {
    site: &'a Site,
    glossary: &'a Glossary,
    settings: &'a settings::SearchSettings,
    now: jiff::Timestamp,
    sink: Option<Sink<'a>>,
}

/// The files of one index over the documents `runs` read (numbered below `n_docs`), whose
/// fragment files are `fragments`: the main language's, or with `own` another language's,
/// which shares the main index's fragments (their digests `shared`) and filter lists. The
/// main language's index lists the translations `elsewhere` after its own documents.
fn write_index(
    cx: &IndexContext<'_>,
    runs: &[&Run],
    n_docs: usize,
    fragments: Vec<IndexFile>,
    shared: &[u64],
    own: Option<&Own>,
    elsewhere: Option<&Elsewhere<'_>>,
) -> anyhow::Result<Vec<OutputFile>> {
    let IndexContext {
        site,
        glossary: _,
        settings,
        now,
        sink,
    } = *cx;
    let dir = own.map_or("", |o| o.folder.as_str());
    let measured = elsewhere.map_or(n_docs, |e| e.main);
    let shards = shards(runs, n_docs, measured, dir, sink)?;
    let syn = Synonyms::new(cx.glossary);

    let mut files: Vec<IndexFile> = Vec::with_capacity(fragments.len() + shards.len() + 8);
    let mut version = FxHasher::default();
    shared.iter().for_each(|d| version.write_u64(*d));
    files.extend(fragments);
    let mut keys = Vec::with_capacity(shards.len());
    for (k, file) in shards {
        keys.push(k);
        files.push(file);
    }
    for t in &site.taxonomies {
        for term in &t.terms {
            let mut ids: Vec<usize> = term.pages.to_vec();
            ids.sort_unstable();
            let path = format!("{dir}{INDEX_DIR}f/{}/{}.json", t.name, term.slug);
            let bytes = serde_json::to_vec(&ids)?;
            // Only the main language's pages carry terms: another language's index reads
            // the main one's lists.
            if own.is_some() {
                version.write_u64(IndexFile::digest_of(&path, &bytes));
            } else {
                files.push(IndexFile::emit(path, bytes, sink)?);
            }
        }
    }
    // The version changes whenever any index file does, so a browser never mixes the meta of
    // one build with shards of another.
    files.iter().for_each(|f| version.write_u64(f.digest));
    let version = version.finish();
    // The "Worried about a child?" page (`report.page`), which a search asking for help
    // shows first, as a page or a section's page.
    let report = match own {
        Some(o) => o.report,
        None => site.config.report.as_ref().and_then(|r| {
            let path = r.page.strip_prefix("@/")?.split('#').next()?;
            site.page_by_path.get(path).copied().or_else(|| {
                let s = *site.section_by_path.get(path)?;
                Some(site.pages.len() + s)
            })
        }),
    };
    // Who is searching: each audience's slug (its list is `f/audiences/SLUG.json`), words, and
    // whether its pages are read by everyone (then they keep their place for other readers).
    let readers: Vec<(&str, &Vec<Vec<String>>, bool)> = settings
        .readers
        .iter()
        .filter_map(|r| {
            let tax = site.taxonomies.iter().find(|t| t.name == "audiences")?;
            let term = tax.terms.iter().find(|t| t.name == r.audience)?;
            let everyone = settings
                .read_by_everyone
                .iter()
                .any(|(a, _)| *a == r.audience);
            Some((term.slug.as_str(), &r.triggers, everyone))
        })
        .collect();
    // Training sessions, upcoming and past (as runs of [first document, count]): a search for a
    // topic wants the guidance before a course on it, a search for a course the next sessions.
    let sessions = |upcoming: bool| {
        runs_of(site.pages.iter().enumerate().filter_map(|(i, p)| {
            let e = crate::training::event_of(p)?;
            (crate::training::is_upcoming(e, now) == upcoming).then_some(i)
        }))
    };
    // The page that lists the glossary (the theme's `glossary.html`), which "what is a DSL"
    // wants first.
    let glossary_page = site.pages.iter().position(is_glossary_page);
    let meta = serde_json::json!({
        "format": 1,
        "version": format!("{version:016x}"),
        "documents": n_docs,
        "bundle": BUNDLE,
        "shards": keys,
        "stop": tokens::STOP_WORDS,
        "synonyms": syn.list,
        "phrases": settings.synonyms,
        "safety": settings.safety,
        "report": report,
        "glossary": glossary_page,
        "sessions": {"upcoming": sessions(true), "past": sessions(false)},
        // Dated posts of sections with a feed (news): a lasting page answers before them.
        "news": runs_of(site.pages.iter().enumerate().filter_map(|(i, p)| {
            site.sections[p.section].meta.feed.then_some(i)
        })),
        "readers": readers,
        "filler": tokens::STOP_WORDS.iter().filter(|w| settings::is_filler(w)).collect::<Vec<_>>(),
        "taxonomies": site.config.taxonomies,
        // In another language's index, its own documents, which come first, and the main
        // language, which the others are in.
        "own": own.map(|o| [o.first, o.count]),
        "main": own.map(|_| &site.config.language),
        // Where the files it shares with the main language's index are.
        "shared": own.map(|_| format!("{}{INDEX_DIR}", site.config.base_path())),
        // In the main language's index, each language's translations: [first, count, tag,
        // direction], after every page of the main language.
        "translations": elsewhere.map(|e| {
            e.languages.iter().map(|l| (l.first, l.count, l.tag, l.dir)).collect::<Vec<_>>()
        }),
    });
    files.push(IndexFile::emit(
        format!("{dir}{INDEX_DIR}meta.json"),
        serde_json::to_vec(&meta)?,
        sink,
    )?);
    Ok(files
        .into_iter()
        .map(|f| OutputFile {
            path: f.path,
            body: f.bytes.map_or(Body::Written, Body::Bytes),
            origin: "the search index".to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, html: &'a str) -> Doc<'a> {
        Doc {
            title,
            description: "",
            url: "/a/",
            section: "",
            date: None,
            taxonomies: vec![],
            also: &[],
            html,
        }
    }

    #[test]
    fn terms_of_one_shard_key_sit_together_in_any_script() {
        let mut terms = vec!["ب", "اب", "ا", "zoe", "zo", "z1", "a", "ąb", "ab", "ac"];
        terms.sort_unstable_by(|a, b| shard_order(a, b));
        for len in 1..=3 {
            let keys: Vec<String> = terms.iter().map(|t| key(t, len)).collect();
            let mut seen = std::collections::HashSet::new();
            for (i, k) in keys.iter().enumerate() {
                if i == 0 || keys[i - 1] != *k {
                    assert!(
                        seen.insert(k.clone()),
                        "key {k} split at length {len}: {terms:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn fragments_are_the_json_serde_would_write() {
        let tricky = "quote \" backslash \\ tab \t nul \u{0} zoë </script>";
        let terms = ["Parents & carers".to_string(), tricky.to_string()];
        let mut d = doc(tricky, "");
        d.taxonomies = vec![("audiences", &terms[..]), ("topics", &terms[..1])];
        d.date = Some("Tuesday 30 March 2027".into());
        let records = [text::Record {
            anchor: "a".into(),
            heading: tricky.into(),
            text: "plain".into(),
        }];
        let mut json = Vec::new();
        fragment_json(&mut json, &d, &records);
        let got: serde_json::Value = serde_json::from_slice(&json).unwrap();
        let want = serde_json::json!({
            "t": tricky, "u": "/a/", "s": "", "d": "", "e": "Tuesday 30 March 2027",
            "x": {"audiences": terms, "topics": ["Parents & carers"]},
            "r": [["a", tricky, "plain"]],
        });
        assert_eq!(got, want);
        // Only a training session has a date.
        let mut plain = Vec::new();
        fragment_json(&mut plain, &doc("A page", ""), &records);
        let plain: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert!(plain.get("e").is_none(), "{plain}");
        let mut out = Vec::new();
        json_str(&mut out, tricky);
        assert_eq!(out, serde_json::to_vec(tricky).unwrap());
    }

    #[test]
    fn the_client_ships_without_comments() {
        let js = compact_script(CLIENT);
        assert!(
            js.len() * 4 < CLIENT.len() * 3,
            "{} of {}",
            js.len(),
            CLIENT.len()
        );
        assert!(
            js.lines()
                .all(|l| !l.starts_with("/*") && !l.starts_with("//") && !l.starts_with(' '))
        );
        assert!(js.contains("window.havenSearch"));
        let tricky = "a();\n  /* one */ b();\n/* two\n lines */ c();\n// three\nd('/* not */');\n";
        assert_eq!(
            compact_script(tricky),
            "a();\nb();\nc();\nd('/* not */');\n"
        );
    }

    #[test]
    fn keys_pad_and_replace() {
        assert_eq!(key("county", 2), "co");
        assert_eq!(key("co", 3), "co-");
        assert_eq!(key("zoë", 3), "zo_");
    }

    #[test]
    fn large_groups_split_by_one_more_character() {
        // Two terms on fewer pages than make them common, but too many for one shard.
        let half = SHARD_LIMIT / 9 / 2 + 1;
        let inv = Inverted {
            names: vec!["coat", "county", "cow", "dog"],
            offsets: vec![0, half, 2 * half, 2 * half + 1, 2 * half + 2],
            postings: vec![(0, 0, 1); 2 * half + 2],
            lengths: vec![&[5]; 100_000],
            title_offsets: vec![0, 0, 1, 1, 1],
            titles: vec![(0, 2)],
            measured: 100_000,
        };
        let mut plan = Vec::new();
        plan_shards(&inv, 0, 4, 2, &mut plan);
        assert_eq!(
            plan,
            [
                ("coa".to_string(), 0, 1),
                ("cou".to_string(), 1, 2),
                ("cow".to_string(), 2, 3),
                ("do".to_string(), 3, 4)
            ]
        );
        let county = String::from_utf8(shard_json(&inv, 1, 2, 5.0, 1)).unwrap();
        assert!(county.starts_with("{\"county\":[0,0,"), "{county}");
        assert!(county.ends_with("],\">county\":[0,2]}"), "{county}");
    }

    #[test]
    fn an_expansion_counts_as_its_acronym() {
        let glossary = Glossary::from_entries([crate::glossary::Entry {
            term: "CSE".into(),
            expansion: "child sexual exploitation".into(),
            definition: String::new(),
        }]);
        let syn = Synonyms::new(&glossary);
        assert_eq!(
            syn.list,
            [(
                "cse".to_string(),
                vec![
                    "child".to_string(),
                    "sexual".to_string(),
                    "exploitation".to_string()
                ]
            )]
        );
        let mut run = Run::default();
        let mut fragment = Vec::new();
        run.read(
            0,
            &doc("Keeping safe", "<p>Signs of child sexual exploitation.</p>"),
            &syn,
            &mut fragment,
        );
        let names = &run.vocab.names;
        let has = |t: &str| {
            let id = names.iter().position(|n| &**n == t);
            id.is_some_and(|id| run.docs[0].1.hits.iter().any(|h| h.0 as usize == id))
        };
        assert!(has("cse") && has("exploitation") && has("sign") && !has("of"));
        let f: serde_json::Value = serde_json::from_slice(&fragment).unwrap();
        assert_eq!(f["r"][0][2], "Signs of child sexual exploitation.");
        assert_eq!(run.docs[0].1.title_len, 2, "\"Keeping safe\": two words");
    }

    #[test]
    fn titles_are_indexed_with_their_length_an_expansion_and_its_acronym_counting_once() {
        let glossary = Glossary::from_entries([crate::glossary::Entry {
            term: "CSE".into(),
            expansion: "child sexual exploitation".into(),
            definition: String::new(),
        }]);
        let syn = Synonyms::new(&glossary);
        let docs = [
            doc("Child sexual exploitation (CSE)", "<p>Signs.</p>"),
            doc("Worried about a child?", "<p>Call us.</p>"),
        ];
        let (runs, shards) = read_all(&docs, &syn);
        let names = |d: usize| {
            let (_, hits) = runs
                .iter()
                .flat_map(|r| &r.docs)
                .find(|(n, _)| *n == d)
                .unwrap();
            let run = runs
                .iter()
                .find(|r| r.docs.iter().any(|(n, _)| *n == d))
                .unwrap();
            let mut t: Vec<&str> = hits
                .title
                .iter()
                .map(|&t| &*run.vocab.names[t as usize])
                .collect();
            t.sort_unstable();
            (t, hits.title_len)
        };
        assert_eq!(
            names(0),
            (vec!["child", "cse", "exploitation", "sexual"], 1)
        );
        assert_eq!(names(1), (vec!["child", "worry"], 2));
        // ">child": both documents, with their titles' lengths.
        let ch = &shards.iter().find(|(k, _)| k == "ch").unwrap().1;
        let v: serde_json::Value = serde_json::from_slice(ch.bytes.as_ref().unwrap()).unwrap();
        assert_eq!(v[">child"], serde_json::json!([0, 1, 1, 2]));
    }

    #[test]
    fn scores_favour_titles_and_rare_terms() {
        let syn = Synonyms::new(&Glossary::default());
        let docs = [
            doc("Neglect", "<p>Help for families.</p>"),
            doc(
                "Help",
                "<p>Neglect is one thing families get help with.</p>",
            ),
        ];
        let (_, shards) = read_all(&docs, &syn);
        let file = &shards.iter().find(|(k, _)| k == "ne").unwrap().1;
        let v: serde_json::Value = serde_json::from_slice(file.bytes.as_ref().unwrap()).unwrap();
        let p = v["neglect"].as_array().unwrap();
        // [doc 0, record 0, score, step 1, record 0, score]: the title match scores higher.
        assert_eq!((p[0].as_u64(), p[3].as_u64()), (Some(0), Some(1)));
        assert!(p[2].as_u64() > p[5].as_u64(), "{p:?}");
    }

    /// The runs and shards of `docs`, read as one site.
    fn read_all(docs: &[Doc<'_>], syn: &Synonyms) -> (Vec<Run>, Vec<Shard>) {
        let runs = read_runs(docs, 0, syn, "", None).unwrap();
        let all: Vec<&Run> = runs.iter().collect();
        let shards = shards(&all, docs.len(), docs.len(), "", None).unwrap();
        (runs, shards)
    }

    #[test]
    fn translations_after_the_main_pages_change_none_of_their_scores() {
        let syn = Synonyms::new(&Glossary::default());
        let main = [
            doc("Neglect", "<p>Help for families in Bromley.</p>"),
            doc(
                "Help",
                "<p>Neglect is one thing families get help with.</p>",
            ),
            doc("Contact", "<p>Call the hub.</p>"),
        ];
        let polish = [doc("Zaniedbanie", "<p>Pomoc dla rodzin w Bromley.</p>")];
        let (_, alone) = read_all(&main, &syn);
        let mut runs = read_runs(&main, 0, &syn, "", None).unwrap();
        runs.extend(read_runs(&polish, 4, &syn, "", None).unwrap());
        let runs: Vec<&Run> = runs.iter().collect();
        let with = shards(&runs, 5, 3, "", None).unwrap();
        for (word, n) in [
            ("neglect", 0),
            ("neglect", 1),
            ("bromley", 0),
            ("families", 1),
        ] {
            assert!(score_of(&alone, word, n).is_some(), "{word} in {n}");
            assert_eq!(
                score_of(&alone, word, n),
                score_of(&with, word, n),
                "{word} in {n}"
            );
        }
        // Measured against every document, "bromley" would be commoner and score less.
        let all = shards(&runs, 5, 5, "", None).unwrap();
        assert!(score_of(&all, "bromley", 0) < score_of(&alone, "bromley", 0));
        // A word only the translation has is found there.
        assert!(score_of(&with, "zaniedbanie", 4).is_some());
    }

    /// The score of document `n` for `word` in `shards`, if the word finds it.
    fn score_of(shards: &[Shard], word: &str, n: u64) -> Option<u64> {
        let word = tokens::stem(word);
        let file = &shards.iter().find(|(k, _)| word.starts_with(k.as_str()))?.1;
        let v: serde_json::Value = serde_json::from_slice(file.bytes.as_ref()?).ok()?;
        // [document step, record, score, …]: the steps add up to each document's number.
        let (mut d, mut found) = (0, None);
        for c in v[&word].as_array()?.chunks(3) {
            d += c[0].as_u64()?;
            if d == n {
                found = c[2].as_u64();
            }
        }
        found
    }

    #[test]
    fn a_session_is_found_by_its_dates() {
        let syn = Synonyms::new(&Glossary::default());
        let docs = [
            doc("Neglect", "<p>Spotting neglect early.</p>"),
            Doc {
                date: Some("Thursday 8 October 2026".to_string()),
                ..doc("Responding to neglect", "<p>A course.</p>")
            },
        ];
        let (_, shards) = read_all(&docs, &syn);
        // "neglect training october": the month finds the session and nothing else.
        assert!(score_of(&shards, "october", 1).is_some());
        assert_eq!(score_of(&shards, "october", 0), None);
        assert!(score_of(&shards, "neglect", 0).is_some());
    }

    #[test]
    fn search_words_find_a_page_above_its_body_and_below_its_title() {
        let syn = Synonyms::new(&Glossary::default());
        let also = ["Naked photos".to_string()];
        let docs = [
            doc("Online safety", "<p>Sharing images.</p>"),
            doc("Photos", "<p>Our albums.</p>"),
            doc("News", "<p>Photos from the day.</p>"),
            Doc {
                also: &also,
                ..doc("Sharing images", "<p>What to do.</p>")
            },
        ];
        let (runs, shards) = read_all(&docs, &syn);
        let score = |word: &str, n: u64| score_of(&shards, word, n);
        // "naked" is only in the fourth page's search words, and finds it.
        assert!(score("naked", 3).is_some());
        assert_eq!(score("naked", 0), None);
        // "photo": the title scores above the search words, which score above the body.
        let (title, also, body) = (score("photo", 1), score("photo", 3), score("photo", 2));
        assert!(title > also && also > body, "{title:?} {also:?} {body:?}");
        // The search words are not shown: the fragment has none of them.
        let frags: Vec<u8> = runs
            .iter()
            .flat_map(|r| r.files.iter())
            .flat_map(|f| f.bytes.clone().unwrap())
            .collect();
        assert!(
            !String::from_utf8_lossy(&frags)
                .to_lowercase()
                .contains("naked")
        );
    }

    #[test]
    fn the_best_postings_kept_are_those_a_full_sort_would_keep() {
        // Scores from a few values, so that many tie at the lowest score kept.
        let mut seed = 12345u64;
        let mut next = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        let mut histogram = Vec::new();
        for round in 0..200 {
            let len = DENSE_TOP + 1 + next(400) as usize;
            let spread = [3, 20, 9999][round % 3];
            let postings: Vec<(u32, u16, u32)> = (0..len)
                .map(|i| ((i / 3) as u32, (i % 3) as u16, 1 + next(spread) as u32))
                .collect();
            let mut want = postings.clone();
            want.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
            let rest = &want[DENSE_TOP..];
            let mean = rest.iter().map(|p| u64::from(p.2)).sum::<u64>() / rest.len() as u64;
            want.truncate(DENSE_TOP);
            want.sort_by_key(|p| (p.0, p.1));
            let mut got = postings;
            let floor = keep_best(&mut got, &mut histogram);
            assert_eq!(got, want, "round {round}");
            assert_eq!(u64::from(floor), mean, "round {round}");
        }
    }

    #[test]
    fn a_term_on_many_documents_keeps_its_best_postings_and_a_bitmap_of_all() {
        let syn = Synonyms::new(&Glossary::default());
        let n = 130;
        let htmls: Vec<String> = (0..n)
            .map(|i| {
                // Document 7 says "common" most; 129 mentions "rare" too.
                let times = match i {
                    7 => 5,
                    0..110 => 1,
                    _ => 0,
                };
                format!(
                    "<p>{} filler words here{}</p>",
                    "common ".repeat(times),
                    if i == 129 { " rare" } else { "" }
                )
            })
            .collect();
        let docs: Vec<Doc<'_>> = htmls.iter().map(|h| doc("T", h)).collect();
        let (_, shards) = read_all(&docs, &syn);
        let file = &shards.iter().find(|(k, _)| k == "co").unwrap().1;
        let v: serde_json::Value = serde_json::from_slice(file.bytes.as_ref().unwrap()).unwrap();
        let kept = v["common"].as_array().unwrap();
        assert_eq!(kept.len(), 3 * DENSE_TOP, "the best {DENSE_TOP} postings");
        let mut doc = 0;
        let mut best = (0, 0);
        for p in kept.chunks(3) {
            doc += p[0].as_u64().unwrap();
            if p[2].as_u64().unwrap() > best.1 {
                best = (doc, p[2].as_u64().unwrap());
            }
        }
        assert_eq!(
            best.0, 7,
            "the document saying it most is kept, with the top score"
        );
        let dense = v["~common"].as_array().unwrap();
        assert!(dense[0].as_u64().unwrap() >= 1);
        let bits = dense[1].as_str().unwrap();
        let on: Vec<usize> = bits
            .bytes()
            .enumerate()
            .flat_map(|(i, c)| {
                let c = BITS.iter().position(|&b| b == c).unwrap();
                (0..6)
                    .filter(move |b| c & (1 << b) != 0)
                    .map(move |b| i * 6 + b)
            })
            .collect();
        assert_eq!(
            on,
            (0..110).collect::<Vec<_>>(),
            "every document with it, once"
        );
        // A rare term stays as it was.
        let rare = &shards.iter().find(|(k, _)| k == "ra").unwrap().1;
        let r: serde_json::Value = serde_json::from_slice(rare.bytes.as_ref().unwrap()).unwrap();
        assert_eq!(r["rar"][0], 129, "{r}");
        assert!(r.get("~rar").is_none());
    }

    #[test]
    fn more_records_than_the_index_numbers_share_the_last() {
        let html = "<h2 id=\"h\">H</h2><p>word</p>".repeat(usize::from(u16::MAX) + 3);
        let mut run = Run::default();
        let mut fragment = Vec::new();
        let syn = Synonyms::new(&Glossary::default());
        run.read(0, &doc("T", &html), &syn, &mut fragment);
        let (_, hits) = &run.docs[0];
        assert_eq!(hits.lengths.len(), usize::from(u16::MAX) + 1);
        assert_eq!(
            hits.lengths[usize::from(u16::MAX)],
            4,
            "four records of one word"
        );
        let word = run.vocab.names.iter().position(|n| &**n == "word").unwrap();
        let last = hits
            .hits
            .iter()
            .filter(|h| h.0 as usize == word && h.1 == u16::MAX);
        assert_eq!(last.count(), 1, "one posting for the shared record");
        assert!(!fragment.is_empty());
    }
}
