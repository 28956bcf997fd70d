"""One Teams message turned into a command and its reply, in a thread of its own (the database is synchronous).

Everything here is plain data in, plain data out: the activity as the connector sent it (a dict in the Bot
Framework's camelCase) and the Reply with where it should go. Nothing is sent from here; bot/teams/app.py
sends after the transaction has committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.teams import inbound, names
from bot.teams.event_card import is_event_submission, read_event_submission
from bot.teams.form_card import is_form_submission, read_submission
from bot.teams.insats_form_card import is_insats_submission, planned_event, read_insats_submission
from bot.teams.reminder_card import form_week
from commands.core.context import Invocation, load_caller
from commands.core.matching import plain_int
from commands.core.refusals import refusal
from commands.core.reply import EventForm, FieldErrors, FormArea, Notice, RatingForm, Reply
from commands.core.spans import Typed, rich
from commands.core.texts import t
from commands.events import manage as event_manage
from commands.events.report import submit_event_form
from commands.events.view import AlertView, alert_view
from commands.insats.register import plan_form, submit_insats_form
from commands.insats.replies import InsatsForm
from commands.rating.rate_form import submit_form
from commands.registry import dispatch
from storage import queries
from storage.db import session_scope
from storage.models import Workspace
from storage.queries import conversation_refs
from storage.queries import events as event_queries

PLATFORM = "teams"


@dataclass(frozen=True)
class Turn:
    """The reply to one message, and the form to show again with it when a submission had errors."""

    reply: Reply
    form: RatingForm | EventForm | InsatsForm | None = None  # with FieldErrors: the form to show again
    typed: dict | None = None  # what was typed into the event form
    workspace_id: int | None = None  # whose data a picture drawn after the answer shows
    shared: bool = False  # asked in the collaboration's summary or alert channel: answers may stay there
    names: Mapping[str, str] = field(default_factory=dict)  # the people the reply mentions, by name


def tenant(activity: dict) -> str | None:
    """The tenant (the collaboration's workspace key) an activity comes from."""
    return ((activity.get("conversation") or {}).get("tenantId")
            or ((activity.get("channelData") or {}).get("tenant") or {}).get("id"))


def person(activity: dict) -> str | None:
    """The sender's Entra object id (lower case), as veckolage.toml names people."""
    sender = activity.get("from") or {}
    value = sender.get("aadObjectId")
    return value.lower() if value else None


def conversation_id(activity: dict) -> str:
    """The conversation, without a channel thread's `;messageid=…`."""
    return (activity.get("conversation") or {}).get("id", "").split(";messageid=")[0]


def kind(activity: dict) -> str:
    """`personal` (a 1:1 chat), `channel` or `groupChat`."""
    return (activity.get("conversation") or {}).get("conversationType") or "personal"


def bot_names(activity: dict) -> tuple[str, ...]:
    """The names the bot is @mentioned by in this message (taken out of the command text)."""
    bot = (activity.get("recipient") or {}).get("id")
    names = [(e.get("mentioned") or {}).get("name") for e in activity.get("entities") or []
             if e.get("type") == "mention" and (e.get("mentioned") or {}).get("id") == bot]
    return tuple(n for n in names if n) or (((activity.get("recipient") or {}).get("name")) or "",)


def remember_conversation(session, activity: dict, now: datetime) -> None:
    """Keep where the bot may write later: a 1:1 chat by its person, a channel or group chat by its id."""
    personal = kind(activity) == "personal"
    conversation_refs.remember(session, platform=PLATFORM, conversation_id=conversation_id(activity),
                               kind=kind(activity), endpoint=activity.get("serviceUrl") or "",
                               user_id=person(activity) if personal else None, team=tenant(activity), now=now)


def handle_message(engine: Engine, activity: dict, now: datetime, *, remember: bool = True) -> Turn:
    """Run a typed command or a submitted form, or answer other words with a hint (storing the conversation's
    reference unless `remember` is False: the process has stored this very reference already)."""
    value = activity.get("value")
    submitted = is_form_submission(value) or is_event_submission(value) or is_insats_submission(value) or \
        form_week(value) is not None or planned_event(value) is not None
    parsed = None if submitted else inbound.command(activity.get("text") or "", bot_names(activity))
    with session_scope(engine) as session:  # committed before anything goes to Teams
        if remember and activity.get("serviceUrl"):
            remember_conversation(session, activity, now)
        workspace = queries.workspace_for(session, key=tenant(activity))
        user = person(activity)
        if workspace is None or user is None:
            return Turn(refusal(t("error.workspace")))
        inv = Invocation(workspace.id, user, now, conversation_id(activity),
                         f"teams:{activity.get('id')}" if activity.get("id") else None, workspace)
        if remember and load_caller(session, inv).known:  # the names of the collaboration's people only
            names.remember(session, workspace.id, activity, now)
        result = _run(inv, session, activity, parsed)
        return replace(result, names=names.names_for(session, workspace.id, result.reply))


def _run(inv: Invocation, session, activity: dict, parsed: tuple[str, str] | None) -> Turn:
    """The command or form an activity carries, in the caller's transaction."""
    value, workspace = activity.get("value"), inv.workspace
    if is_form_submission(value):
        return _submitted(inv, session, value)
    if is_event_submission(value):
        return _event_submitted(inv, session, value, workspace.timezone)
    if is_insats_submission(value):
        return _insats_submitted(inv, session, value)
    if (number := planned_event(value)) is not None:  # Planera insats on an alert: the form, area chosen
        return Turn(plan_form(inv, session, number), workspace_id=workspace.id)
    if (week := form_week(value)) is not None:  # Rapportera nu on a reminder: that week's form
        return Turn(dispatch("lage", str(week), inv, session), workspace_id=workspace.id)
    if parsed is None:
        return Turn(Notice("info", t("help.title"), (rich("teams.not_a_command", example=Typed("veckolage"),
                                                             help=Typed("lage hjälp")),)))
    shared = conversation_id(activity) in (workspace.summary_channel, workspace.alert_channel)
    return Turn(dispatch(parsed[0], parsed[1], inv, session), workspace_id=workspace.id, shared=shared)


def _submitted(inv: Invocation, session, value: dict) -> Turn:
    try:
        week, entries = read_submission(value)
    except (KeyError, ValueError, TypeError):
        return Turn(refusal(rich("teams.form.stale", usage=Typed("lage"))))
    reply = submit_form(inv, session, week=week, entries=entries)
    if not isinstance(reply, FieldErrors):
        return Turn(reply)
    form = dispatch("lage", f"{week.year}-W{week.week:02d}", inv, session)
    if not isinstance(form, RatingForm):
        return Turn(reply)
    typed = {e.area_id: e for e in entries}
    areas = tuple(replace(a, level=int(typed[a.area_id].level) if a.area_id in typed and (
        typed[a.area_id].level or "").isdigit() else a.level, comment=typed[a.area_id].comment
        if a.area_id in typed else a.comment) for a in form.areas)
    return Turn(reply, replace(form, areas=tuple(FormArea(a.area_id, a.area, a.level, a.comment) for a in areas)))


def acknowledge(engine: Engine, activity: dict, now: datetime) -> tuple[Notice, AlertView | None, Mapping[str, str]]:
    """Kvittera from an alert card: record it through the core, and the alert as it now stands (to update the
    card in place), or None when there is nothing to update (an unknown event, someone outside); with the names
    of the people they mention."""
    data = ((activity.get("value") or {}).get("action") or {}).get("data") or {}
    number = plain_int(str(data.get("event") or "")) or 0  # a number we put there; never trusted
    with session_scope(engine) as session:
        workspace = queries.workspace_for(session, key=tenant(activity))
        user = person(activity)
        if workspace is None or user is None:
            return refusal(t("error.workspace")), None, {}
        inv = Invocation(workspace.id, user, now, conversation_id(activity), None, workspace)
        reply = event_manage.acknowledge(number, inv, session)
        event = event_queries.event_by_id(session, workspace_id=workspace.id, event_id=number)
        full = session.get(Workspace, workspace.id)
        view = alert_view(session, full, event) if event is not None and reply.tone != "error" else None
        return reply, view, names.names_for(session, workspace.id, (reply, view))


def _event_submitted(inv: Invocation, session, value: dict, timezone: str) -> Turn:
    token, fields, typed = read_event_submission(value, timezone)
    return _card_submitted(inv, session, token, lambda i, s: submit_event_form(i, s, **fields), "handelse",
                           EventForm, typed)


def _insats_submitted(inv: Invocation, session, value: dict) -> Turn:
    token, fields, typed = read_insats_submission(value)
    return _card_submitted(inv, session, token, lambda i, s: submit_insats_form(i, s, **fields), "insats",
                           InsatsForm, typed)


def _card_submitted(inv: Invocation, session, token: str, submit, command: str, form_type: type,
                    typed: dict) -> Turn:
    """A card form's submission: the card's token is the request's id (a second press stores nothing new); with
    problems, the form again (as `command` alone opens it) with what was typed."""
    inv = replace(inv, request_id=f"teams-form:{token}" if token else inv.request_id)
    reply = submit(inv, session)
    if not isinstance(reply, FieldErrors):
        return Turn(reply)
    form = dispatch(command, "", inv, session)
    return Turn(reply, form if isinstance(form, form_type) else None, typed)
