"""Integration tests: the engine and every storage adapter, against real files and databases."""
