"""Pure functions: page parsers, normalizers, image facts. No I/O, no database, no network.

Modules here import nothing of the project but ``ingest`` itself and the leaf module
``schema`` (the one place vocabularies are spelled).
"""
