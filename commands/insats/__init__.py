"""Insatser: what the meeting decides (actions, priorities, risk dates) and the quarter's follow-up."""
