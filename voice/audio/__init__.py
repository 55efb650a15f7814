"""Audio edges: sources (microphone, WAV file, list of chunks), sinks, end-of-speech detection, chimes.

Inside the skill all audio is 16 kHz mono signed 16-bit PCM (``RATE``); converting happens at the
edges, once.
"""

RATE = 16000
"""Sample rate of all audio inside the skill."""
SAMPLE_WIDTH = 2
"""Bytes per sample (signed 16-bit little-endian)."""
