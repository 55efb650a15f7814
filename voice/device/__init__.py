"""Drivers that run the skill over audio or text: the listener, the runner, the live room, render mode, the virtual room."""
