"""The local console: the same commands on the same database, in a terminal."""
