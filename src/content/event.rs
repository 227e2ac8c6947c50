//! The `event` block of a training session's front matter: when and where it is, who it is
//! for, and whether places remain. Times are local to London as the sub-group writes them
//! (`2026-12-03T09:30`); a time that does not exist or happens twice at a clock change must
//! carry its offset, since guessing would put practitioners in the room an hour early or late.

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// The JSON Schema of the `event:` block, from the type it is read into.
pub fn raw_event_schema() -> schemars::Schema {
    schemars::schema_for!(RawEvent)
}

/// The block as written.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "Training session",
    description = "When and where the session is, who it is for, and how to book."
)]
pub struct RawEvent {
    /// When it starts, in London time: 2027-03-30T09:30.
    #[schemars(with = "String")]
    start: Spanned<String>,
    /// When it ends, in the same form as start.
    #[schemars(with = "String")]
    end: Spanned<String>,
    /// Where it takes place, as an address.
    #[serde(default)]
    venue: Option<String>,
    /// true for a session held online.
    #[serde(default)]
    online: bool,
    /// onsite, online or blended.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    mode: Option<Spanned<String>>,
    /// The training level, 1 to 4.
    #[serde(default)]
    #[schemars(with = "Option<u8>")]
    level: Option<Spanned<u8>>,
    /// How many places there are.
    #[serde(default)]
    capacity: Option<u32>,
    /// How many places are left; 0 makes it full.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    places_left: Option<Spanned<u32>>,
    /// The price in pounds, without the £ sign; 0 is free.
    #[serde(default)]
    #[schemars(with = "Option<f64>")]
    cost: Option<Spanned<Amount>>,
    /// The full https:// address of the booking page.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    booking_url: Option<Spanned<String>>,
    /// scheduled, full, cancelled or postponed.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    status: Option<Spanned<String>>,
    /// For a course over several days: each day's start and end.
    #[serde(default)]
    sessions: Vec<RawSession>,
}

/// A `cost` as written: a number, or text that the check explains. Reading text here rather
/// than failing in the YAML parser lets the message say what a price looks like, instead of
/// "invalid floating point".
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    /// A number (a quoted number such as `"10"` is read as one too).
    Number(f64),
    /// Anything else, as written: `£10`, `Free`, `10 per person`.
    Text(String),
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a price in pounds")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Amount, E> {
                Ok(Amount::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Amount, E> {
                Ok(Amount::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Amount, E> {
                Ok(Amount::Number(v as f64))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Amount, E> {
                Ok(Amount::Text(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Amount, E> {
                // YAML reads `"10"` as text; it is still plainly a number.
                Ok(match v.trim().parse::<f64>() {
                    Ok(n) => Amount::Number(n),
                    Err(_) => Amount::Text(v.to_string()),
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// One day of a multi-day course.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSession {
    #[schemars(with = "String")]
    start: Spanned<String>,
    #[schemars(with = "String")]
    end: Spanned<String>,
}

/// How a course is attended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// In a room.
    Onsite,
    /// Online only.
    Online,
    /// Both.
    Blended,
}

impl Mode {
    /// As written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Onsite => "onsite",
            Mode::Online => "online",
            Mode::Blended => "blended",
        }
    }
}

/// Whether a session goes ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Going ahead, places may remain.
    Scheduled,
    /// Going ahead, no places left.
    Full,
    /// Will not take place.
    Cancelled,
    /// Moved to a date not yet fixed.
    Postponed,
}

impl Status {
    /// As written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Full => "full",
            Status::Cancelled => "cancelled",
            Status::Postponed => "postponed",
        }
    }
}

/// A checked event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// First start.
    pub start: Timestamp,
    /// Last end.
    pub end: Timestamp,
    /// Every day of the course (one entry for a single session).
    pub sessions: Vec<(Timestamp, Timestamp)>,
    /// Address, unless online only.
    pub venue: Option<String>,
    /// Whether it is online (no address shown).
    pub online: bool,
    /// How it is attended.
    pub mode: Mode,
    /// Level 1 (basic) to 4 (specialist).
    pub level: Option<u8>,
    /// Places in all.
    pub capacity: Option<u32>,
    /// Places still free.
    pub places_left: Option<u32>,
    /// Price in pounds; 0 is free.
    pub cost: f64,
    /// Where to book.
    pub booking_url: Option<String>,
    /// Whether it goes ahead.
    pub status: Status,
}

/// A problem with the block: the message and where (1-based line and column within the YAML).
#[derive(Debug, PartialEq, Eq)]
pub struct EventError {
    /// What is wrong and how to fix it.
    pub message: String,
    /// The hint line.
    pub hint: String,
    /// Line within the front matter YAML (1-based), 0 if unknown.
    pub line: usize,
    /// Column.
    pub column: usize,
}

fn at<T>(s: &Spanned<T>, message: String, hint: &str) -> EventError {
    EventError {
        message,
        hint: hint.to_string(),
        line: s.referenced.line() as usize,
        column: s.referenced.column() as usize,
    }
}

/// Reads a local London date-time (`2026-12-03T09:30`, seconds optional, a space allowed for
/// the `T`) or an RFC 3339 date-time with an offset.
pub fn parse_time(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let dt: DateTime = s.replacen(' ', "T", 1).parse().map_err(|_| {
        format!("`{s}` is not a date and time; write it as 2026-12-03T09:30 (London time)")
    })?;
    if s.len() <= 10 {
        return Err(format!(
            "`{s}` has no time; write the start and end times, e.g. {s}T09:30"
        ));
    }
    let amb = tz.to_ambiguous_zoned_datetime(dt);
    if amb.is_ambiguous() {
        let what = if matches!(amb.offset(), jiff::tz::AmbiguousOffset::Gap { .. }) {
            "does not exist in London: the clocks go forward an hour then"
        } else {
            "happens twice in London: the clocks go back an hour then"
        };
        return Err(format!(
            "`{s}` {what}; write it with its offset, e.g. {s}:00+01:00 or {s}:00Z"
        ));
    }
    amb.compatible()
        .map(|z| z.timestamp())
        .map_err(|e| format!("`{s}`: {e}"))
}

/// Checks the block and works out what it means.
pub fn check(raw: RawEvent, tz: &TimeZone) -> Result<Event, EventError> {
    let (start, end, sessions) = schedule(&raw, tz)?;
    let status = status(raw.status.as_ref())?;
    let mode = mode(raw.mode.as_ref(), raw.online)?;
    let online = raw.online || mode == Mode::Online;
    if !online && raw.venue.as_deref().is_none_or(|v| v.trim().is_empty()) {
        return Err(EventError {
            message: "the event has no `venue` and is not `online: true`".into(),
            hint: "add `venue: Civic Centre, Bromley BR1 3UH`, or `online: true` for an online session".into(),
            line: raw.start.referenced.line() as usize,
            column: 1,
        });
    }
    check_places(&raw)?;
    let cost = cost(raw.cost.as_ref())?;
    let booking_url = booking_url(raw.booking_url.as_ref())?;
    let status =
        if status == Status::Scheduled && raw.places_left.as_ref().is_some_and(|p| p.value == 0) {
            Status::Full
        } else {
            status
        };
    Ok(Event {
        start,
        end,
        sessions,
        venue: if online && mode == Mode::Online {
            None
        } else {
            raw.venue.map(|v| v.trim().to_string())
        },
        online,
        mode,
        level: raw.level.map(|l| l.value),
        capacity: raw.capacity,
        places_left: raw.places_left.map(|p| p.value),
        cost,
        booking_url,
        status,
    })
}

/// Takes a start and end as written; returns them as instants, or an error if either is not
/// a time or the end is not after the start.
fn time_pair(
    start: &Spanned<String>,
    end: &Spanned<String>,
    tz: &TimeZone,
) -> Result<(Timestamp, Timestamp), EventError> {
    const TIME_HINT: &str = "times are London time, written 2026-12-03T09:30";
    let time = |s: &Spanned<String>| parse_time(&s.value, tz).map_err(|m| at(s, m, TIME_HINT));
    let (a, b) = (time(start)?, time(end)?);
    if b <= a {
        return Err(at(
            end,
            format!(
                "the end ({}) is not after the start ({})",
                end.value, start.value
            ),
            "check the date and the time of both; a session must end after it starts",
        ));
    }
    Ok((a, b))
}

/// Takes the block; returns the course's start and end and its sessions in time order (the
/// whole course as one session when none are listed), or an error for a bad time or a
/// session outside the course.
fn schedule(raw: &RawEvent, tz: &TimeZone) -> Result<Schedule, EventError> {
    let (start, end) = time_pair(&raw.start, &raw.end, tz)?;
    let mut sessions = Vec::new();
    for s in &raw.sessions {
        let (a, b) = time_pair(&s.start, &s.end, tz)?;
        if a < start || b > end {
            return Err(at(
                &s.start,
                format!(
                    "this session ({} to {}) falls outside the course's start and end",
                    s.start.value, s.end.value
                ),
                "the event's start is the first session's start and its end the last session's end",
            ));
        }
        sessions.push((a, b));
    }
    sessions.sort();
    if sessions.is_empty() {
        sessions.push((start, end));
    }
    Ok((start, end, sessions))
}

/// A course's start, end and sessions.
type Schedule = (Timestamp, Timestamp, Vec<(Timestamp, Timestamp)>);

/// Takes `status` as written; returns it (scheduled when absent), or an error for an unknown
/// word.
fn status(status: Option<&Spanned<String>>) -> Result<Status, EventError> {
    Ok(match status {
        None => Status::Scheduled,
        Some(s) => match s.value.trim() {
            "scheduled" => Status::Scheduled,
            "full" => Status::Full,
            "cancelled" => Status::Cancelled,
            "postponed" => Status::Postponed,
            other => {
                return Err(at(
                    s,
                    format!("unknown status `{other}`"),
                    "status is one of: scheduled, full, cancelled, postponed",
                ));
            }
        },
    })
}

/// Takes `mode` as written and `online`; returns the mode (from `online` when absent), or an
/// error for an unknown word.
fn mode(mode: Option<&Spanned<String>>, online: bool) -> Result<Mode, EventError> {
    Ok(match mode {
        None if online => Mode::Online,
        None => Mode::Onsite,
        Some(m) => match m.value.trim() {
            "onsite" => Mode::Onsite,
            "online" => Mode::Online,
            "blended" => Mode::Blended,
            other => {
                return Err(at(
                    m,
                    format!("unknown mode `{other}`"),
                    "mode is one of: onsite, online, blended",
                ));
            }
        },
    })
}

/// Checks the block's `level` is 1 to 4 and that `places_left` is at most the `capacity`.
fn check_places(raw: &RawEvent) -> Result<(), EventError> {
    if let Some(l) = &raw.level
        && !(1..=4).contains(&l.value)
    {
        return Err(at(
            l,
            format!("level {} is not between 1 and 4", l.value),
            "levels run from 1 (basic awareness) to 4 (specialist)",
        ));
    }
    if let (Some(p), Some(c)) = (&raw.places_left, raw.capacity)
        && p.value > c
    {
        return Err(at(
            p,
            format!("{} places left, but the capacity is only {c}", p.value),
            "places_left counts the places still free, so it is at most the capacity",
        ));
    }
    Ok(())
}

/// Takes `cost` as written; returns the price (0 when absent), or an error if it is negative
/// or not a number. `£10` is refused rather than read as 10: the theme adds the £ itself, and
/// one way of writing a price keeps `£10 + VAT`, `$10` or `10 per person` from being half
/// understood. The message says exactly what to write instead.
fn cost(cost: Option<&Spanned<Amount>>) -> Result<f64, EventError> {
    const FREE: &str = "or `cost: 0` for a free session";
    let Some(c) = cost else {
        return Ok(0.0);
    };
    match &c.value {
        Amount::Number(n) if n.is_finite() && *n >= 0.0 => Ok(*n),
        Amount::Number(n) => Err(at(
            c,
            format!("cost {n} is not a price"),
            &format!("write the price in pounds, e.g. `cost: 45`, {FREE}"),
        )),
        Amount::Text(t) => {
            let t = t.trim();
            let number = pounds_in(t);
            let (message, hint) = if t.contains(['£', '$', '€']) {
                (
                    "`cost` must be a number of pounds, without the £ sign".to_string(),
                    match number {
                        Some(n) => format!("write `cost: {n}`, {FREE}"),
                        None => format!("write the price as a number, e.g. `cost: 45`, {FREE}"),
                    },
                )
            } else if matches!(
                t.to_lowercase().as_str(),
                "free" | "none" | "nil" | "no charge" | "no cost" | "n/a"
            ) {
                (
                    format!("`cost` must be a number of pounds, but `{t}` is text"),
                    "write `cost: 0` for a free session".to_string(),
                )
            } else {
                (
                    format!("`cost` must be a number of pounds, but `{t}` is text"),
                    match number {
                        Some(n) => format!("write only the number: `cost: {n}`, {FREE}"),
                        None => format!("write the price as a number, e.g. `cost: 45`, {FREE}"),
                    },
                )
            };
            Err(at(c, message, &hint))
        }
    }
}

/// The first amount written in `text` (`£1,200.50 per person` gives `1200.50`), for a hint.
fn pounds_in(text: &str) -> Option<String> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .filter(|c| *c != ',')
        .collect();
    let digits = digits.trim_end_matches('.');
    digits.parse::<f64>().ok().map(|_| digits.to_string())
}

/// Takes `booking_url` as written; returns it, or an error if it is not an http(s) address.
fn booking_url(url: Option<&Spanned<String>>) -> Result<Option<String>, EventError> {
    match url {
        Some(u) if !(u.value.starts_with("https://") || u.value.starts_with("http://")) => Err(at(
            u,
            format!("booking_url `{}` is not an http(s) address", u.value),
            "write the full address, starting https://",
        )),
        Some(u) => Ok(Some(u.value.clone())),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> TimeZone {
        crate::clock::site_zone()
    }

    fn ev(yaml: &str) -> Result<Event, EventError> {
        let raw: RawEvent = serde_saphyr::from_str(yaml).unwrap();
        check(raw, &london())
    }

    #[test]
    fn local_times_either_side_of_a_clock_change() {
        // 2026: clocks go forward on 29 March, back on 25 October.
        let before = parse_time("2026-03-28T09:30", &london()).unwrap();
        let after = parse_time("2026-03-30T09:30", &london()).unwrap();
        assert_eq!(before.to_string(), "2026-03-28T09:30:00Z");
        assert_eq!(after.to_string(), "2026-03-30T08:30:00Z");
        let e = parse_time("2026-03-29T01:30", &london()).unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        let e = parse_time("2026-10-25T01:30", &london()).unwrap_err();
        assert!(e.contains("happens twice"), "{e}");
        assert_eq!(
            parse_time("2026-10-25T01:30:00+01:00", &london())
                .unwrap()
                .to_string(),
            "2026-10-25T00:30:00Z"
        );
        assert!(
            parse_time("2026-12-03", &london())
                .unwrap_err()
                .contains("no time")
        );
    }

    #[test]
    fn validation_names_the_field() {
        let e = ev("start: 2026-12-03T09:30\nend: 2026-12-03T09:00\nvenue: Hall\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("not after the start"));
        let e = ev("start: 2026-12-03T09:30\nend: 2026-12-03T12:00\nvenue: Hall\nstatus: maybe\n")
            .unwrap_err();
        assert_eq!((e.line, e.message.contains("maybe")), (4, true));
        let e = ev("start: 2026-12-03T09:30\nend: 2026-12-03T12:00\nonline: true\nbooking_url: www.example.org\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("http"));
        let e = ev("start: 2026-12-03T09:30\nend: 2026-12-03T12:00\n").unwrap_err();
        assert!(e.message.contains("venue"));
        let e = ev("start: 2026-12-03T09:30\nend: 2026-12-03T12:00\nvenue: Hall\ncapacity: 10\nplaces_left: 11\n").unwrap_err();
        assert!(e.message.contains("capacity"));
    }

    #[test]
    fn cost_is_a_number_of_pounds() {
        let base = "start: 2026-12-03T09:30\nend: 2026-12-03T12:00\nvenue: Hall\n";
        let cost = |c: &str| ev(&format!("{base}cost: {c}\n"));
        assert_eq!(cost("45").unwrap().cost, 45.0);
        assert_eq!(cost("12.50").unwrap().cost, 12.5);
        // Quoted, it is still plainly a number.
        assert_eq!(cost("\"10\"").unwrap().cost, 10.0);
        assert_eq!(ev(base).unwrap().cost, 0.0);

        let e = cost("£10").unwrap_err();
        assert_eq!(
            e.message,
            "`cost` must be a number of pounds, without the £ sign"
        );
        assert_eq!(e.hint, "write `cost: 10`, or `cost: 0` for a free session");
        assert_eq!((e.line, e.column), (4, 7));
        let e = cost("£1,200.50").unwrap_err();
        assert_eq!(
            e.hint,
            "write `cost: 1200.50`, or `cost: 0` for a free session"
        );
        let e = cost("Free").unwrap_err();
        assert_eq!(
            e.message,
            "`cost` must be a number of pounds, but `Free` is text"
        );
        assert_eq!(e.hint, "write `cost: 0` for a free session");
        let e = cost("10 per person").unwrap_err();
        assert_eq!(
            e.hint,
            "write only the number: `cost: 10`, or `cost: 0` for a free session"
        );
        let e = cost("-5").unwrap_err();
        assert!(e.message.contains("not a price"), "{}", e.message);
    }

    #[test]
    fn multi_day_and_full() {
        let e = ev("start: 2027-02-01T09:30\nend: 2027-02-02T16:00\nvenue: Hall\nplaces_left: 0\nsessions:\n  - {start: 2027-02-02T09:30, end: 2027-02-02T16:00}\n  - {start: 2027-02-01T09:30, end: 2027-02-01T16:00}\n").unwrap();
        assert_eq!(e.sessions.len(), 2);
        assert!(e.sessions[0].0 < e.sessions[1].0, "sorted");
        assert_eq!(e.status, Status::Full);
        let online =
            ev("start: 2027-02-01T09:30\nend: 2027-02-01T12:00\nmode: online\nvenue: ignored\n")
                .unwrap();
        assert!(online.online && online.venue.is_none());
    }
}
