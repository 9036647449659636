"""Merchants, their members and roles, invitations and projects."""
