"""A static-site generator for the HTTP status code reference."""

__version__ = "0.1.0"
