"""The Microsoft Teams adapter: Microsoft's Teams SDK for Python (ASGI) serving POST /api/messages.

settings (TEAMS_*), token (the bot's own client-credentials token), inbound (activity → command text),
render (Reply → message or Adaptive Card), app (the SDK app and its handlers), serve (`python -m bot teams`),
package (the Teams app package), delivery (posting, updating and proactive 1:1 messages with back-off).
"""

import warnings

# The Teams SDK warns at import about a preview feature we do not use (HTML widgets); keep the log clean.
warnings.filterwarnings("ignore", message="HtmlWidgetSecurityPolicy is in preview")
