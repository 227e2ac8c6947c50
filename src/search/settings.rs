//! What editors tell the search (`data/search.yaml`): the words readers use for what the site
//! calls something else (`synonyms`), and more searches that should show the "If you are
//! worried" box above the results (`safety`, added to the built-in list in `safety.txt`).
//!
//! ```yaml
//! synonyms:
//!   running away: [missing children]
//!   cutting: [self-harm, female genital mutilation]   # two meanings: both are shown
//! safety:
//!   - my stepdad hits me
//! ```

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::tokens;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The data file the settings are read from, below `data/`.
pub const SEARCH_FILE: &str = "search.yaml";

/// The searches that show the safety box on every site, one per line (`#` starts a comment).
const BUILT_IN_SAFETY: &str = include_str!("safety.txt");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    synonyms: Pairs,
    #[serde(default)]
    safety: Vec<Spanned<String>>,
    #[serde(default)]
    readers: Pairs,
    #[serde(default)]
    read_by_everyone: Vec<Spanned<String>>,
}

/// A map's entries in the file's order, with where each key is written.
#[derive(Default)]
struct Pairs(Vec<(Spanned<String>, Vec<Spanned<String>>)>);

impl<'de> Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Pairs, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("lines such as `running away: [missing children]`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Pairs, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    out.push(entry);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// One synonym: a phrase readers type, and what the site calls it (one meaning or several).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Synonym {
    /// The phrase's stems, every word in the order written, small words too: "staying with
    /// us" is a phrase, where "staying" alone is in "stayed out all night".
    pub words: Vec<String>,
    /// Each meaning: its stems, and the words to show ("self-harm").
    pub meanings: Vec<(Vec<String>, String)>,
}

/// The search settings of a site.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchSettings {
    /// Synonyms, in the file's order.
    pub synonyms: Vec<Synonym>,
    /// The safety triggers: each is a set of words (stemmed, small words left out) that must
    /// all be in a search for the box to show. Built-in ones first, then the site's.
    pub safety: Vec<Vec<String>>,
    /// Who is searching, told by their words: a search with every word of a trigger ("my son")
    /// ranks the pages for that audience higher. In the file's order.
    pub readers: Vec<Reader>,
    /// Audiences whose pages any reader may need (`read_by_everyone:`), with where each is
    /// written: a page only for one of them keeps its place when a search's words say it is
    /// another reader's, where a page only for another reader's audience comes lower.
    pub read_by_everyone: Vec<(String, (usize, usize))>,
}

/// An audience, and the words that show a search is theirs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    /// The audience as pages name it (`parents and carers`).
    pub audience: String,
    /// Where it is written in `data/search.yaml`: line and column.
    pub at: (usize, usize),
    /// Each phrase's words, as [`phrase_words`] gives them: in the order written.
    pub triggers: Vec<Vec<String>>,
}

/// Words a safety trigger leaves out, so that "how do I report abuse" matches "report abuse":
/// the stop words, less the ones that say who is in danger ("me", "my", "I", "she"…) and
/// "who", which asks whom to turn to: "who do I tell" is a wish to report, "do I need to tell
/// the council" is not.
pub fn is_filler(w: &str) -> bool {
    const KEPT: &[&str] = &[
        "he", "her", "him", "his", "i", "me", "my", "our", "she", "them", "they", "us", "we", "who",
    ];
    tokens::is_stop_word(w) && !KEPT.contains(&w)
}

/// A safety trigger's words: a phrase's words ([`phrase_words`]) without repeats, sorted, since
/// a safety search matches them in any order.
pub fn trigger_words(text: &str) -> Vec<String> {
    let mut out = phrase_words(text);
    out.sort();
    out.dedup();
    out
}

/// A reader's phrase's words (`my 14 year old son` is matched by `my son`): every word less
/// fillers, stemmed, in the order written, since the search matches them in that order.
pub fn phrase_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    tokens::for_each_word(text, |w| {
        if !is_filler(w) {
            out.push(tokens::stem(w));
        }
    });
    out
}

/// Where a value is written in the file: its line and column.
fn place(s: &Spanned<String>) -> (usize, usize) {
    (s.referenced.line() as usize, s.referenced.column() as usize)
}

impl SearchSettings {
    /// The built-in settings, plus the site's `data/search.yaml` if it has one (its text, from
    /// the data files by path below `data/`).
    pub fn from_data(
        sources: &std::collections::BTreeMap<String, String>,
    ) -> Result<SearchSettings, Diagnostics> {
        let mut settings = SearchSettings::default();
        for line in BUILT_IN_SAFETY.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                settings.safety.push(trigger_words(line));
            }
        }
        let Some(text) = sources.get(SEARCH_FILE) else {
            return Ok(settings);
        };
        let path = format!("data/{SEARCH_FILE}");
        let file: File = crate::yaml::parse(text, std::path::Path::new(&path), text, 1)
            .map_err(Diagnostics::from)?;
        let mut problems = Diagnostics::new();
        let at = |s: &Spanned<String>, msg: String| {
            let (line, column) = place(s);
            Diagnostic::in_file(&path, msg).at_in(text, line, column)
        };
        let mut seen = BTreeSet::new();
        for (phrase, meanings) in &file.synonyms.0 {
            let mut words = Vec::new();
            tokens::for_each_word(&phrase.value, |w| words.push(tokens::stem(w)));
            if tokens::stems(&phrase.value).is_empty() {
                problems.push(
                    at(
                        phrase,
                        format!("the synonym `{}` has no words to search for", phrase.value),
                    )
                    .hint("write the words readers type, such as `running away`"),
                );
                continue;
            }
            if !seen.insert(words.clone()) {
                problems.push(
                    at(
                        phrase,
                        format!("`{}` is in the synonyms twice", phrase.value),
                    )
                    .hint("keep one entry, and list every meaning in its brackets"),
                );
                continue;
            }
            let mut out = Vec::new();
            for m in meanings {
                let stems = tokens::stems(&m.value);
                if stems.is_empty() {
                    problems.push(
                        at(m, format!("`{}` has no words to search for", m.value))
                            .hint("write what the site calls it, such as `missing children`"),
                    );
                } else {
                    out.push((stems, m.value.trim().to_string()));
                }
            }
            if meanings.is_empty() {
                problems.push(
                    at(phrase, format!("`{}` has no meanings", phrase.value)).hint(
                        "after the colon, list what the site calls it in square brackets, such as `[missing children]`",
                    ),
                );
            }
            settings.synonyms.push(Synonym {
                words,
                meanings: out,
            });
        }
        for (audience, phrases) in &file.readers.0 {
            let triggers: Vec<Vec<String>> = phrases
                .iter()
                .map(|p| phrase_words(&p.value))
                .filter(|t| !t.is_empty())
                .collect();
            if triggers.is_empty() {
                problems.push(
                    at(
                        audience,
                        format!(
                            "`{}` has no words that show a search is theirs",
                            audience.value
                        ),
                    )
                    .hint("list what they would write, such as `[my son, my daughter]`"),
                );
                continue;
            }
            settings.readers.push(Reader {
                audience: audience.value.clone(),
                at: place(audience),
                triggers,
            });
        }
        for a in &file.read_by_everyone {
            settings.read_by_everyone.push((a.value.clone(), place(a)));
        }
        for s in &file.safety {
            let words = trigger_words(&s.value);
            if words.len() < 2 {
                problems.push(
                    at(s, format!("`{}` is too short to show the safety box", s.value)).hint(
                        "write two or more words, such as `hurting me` or `scared at home`: one word on its own (such as `report`) is in too many everyday searches",
                    ),
                );
            } else {
                settings.safety.push(words);
            }
        }
        problems.into_result(settings)
    }

    /// The `readers:` audiences that are not audiences of any page: errors naming their line.
    pub fn reader_findings(&self, site: &crate::content::Site) -> Diagnostics {
        let names: Vec<&str> = site
            .taxonomies
            .iter()
            .filter(|t| t.name == "audiences")
            .flat_map(|t| t.terms.iter().map(|term| term.name.as_str()))
            .collect();
        let text = site
            .data_sources
            .get(SEARCH_FILE)
            .map_or("", String::as_str);
        let mut out = Diagnostics::new();
        let named = self
            .readers
            .iter()
            .map(|r| (&r.audience, r.at))
            .chain(self.read_by_everyone.iter().map(|(a, at)| (a, *at)));
        for (audience, at) in named {
            if !names.contains(&audience.as_str()) {
                out.push(
                    Diagnostic::in_file(
                        format!("data/{SEARCH_FILE}"),
                        format!("`{audience}` is not an audience any page is for"),
                    )
                    .at_in(text, at.0, at.1)
                    .hint(if names.is_empty() {
                        "no page has `audiences:` in its front matter yet".to_string()
                    } else {
                        format!(
                            "{}the audiences pages are for: {}",
                            crate::yaml::did_you_mean(audience, &names),
                            names.join(", ")
                        )
                    }),
                );
            }
        }
        out
    }

    /// Whether a search with these words shows the safety box (for tests; `search.js` does the
    /// same in the browser).
    pub fn is_safety_search(&self, query: &str) -> bool {
        let words: BTreeSet<String> = trigger_words(query).into_iter().collect();
        self.safety
            .iter()
            .any(|t| t.iter().all(|w| words.contains(w)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn load(text: &str) -> Result<SearchSettings, Diagnostics> {
        SearchSettings::from_data(&BTreeMap::from([(
            SEARCH_FILE.to_string(),
            text.to_string(),
        )]))
    }

    #[test]
    fn the_built_in_triggers_need_word_combinations() {
        let s = SearchSettings::from_data(&BTreeMap::new()).unwrap();
        for q in [
            "someone is hurting me",
            "how do I report abuse",
            "I'm scared at home",
            "worried about my friend",
            "Worried about a child",
            "my dad hits me",
            "I want to kill myself",
            "kids next door left alone and hungry, who do I tell",
            "I don't know who to tell",
            "I need to talk to someone",
        ] {
            assert!(s.is_safety_search(q), "{q} should show the box");
        }
        for q in [
            "annual report 2018",
            "help with my booking",
            "report on neglect audits",
            "report",
            "abuse",
            "training dates",
            "domestic abuse",
            "safe sleeping baby",
            "tell me about the training",
            "who is on the board",
            "do I need to tell the council",
        ] {
            assert!(!s.is_safety_search(q), "{q} should not show the box");
        }
        assert!(s.safety.iter().all(|t| t.len() >= 2), "{:?}", s.safety);
    }

    #[test]
    fn a_site_adds_synonyms_and_triggers() {
        let s = load(
            "synonyms:\n  running away: [missing children]\n  cutting: [self-harm, female genital mutilation]\n  staying with us: [private fostering]\nsafety:\n  - my stepdad shouts\n",
        )
        .unwrap();
        assert_eq!(s.synonyms[0].words, ["run", "away"]);
        // Small words stay in a phrase: "stayed out all night" is not "staying with us".
        assert_eq!(s.synonyms[2].words, ["stay", "with", "us"]);
        assert_eq!(s.synonyms[0].meanings[0].0, ["miss", "child"]);
        assert_eq!(s.synonyms[1].meanings.len(), 2);
        assert_eq!(s.synonyms[1].meanings[0].1, "self-harm");
        assert!(s.is_safety_search("my stepdad shouts at me"));
    }

    #[test]
    fn readers_are_told_by_their_words() {
        let s = load("readers:\n  parents and carers: [my son, my daughter]\n  young people: [me, my mate]\n").unwrap();
        assert_eq!(s.readers[0].audience, "parents and carers");
        assert_eq!(
            s.readers[0].triggers,
            [vec!["my", "son"], vec!["my", "daughter"]]
        );
        assert_eq!(s.readers[1].triggers[0], ["me"]);
        assert_eq!(s.readers[1].at, (3, 3));
    }

    #[test]
    fn audiences_read_by_everyone_are_kept_with_their_place() {
        let s =
            load("readers:\n  young people: [me]\nread_by_everyone:\n  - practitioners\n").unwrap();
        assert_eq!(s.read_by_everyone, [("practitioners".to_string(), (4, 5))]);
        assert!(load("read_by_everyone: practitioners\n").is_err());
    }

    #[test]
    fn mistakes_are_named_with_their_line() {
        let err = load("safety:\n  - report\n").unwrap_err();
        let d = &err.0[0];
        assert!(d.message.contains("`report` is too short"), "{d:?}");
        assert_eq!((d.line, d.column), (Some(2), Some(5)), "{d:?}");
        let err = load("synonym:\n  a: [b]\n").unwrap_err();
        assert!(err.0[0].message.contains("synonym"), "{:?}", err.0[0]);
        let err = load("synonyms:\n  nudes: [sexting]\n  Nudes: [sharing images]\n").unwrap_err();
        assert!(err.0[0].message.contains("twice"), "{:?}", err.0[0]);
        assert_eq!(err.0[0].line, Some(3));
    }
}
