"""Merchant endpoints and signed event delivery."""
