"""Veckoläge's processes: the chat adapters (Slack today), the console, the CLI, background jobs, files."""
