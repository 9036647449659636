"""A merchant's members, their roles, and invitations to join."""
