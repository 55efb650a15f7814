"""Typed lines stand in for speech, printed lines for the speaker: the text driver's edges."""

from __future__ import annotations

import math
import queue
import threading
import time
from typing import TextIO

from voice.core.events import Action, Chime, Say, StopOutput, TimerShown
from voice.core.devices import EndOfInput, InputItem, Utterance


class MonotonicClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()


class LineSource:
    """Lines from a text stream (a terminal or a pipe), read on a daemon thread."""

    def __init__(self, stream: TextIO, echo_to: TextIO | None = None) -> None:
        self._queue: queue.Queue[InputItem] = queue.Queue()
        self._echo = echo_to
        threading.Thread(target=self._read, args=(stream,), name="stdin-reader", daemon=True).start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            if line.strip():
                self._queue.put(Utterance(line.strip()))
        self._queue.put(EndOfInput())

    def get(self, timeout: float | None) -> InputItem | None:
        try:
            item = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, Utterance) and self._echo is not None:
            print(f"you: {item.text}", file=self._echo, flush=True)
        return item


class PrintOutput:
    """Prints what the device would say; a live countdown during timers in a real terminal."""

    def __init__(self, stream: TextIO, countdown: bool) -> None:
        self.stream = stream
        self.countdown = countdown
        self._done = 0
        self._timer_end: float | None = None
        self._shown: int | None = None

    def perform(self, action: Action, now: float) -> None:
        if isinstance(action, Say):
            self._clear()
            print(f"device: {action.text}", file=self.stream, flush=True)
            self._done += 1
        elif isinstance(action, Chime):
            self._clear()
            print(f"device: ~ {action.name} chime ~", file=self.stream, flush=True)
            self._done += 1
        elif isinstance(action, StopOutput):
            pass  # printed lines are already complete
        elif isinstance(action, TimerShown):
            self._clear()
            self._timer_end = now + action.remaining if action.running and action.remaining > 0 else None
            if action.running and action.remaining > 0 and not self.countdown:
                print(f"        (timer: {action.remaining:g} s)", file=self.stream, flush=True)

    def completed(self) -> int:
        return self._done

    def refresh_at(self) -> float | None:
        if not self.countdown or self._timer_end is None:
            return None
        return time.monotonic() + 0.25

    def refresh(self, now: float) -> None:
        if not self.countdown or self._timer_end is None:
            return
        left = max(0, math.ceil(self._timer_end - now))
        if left != self._shown:
            self._shown = left
            print(f"\r        {left // 60}:{left % 60:02d} ", end="", file=self.stream, flush=True)

    def _clear(self) -> None:
        if self._shown is not None:
            print("\r" + " " * 20 + "\r", end="", file=self.stream, flush=True)
            self._shown = None
