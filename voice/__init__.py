"""spoken-rituals: an offline voice skill that guides a couple through short rituals of connection."""

__version__ = "0.1.0"
