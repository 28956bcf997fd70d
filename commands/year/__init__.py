"""The year: årssammanställning, trend, export and import."""
