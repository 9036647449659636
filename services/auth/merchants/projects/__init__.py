"""Projects: a merchant's integrations, each with its own API keys."""
