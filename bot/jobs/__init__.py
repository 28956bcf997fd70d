"""Background work: the clock and the outbox delivery."""
