"""The listener's echo gate is written by the speech thread and read by the microphone thread."""

from __future__ import annotations

import threading

from voice.device.listen import Listener


def test_the_echo_gate_can_be_read_while_the_device_reports_what_it_says():
    listener = Listener(recognizer=None)  # the gate needs no recogniser
    stop = threading.Event()
    failures: list[BaseException] = []

    def speak() -> None:                   # the speech thread: a line starts, its real end comes later
        n = 0
        while not stop.is_set():
            listener.device_said(f"line {n} of the ritual", n, n + 30.0, key=n)
            listener.device_said(f"line {n} of the ritual", n, n + 2.0, key=n)
            n += 1

    speaker = threading.Thread(target=speak)
    speaker.start()
    try:
        for i in range(20000):             # the microphone thread asks about each utterance
            try:
                listener.is_echo("line of the ritual", float(i % 50), float(i % 50) + 1)
            except RuntimeError as exc:    # "dictionary changed size during iteration"
                failures.append(exc)
                break
    finally:
        stop.set()
        speaker.join()
    assert failures == []
