"""When the microphone or speaker goes away: how long the live loop waits before it tries again.

A device that is unplugged and plugged back (a USB speaker, a Bluetooth one walking out of range, a
sound server restarted) must be in use again soon after it returns, without anyone restarting the
skill; so while it is missing, it is looked for often (opening a missing device fails at once and
costs nothing). A device that opens and then fails at once, again and again, is broken in some other
way: there the pauses grow, so the loop does not spin. The numbers are all in ``ReconnectPolicy``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReconnectPolicy:
    """How the live loop waits for its devices, each number with why it is what it is."""

    poll: float = 1.0
    """Seconds between tries while a device is missing: the device is listening again within this
    of its return."""
    quick_failure: float = 5.0
    """A room whose devices fail within this many seconds of opening is failing, not unplugged: its
    next pause is twice the last."""
    first_pause: float = 1.0
    """The pause after a room that ran longer than ``quick_failure`` (a device lost mid-session)."""
    max_pause: float = 30.0
    """Growing pauses stop growing here: a device fixed meanwhile is found within half a minute."""


class Reconnect:
    """The pause before each next try (see the module docstring)."""

    def __init__(self, policy: ReconnectPolicy | None = None) -> None:
        self.policy = policy or ReconnectPolicy()
        self._pause = 0.0

    def pause(self, opened: bool, ran_for: float) -> float:
        """Seconds to wait after a try whose room ``opened`` (or not: a device is missing) and then
        ran ``ran_for`` seconds before its devices failed."""
        if not opened:
            return self.policy.poll
        if ran_for > self.policy.quick_failure:
            self._pause = self.policy.first_pause
        else:
            self._pause = min(max(self._pause * 2, self.policy.first_pause), self.policy.max_pause)
        return self._pause
