"""Measures how real HTTP clients treat each status code (issue #12); `python -m tools.clients`."""
