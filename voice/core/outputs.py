"""The one count of what the device was given to say or play, and of how much of it has finished.

The driver reports finished outputs as a running count (``OutputDone.outputs``) across sessions, so
the skill and every session's engine must count the same outputs the same way: they share one
``Outputs`` instead of each keeping its own tally.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice.core.events import Action, Chime, Say


@dataclass
class Outputs:
    """Outputs (``Say``, ``Chime``) given to the driver and reported finished, since the driver started."""

    given: int = 0
    finished: int = 0

    @property
    def pending(self) -> bool:
        """Something given has not finished playing yet."""
        return self.given > self.finished

    def give(self, out: list[Action], output: Say | Chime) -> None:
        out.append(output)
        self.given += 1

    def done(self, outputs: int) -> None:
        """The driver reports ``outputs`` finished in all (a late notice never lowers the count)."""
        self.finished = max(self.finished, outputs)

    def all_finished(self) -> None:
        """Count everything given as finished: it was cut off, or a new session does not wait for it."""
        self.finished = self.given
