"""Payments, refunds and their state timeline."""
