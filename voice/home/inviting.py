"""The skill that also invites: at an invitation's time, when idle, a soft chime and one short line,
then it listens. "Yes" starts the ritual, "later" asks again once after a while, "not tonight", any
other command or silence lets it go. Whether an offer is due is ``voice.home.invitations``' pure rules;
this module only carries them out and journals each offer and its answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from voice.core.events import Action, Activity, Chime, Event, Heard, OutputDone, Say, Tick
from voice.home.invitation_store import InvitationStore
from voice.home.invitations import Answer, Facts, OfferState, Rules, due_offer, next_check
from voice.journal.store import Journal
from voice.review.counting import counted_sessions
from voice.review.stats import local_day
from voice.core.skill import Skill
from voice.home.wallclock import WallClock

RECHECK_SECONDS = 60.0
"""The longest the skill goes without reading the invitations: one added from the command line
(another process) while it runs is seen within a minute."""
DECLINE_INTENTS = frozenset({"no", "decline"})


@dataclass(frozen=True)
class Inviter:
    """What the skill needs to invite: the invitations, the journal's facts, the wall clock, the rules."""

    store: InvitationStore
    journal: Journal
    wall: WallClock
    rules: Rules

    def moment(self, t: float) -> datetime:
        """Driver time ``t`` on the couple's clock (their time zone)."""
        return self.wall.at(t).astimezone()

    def facts(self, now: datetime) -> Facts:
        since = now.date() - timedelta(days=1)   # the rules look at yesterday and today only
        start = datetime.combine(since, time()).astimezone()
        done = frozenset((s.ritual_id, local_day(s.started_at)) for s in counted_sessions(self.journal, since=start))
        away = frozenset(date.fromisoformat(d) for d in self.journal.away_days())
        return Facts(away, done, tuple(self.store.offers_since(since)))


class InvitingSkill(Skill):
    """A ``Skill`` that makes the offers its ``Inviter`` finds due (see the module docstring)."""

    def __init__(self, *args: Any, inviter: Inviter, **kwargs: Any) -> None:
        """``args``, ``kwargs``: the ``Skill``'s own; ``inviter``: where the invitations come from."""
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        self._waiting: OfferState | None = None
        self._check_at = inviter.wall.clock_origin
        """Driver time of the next look at the invitations."""

    @property
    def busy(self) -> bool:
        """A ritual runs or an offer waits for its answer (the driver keeps going for either)."""
        return self.ritual_running or self._waiting is not None

    def begin(self) -> list[Action]:
        # an offer a stopped device left waiting was never answered
        self.inviter.store.close_unanswered(self.inviter.wall.wall_origin)
        return super().begin()

    def next_deadline(self) -> float | None:
        if self._waiting is not None:
            return self._waiting.listen_until
        return super().next_deadline() if self.ritual_running else self._check_at

    def handle(self, event: Event) -> list[Action]:
        if self._waiting is not None:
            return self._on_answer(event)
        running = self.ritual_running
        out = super().handle(event)
        if running and not self.ritual_running:
            # A ritual just ended: an invitation it held back may be due, but only once the driver
            # has journaled its end (these very actions), or it would not count as done today.
            self._check_at = event.now
        elif not self.ritual_running and event.now >= self._check_at:
            out += self._look(event.now)
        return out

    def _look(self, t: float) -> list[Action]:
        now = self.inviter.moment(t)
        invitations = [i for i in self.inviter.store.active() if i.ritual_id in self.library.rituals]
        facts = self.inviter.facts(now)
        rules = self.inviter.rules
        due = due_offer(now, invitations, facts, rules)
        later = next_check(now, invitations, facts, rules)
        wait = RECHECK_SECONDS if later is None else min(RECHECK_SECONDS, (later - now).total_seconds())
        self._check_at = t + max(wait, 0.001)
        if due is None:
            return []
        offer_id = self.inviter.store.offered(due.invitation, due.day, due.again, now)
        self._waiting = OfferState(due, offer_id)
        ritual = self.library.get(due.invitation.ritual_id)
        line = self.library.system.get("invitation_again" if due.again else "invitation_offer", ritual=ritual.name)
        out: list[Action] = []
        self.outputs.give(out, Chime("soft"))
        self.outputs.give(out, Say(line, "prompt"))
        self.listening.announce(out, "idle")
        return out

    def _on_answer(self, event: Event) -> list[Action]:
        waiting = self._waiting
        assert waiting is not None
        if isinstance(event, OutputDone):
            self.outputs.done(event.outputs)
            if not self.outputs.pending and waiting.listen_until is None:
                waiting.listen_until = event.now + self.settings.ask_seconds   # the line was said: now listen
        elif isinstance(event, Activity) and waiting.listen_until is not None:
            waiting.listen_until = max(waiting.listen_until, event.now + self.settings.ask_seconds)
        elif isinstance(event, Heard) and event.match is not None:
            return self._heard_answer(event)
        elif isinstance(event, Tick) and waiting.listen_until is not None and event.now >= waiting.listen_until:
            self._answered("no_answer", waiting.listen_until)   # silence lets it go, quietly
        return []   # speech that was no command is the room's, not an answer

    def _heard_answer(self, event: Heard) -> list[Action]:
        waiting = self._waiting
        assert waiting is not None and event.match is not None
        ritual_id = waiting.offer.invitation.ritual_id
        intent, system = event.match.intent, self.library.system
        if intent == "yes" or (intent == "start_ritual" and event.match.slots.get("ritual") == ritual_id):
            self._answered("accepted", event.now)
            return self.start_ritual(ritual_id, event.now)
        if intent == "later" and not waiting.offer.again:
            self._answered("later", event.now)
            return self.reply(system.get("invitation_later"))
        if intent in DECLINE_INTENTS or intent == "later":   # a second "later" is a no for tonight
            self._answered("declined", event.now)
            return self.reply(system.get("invitation_declined"))
        self._answered("no_answer", event.now)   # they want something else: that, as usual
        return super().handle(event)

    def _answered(self, answer: Answer, t: float) -> None:
        waiting, self._waiting = self._waiting, None
        assert waiting is not None
        self.inviter.store.answered(waiting.offer_id, answer, self.inviter.moment(t))
        self._check_at = t
