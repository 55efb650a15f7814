"""Where the shipped data lives: the ``prompts`` and ``intents`` data packages, installed next to ``voice``."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The folder that holds the data packages side by side (a language pack's paths are relative to it)."""
PROMPTS = ROOT / "prompts"
"""Rituals (``rituals/*.yaml``) and the device's own lines (``system.yaml``), per language; the demo script."""
INTENTS = ROOT / "intents"
"""Command phrasings per language, the calibration phrases."""
LANGUAGES = INTENTS / "languages"
"""What each language is (``<code>.yaml``): its intents file, prompts, number words, voice, engines."""
