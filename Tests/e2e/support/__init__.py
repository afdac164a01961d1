"""Helpers for the end-to-end suite: server processes, raw HTTP, databases, guards."""
