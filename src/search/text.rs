//! A page's rendered body as the search index reads it: plain text, split at its `h2` and
//! `h3` headings, so that a result can link to the heading nearest the match.

/// A stretch of a page under one heading (or before the first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// The heading's `id`; empty for the text before the first heading.
    pub anchor: String,
    /// The heading's text; empty for the text before the first heading.
    pub heading: String,
    /// The text under the heading, whitespace collapsed.
    pub text: String,
}

/// Elements inside a line of text: no word break at their tags.
fn is_inline(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "i"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "u"
            | "var"
            | "wbr"
    )
}

/// Splits body HTML (as Haven renders it: well formed, ids on headings, lower-case tag
/// names) into records.
pub fn records(html: &str) -> Vec<Record> {
    Reader::default().read(html).to_vec()
}

/// Reads pages into records one after another, reusing the text buffers of the last page
/// (the index reads every page of the site, and most of its allocations were these).
#[derive(Default)]
pub struct Reader {
    records: Vec<Record>,
    used: usize,
}

impl Reader {
    /// The records of `html`, as [`records`] returns them.
    pub fn read(&mut self, html: &str) -> &[Record] {
        self.used = 0;
        self.start(String::new());
        let mut in_heading = false;
        let mut skip_until: Option<&str> = None;
        let mut rest = html;
        while !rest.is_empty() {
            let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) else {
                if skip_until.is_none() {
                    self.push_text(in_heading, rest);
                }
                break;
            };
            if lt > 0 && skip_until.is_none() {
                self.push_text(in_heading, &rest[..lt]);
            }
            rest = &rest[lt..];
            let Some(gt) = tag_end(rest) else {
                // A stray `<` in text (Haven escapes these, but be safe).
                if skip_until.is_none() {
                    self.push_text(in_heading, "<");
                }
                rest = &rest[1..];
                continue;
            };
            let tag = &rest[1..gt];
            rest = &rest[gt + 1..];
            let closing = tag.starts_with('/');
            let name_part = tag.strip_prefix('/').unwrap_or(tag);
            let name_end = name_part
                .bytes()
                .position(|b| b.is_ascii_whitespace() || b == b'/')
                .unwrap_or(name_part.len());
            let name = &name_part[..name_end];
            if let Some(until) = skip_until {
                if closing && name.eq_ignore_ascii_case(until) {
                    skip_until = None;
                }
                continue;
            }
            match (name, closing) {
                ("script", false) => skip_until = Some("script"),
                ("style", false) => skip_until = Some("style"),
                ("template", false) => skip_until = Some("template"),
                ("h2" | "h3", false) => {
                    self.start(attribute(tag, "id").unwrap_or_default());
                    in_heading = true;
                }
                ("h2" | "h3", true) => in_heading = false,
                (n, _) if is_inline(n) => {}
                _ => self.push_text(in_heading, " "),
            }
        }
        // Text before the first heading is kept even when empty: it stands for the page
        // itself. A heading without an id cannot be linked to, so its record goes.
        let mut kept = 0;
        for i in 0..self.used {
            let r = &mut self.records[i];
            trim_end_space(&mut r.text);
            trim_end_space(&mut r.heading);
            if i == 0 || !r.anchor.is_empty() {
                self.records.swap(kept, i);
                kept += 1;
            }
        }
        &self.records[..kept]
    }

    /// Starts a record, reusing a buffer from an earlier page where there is one.
    fn start(&mut self, anchor: String) {
        if let Some(r) = self.records.get_mut(self.used) {
            r.anchor = anchor;
            r.heading.clear();
            r.text.clear();
        } else {
            self.records.push(Record {
                anchor,
                ..Record::default()
            });
        }
        self.used += 1;
    }

    fn push_text(&mut self, in_heading: bool, raw: &str) {
        let r = &mut self.records[self.used - 1];
        let target = if in_heading {
            &mut r.heading
        } else {
            &mut r.text
        };
        // Decoded piece by piece, so that text with a reference or two is not copied twice.
        let mut rest = raw;
        while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
            push_collapsed(target, &rest[..amp]);
            rest = &rest[amp..];
            match reference(rest) {
                Some((c, len)) => {
                    let mut utf8 = [0u8; 4];
                    push_collapsed(target, c.encode_utf8(&mut utf8));
                    rest = &rest[len..];
                }
                None => {
                    push_collapsed(target, "&");
                    rest = &rest[1..];
                }
            }
        }
        push_collapsed(target, rest);
    }
}

fn trim_end_space(s: &mut String) {
    if s.ends_with(' ') {
        s.pop();
    }
}

fn tag_end(s: &str) -> Option<usize> {
    // Attribute values Haven writes never contain `>` unescaped, except inside quotes.
    let mut quote = None;
    for (i, b) in s.bytes().enumerate().skip(1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            (None, b'<') => return None,
            _ => {}
        }
    }
    None
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let pat = format!(" {name}=\"");
    let start = tag.find(&pat)? + pat.len();
    let len = tag[start..].find('"')?;
    Some(decode(&tag[start..start + len]))
}

/// Appends `raw` with each run of whitespace as one space, and none at the start.
fn push_collapsed(target: &mut String, raw: &str) {
    let bytes = raw.as_bytes();
    // Text on one line with single spaces (most of it) goes in whole. Both tests run over
    // all the bytes without branching on each, which is several times faster than the loop
    // below.
    let pairs = bytes.iter().zip(bytes.iter().skip(1));
    let special = pairs.fold(false, |any, (&b, &next)| {
        any | (b < 0x20) | ((b == b' ') & (next == b' '))
    }) | bytes.last().is_some_and(|&b| b < 0x20);
    if !special {
        let after_space = target.is_empty() || target.ends_with(' ');
        target.push_str(if after_space {
            raw.strip_prefix(' ').unwrap_or(raw)
        } else {
            raw
        });
        return;
    }
    // Most text has single spaces between words and goes in with one copy; only the bytes
    // that change (other whitespace, a second space) break it into pieces.
    let mut after_space = target.is_empty() || target.ends_with(' ');
    let mut from = 0;
    for (i, b) in raw.bytes().enumerate() {
        if !b.is_ascii_whitespace() {
            after_space = false;
        } else if b == b' ' && !after_space {
            after_space = true;
        } else {
            // Whitespace is ASCII, so `from` and `i` are character boundaries.
            target.push_str(&raw[from..i]);
            from = i + 1;
            if !after_space {
                target.push(' ');
                after_space = true;
            }
        }
    }
    target.push_str(&raw[from..]);
}

/// The character reference at the start of `s` (which starts with `&`), and its length.
fn reference(s: &str) -> Option<(char, usize)> {
    let e = s.find(';').filter(|&e| e <= 10)?;
    let c = match &s[1..e] {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        name => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((c, e + 1))
}

/// Decodes the character references comrak and the templates write.
pub fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_headings_and_keeps_inline_words_whole() {
        let html = "<p>Intro <abbr title=\"female genital mutilation\">FGM</abbr>s &amp; more.</p>\n\
            <h2 id=\"what-it-is\">What <em>it</em> is</h2>\n<p>Line one</p><ul><li>a</li><li>b</li></ul>\n\
            <h3 id=\"the-law\">The law</h3><p>Act 2003&#8217;s duty</p><script>var x = '<h2>';</script>";
        let r = records(html);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].text, "Intro FGMs & more.");
        assert_eq!(
            (r[1].anchor.as_str(), r[1].heading.as_str()),
            ("what-it-is", "What it is")
        );
        assert_eq!(r[1].text, "Line one a b");
        assert_eq!(r[2].text, "Act 2003’s duty");
    }

    #[test]
    fn a_reader_forgets_the_last_page() {
        let mut reader = Reader::default();
        let first = reader
            .read("<p>One</p><h2 id=\"a\">A</h2><p>two</p>")
            .to_vec();
        assert_eq!(first.len(), 2);
        let second = reader.read("<p>Three</p>");
        assert_eq!(
            second,
            [Record {
                text: "Three".into(),
                ..Record::default()
            }]
        );
        assert_eq!(reader.read("<h2 id=\"a\">A</h2><p>two</p>")[1], first[1]);
    }

    #[test]
    fn whitespace_collapses_across_pieces_and_references() {
        let mut s = String::new();
        push_collapsed(&mut s, "  a \n\t b  c ");
        push_collapsed(&mut s, " \nd");
        assert_eq!(s, "a b c d");
        assert_eq!(records("<p>x&nbsp; &amp;\n y</p>")[0].text, "x & y");
    }

    #[test]
    fn bad_references_and_stray_brackets_pass_through() {
        assert_eq!(
            decode("a &bogus; b &#xZZ; &#128512; &"),
            "a &bogus; b &#xZZ; 😀 &"
        );
        assert_eq!(records("<p>1 < 2</p>")[0].text, "1 < 2");
        assert_eq!(records("").len(), 1);
        assert_eq!(records("<h2>No id</h2><p>gone</p>").len(), 1);
    }
}
