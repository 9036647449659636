"""Saved cards (payment methods) and charges of them."""
