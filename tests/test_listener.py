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


def test_words_of_a_line_the_device_cut_off_are_heard_again_once_it_is_quiet():
    # "pause" cut the help line short at 2 s; a "stop" at 3.5 s is the couple's, not the line's echo
    # (the line would have gone on to 6 s, and live its end is a 30 s guess until it is played out).
    listener = Listener(recognizer=None)
    listener.device_said("You can also say pause, skip, repeat, or stop.", 0.0, 6.0, key=1)
    listener.device_said("Paused. Say resume when you're ready.", 6.0, 8.0, key=2)   # never played
    assert listener.is_echo("stop", 3.5, 4.0)            # while the line plays, its own words are echo
    listener.device_cut(2.0)
    assert not listener.is_echo("stop", 3.5, 4.0)
    assert not listener.is_echo("resume", 6.5, 7.0)
    assert listener.is_echo("stop", 1.5, 2.1)            # what it did say, up to the cut, still is
