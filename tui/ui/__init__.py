"""Textual UI: screens, widgets and panes. Talks to tui.services only through workers."""
