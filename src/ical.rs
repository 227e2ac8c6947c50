//! iCalendar (RFC 5545) output for training sessions: one file per session and a calendar of
//! every upcoming one. Times are written in UTC (`…Z`), which RFC 5545 allows everywhere and
//! which needs no VTIMEZONE, so a clock change can never shift a session by an hour.

use jiff::Timestamp;

/// One VEVENT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across builds.
    pub uid: String,
    /// When this version of the event was written (UTC).
    pub dtstamp: Timestamp,
    /// Increases each time the event changes.
    pub sequence: u32,
    /// Start (UTC).
    pub start: Timestamp,
    /// End (UTC).
    pub end: Timestamp,
    /// Title.
    pub summary: String,
    /// Plain-text description.
    pub description: String,
    /// Address, or "Online".
    pub location: Option<String>,
    /// Page address.
    pub url: Option<String>,
    /// Whether it has been cancelled (`STATUS:CANCELLED`); otherwise `CONFIRMED`.
    pub cancelled: bool,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so no line exceeds 75 octets (§3.1), never splitting a
/// UTF-8 character, and ended with CRLF.
pub fn push_line(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if i + c.len_utf8() - start > budget {
            out.push_str(&line[start..i]);
            out.push_str("\r\n ");
            start = i;
            // Continuation lines begin with a space, which counts toward their 75 octets.
            budget = 74;
        }
    }
    out.push_str(&line[start..]);
    out.push_str("\r\n");
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A whole VCALENDAR with the given events.
pub fn calendar(name: &str, prodid: &str, events: &[Event]) -> String {
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, &format!("PRODID:{prodid}"));
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    for e in events {
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(&mut out, &format!("UID:{}", escape_text(&e.uid)));
        push_line(&mut out, &format!("DTSTAMP:{}", utc(e.dtstamp)));
        push_line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        push_line(&mut out, &format!("DTSTART:{}", utc(e.start)));
        push_line(&mut out, &format!("DTEND:{}", utc(e.end)));
        push_line(&mut out, &format!("SUMMARY:{}", escape_text(&e.summary)));
        if !e.description.is_empty() {
            push_line(
                &mut out,
                &format!("DESCRIPTION:{}", escape_text(&e.description)),
            );
        }
        if let Some(l) = &e.location {
            push_line(&mut out, &format!("LOCATION:{}", escape_text(l)));
        }
        if let Some(u) = &e.url {
            // URI values are not TEXT: no escaping, but still folded.
            push_line(&mut out, &format!("URL:{u}"));
        }
        push_line(
            &mut out,
            if e.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
        );
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text() {
        assert_eq!(escape_text("a;b,c\\d\nnew"), "a\\;b\\,c\\\\d\\nnew");
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        // 'é' is two octets; 80 of them cannot fit in one line.
        let line = format!("SUMMARY:{}", "é".repeat(80));
        push_line(&mut out, &line);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.len() > 2);
        for l in &lines {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        // Unfolding gives back the original line.
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn short_lines_are_not_folded_and_end_in_crlf() {
        let mut out = String::new();
        push_line(&mut out, &"x".repeat(75));
        assert_eq!(out, format!("{}\r\n", "x".repeat(75)));
        let mut out = String::new();
        push_line(&mut out, &"x".repeat(76));
        assert_eq!(out, format!("{}\r\n x\r\n", "x".repeat(75)));
    }

    #[test]
    fn calendar_has_required_properties() {
        let t: Timestamp = "2026-03-28T10:00:00Z".parse().unwrap();
        let cal = calendar(
            "Training",
            "-//Haven//EN",
            &[Event {
                uid: "a@b".into(),
                dtstamp: t,
                sequence: 2,
                start: t,
                end: "2026-03-28T12:00:00Z".parse().unwrap(),
                summary: "Neglect, level 2".into(),
                description: String::new(),
                location: Some("Online".into()),
                url: None,
                cancelled: true,
            }],
        );
        for must in [
            "BEGIN:VCALENDAR\r\n",
            "VERSION:2.0\r\n",
            "PRODID:-//Haven//EN\r\n",
            "UID:a@b\r\n",
            "DTSTAMP:20260328T100000Z\r\n",
            "DTSTART:20260328T100000Z\r\n",
            "SUMMARY:Neglect\\, level 2\r\n",
            "STATUS:CANCELLED\r\n",
            "SEQUENCE:2\r\n",
        ] {
            assert!(cal.contains(must), "{must}");
        }
        assert!(!cal.replace("\r\n", "").contains('\n'));
    }
}
