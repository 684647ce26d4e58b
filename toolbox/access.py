"""Filled by this app's own issue; the room exists so the layout is the same in every app."""
