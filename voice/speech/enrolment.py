"""The couple's enrolment recordings, as ``rituals calibrate`` keeps them (``calibration/`` in the data
directory: WAV clips and a manifest, one JSON object per line). The speech engines read them here, so
they need nothing of the command line that made them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from voice.audio.convert import read_wav
from voice.errors import AudioError

MANIFEST = "manifest.jsonl"
"""The manifest's file name in the calibration folder (``calibrate`` writes it, ``rituals eval`` reads it)."""


def recordings(folder: Path) -> list[tuple[str, str, np.ndarray]]:
    """(context, phrase, audio) of the enrolment kept in ``folder`` by ``calibrate``; nothing when
    there is none. A clip that cannot be read is left out (the others still help)."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return []
    out = []
    for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            row = json.loads(line)
            out.append((row["context"], row["text"], read_wav(folder / row["audio"])))
        except (ValueError, KeyError, TypeError, AudioError):
            continue  # an older manifest without the phrase, or a damaged clip
    return out
