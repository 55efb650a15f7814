"""How the invitations went, for stats and the report: accepted, declined, no answer.

Kept apart from the sessions' counts on purpose: an invitation let go is not a missed ritual, so
none of this touches a count or a streak.
"""

from __future__ import annotations

from datetime import date, timedelta

from voice.home.invitation_store import InvitationStore
from voice.journal.store import Journal

WINDOW_DAYS = 30
LABELS = (("accepted", "accepted"), ("declined", "declined"), ("no_answer", "no answer"),
          ("later", "put off and not asked again"))


def invitations_line(journal: Journal, today: date) -> str | None:
    """"Invitations, last 30 days: 3 accepted, 1 declined, 2 no answer." (``None``: no offers then)."""
    tally = InvitationStore(journal).tally(today - timedelta(days=WINDOW_DAYS - 1))
    if not tally:
        return None
    parts = [f"{tally[key]} {label}" for key, label in LABELS if tally[key] or key != "later"]
    return f"Invitations, last {WINDOW_DAYS} days: {', '.join(parts)}."
