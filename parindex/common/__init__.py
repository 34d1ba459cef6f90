"""Neutral helpers shared by the pure packages and the Django apps: no Django, no parindex app."""
