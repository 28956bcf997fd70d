"""`veckolage.toml`: reading, checking, syncing and exporting the set-up."""
