"""The application around the core: the single-writer engine, its clock and its storage port."""
