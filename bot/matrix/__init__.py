"""The Matrix adapter: commands typed as `!lage …` in rooms, replies and outbox deliveries as Matrix events.

A sibling of the Slack adapter; it reuses `commands/` and `storage/` untouched. matrix-nio is the client; the
bot only makes outbound requests (`/sync`), so it runs behind a firewall like Slack's Socket Mode.
"""
