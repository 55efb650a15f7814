"""Rituals and the device's own lines, as YAML data (read by voice.library)."""
