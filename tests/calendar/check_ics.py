"""Parses every .ics file of the built site with the `icalendar` package (a real RFC 5545
parser, not Haven's own code) and checks each has the properties calendar apps need.

    python3 tests/calendar/check_ics.py public
"""
import pathlib
import sys

import icalendar

REQUIRED_CAL = ("VERSION", "PRODID")
REQUIRED_EVENT = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS")


def check(path: pathlib.Path) -> tuple[list[str], int]:
    problems = []
    raw = path.read_bytes()
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("a line ends without CRLF")
    for line in raw.split(b"\r\n"):
        if len(line) > 75:
            problems.append(f"a line is {len(line)} octets long")
    cal = icalendar.Calendar.from_ical(raw)
    for prop in REQUIRED_CAL:
        if prop not in cal:
            problems.append(f"VCALENDAR has no {prop}")
    events = cal.walk("VEVENT")
    for ev in events:
        for prop in REQUIRED_EVENT:
            if prop not in ev:
                problems.append(f"event {ev.get('UID')} has no {prop}")
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if start.tzinfo is None or start.utcoffset().total_seconds() != 0:
            problems.append(f"event {ev.get('UID')}: DTSTART is not in UTC")
        if end <= start:
            problems.append(f"event {ev.get('UID')}: ends before it starts")
        if ev.decoded("DTSTAMP").utcoffset().total_seconds() != 0:
            problems.append(f"event {ev.get('UID')}: DTSTAMP is not in UTC")
    return problems, len(events)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "public")
    files = sorted(root.rglob("*.ics"))
    if not files:
        print(f"no .ics files below {root}")
        return 1
    failed = 0
    total = 0
    uids = {}
    for f in files:
        problems, n = check(f)
        total += n
        for p in problems:
            print(f"{f}: {p}")
        failed += len(problems)
    calendar = root / "training" / "calendar.ics"
    if calendar.exists():
        cal = icalendar.Calendar.from_ical(calendar.read_bytes())
        for ev in cal.walk("VEVENT"):
            uid = str(ev["UID"])
            if uid in uids:
                print(f"{calendar}: UID {uid} appears twice")
                failed += 1
            uids[uid] = True
    print(f"icalendar {icalendar.__version__}: {len(files)} files, {total} events, {failed} problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
