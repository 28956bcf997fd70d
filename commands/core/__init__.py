"""What every command uses: the invocation, replies, texts, errors, parsing of weeks, times, names."""
