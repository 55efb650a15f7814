"""Plans a new session from the journal: who goes first, which questions are still fresh."""

from __future__ import annotations

from voice.library.rituals import RitualLibrary
from voice.journal.store import Journal
from voice.core.journal_events import Question
from voice.core.skill import SessionPlan


def current_cycle(asked_in_order: list[str], deck: tuple[str, ...]) -> set[str]:
    """Questions asked since the deck was last used up (each full pass starts the count again)."""
    cycle: set[str] = set()
    whole = set(deck)
    for question in asked_in_order:
        if question in whole:
            cycle.add(question)
            if cycle >= whole:
                cycle = set()
    return cycle


class JournalPlanner:
    """A ``SessionPlanner`` backed by the journal."""

    def __init__(self, journal: Journal, library: RitualLibrary) -> None:
        self.journal = journal
        self.library = library

    def __call__(self, ritual_id: str) -> SessionPlan:
        last = self.journal.last_first_partner(ritual_id)
        first = 0 if last is None else 1 - last
        ritual = self.library.get(ritual_id)
        history: dict[str, list[str]] = {}
        for row in self.journal.events(kind=Question, ritual_id=ritual_id):
            history.setdefault(row.event.deck, []).append(row.event.question)
        asked = {deck: current_cycle(history.get(deck, []), questions) for deck, questions in ritual.decks.items()}
        return SessionPlan(first, asked)
