//! The build's notion of "now": what counts as current for alerts and upcoming training. It is
//! the moment the build starts unless `--now` fixes it, so tests and previews are repeatable.
//! Dates people read are civil dates in the site's time zone, Europe/London.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ZonedDateTime};

/// The zone every date on the site is read in. jiff's bundled database is used (feature
/// `tzdb-bundle-always`), so clock changes come out the same on every machine.
pub fn site_zone() -> TimeZone {
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// Parses `--now`: a date (`2026-12-01`, meaning the start of that day in London) or an RFC 3339
/// date-time with an offset (`2026-12-01T09:00:00Z`).
pub fn parse_now(s: &str) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(date) = s.parse::<Date>()
        && s.len() == 10
    {
        return date
            .to_zoned_datetime(site_zone())
            .map(|z| z.timestamp())
            .map_err(|e| format!("`{s}`: {e}"));
    }
    s.parse::<Timestamp>().map_err(|_| {
        format!("`{s}` is not a date (2026-12-01) or an RFC 3339 date-time (2026-12-01T09:00:00Z)")
    })
}

/// The calendar date in London at `now`.
pub fn site_date(now: Timestamp) -> Date {
    ZonedDateTime::new(now, site_zone()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_accepts_dates_and_date_times() {
        // Midnight in London in summer is 23:00 UTC the day before.
        assert_eq!(
            parse_now("2026-07-01").unwrap().to_string(),
            "2026-06-30T23:00:00Z"
        );
        assert_eq!(
            parse_now("2026-12-01").unwrap().to_string(),
            "2026-12-01T00:00:00Z"
        );
        assert_eq!(
            parse_now("2026-12-01T09:30:00+01:00").unwrap().to_string(),
            "2026-12-01T08:30:00Z"
        );
        assert!(parse_now("1/12/2026").unwrap_err().contains("RFC 3339"));
        assert!(
            parse_now("2026-12-01T09:30:00").is_err(),
            "no offset, no sense"
        );
    }

    #[test]
    fn site_date_is_london_local() {
        let late = parse_now("2026-06-30T23:30:00Z").unwrap();
        assert_eq!(site_date(late).to_string(), "2026-07-01");
    }
}
