"""The Slack side of Veckoläge: app factory, listeners, rendering, HTTP and console entry points."""
