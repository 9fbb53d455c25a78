"""One VEVENT as an .ics file (RFC 5545), written by hand: a library is not worth it for one
event, but the escaping and line folding must be right."""
from __future__ import annotations

from datetime import UTC, datetime


def escape(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (§3.1)."""
    out: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(*, uid: str, start: datetime, end: datetime, summary: str, now: datetime,
          description: str = "", location: str = "") -> str:
    """The .ics text of one event (times in UTC, CRLF line ends)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//interview-bot//self-scheduling//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
             f"UID:{escape(uid)}", f"DTSTAMP:{_utc(now)}", f"DTSTART:{_utc(start)}",
             f"DTEND:{_utc(end)}", f"SUMMARY:{escape(summary)}"]
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
