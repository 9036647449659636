"""Emails to a merchant's owners and developers about its webhooks."""
