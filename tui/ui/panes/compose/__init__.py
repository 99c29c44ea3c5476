"""The compose panes' shared parts: a pure batch model, the send flow, the side flows, the pane.

Why a package: each concern has its own module and the pane composes them as objects it owns;
this file imports nothing, so the pure model (``batch``) can be used without Textual.
"""
