"""Café tasks (reminders, the recurring series) come with the next part of the café issue; see cafes/models.py."""
