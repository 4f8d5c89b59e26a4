"""Commands for this area (registered on import)."""
