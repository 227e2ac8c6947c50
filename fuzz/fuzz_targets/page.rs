//! Any bytes as a content file: decoding, front matter and Markdown rendering (with the
//! glossary pass and content checks on) must return a result or a diagnostic, never panic,
//! and never take long.
#![no_main]

use std::collections::{HashMap, HashSet};
use std::path::Path;

use haven::content::frontmatter::{self, Ctx};
use haven::glossary::{Entry, Glossary};
use haven::checks::Checks;
use haven::markdown::{self, LinkContext, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = haven::text::decode_text(data) else {
        return;
    };
    let file = Path::new("content/fuzz.md");
    let taxonomies = vec!["topics".to_string(), "audiences".to_string()];
    let cx = Ctx {
        file,
        source: &text,
        taxonomies: &taxonomies,
    };
    let Ok(split) = frontmatter::split(&text, file) else {
        return;
    };
    let _ = frontmatter::page_meta(&split, &cx);
    let _ = frontmatter::section_meta(&split, &cx);
    let urls = HashMap::from([(
        "guidance/neglect.md".to_string(),
        "/guidance/neglect/".to_string(),
    )]);
    let glossary = Glossary::from_entries(["CSE", "MASH"].map(|t| Entry {
        term: t.to_string(),
        expansion: format!("{t} in full"),
        definition: String::new(),
    }));
    let checks = Checks {
        language: vec![haven::checks::Term {
            avoid: "child prostitution".into(),
            instead: "child sexual exploitation".into(),
            level: haven::config::checks::Setting::Error,
            why: String::new(),
        }],
        ..Checks::default()
    };
    let drafts = HashSet::new();
    let link_cx = LinkContext {
        urls: &urls,
        allow_raw_html: false,
        glossary: &glossary,
        drafts: &drafts,
    };
    let src = Source {
        file,
        text: &text,
        body_line: split.body_line,
    };
    if let Ok((_, facts)) = markdown::render(split.body, &src, &link_cx) {
        let _ = haven::checks::page(&facts, split.body, &src, &checks, &glossary);
    }
});
