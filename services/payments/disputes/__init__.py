"""Disputes of succeeded payments, opened and decided by the sandbox card network."""
