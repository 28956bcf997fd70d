"""Administration in chat: set-up changes, the audit log, retention."""
