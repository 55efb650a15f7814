"""Language packs, as data: ``<code>.yaml`` per language names its intents file, its prompts (rituals
and the device's lines), its number words and spoken durations, its text-to-speech voice and the
speech engines that understand it. ``voice.language`` reads them; see ``README.md`` here.

Imports nothing, so any module may find the packs without an import circle.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
"""Where the ``<code>.yaml`` files live (inside the installed package)."""
