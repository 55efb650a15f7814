"""Command phrasings per language, as YAML data (read by voice.library)."""
