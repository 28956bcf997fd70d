"""`python -m bot …`: the modes, start-up and the maintenance commands."""
