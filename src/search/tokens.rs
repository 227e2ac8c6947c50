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

/// Byte classes for [`for_each_word`]: 0 separates words, 1 is a lower-case ASCII letter or a
/// digit, 2 anything else (capitals, apostrophes, non-ASCII), which takes the slow path.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            1
        } else if c.is_ascii_uppercase() || c == b'\'' || c >= 0x80 {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Calls `f` with each word of `text`, lower-cased, apostrophes inside it dropped
/// ("children’s" → "childrens"). A word is a run of letters and digits. Words already in
/// lower-case ASCII (most of them) are passed as slices of `text`, without copying.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut word = String::new();
    let mut i = 0;
    while i < n {
        while i < n && CLASS[usize::from(bytes[i])] == 0 {
            i += 1;
        }
        let start = i;
        while i < n && CLASS[usize::from(bytes[i])] == 1 {
            i += 1;
        }
        if i == n || CLASS[usize::from(bytes[i])] == 0 {
            if i > start {
                f(&text[start..i]);
            }
            continue;
        }
        i = slow_word(text, start, &mut word);
        if !word.is_empty() {
            f(&word);
        }
    }
}

/// Reads the word starting at byte `start` into `word` (lower-cased, apostrophes inside it
/// dropped); returns where it ends. `word` is left empty if `start` begins no word.
fn slow_word(text: &str, start: usize, word: &mut String) -> usize {
    word.clear();
    let mut i = start;
    let mut chars = text[start..].chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                word.push(c.to_ascii_lowercase());
            } else {
                word.extend(c.to_lowercase());
            }
        } else if (c == '\'' || c == '\u{2019}')
            && !word.is_empty()
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            // An apostrophe inside a word joins its two halves.
        } else {
            // A character that ends the word, or that starts none: step over it.
            return if word.is_empty() { i + c.len_utf8() } else { i };
        }
        i += c.len_utf8();
    }
    i
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
