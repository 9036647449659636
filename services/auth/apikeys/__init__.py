"""API keys: per project and mode, shown once, stored as SHA-256, rotated with a grace period."""
