"""Audio edges: sources (microphone, WAV file, list of chunks), sinks, end-of-speech detection, chimes.

Inside the skill all audio is 16 kHz mono signed 16-bit PCM (``RATE``); converting happens at the
edges, once.
"""

RATE = 16000
"""Sample rate of all audio inside the skill."""
FRAME = 480
"""Samples per frame (30 ms at ``RATE``): what sources deliver, the player's block, and what the
voice-activity detector judges at a time (webrtcvad accepts only 10, 20 or 30 ms frames)."""
SAMPLE_WIDTH = 2
"""Bytes per sample (signed 16-bit little-endian)."""
