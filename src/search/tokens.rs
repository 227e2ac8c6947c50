//! Words as the search index sees them. The browser client (`search.js`) splits and stems a
//! query by the same rules, so the two must change together: `tests/fixtures/stems.txt` holds
//! the cases both are tested against.

/// Words too common to help a search; left out of the index and of queries. The client reads
/// this list from the index's `meta.json`, so it is defined once, here.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "he", "her", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of",
    "on", "or", "our", "she", "so", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "us", "was", "we", "were", "what", "when", "where",
    "which", "who", "why", "will", "with", "would", "you", "your",
];

/// Whether `w` (lower case) is a stop word.
pub fn is_stop_word(w: &str) -> bool {
    // No stop word is longer than five letters, and most words are.
    w.len() <= 5 && STOP_WORDS.binary_search(&w).is_ok()
}

/// Calls `f` with each word of `text`, lower-cased, apostrophes inside it dropped
/// ("children’s" → "childrens"). A word is a run of letters and digits. Words already in
/// lower-case ASCII (most of them) are passed as slices of `text`, without copying.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut word = String::new();
    // The current word is `text[start..i]` while `copied` is false, else `word`.
    let mut start = 0;
    let mut copied = false;
    let mut in_word = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (b as char, 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        };
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            if !in_word {
                in_word = true;
                start = i;
                copied = false;
            } else if copied {
                word.push(c);
            }
        } else if c.is_alphanumeric() {
            if !in_word {
                in_word = true;
                copied = true;
                word.clear();
            } else if !copied {
                copied = true;
                word.clear();
                word.push_str(&text[start..i]);
            }
            if c.is_ascii() {
                word.push(c.to_ascii_lowercase());
            } else {
                word.extend(c.to_lowercase());
            }
        } else if (c == '\'' || c == '\u{2019}')
            && in_word
            && text[i + len..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric)
        {
            // An apostrophe inside a word joins its two halves.
            if !copied {
                copied = true;
                word.clear();
                word.push_str(&text[start..i]);
            }
        } else if in_word {
            in_word = false;
            f(if copied { &word } else { &text[start..i] });
        }
        i += len;
    }
    if in_word {
        f(if copied { &word } else { &text[start..] });
    }
}

/// Reduces an English word to a stem, so that "reports", "reported" and "reporting" are found
/// by "report". Deliberately small (a few suffix rules, not Porter's algorithm): the client
/// repeats it in JavaScript, and a mismatch there would make words unfindable.
pub fn stem(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// [`stem`] into a buffer the caller reuses (the index stems every word of the site).
pub fn stem_into(word: &str, w: &mut String) {
    w.clear();
    w.push_str(word);
    if word == "children" {
        w.truncate(5);
        return;
    }
    if !word.bytes().all(|b| b.is_ascii_lowercase()) || word.len() < 4 {
        return;
    }
    let n = w.len();
    if w.ends_with("sses") {
        w.truncate(n - 2);
    } else if w.ends_with("ies") && n >= 5 {
        w.truncate(n - 3);
        w.push('y');
    } else if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") {
    } else if w.ends_with('s') {
        w.truncate(n - 1);
    } else if w.ends_with("ing") && n >= 6 {
        w.truncate(n - 3);
        undouble(w);
    } else if w.ends_with("ed") && n >= 5 {
        w.truncate(n - 2);
        undouble(w);
    }
    if w.ends_with('e') && w.len() >= 4 {
        w.pop();
    }
    if w == "children" {
        w.truncate(5);
    }
}

/// "stopp" → "stop", but "call" stays.
fn undouble(w: &mut String) {
    let b = w.as_bytes();
    let n = b.len();
    if n >= 3 && b[n - 1] == b[n - 2] && !b"aeioulsz".contains(&b[n - 1]) {
        w.pop();
    }
}

/// The stems of `text` that are not stop words, in order.
pub fn stems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| {
        if !is_stop_word(w) && w.chars().count() > 1 {
            out.push(stem(w));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared cases, which `tests/browser/search.test.mjs` also runs against the client.
    #[test]
    fn stems_match_the_shared_cases() {
        let cases = include_str!("../../tests/fixtures/stems.txt");
        let mut n = 0;
        for line in cases
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        {
            let (word, want) = line.split_once(' ').expect("`word stem` per line");
            assert_eq!(stem(word), want.trim(), "stem of {word}");
            n += 1;
        }
        assert!(n > 30, "only {n} cases");
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 5));
        assert!(is_stop_word("the") && !is_stop_word("report"));
    }

    #[test]
    fn words_are_lower_cased_and_apostrophes_join() {
        let mut got = Vec::new();
        for_each_word(
            "Children’s “FGM” non-medical, it's Zoë 999 dad's'",
            |w| got.push(w.to_string()),
        );
        assert_eq!(
            got,
            [
                "childrens",
                "fgm",
                "non",
                "medical",
                "its",
                "zoë",
                "999",
                "dads"
            ]
        );
        assert_eq!(stems("What happens after I report?"), ["happen", "report"]);
    }
}
