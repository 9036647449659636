"""People's accounts: registration, email verification, passwords, their own audit log."""
