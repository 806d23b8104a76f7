"""Natural-language understanding helpers (French): time wishes, birth dates."""
