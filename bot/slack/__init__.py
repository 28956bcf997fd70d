"""The Slack adapter: the Bolt app, its listeners, Block Kit rendering, inbound syntax, limits."""
