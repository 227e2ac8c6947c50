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
    let mut out = vec![Record::default()];
    let mut in_heading = false;
    let mut skip_until: Option<&str> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip_until.is_none() {
                push_text(&mut out, in_heading, rest);
            }
            break;
        };
        if lt > 0 && skip_until.is_none() {
            push_text(&mut out, in_heading, &rest[..lt]);
        }
        rest = &rest[lt..];
        let Some(gt) = tag_end(rest) else {
            // A stray `<` in text (Haven escapes these, but be safe).
            if skip_until.is_none() {
                push_text(&mut out, in_heading, "<");
            }
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name_part = tag.trim_start_matches('/');
        let name_end = name_part
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
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
                let anchor = attribute(tag, "id").unwrap_or_default();
                out.push(Record {
                    anchor,
                    ..Record::default()
                });
                in_heading = true;
            }
            ("h2" | "h3", true) => in_heading = false,
            (n, _) if is_inline(n) => {}
            _ => push_text(&mut out, in_heading, " "),
        }
    }
    for r in &mut out {
        trim_end_space(&mut r.text);
        trim_end_space(&mut r.heading);
    }
    // Text before the first heading is kept even when empty: it stands for the page itself.
    let first = out.remove(0);
    let mut kept = vec![first];
    kept.extend(out.into_iter().filter(|r| !r.anchor.is_empty()));
    kept
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

fn push_text(out: &mut [Record], in_heading: bool, raw: &str) {
    let Some(r) = out.last_mut() else { return };
    let target = if in_heading {
        &mut r.heading
    } else {
        &mut r.text
    };
    if raw.contains('&') {
        push_collapsed(target, &decode(raw));
    } else {
        push_collapsed(target, raw);
    }
}

/// Appends `raw` with each run of whitespace as one space, and none at the start.
fn push_collapsed(target: &mut String, raw: &str) {
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            if !target.is_empty() && !target.ends_with(' ') {
                target.push(' ');
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        // Whitespace is ASCII, so `start` and `i` are character boundaries.
        target.push_str(&raw[start..i]);
    }
}

/// Decodes the character references comrak and the templates write.
pub fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
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
    fn bad_references_and_stray_brackets_pass_through() {
        assert_eq!(
            decode("a &bogus; b &#xZZ; &#128512; &"),
            "a &bogus; b &#xZZ; 😀 &"
        );
        assert_eq!(records("<p>1 < 2</p>")[0].text, "1 < 2");
        assert_eq!(records("").len(), 1);
    }
}
