"""Routes only the gateway calls, on its hot path: API key resolution and membership lookups."""
