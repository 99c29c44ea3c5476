"""The app shell's parts, composed by ``tui.app.EventdeckApp``: pane catalogue, palette, flows.

Why a package of its own: ``tui/app.py`` stays the public face (the App, its bindings and
palette list), and each app-wide concern has one home under it in the layers (app > shell > ui).
"""
