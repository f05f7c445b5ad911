"""Storage adapters for the engine's `Store` port: memory (tests), SQLite (default), PostgreSQL."""
