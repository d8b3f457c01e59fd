"""Core: leaf utilities (errors, paths, checks, files, numbers, language) under every layer."""
