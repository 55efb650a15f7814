"""Invitations and the offers made for them, in the journal's SQLite (tables of schema 4).

Written through the journal's own transactions and error translation, so a busy or damaged journal
is the same one-line error here as anywhere else.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

from voice.home.invitations import ANSWERS, Answer, Invitation, Offered
from voice.journal.store import Journal
from voice.journal.schema import iso, parse_iso


class InvitationStore:
    """The invitations of one journal."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    # ---- invitations ------------------------------------------------------------------------------

    def add(self, ritual_id: str, at: time, weekday: int | None, now: datetime) -> Invitation:
        """A new invitation; one for the same ritual, time and days is not added twice."""
        for existing in self.active():
            if (existing.ritual_id, existing.at, existing.weekday) == (ritual_id, at, weekday):
                return existing
        with self.journal._write() as db:
            cursor = db.execute("INSERT INTO invitations (ritual_id, at, weekday, created_at) VALUES (?, ?, ?, ?)",
                                (ritual_id, at.strftime("%H:%M"), weekday, iso(now)))
            return Invitation(int(cursor.lastrowid or 0), ritual_id, at, weekday)

    def active(self) -> list[Invitation]:
        rows = self.journal._read("SELECT id, ritual_id, at, weekday FROM invitations WHERE removed_at IS NULL "
                                  "ORDER BY at, id")
        return [Invitation(r[0], r[1], time.fromisoformat(r[2]), r[3]) for r in rows]

    def remove(self, ids: list[int] | None, now: datetime) -> int:
        """Remove these invitations (``None``: all); their offers stay, for the stats."""
        with self.journal._write() as db:
            if ids is None:
                return db.execute("UPDATE invitations SET removed_at = ? WHERE removed_at IS NULL", (iso(now),)).rowcount
            return sum(db.execute("UPDATE invitations SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
                                  (iso(now), i)).rowcount for i in ids)

    # ---- offers -----------------------------------------------------------------------------------

    def offered(self, invitation: Invitation, day: date, again: bool, at: datetime) -> int:
        with self.journal._write() as db:
            cursor = db.execute("INSERT INTO offers (invitation_id, ritual_id, day, offered_at, again) "
                                "VALUES (?, ?, ?, ?, ?)",
                                (invitation.id, invitation.ritual_id, day.isoformat(), iso(at), int(again)))
            return int(cursor.lastrowid or 0)

    def answered(self, offer_id: int, answer: Answer, at: datetime) -> None:
        with self.journal._write() as db:
            db.execute("UPDATE offers SET answer = ?, answered_at = ? WHERE id = ? AND answer IS NULL",
                       (answer, iso(at), offer_id))

    def close_unanswered(self, at: datetime) -> int:
        """Offers a stopped device left waiting: nobody answered them."""
        with self.journal._write() as db:
            return db.execute("UPDATE offers SET answer = 'no_answer', answered_at = ? WHERE answer IS NULL",
                              (iso(at),)).rowcount

    def offers_since(self, day: date) -> list[Offered]:
        rows = self.journal._read("SELECT invitation_id, day, answer, answered_at FROM offers WHERE day >= ? "
                                  "ORDER BY id", (day.isoformat(),))
        return [Offered(r[0], date.fromisoformat(r[1]), r[2], parse_iso(r[3]) if r[3] else None) for r in rows]

    def tally(self, since: date | None = None) -> Counter[str]:
        """How each invitation's day ended (its last offer's answer: accepted, declined, no_answer, or a
        "later" never asked again), over days from ``since``."""
        rows = self.journal._read(
            "SELECT answer, COUNT(*) FROM offers o WHERE answer IS NOT NULL AND day >= ? AND id = "
            "(SELECT MAX(id) FROM offers p WHERE p.invitation_id = o.invitation_id AND p.day = o.day) "
            "GROUP BY answer", ((since or date.min).isoformat(),))
        return Counter({answer: count for answer, count in rows if answer in ANSWERS})
