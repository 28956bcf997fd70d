"""The alert in the alert channel as an Adaptive Card, with Kvittera as a Universal Action (Action.Execute) and
*Planera insats* (the insats form, bot/teams/insats_form_card.py).

Built from the event's current state (commands/events/view.py's AlertView) at each delivery and again after
Kvittera, when the card is updated in place for everyone in the channel.
"""

from __future__ import annotations

from bot.teams.card_text import block, card, cell_text
from bot.teams.insats_form_card import plan_action
from commands.core.scale import level as scale_level
from commands.core.spans import Strong, mention, rich
from commands.core.texts import t
from commands.events.view import AlertView

ACK_VERB = "veckolage.kvittera"


def alert_card(view: AlertView) -> dict:
    """The alert: title, when and who, the description, the area's level, and Kvittera or who acknowledged."""
    title = t("alert.title" if view.critical else "alert.title.downgraded", type=view.type_name, area=view.area)
    body = [block(f"{'🚨' if view.critical else 'ℹ️'} {title}", size="Medium", weight="Bolder",
                  **({"color": "Attention"} if view.critical and not view.withdrawn_by else {})),
            block(t("alert.event_number", number=view.number), isSubtle=True, spacing="None"),
            block(rich("alert.when", when_label=Strong(t("alert.when.label")), when=view.when,
                       by_label=Strong(t("alert.by.label")), partner=view.partner, user=mention(view.reporter)))]
    if view.description:
        body.append(block(view.description, isSubtle=True))
    if view.level is not None:
        body.append(block((Strong(t("alert.level.heading", area=view.area, week=view.week.week)),
                           f" {cell_text(view.level)} {scale_level(view.level).name}")))
    actions = None
    if view.withdrawn_by:
        note = rich("alert.withdrawn", user=mention(view.withdrawn_by), when=view.withdrawn_when)
        body.append(block((*((note,) if isinstance(note, str) else note),
                           *((f": {view.withdrawn_reason}",) if view.withdrawn_reason else ()))))
    elif not view.critical:
        body.append(block(t("alert.downgraded", type=view.type_name)))
    elif view.acknowledged_by:
        body.append(block(rich("alert.acknowledged", user=mention(view.acknowledged_by), when=view.acknowledged_when)))
    else:
        body.append(block(t("alert.unacknowledged"), isSubtle=True))
        actions = [{"type": "Action.Execute", "title": t("alert.button"), "verb": ACK_VERB, "style": "destructive",
                    "data": {"event": view.number}}]
    if view.critical and not view.withdrawn_by:  # the form comes to the presser's 1:1 chat
        actions = [*(actions or []), plan_action(view.number)]
    return card(body, actions)


def alert_summary(view: AlertView) -> str:
    """What a notification of the alert says."""
    title = t("alert.title" if view.critical else "alert.title.downgraded", type=view.type_name, area=view.area)
    return f"🚨 {title}" if view.critical else title
