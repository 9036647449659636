"""Logging in, access and rotating refresh tokens, sessions and their revocation."""
