"""The listening context: which phrases may be heard now (the whole catalogue, or only whole commands
while a partner talks). Its one type is ``intents.Context``; it is held in one ``Listening``, which
the skill owns and shares with each session's engine, and in which the runner matches what it
hears. A ``Listen`` action tells the devices (the recogniser's grammar) each time it is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from voice.library.intents import Context
from voice.core.events import Action, Listen


@dataclass
class Listening:
    """The current listening context; see the module docstring."""

    context: Context = "idle"

    def switch(self, out: list[Action], context: Context) -> None:
        """Listen in ``context`` from now on, telling the devices only when it changes."""
        if context != self.context:
            self.announce(out, context)

    def announce(self, out: list[Action], context: Context) -> None:
        """Listen in ``context`` from now on and tell the devices so, changed or not (when the skill
        becomes ready, and after a session, the devices are told afresh)."""
        self.context = context
        out.append(Listen(context))
