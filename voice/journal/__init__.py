"""The private SQLite journal: schema, typed events, opening, health, backups, and what sessions are recorded from."""
