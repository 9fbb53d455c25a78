"""The link token, slot ids, CSRF field and the .ics writer: pure functions, no database."""
from __future__ import annotations

from datetime import UTC, datetime

from commands import ics
from commands import invite_token as t

KEY = t.derive_key("test-secret-value")


def test_key_is_derived_never_the_secret_itself():
    assert KEY != b"test-secret-value" and len(KEY) == 32
    assert t.derive_key("another") != KEY
    try:
        t.derive_key("")
    except ValueError:
        pass
    else:
        raise AssertionError("an empty secret must not give a key")


def test_token_round_trip_and_every_alteration_refused():
    token = t.make(KEY, 42, "abcdefghijkl")
    assert t.read(KEY, token) == (42, "abcdefghijkl")
    iid, nonce, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    for bad in (f"43.{nonce}.{mac}", f"{iid}.{nonce[:-1]}x.{mac}", f"{iid}.{nonce}.{flipped}",
                token + "x", token[:-1], "", "1.2.3", "../etc/passwd", "0." + nonce + "." + mac,
                "９９." + nonce + "." + mac, token.replace(".", "..")):
        assert t.read(KEY, bad) is None, bad
    assert t.read(t.derive_key("other"), token) is None      # forged with another key


def test_slot_ids_belong_to_one_invitation():
    sid = t.slot_id(KEY, 7, "noncenonce12", 29_000_000)
    assert t.read_slot(KEY, 7, "noncenonce12", sid) == 29_000_000
    assert t.read_slot(KEY, 8, "noncenonce12", sid) is None            # another invitation
    other = t.slot_id(KEY, 8, "noncenonce12", 29_000_000)
    assert t.read_slot(KEY, 7, "noncenonce12", other) is None
    assert t.read_slot(KEY, 7, "othernonce12", sid) is None             # same id, new row
    moved = sid.replace("29000000", "29000030")
    assert t.read_slot(KEY, 7, "noncenonce12", moved) is None          # altered start
    assert t.read_slot(KEY, 7, "noncenonce12", "7-1-" + "A" * 16) is None
    assert t.read_slot(KEY, 7, "noncenonce12", "garbage") is None


def test_csrf_field():
    good = t.csrf(KEY, 7, "noncenonce12")
    assert t.csrf_ok(KEY, 7, "noncenonce12", good)
    assert not t.csrf_ok(KEY, 8, "noncenonce12", good)
    assert not t.csrf_ok(KEY, 7, "noncenonce12", "")
    assert not t.csrf_ok(KEY, 7, "noncenonce12", "é" * 22)


def test_ics_escapes_and_folds():
    start = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    text = ics.event(uid="selfsched-1@interview-bot", start=start,
                     end=datetime(2026, 11, 26, 8, 0, tzinfo=UTC), now=start,
                     summary="面试; 张三, \\ 后端\nBEGIN:VEVENT", description="很长的说明" * 30)
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    assert "DTSTART:20261126T070000Z" in text and "DTEND:20261126T080000Z" in text
    assert "SUMMARY:面试\\; 张三\\, \\\\ 后端\\nBEGIN:VEVENT" in text
    assert text.split("\r\n").count("BEGIN:VEVENT") == 1   # the injected line stayed text
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75, line
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "很长的说明" * 30 in unfolded
