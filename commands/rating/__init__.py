"""Rating areas, the consolidated week grid, fastställ and comments."""
