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
/// digit, 2 a capital ASCII letter, 3 anything else (apostrophes, non-ASCII), which takes the
/// slow path.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            1
        } else if c.is_ascii_uppercase() {
            2
        } else if c == b'\'' || c >= 0x80 {
            3
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
    for_each_packed_word(text, |w, _| f(w));
}

/// [`for_each_word`], also giving each word of up to 16 bytes [`pack`]ed, which the index's
/// word table uses as its key. Reading eight bytes at a time, it finds where most words end
/// and packs them in one step (the index reads every word of the site).
pub fn for_each_packed_word(text: &str, mut f: impl FnMut(&str, Option<u128>)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut word = String::new();
    let mut i = 0;
    while i < n {
        while i < n && CLASS[usize::from(bytes[i])] == 0 {
            i += 1;
        }
        if i == n {
            break;
        }
        let start = i;
        // The word's first 16 bytes, and whether it has capitals.
        let mut packed = [0u64; 2];
        let mut capitals = false;
        while i < n {
            let off = i - start;
            if let Some(chunk) = bytes.get(i..i + 8) {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(chunk);
                let x = u64::from_le_bytes(eight);
                let (run, caps) = ascii_letters(x);
                let len = (run.trailing_ones() / 8) as usize;
                if let Some(p) = packed.get_mut(off / 8) {
                    *p = x & run;
                }
                capitals |= caps & run != 0;
                i += len;
                if len < 8 {
                    break;
                }
            } else {
                let c = CLASS[usize::from(bytes[i])];
                if c != 1 && c != 2 {
                    break;
                }
                if let Some(p) = packed.get_mut(off / 8) {
                    *p |= u64::from(bytes[i]) << (8 * (off % 8));
                }
                capitals |= c == 2;
                i += 1;
            }
        }
        if i < n && CLASS[usize::from(bytes[i])] == 3 {
            // An apostrophe or a letter outside ASCII: read the word again, slowly.
            i = slow_word(text, start, &mut word);
            if !word.is_empty() {
                f(&word, pack(&word));
            }
        } else if i > start {
            let long = i - start > 16;
            if capitals {
                word.clear();
                word.push_str(&text[start..i]);
                word.make_ascii_lowercase();
                f(&word, pack(&word));
            } else {
                let key = u128::from(packed[0]) | u128::from(packed[1]) << 64;
                f(&text[start..i], (!long).then_some(key));
            }
        } else {
            // A byte that is none of the above cannot start a word: step over it.
            i += 1;
        }
    }
}

/// For eight bytes, the bytes from the first up to the first that is not an ASCII letter or
/// digit, as a mask of whole bytes; and the bytes that are capitals, as a mask of their high
/// bits. Each byte is compared with ranges by adding to it, all eight at once.
fn ascii_letters(x: u64) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let ascii = !x & HIGH;
    // Without their high bits the bytes are below 0x80, so no addition carries into the
    // next byte.
    let low = x & !HIGH;
    let in_range = |from: u8, to: u8| {
        let at_least = (low + u64::from(0x80 - from) * ONES) & HIGH;
        let above = (low + u64::from(0x7f - to) * ONES) & HIGH;
        at_least & !above & ascii
    };
    let caps = in_range(b'A', b'Z');
    let letters = in_range(b'a', b'z') | in_range(b'0', b'9') | caps;
    // The run of letters from the first byte, as whole bytes: the high bits up to the first
    // byte that is not one, each spread over its byte.
    let stop = !letters & HIGH;
    let run_bits = if stop == 0 {
        u64::MAX
    } else {
        (1u64 << (stop.trailing_zeros() - 7)) - 1
    };
    (run_bits, caps)
}

/// The bytes of a word of up to 16 bytes as one number, the first byte lowest (words hold no
/// zero bytes, so the zero padding cannot make two words equal).
pub fn pack(w: &str) -> Option<u128> {
    let b = w.as_bytes();
    if b.len() > 16 {
        return None;
    }
    Some(
        b.iter()
            .enumerate()
            .fold(0, |k, (i, &c)| k | u128::from(c) << (8 * i)),
    )
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
        if w.ends_with('i') {
            // "worried", "carried": the stem of "worry", "carry".
            w.pop();
            w.push('y');
        } else {
            undouble(w);
        }
    }
    if w.ends_with('e') && w.len() >= 4 {
        w.pop();
    }
    if w == "children" {
        w.truncate(5);
    }
}

/// "stopp" → "stop", but "call" stays. British spelling doubles the `l` of a word of more
/// than one syllable ("controlling", "travelled", "cancelled"), which the bare word does not
/// have ("control"): there it goes too, but not from a word that ends in `ll` itself
/// ("install", "recall"), which [`KEEPS_LL`] lists.
fn undouble(w: &mut String) {
    let b = w.as_bytes();
    let n = b.len();
    let doubled = n >= 3 && b[n - 1] == b[n - 2] && !b"aeioulsz".contains(&b[n - 1]);
    let british_ll = n >= 5
        && w.ends_with("ll")
        && vowel_groups(&b[..n - 2]) >= 2
        && !KEEPS_LL.contains(&w.as_str());
    if doubled || british_ll {
        w.pop();
    }
}

/// Words of more than one syllable that end in `ll` themselves (see [`undouble`]).
const KEEPS_LL: &[&str] = &[
    "install",
    "recall",
    "befall",
    "forestall",
    "enthrall",
    "downfall",
];

/// How many runs of vowels `b` has: a word's syllables, near enough.
fn vowel_groups(b: &[u8]) -> usize {
    let vowel = |c: &u8| b"aeiou".contains(c);
    b.iter()
        .enumerate()
        .filter(|(i, c)| vowel(c) && (*i == 0 || !vowel(&b[i - 1])))
        .count()
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

    /// Over a thousand words of the demo with their stems, which the browser test checks
    /// `search.js` against too: the two stemmers agree on every one.
    #[test]
    fn stems_of_the_demo() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/stem-words.txt");
        let text = std::fs::read_to_string(path).expect("tests/fixtures/stem-words.txt");
        let bless = std::env::var_os("HAVEN_BLESS").is_some();
        let mut out = String::new();
        let mut n = 0;
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            let (word, want) = line.split_once(' ').expect("`word stem` per line");
            let got = stem(word);
            if !bless {
                assert_eq!(
                    got, want,
                    "stem of {word}: rewrite with HAVEN_BLESS=1 if intended"
                );
            }
            out.push_str(&format!("{word} {got}\n"));
            n += 1;
        }
        assert!(n >= 1000, "only {n} words");
        if bless {
            std::fs::write(path, out).expect("rewrite stem-words.txt");
        }
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(STOP_WORDS.iter().all(|w| w.len() <= 5));
        assert!(is_stop_word("the") && !is_stop_word("report"));
    }

    #[test]
    fn packed_words_are_the_words_packed() {
        let text = "a bc Safeguarding safeguarding1234567 multi-agency x9 €uro dads' MASH \
                    exactly16letters seventeen17letter! 12345678 123456789 end";
        let mut got = Vec::new();
        for_each_packed_word(text, |w, key| got.push((w.to_string(), key)));
        let mut want = Vec::new();
        for_each_word(text, |w| want.push((w.to_string(), pack(w))));
        assert_eq!(got, want);
        assert_eq!(got.len(), 15, "{got:?}");
        assert_eq!(got[11], ("seventeen17letter".to_string(), None));
        assert_eq!(pack("ab"), Some(0x6261));
        assert_eq!(
            pack("exactly16letters").map(|k| k >> 120),
            Some(u128::from(b's'))
        );
        assert_eq!(pack("seventeenletters1"), None);
        // Every split of a text at every length must give the same words as one byte at a
        // time would (the eight-byte reads must not see past the end or across words).
        let words = [
            "x",
            "ab",
            "abcdefg",
            "abcdefgh",
            "abcdefghi",
            "Abcdefghijklmnop",
        ];
        for w in words {
            for pad in 0..9 {
                let text = format!("{}{w} {w}", " ".repeat(pad));
                let mut got = Vec::new();
                for_each_packed_word(&text, |w, key| got.push((w.to_string(), key)));
                let lower = w.to_ascii_lowercase();
                assert_eq!(got, vec![(lower.clone(), pack(&lower)); 2], "{text:?}");
            }
        }
    }

    #[test]
    fn words_are_lower_cased_and_apostrophes_join() {
        let mut got = Vec::new();
        for_each_word(
            "Children’s “FGM” non-medical, it's Zoë 999 dad's' MASH Ofsted",
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
                "dads",
                "mash",
                "ofsted"
            ]
        );
        assert_eq!(stems("What happens after I report?"), ["happen", "report"]);
    }
}
