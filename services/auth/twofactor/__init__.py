"""Two-factor authentication: TOTP codes and one-time recovery codes."""
