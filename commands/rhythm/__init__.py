"""The weekly rhythm: the schedule, reminders, the Monday summary, App Home's content."""
