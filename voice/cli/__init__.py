"""The command line: the app's wiring, commands, and the one place errors become one-line messages."""
