//! Controlled vocabularies: when `site.yaml` declares the terms of a taxonomy (`terms:`), a page
//! or section using any other term is an error. Without this, `topics: [neglet]` quietly makes
//! a new topic page and takes the page out of Neglect, where readers look for it.

use crate::content::{Document, Site, slugify};
use crate::diagnostics::Diagnostic;
use crate::schemas::locate::YamlPositions;

/// Every use of an undeclared term in the site's pages and sections, each at the term's line
/// and column in its file, with the closest declared term as a guess.
pub fn undeclared_terms(site: &Site) -> Vec<Diagnostic> {
    let cfg = &site.config;
    let docs = site
        .pages
        .iter()
        .map(|p| (&p.doc, &p.meta.common.taxonomies))
        .chain(
            site.sections
                .iter()
                .map(|s| (&s.doc, &s.meta.common.taxonomies)),
        );
    let mut out = Vec::new();
    for (doc, taxonomies) in docs {
        for (taxonomy, terms) in taxonomies {
            let Some(declared) = cfg.terms.get(taxonomy) else {
                continue;
            };
            let names: Vec<&str> = declared.keys().map(String::as_str).collect();
            let slugs: Vec<String> = names.iter().map(|n| slugify(n)).collect();
            for (k, term) in terms.iter().enumerate() {
                if slugs.contains(&slugify(term)) {
                    continue;
                }
                out.push(undeclared(doc, taxonomy, k, term, &names));
            }
        }
    }
    out
}

fn undeclared(doc: &Document, taxonomy: &str, k: usize, term: &str, names: &[&str]) -> Diagnostic {
    let (line, column) = term_position(doc, taxonomy, k);
    let lower = term.to_lowercase();
    let guess = crate::yaml::did_you_mean(&lower, names);
    Diagnostic::in_file(
        &doc.file,
        format!("`{term}` is not one of the site's {taxonomy}"),
    )
    .at_in(&doc.source, line, column)
    .hint(format!(
        "{guess}The {taxonomy} are: {}. To add a new one, list it under terms: {taxonomy}: in site.yaml",
        names.join(", ")
    ))
}

/// Where item `k` of the front-matter list `taxonomy` is written in the document's file.
fn term_position(doc: &Document, taxonomy: &str, k: usize) -> (usize, usize) {
    // The front matter is the text between the opening `---` line and the closing one.
    let front = doc.source[..doc.body_start]
        .split_once('\n')
        .map_or("", |(_, rest)| rest);
    let front = front.trim_end().strip_suffix("---").unwrap_or(front);
    let at = YamlPositions::parse(front)
        .locate(&[taxonomy.to_string(), k.to_string()])
        .best();
    (at.line + 1, at.column)
}
