"""eventdeck: triage and send AWS events from the terminal."""

__version__ = "0.1.0"
