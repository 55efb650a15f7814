"""Barge-in: when the device holds its own voice because someone talks over it.

A person who is interrupted falls silent and lets the other finish; the device does the same, so
the words spoken over it reach the recogniser clean ("stop" heard over a prompt) and nobody is
talked over. It goes on from where it held when they finish. The policy is pure (time and what the
endpointer saw in, hold or not out), so it is the same at home and in tests; its numbers are all in
``BargeInPolicy``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BargeInPolicy:
    """The barge-in policy's numbers, each with why it is what it is."""

    hold_after: float = 0.0
    """Seconds of someone's speech over the device before it holds. At once (0): every word the
    device says over "stop" makes it harder to hear, and a hold over a cough costs only a short
    pause in the prompt."""
    false_hold_pause: float = 3.0
    """After a hold that ended without any words heard (it held for its own echo, which a canceller
    still converging leaves), seconds in which it does not hold again: otherwise it stutters on its
    own voice, holding and going on every few hundred milliseconds through a whole prompt."""


class BargeIn:
    """The hold decision, chunk after chunk (see the module docstring)."""

    def __init__(self, policy: BargeInPolicy | None = None) -> None:
        self.policy = policy or BargeInPolicy()
        self.holding = False
        self._words = False            # an utterance with words ended since the hold began
        self._no_hold_until = float("-inf")

    def step(self, now: float, speaking_for: float | None, words: bool) -> bool:
        """Whether the device holds now. ``speaking_for``: seconds someone has been speaking (``None``:
        nobody is); ``words``: an utterance with words was heard since the last step."""
        self._words = self._words or words
        hold = (speaking_for is not None and speaking_for >= self.policy.hold_after
                and now >= self._no_hold_until)
        if self.holding and not hold and not self._words:
            self._no_hold_until = now + self.policy.false_hold_pause
        if hold and not self.holding:
            self._words = False
        self.holding = hold
        return hold
