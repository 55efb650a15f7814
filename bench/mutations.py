"""Seeded mistakes for the reliability bench: the ones people make in text files, and damaged bytes."""

from __future__ import annotations

import random


def mutate_text(text: str, rng: random.Random) -> str:
    """One of the mistakes people make in a text file: a deleted, duplicated or re-indented line,
    a stray character, a cut file, a wrong type or an empty value."""
    lines = text.splitlines()
    kind = rng.randrange(7)
    i = rng.randrange(len(lines)) if lines else 0
    if kind == 0 and lines:
        del lines[i]
    elif kind == 1 and lines:
        lines.insert(i, lines[i])
    elif kind == 2 and lines:
        lines[i] = " " * rng.randrange(1, 5) + lines[i]
    elif kind == 3:
        pos = rng.randrange(len(text) + 1)
        return text[:pos] + rng.choice([":", "{", "[", "\t", "'", '"', "-", "\x00", "é", "}"]) + text[pos:]
    elif kind == 4:
        return text[: rng.randrange(len(text) + 1)]
    elif kind == 5 and lines and ":" in lines[i]:
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: {rng.choice(['-1', '1e9', '[]', '{}', 'null', 'true', 'abc', '999999999999'])}"
    elif lines:
        lines[i] = ""
    return "\n".join(lines) + "\n"


def mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:                               # flipped bytes anywhere (the header too)
        for _ in range(rng.randrange(1, 16)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif kind == 1:                             # cut short
        del buf[rng.randrange(len(buf)):]
    elif kind == 2:                             # the header's fields garbled
        for _ in range(rng.randrange(1, 6)):
            buf[rng.randrange(min(64, len(buf)))] = rng.randrange(256)
    else:                                       # random bytes of a random length
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 2000)))
    return bytes(buf)
