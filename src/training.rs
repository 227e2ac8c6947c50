//! Training sessions (pages with an `event` block): what is upcoming at the build's `now`,
//! the human-readable labels, the static filter pages (`/training/past/`, `/training/level/3/`,
//! `/training/topics/neglect/`), schema.org JSON-LD, and the iCalendar files.

use std::collections::BTreeMap;

use jiff::{Timestamp, ZonedDateTime};
use serde::Serialize;

use crate::clock::site_zone;
use crate::content::event::{Event, Mode, Status};
use crate::content::{Page, Site, slugify};
use crate::ical;

/// Whether a session still lies ahead (or is under way) at `now`.
pub fn is_upcoming(e: &Event, now: Timestamp) -> bool {
    e.end > now
}

fn zoned(t: Timestamp) -> ZonedDateTime {
    ZonedDateTime::new(t, site_zone())
}

/// The words Haven writes about sessions (dates, times, costs, places), in the site's main
/// language: from the theme's words (`session.…`, `weekday.N`, `month.N`, `month_of.N`), or in
/// English where a theme has none.
pub struct Words<'a> {
    words: Option<&'a crate::strings::Strings>,
    /// The language's tag, for its plural rules.
    language: String,
}

impl<'a> Words<'a> {
    /// The words of `strings` (none: English) for the language `language`.
    pub fn new(strings: Option<&'a crate::strings::Strings>, language: &str) -> Words<'a> {
        Words {
            words: strings,
            language: language.to_ascii_lowercase(),
        }
    }

    /// Haven's own English words.
    pub fn english() -> Words<'static> {
        Words {
            words: None,
            language: "en".into(),
        }
    }

    /// The words for `key`, or `english` when the theme has none.
    fn get(&self, key: &str, english: &'static str) -> String {
        self.words
            .and_then(|w| w.words.get(key))
            .cloned()
            .unwrap_or_else(|| english.to_string())
    }

    /// The words for `key` with each `{place}` filled in.
    fn fill(&self, key: &str, english: &'static str, places: &[(&str, &str)]) -> String {
        let mut out = self.get(key, english);
        for (name, value) in places {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// The plural category of `n` in the language: Polish has `one`, `few` and `many`; the
    /// others Haven's theme speaks have `one` and `other`.
    fn plural(&self, n: u32) -> &'static str {
        let primary = self.language.split('-').next().unwrap_or("");
        match primary {
            "pl" if n == 1 => "one",
            "pl" if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) => "few",
            "pl" => "many",
            _ if n == 1 => "one",
            _ => "other",
        }
    }

    /// A weekday or month name (`weekday.1` is Monday), or the English one.
    fn name(&self, prefix: &str, n: usize, english: &[&'static str]) -> String {
        self.words
            .and_then(|w| w.words.get(&format!("{prefix}.{n}")))
            .cloned()
            .unwrap_or_else(|| english.get(n - 1).copied().unwrap_or("").to_string())
    }
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "9:30am", "4pm", "12 noon"; "9:30", "16:00" in a language that keeps the 24-hour clock.
pub fn time_label(t: Timestamp, w: &Words<'_>) -> String {
    let z = zoned(t);
    let (h, m) = (z.hour(), z.minute());
    if w.get("session.clock", "12") == "24" {
        return format!("{h}:{m:02}");
    }
    if (h, m) == (12, 0) {
        return w.get("session.noon", "12 noon");
    }
    let suffix = if h < 12 {
        w.get("session.am", "am")
    } else {
        w.get("session.pm", "pm")
    };
    let h12 = match h % 12 {
        0 => 12,
        x => x,
    };
    if m == 0 {
        format!("{h12}{suffix}")
    } else {
        format!("{h12}:{m:02}{suffix}")
    }
}

/// "Thursday 3 December 2026".
pub fn date_label(t: Timestamp, w: &Words<'_>) -> String {
    let z = zoned(t);
    let weekday = usize::try_from(z.weekday().to_monday_one_offset()).unwrap_or(1);
    let month = usize::try_from(z.month()).unwrap_or(1);
    w.fill(
        "session.date",
        "{weekday} {day} {month} {year}",
        &[
            ("weekday", &w.name("weekday", weekday, &WEEKDAYS)),
            ("day", &z.day().to_string()),
            ("month", &w.name("month_of", month, &MONTHS)),
            ("year", &z.year().to_string()),
        ],
    )
}

/// "December 2026", for grouping sessions by month.
pub fn month_label(t: Timestamp, w: &Words<'_>) -> String {
    let z = zoned(t);
    let month = usize::try_from(z.month()).unwrap_or(1);
    w.fill(
        "session.month",
        "{month} {year}",
        &[
            ("month", &w.name("month", month, &MONTHS)),
            ("year", &z.year().to_string()),
        ],
    )
}

/// "9:30am to 4pm".
pub fn time_range(start: Timestamp, end: Timestamp, w: &Words<'_>) -> String {
    w.fill(
        "session.time_range",
        "{start} to {end}",
        &[
            ("start", &time_label(start, w)),
            ("end", &time_label(end, w)),
        ],
    )
}

/// The date line of a course: one day, or the first to the last day.
pub fn dates_label(e: &Event, w: &Words<'_>) -> String {
    let (a, b) = (zoned(e.start), zoned(e.end));
    if a.date() == b.date() {
        date_label(e.start, w)
    } else {
        w.fill(
            "session.date_range",
            "{start} to {end}",
            &[
                ("start", &date_label(e.start, w)),
                ("end", &date_label(e.end, w)),
            ],
        )
    }
}

/// RFC 3339 with London's offset, as schema.org and `<time datetime>` want it.
pub fn local_rfc3339(t: Timestamp) -> String {
    zoned(t).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// "Free" or "£45" / "£12.50".
pub fn cost_label(cost: f64, w: &Words<'_>) -> String {
    if cost == 0.0 {
        return w.get("session.free", "Free");
    }
    let pence = (cost * 100.0).round() as u64;
    if pence.is_multiple_of(100) {
        format!("£{}", pence / 100)
    } else {
        format!("£{}.{:02}", pence / 100, pence % 100)
    }
}

/// What to say about places and whether booking is open.
pub fn availability(e: &Event, now: Timestamp, w: &Words<'_>) -> (String, Option<String>) {
    let closed = |key: &str, why: &'static str| Some(w.get(key, why));
    match e.status {
        Status::Cancelled => (
            w.get("session.cancelled", "Cancelled"),
            closed(
                "session.why_cancelled",
                "This session has been cancelled, so it cannot be booked.",
            ),
        ),
        Status::Postponed => (
            w.get("session.postponed", "Postponed"),
            closed(
                "session.why_postponed",
                "This session has been postponed. Booking will open again when a new date is set.",
            ),
        ),
        _ if e.start <= now => (
            if e.end > now {
                w.get("session.under_way", "Under way")
            } else {
                w.get("session.finished", "Finished")
            },
            closed(
                "session.why_started",
                "This session has already started, so booking has closed.",
            ),
        ),
        Status::Full => (
            w.get("session.full", "Full: no places left"),
            closed(
                "session.why_full",
                "This session is full. Look for another date below, or ask to join the waiting list.",
            ),
        ),
        Status::Scheduled => {
            let label = match e.places_left {
                Some(n) => {
                    let key = format!("session.places-{}", w.plural(n));
                    let text = w
                        .words
                        .and_then(|x| {
                            x.words
                                .get(&key)
                                .or_else(|| x.words.get("session.places-other"))
                        })
                        .cloned()
                        .unwrap_or_else(|| {
                            if n == 1 {
                                "{count} place left"
                            } else {
                                "{count} places left"
                            }
                            .to_string()
                        });
                    text.replace("{count}", &n.to_string())
                }
                None => w.get("session.available", "Places available"),
            };
            let why = if e.booking_url.is_none() {
                closed("session.why_not_open", "Booking is not open yet.")
            } else {
                None
            };
            (label, why)
        }
    }
}

/// One static filter page below a training section.
#[derive(Clone, Debug, Serialize)]
pub struct Listing {
    /// Site-relative URL (`/training/level/3/`).
    pub url: String,
    /// Heading (`Level 3 courses`).
    pub title: String,
    /// `past`, `level`, `topics` or `audiences`.
    pub kind: &'static str,
    /// The filter's value as written (`3`, `neglect`).
    pub value: String,
    /// Indexes into [`Site::pages`]: upcoming ones in date order; for `past`, newest first.
    pub pages: Vec<usize>,
    /// The section the listing belongs to.
    pub section: usize,
}

/// Pages with an event, per section, in start order.
pub fn event_pages(site: &Site) -> BTreeMap<usize, Vec<usize>> {
    let mut by: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.meta.common.event.is_some() {
            by.entry(p.section).or_default().push(i);
        }
    }
    for v in by.values_mut() {
        v.sort_by_key(|&i| (event_of(&site.pages[i]).map(|e| e.start), i));
    }
    by
}

/// The sessions among `pages` still to come at `now`, soonest first (ties in page order): the
/// one rule for "upcoming" that listings, the home page and templates share.
pub fn upcoming(site: &Site, pages: impl IntoIterator<Item = usize>, now: Timestamp) -> Vec<usize> {
    let mut out: Vec<usize> = pages
        .into_iter()
        .filter(|&i| event_of(&site.pages[i]).is_some_and(|e| is_upcoming(e, now)))
        .collect();
    out.sort_by_key(|&i| (event_of(&site.pages[i]).map(|e| e.start), i));
    out
}

/// The event of a page, if it has one.
pub fn event_of(p: &Page) -> Option<&Event> {
    p.meta.common.event.as_ref()
}

/// Every filter page: past sessions, and upcoming ones by level, topic and audience.
pub fn listings(site: &Site, now: Timestamp, w: &Words<'_>) -> Vec<Listing> {
    let mut out = Vec::new();
    for (section, pages) in event_pages(site) {
        let base = &site.sections[section].doc.url;
        let ev = |i: usize| event_of(&site.pages[i]);
        let upcoming = upcoming(site, pages.iter().copied(), now);
        let mut past: Vec<usize> = pages
            .iter()
            .copied()
            .filter(|&i| ev(i).is_some_and(|e| !is_upcoming(e, now)))
            .collect();
        past.reverse();
        out.push(Listing {
            url: format!("{base}past/"),
            title: w.get("session.past", "Past sessions"),
            kind: "past",
            value: String::new(),
            pages: past,
            section,
        });
        let mut levels: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
        for &i in &pages {
            if let Some(l) = ev(i).and_then(|e| e.level) {
                levels.entry(l).or_default();
                if upcoming.contains(&i) {
                    levels.entry(l).or_default().push(i);
                }
            }
        }
        for (l, v) in levels {
            out.push(Listing {
                url: format!("{base}level/{l}/"),
                title: w.fill(
                    "session.level_courses",
                    "Level {level} courses",
                    &[("level", &l.to_string())],
                ),
                kind: "level",
                value: l.to_string(),
                pages: v,
                section,
            });
        }
        for tax in &site.config.taxonomies {
            let mut terms: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
            for &i in &pages {
                for t in site.pages[i]
                    .meta
                    .common
                    .taxonomies
                    .get(tax)
                    .into_iter()
                    .flatten()
                {
                    let e = terms
                        .entry(slugify(t))
                        .or_insert_with(|| (t.clone(), Vec::new()));
                    if upcoming.contains(&i) {
                        e.1.push(i);
                    }
                }
            }
            for (slug, (name, v)) in terms {
                out.push(Listing {
                    url: format!("{base}{tax}/{slug}/"),
                    title: w.fill(
                        "session.courses_on",
                        "Courses on {name}",
                        &[("name", &name)],
                    ),
                    kind: if tax == crate::config::AUDIENCES {
                        crate::config::AUDIENCES
                    } else {
                        crate::config::TOPICS
                    },
                    value: name,
                    pages: v,
                    section,
                });
            }
        }
    }
    out
}

/// A stable identifier for a session: its content path and the site's host, so re-building
/// (or moving the page to a new address with an alias) never makes calendars show it twice.
pub fn uid(site: &Site, p: &Page) -> String {
    let host = site
        .config
        .base_url
        .split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or("haven.invalid");
    format!(
        "{}@{host}",
        p.doc.path.trim_end_matches(".md").replace('/', "-")
    )
}

/// The iCalendar event of a page.
pub fn ical_event(site: &Site, p: &Page, e: &Event) -> ical::Event {
    let m = &p.meta.common;
    // DTSTAMP is when this version was written: the page's `updated` date, else its `date`,
    // else the session start. Never the build time, so two builds stay byte-identical.
    let stamp = m
        .updated
        .as_ref()
        .or(m.date.as_ref())
        .map_or(e.start, |d| d.instant);
    // SEQUENCE must grow with each revision; days from `date` to `updated` does.
    let sequence = match (&m.date, &m.updated) {
        (Some(d), Some(u)) if u.instant > d.instant => {
            ((u.instant.as_second() - d.instant.as_second()) / 86_400).max(1) as u32
        }
        (None, Some(_)) => 1,
        _ => 0,
    };
    let mut description = m.description.clone().unwrap_or_default();
    if e.sessions.len() > 1 {
        description.push_str("\n\nSessions:");
        for (a, b) in &e.sessions {
            let en = Words::english();
            description.push_str(&format!(
                "\n{}, {}",
                date_label(*a, &en),
                time_range(*a, *b, &en)
            ));
        }
    }
    if let Some(u) = &e.booking_url {
        description.push_str(&format!("\n\nBook: {u}"));
    }
    ical::Event {
        uid: uid(site, p),
        dtstamp: stamp,
        sequence,
        start: e.start,
        end: e.end,
        summary: m.title.clone(),
        description,
        location: if e.online {
            Some(match &e.venue {
                Some(v) => format!("Online and at {v}"),
                None => "Online".to_string(),
            })
        } else {
            e.venue.clone()
        },
        url: Some(site.config.permalink(&p.doc.url)),
        cancelled: e.status == Status::Cancelled,
    }
}

/// Output path of a session's own `.ics` file, beside its page.
pub fn ics_path(p: &Page, base_path: &str) -> String {
    let dir = p.doc.url.strip_prefix(base_path).unwrap_or(&p.doc.url);
    let name = dir
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("event");
    format!("{dir}{name}.ics")
}

/// schema.org `Course` with its `CourseInstance`, as JSON-LD safe to put inside `<script>`.
pub fn json_ld(site: &Site, p: &Page, e: &Event) -> String {
    let m = &p.meta.common;
    let page_url = site.config.permalink(&p.doc.url);
    let attendance = match e.mode {
        Mode::Onsite => "https://schema.org/OfflineEventAttendanceMode",
        Mode::Online => "https://schema.org/OnlineEventAttendanceMode",
        Mode::Blended => "https://schema.org/MixedEventAttendanceMode",
    };
    let status = match e.status {
        Status::Cancelled => "https://schema.org/EventCancelled",
        Status::Postponed => "https://schema.org/EventPostponed",
        Status::Scheduled | Status::Full => "https://schema.org/EventScheduled",
    };
    let location = if e.online && e.venue.is_none() {
        serde_json::json!({"@type": "VirtualLocation", "url": e.booking_url.clone().unwrap_or(page_url.clone())})
    } else {
        let place = serde_json::json!({"@type": "Place", "name": e.venue, "address": e.venue});
        if e.online {
            serde_json::json!([place, {"@type": "VirtualLocation", "url": page_url}])
        } else {
            place
        }
    };
    let provider = serde_json::json!({
        "@type": "Organization",
        "name": site.config.title,
        "url": site.config.base_url,
    });
    let mut instance = serde_json::json!({
        "@type": "CourseInstance",
        "name": m.title,
        "startDate": local_rfc3339(e.start),
        "endDate": local_rfc3339(e.end),
        "courseMode": e.mode.as_str(),
        "eventAttendanceMode": attendance,
        "eventStatus": status,
        "location": location,
        "organizer": provider,
        "offers": {
            "@type": "Offer",
            "price": format!("{:.2}", e.cost),
            "priceCurrency": "GBP",
            "url": e.booking_url.clone().unwrap_or(page_url.clone()),
            "availability": if e.status == Status::Full { "https://schema.org/SoldOut" } else { "https://schema.org/InStock" },
        },
    });
    if let Some(n) = e.places_left {
        instance["remainingAttendeeCapacity"] = n.into();
    }
    if let Some(n) = e.capacity {
        instance["maximumAttendeeCapacity"] = n.into();
    }
    let course = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Course",
        "name": m.title,
        "description": m.description.clone().unwrap_or_else(|| m.title.clone()),
        "url": page_url,
        "provider": provider,
        "hasCourseInstance": instance,
    });
    // `<` never appears raw, so no text in the data can close the script element.
    serde_json::to_string(&course)
        .unwrap_or_default()
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_worded_in_the_theme_s_language() {
        let pl = crate::strings::Strings {
            file: "pl.yaml".into(),
            words: [
                ("session.clock", "24"),
                ("session.date", "{weekday}, {day} {month} {year}"),
                ("session.time_range", "{start}–{end}"),
                ("weekday.4", "czwartek"),
                ("month_of.12", "grudnia"),
                ("session.places-one", "Zostało {count} miejsce"),
                ("session.places-few", "Zostały {count} miejsca"),
                ("session.places-many", "Zostało {count} miejsc"),
                ("session.free", "Bezpłatne"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        let w = Words::new(Some(&pl), "pl");
        assert_eq!(
            date_label(t("2026-12-03T09:30"), &w),
            "czwartek, 3 grudnia 2026"
        );
        assert_eq!(
            time_range(t("2026-12-03T09:30"), t("2026-12-03T16:00"), &w),
            "9:30–16:00"
        );
        assert_eq!(cost_label(0.0, &w), "Bezpłatne");
        let places = [
            (1, "Zostało 1 miejsce"),
            (3, "Zostały 3 miejsca"),
            (5, "Zostało 5 miejsc"),
            (12, "Zostało 12 miejsc"),
            (22, "Zostały 22 miejsca"),
        ];
        for (n, want) in places {
            let plural = w.plural(n);
            let text =
                pl.words[&format!("session.places-{plural}")].replace("{count}", &n.to_string());
            assert_eq!(text, want, "{n}");
        }
        // Without the theme's words, English.
        let en = Words::english();
        assert_eq!(
            date_label(t("2026-12-03T09:30"), &en),
            "Thursday 3 December 2026"
        );
        assert_eq!(en.plural(1), "one");
        assert_eq!(en.plural(3), "other");
    }

    fn t(s: &str) -> Timestamp {
        crate::content::event::parse_time(s, &site_zone()).unwrap()
    }

    #[test]
    fn labels_read_naturally() {
        assert_eq!(
            time_label(t("2026-12-03T09:30"), &Words::english()),
            "9:30am"
        );
        assert_eq!(time_label(t("2026-12-03T16:00"), &Words::english()), "4pm");
        assert_eq!(
            time_label(t("2026-12-03T12:00"), &Words::english()),
            "12 noon"
        );
        assert_eq!(
            time_label(t("2026-12-03T00:15"), &Words::english()),
            "12:15am"
        );
        assert_eq!(
            date_label(t("2026-12-03T09:30"), &Words::english()),
            "Thursday 3 December 2026"
        );
        // British Summer Time: 09:30 in London is 08:30 UTC but still reads 9:30am.
        assert_eq!(
            time_label(t("2026-06-03T09:30"), &Words::english()),
            "9:30am"
        );
        assert_eq!(
            local_rfc3339(t("2026-06-03T09:30")),
            "2026-06-03T09:30:00+01:00"
        );
        assert_eq!(
            local_rfc3339(t("2026-12-03T09:30")),
            "2026-12-03T09:30:00+00:00"
        );
        assert_eq!(cost_label(0.0, &Words::english()), "Free");
        assert_eq!(cost_label(45.0, &Words::english()), "£45");
        assert_eq!(cost_label(12.5, &Words::english()), "£12.50");
    }
}
