"""Users, sessions, merchants, projects and API keys."""
