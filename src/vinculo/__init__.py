"""Vínculo: labour migration management for Mexico, Central America and the Caribbean."""

__version__ = "0.1.0"
