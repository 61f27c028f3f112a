"""Page-test fixtures: ``signed_in``, ``login`` and ``frozen`` come from ``tests/conftest.py``."""
