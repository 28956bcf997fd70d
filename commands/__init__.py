"""What a user can ask, with no chat platform in it: parse text, check rights, act, return a Reply."""
