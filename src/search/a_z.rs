//! The A to Z of topics and guidance: every page, section and taxonomy term by first letter,
//! with the glossary's acronyms pointing at the topic or page they stand for. It needs no
//! JavaScript, so with the search page it gives every page a second way in (WCAG 2.4.5).

use serde::Serialize;

use crate::content::Site;
use crate::glossary::Glossary;

/// One line of the A to Z.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Entry {
    /// What the line says, e.g. "Neglect" or "FGM".
    pub title: String,
    /// Where it links.
    pub url: String,
    /// What it is: the section a page is in, "Topic", "Section"; empty for top-level pages.
    pub kind: String,
    /// For an acronym, what it stands for ("FGM – see Female genital mutilation").
    pub see: Option<String>,
}

/// One letter of the A to Z.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Letter {
    /// "A" … "Z", then "0–9" and "Other" when used.
    pub letter: String,
    /// The fragment id of the letter's heading.
    pub id: String,
    /// The letter's lines, A to Z.
    pub entries: Vec<Entry>,
}

/// "topics" → "Topic".
fn singular_label(taxonomy: &str) -> String {
    capitalise(taxonomy.strip_suffix('s').unwrap_or(taxonomy))
}

fn letter_of(title: &str) -> String {
    match title.chars().find(|c| c.is_alphanumeric()) {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase().to_string(),
        Some(c) if c.is_ascii_digit() => "0–9".to_string(),
        _ => "Other".to_string(),
    }
}

/// Upper-cases the first letter of a term name ("county lines" → "County lines").
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The A to Z, every letter A to Z present (empty ones have no entries), then "0–9" and
/// "Other" when something starts that way. Training sessions are left out: there are many
/// with the same title, and the training calendar lists them.
pub fn build(site: &Site, glossary: &Glossary) -> Vec<Letter> {
    let mut entries: Vec<Entry> = Vec::new();
    for p in &site.pages {
        if p.meta.common.event.is_some() {
            continue;
        }
        entries.push(Entry {
            title: p.meta.common.title.clone(),
            url: p.doc.url.clone(),
            kind: if p.section == 0 {
                String::new()
            } else {
                site.sections[p.section].meta.common.title.clone()
            },
            see: None,
        });
    }
    for s in site.sections.iter().skip(1) {
        entries.push(Entry {
            title: s.meta.common.title.clone(),
            url: s.doc.url.clone(),
            kind: "Section".to_string(),
            see: None,
        });
    }
    for t in &site.taxonomies {
        let label = singular_label(&t.name);
        for term in &t.terms {
            entries.push(Entry {
                title: capitalise(&term.name),
                url: term.url.clone(),
                kind: label.clone(),
                see: None,
            });
        }
    }
    // An acronym whose expansion names a topic or a page leads there.
    let mut acronyms = Vec::new();
    for g in glossary.entries() {
        let want = g.expansion.to_lowercase();
        let target = entries
            .iter()
            .filter(|e| e.see.is_none() && e.title.to_lowercase() == want)
            // A topic gathers every page on it, so it is the better place to land.
            .min_by_key(|e| (e.kind != "Topic", e.url.clone()));
        if let Some(t) = target {
            acronyms.push(Entry {
                title: g.term.clone(),
                url: t.url.clone(),
                kind: String::new(),
                see: Some(t.title.clone()),
            });
        }
    }
    entries.extend(acronyms);
    entries.sort_by(|a, b| {
        (a.title.to_lowercase(), &a.kind, &a.url).cmp(&(b.title.to_lowercase(), &b.kind, &b.url))
    });
    entries.dedup();

    let mut letters: Vec<Letter> = ('A'..='Z')
        .map(|c| Letter {
            letter: c.to_string(),
            id: format!("letter-{}", c.to_ascii_lowercase()),
            entries: Vec::new(),
        })
        .collect();
    for e in entries {
        let l = letter_of(&e.title);
        let slot = match letters.iter().position(|x| x.letter == l) {
            Some(i) => i,
            None => {
                letters.push(Letter {
                    id: if l == "Other" {
                        "letter-other".to_string()
                    } else {
                        "letter-0-9".to_string()
                    },
                    letter: l,
                    entries: Vec::new(),
                });
                letters.len() - 1
            }
        };
        letters[slot].entries.push(e);
    }
    // "0–9" before "Other", whichever came first.
    letters.sort_by_key(|l| match l.letter.as_str() {
        "0–9" => 1,
        "Other" => 2,
        _ => 0,
    });
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_letters() {
        assert_eq!(singular_label("topics"), "Topic");
        assert_eq!(singular_label("audiences"), "Audience");
        assert_eq!(letter_of("“Neglect”"), "N");
        assert_eq!(letter_of("2025 report"), "0–9");
        assert_eq!(letter_of("Ôtre"), "Other");
        assert_eq!(capitalise("county lines"), "County lines");
    }
}
