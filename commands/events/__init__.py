"""Events (händelser): reporting, alerts, listing, changing and acknowledging."""
