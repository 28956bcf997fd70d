"""The alert message in the alert channel: built from the event's current state at each delivery."""

from __future__ import annotations

import uuid

from bot.slack.blocks import cell_text
from bot.slack.insats_modal import add_plan_button
from bot.slack.text import context, escape, section
from commands.core.scale import level as scale_level
from commands.core.spans import Strong, mention, rich
from commands.core.texts import t
from commands.events.view import AlertView

ACK_ACTION = "acknowledge_event"
METADATA_TYPE = "veckolage_outbox"


def alert_message(view: AlertView, *, outbox_key: str) -> dict:
    """text, blocks and metadata (the outbox key, so a lost confirmation can be found again).

    Every rendering gets fresh block ids: Slack asks for a new block_id when a message is updated."""
    title = t("alert.title" if view.critical else "alert.title.downgraded", type=view.type_name, area=view.area)
    blocks = [section(f"{'🚨' if view.critical else 'ℹ️'} *{escape(title)}*  ·  {t('alert.event_number', number=view.number)}")]
    details = [escape(rich("alert.when", when_label=Strong(t("alert.when.label")), when=view.when,
                           by_label=Strong(t("alert.by.label")), partner=view.partner, user=mention(view.reporter)))]
    if view.description:
        details.append("> " + escape(view.description).replace("\n", "\n> "))
    if view.level is not None:
        heading = Strong(t("alert.level.heading", area=view.area, week=view.week.week))
        details.append(t("alert.level", heading=escape(heading),
                         level=f"{cell_text(view.level)} {scale_level(view.level).name}"))
    blocks.append(section("\n".join(details)))
    if view.withdrawn_by:
        note = t("alert.withdrawn", user=escape(mention(view.withdrawn_by)), when=view.withdrawn_when)
        if view.withdrawn_reason:
            note += f": {escape(view.withdrawn_reason)}"
        blocks.append(context(note))
        text = f"~{title}~"
    elif not view.critical:
        blocks.append(context(t("alert.downgraded", type=escape(view.type_name))))
        text = title
    elif view.acknowledged_by:
        blocks.append(context(t("alert.acknowledged", user=escape(mention(view.acknowledged_by)),
                                when=view.acknowledged_when)))
        text = title
    else:
        blocks.append({
            "type": "actions",
            "block_id": "ack",
            "elements": [{"type": "button", "action_id": ACK_ACTION, "style": "danger", "value": str(view.number),
                          "text": {"type": "plain_text", "text": t("alert.button")}}],
        })
        blocks.append(context(t("alert.unacknowledged")))
        text = f"🚨 {title}"
    if view.critical and not view.withdrawn_by:
        add_plan_button(blocks, view.number)
    revision = uuid.uuid4().hex[:10]
    for index, block in enumerate(blocks):
        block["block_id"] = f"{block.get('block_id', 'alert')}-{view.number}-{index}-{revision}"
    return {"text": escape(text), "blocks": blocks,
            "metadata": {"event_type": METADATA_TYPE, "event_payload": {"key": outbox_key}}}


def renotify_text(view: AlertView) -> str:
    """The one reminder in the alert's thread, mentioning the coordinators."""
    coordinators = " ".join(escape(mention(user)) for user in view.coordinators)
    return t("alert.renotify", type=view.type_name, area=escape(view.area), minutes=view.renotify_minutes,
             coordinators=coordinators)
