"""The pygame player, ``python -m memory_bench.gui`` (not yet implemented)."""
