"""Project commands (``COMMANDS_MODULE``): thin wrappers that parse arguments and call the library."""
