//! Small text helpers shared by the stages that read what pages say: whole-word matching,
//! the capitalised words the acronym check looks at, and the counts behind a reading age.

/// Decodes a file's bytes: UTF-8 required, byte-order mark dropped, CRLF turned into LF.
pub fn decode_text(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = &bytes[..e.valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        format!(
            "this file is not UTF-8 text (bad byte on line {line}); save it as UTF-8 in your editor"
        )
    })?;
    if text.contains('\r') {
        Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Ok(text.to_string())
    }
}

/// All-capitals words of 2 to 6 letters in `text`, with their byte offsets.
pub fn capitalised_words(text: &str) -> Vec<(usize, &str)> {
    // This runs over every block of every page, so it looks only at runs of capitals rather
    // than splitting all the text into words: most bytes cost one comparison.
    let b = text.as_bytes();
    let word_char = |at: usize| crate::glossary::word_char_at(text, at);
    let ends_word = |before: usize| -> bool {
        // The character that ends at byte `before` (exclusive).
        text[..before]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_uppercase() {
            i += 1;
        }
        let whole = (start == 0 || !ends_word(start)) && (i == b.len() || !word_char(i).0);
        if whole && (2..=6).contains(&(i - start)) {
            out.push((start, &text[start..i]));
        }
        // Skip the rest of a mixed word such as "NSPCCs" or "MASHed".
        while i < b.len() {
            let (word, len) = word_char(i);
            if !word {
                break;
            }
            i += len;
        }
    }
    out
}

/// Whole-word, case-insensitive matches of `phrase` in `text` (byte offsets into `text`).
pub fn find_phrase(text: &str, phrase: &str) -> Vec<usize> {
    lowercase_in_place(text)
        .map_or_else(Vec::new, |hay| find_lowercase(&hay, &phrase.to_lowercase()))
}

/// `text` lower-cased, if that keeps every byte offset: when lower-casing changes byte
/// lengths (rare scripts), a match could not be placed, so there is nothing to match in.
pub fn lowercase_in_place(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    (lower.len() == text.len()).then_some(lower)
}

/// [`find_phrase`] on text and phrase already lower-cased, so that a block checked against
/// every term of the language list is lower-cased once, not once per term.
pub fn find_lowercase(hay: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut from = 0;
    while let Some(i) = hay[from..].find(needle) {
        let at = from + i;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            out.push(at);
        }
        from = at + needle.len();
    }
    out
}

/// Counts for a reading-age estimate, gathered while rendering (only when the rule is on).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Readability {
    /// Words in paragraphs.
    pub words: usize,
    /// Sentences in paragraphs (each paragraph ends at least one).
    pub sentences: usize,
    /// Estimated syllables.
    pub syllables: usize,
    /// Sentences over 25 words: the file line of their paragraph, the word count, and their
    /// opening words.
    pub long: Vec<(usize, usize, String)>,
}

/// Sentences this long are hard to follow, especially for a worried parent or a child.
pub const LONG_SENTENCE: usize = 25;

impl Readability {
    /// Adds one paragraph of text, which starts on file line `line`.
    pub fn add_paragraph(&mut self, text: &str, line: usize) {
        for sentence in text
            .split_inclusive(['.', '!', '?'])
            .map(str::trim)
            .filter(|s| s.chars().any(char::is_alphabetic))
        {
            let words: Vec<&str> = sentence
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .collect();
            if words.is_empty() {
                continue;
            }
            self.sentences += 1;
            self.words += words.len();
            self.syllables += words.iter().map(|w| syllables(w)).sum::<usize>();
            if words.len() > LONG_SENTENCE {
                let opening: Vec<&str> = words.iter().take(6).copied().collect();
                self.long
                    .push((line, words.len(), format!("{}…", opening.join(" "))));
            }
        }
    }

    /// Reading age in years: the Flesch–Kincaid grade level plus five (the age at which a UK
    /// child is in that US grade). `None` for pages with too little text to judge.
    pub fn reading_age(&self) -> Option<f64> {
        if self.words < 30 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) = (
            self.words as f64,
            self.sentences as f64,
            self.syllables as f64,
        );
        Some(0.39 * (w / s) + 11.8 * (y / w) - 15.59 + 5.0)
    }
}

/// A syllable estimate for an English word: groups of vowels, less a silent final "e".
pub fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 0;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    if w.len() > 2 && w[w.len() - 1] == 'e' && !vowel(w[w.len() - 2]) && w[w.len() - 2] != 'l' {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_words_and_phrases() {
        let w: Vec<&str> =
            capitalised_words("The MASH and CSE, not A or NSPCCXX; UK. MASHed éCSE CSEé (LADO)")
                .into_iter()
                .map(|(_, w)| w)
                .collect();
        assert_eq!(w, ["MASH", "CSE", "UK", "LADO"]);
        let via_words: Vec<(usize, &str)> =
            crate::glossary::words("Ask the MASH, or call 999 (LADO); CAFs")
                .filter(|(_, w)| {
                    (2..=6).contains(&w.len()) && w.bytes().all(|c| c.is_ascii_uppercase())
                })
                .collect();
        assert_eq!(
            capitalised_words("Ask the MASH, or call 999 (LADO); CAFs"),
            via_words
        );
        assert_eq!(
            find_phrase("No child prostitution here.", "child prostitution"),
            [3]
        );
        assert!(find_phrase("grandchild prostitution", "child prostitution").is_empty());
    }

    #[test]
    fn syllables_are_estimated() {
        assert_eq!(syllables("child"), 1);
        assert_eq!(syllables("guarding"), 2);
        assert_eq!(syllables("the"), 1);
        assert_eq!(syllables("little"), 2);
        assert_eq!(syllables("exploitation"), 4);
    }

    #[test]
    fn reading_age_and_long_sentences() {
        let mut easy = Readability::default();
        for _ in 0..10 {
            easy.add_paragraph(
                "You can talk to us. We will help you. It is not your fault.",
                5,
            );
        }
        let age = easy.reading_age().unwrap();
        assert!(age < 8.0, "{age}");
        let mut hard = Readability::default();
        let long = "The partnership's multi-agency arrangements necessitate comprehensive information sharing between statutory organisations, independent providers, voluntary organisations and community representatives, consistently prioritising the welfare considerations of vulnerable children and safeguarding responsibilities.";
        hard.add_paragraph(long, 9);
        hard.add_paragraph(long, 12);
        assert!(hard.reading_age().unwrap() > 18.0);
        assert_eq!(hard.long.len(), 2);
        assert_eq!(hard.long[0].0, 9);
        assert!(hard.long[0].1 > LONG_SENTENCE);
    }
}
