"""The Teams app: Microsoft's Teams SDK with our cloud endpoints, token source and handlers.

`create_teams_app(settings, engine=…, clock=…)` returns the SDK's `App`; nothing is built at import time.
The SDK checks every request's token itself (against the key set next to TEAMS_OPENID_METADATA_URL, the
bot's client id as audience and the activity's serviceUrl) and answers 401 before any handler runs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

import httpx
from microsoft_teams.api import Account, AdaptiveCardActionMessageResponse, Attachment, MessageActivityInput
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.apps import ActivityContext, App
from microsoft_teams.apps.http import FastAPIAdapter
from sqlalchemy.engine import Engine

from bot.teams import file_consent, turn
from bot.teams.alert_card import ACK_VERB, alert_card, alert_summary
from bot.teams.card_text import CARD_TYPE, block, card, plain_text
from bot.teams.event_card import event_form_card
from bot.teams.form_card import form_card
from bot.teams.insats_form_card import insats_form_card
from bot.teams.names import names_shown
from bot.teams.render import TeamsMessage, personal, render
from bot.teams.settings import TeamsSettings
from bot.teams.token import ClientCredentialsToken
from bot.teams.year_image import year_activity
from commands.core.refusals import refusal
from commands.core.reply import EventForm, FieldErrors, Notice, YearRequest
from commands.core.texts import t
from commands.insats.replies import InsatsForm
from storage.db import CommitUnknown, rolled_back, session_scope
from storage.queries import conversation_refs

log = logging.getLogger("veckolage.teams")


def activity_input(message: TeamsMessage) -> MessageActivityInput:
    """The activity that carries one rendered message (its card, and the summary notifications show)."""
    return MessageActivityInput(summary=message.summary,
                                attachments=[Attachment(content_type=CARD_TYPE, content=message.card)])


def create_teams_app(settings: TeamsSettings, *, engine: Engine, clock: Callable[[], datetime],
                     token: Callable | None = None, adapter: FastAPIAdapter | None = None,
                     notify: Callable[[], None] | None = None,
                     present: Callable[[object], object] = lambda reply: reply) -> App:
    """The SDK app for our cloud settings, with every handler attached. `notify` is called after each
    message or card action has committed (the outbox thread's wake: what it queued goes out now); `present`
    adds what only this process knows to a reply (a kiosk link's address, bot/web/chat_reply.py)."""
    notify = notify or (lambda: None)
    cloud = with_overrides(PUBLIC, openid_metadata_url=settings.openid_metadata_url)
    app = App(client_id=settings.client_id, tenant_id=settings.tenant_id,
              token=token or ClientCredentialsToken(settings), cloud=cloud,
              dangerously_allow_unauthenticated_requests=False,  # never from the environment
              http_server_adapter=adapter or FastAPIAdapter(), telemetry={"agent365": False})

    stored: set[tuple] = set()  # references this process has written: unchanged ones are not written again

    def reference(activity: dict) -> tuple:
        return (turn.conversation_id(activity), activity.get("serviceUrl"), turn.kind(activity), turn.person(activity),
                (activity.get("from") or {}).get("name"))  # a new display name is stored too

    async def send_personal(activity: dict, messages: list) -> None:
        """To the sender's 1:1 chat: the stored one, or a new one Teams creates for the bot."""
        user, service_url = turn.person(activity), activity.get("serviceUrl")

        def stored_chat() -> tuple[str, str] | None:
            with session_scope(engine) as session:
                ref = conversation_refs.personal_chat(session, platform=turn.PLATFORM, user_id=user) if user else None
                return (ref.conversation_id, ref.endpoint) if ref else None

        def keep(conversation_id: str) -> None:
            with session_scope(engine) as session:
                conversation_refs.remember(session, platform=turn.PLATFORM, conversation_id=conversation_id,
                                           kind="personal", endpoint=service_url, user_id=user,
                                           team=turn.tenant(activity), now=clock())

        found = await asyncio.to_thread(stored_chat)
        if found is None:
            params = CreateConversationParams(members=[Account(id=(activity.get("from") or {}).get("id", ""))],
                                              tenant_id=turn.tenant(activity),
                                              channel_data={"tenant": {"id": turn.tenant(activity)}},
                                              isGroup=False, bot={"id": (activity.get("recipient") or {}).get("id")})
            created = await app.api.clone(service_url=service_url).conversations.create(params)
            found = (created.id, service_url)
            await asyncio.to_thread(keep, created.id)
        for message in messages:
            outgoing = message if isinstance(message, MessageActivityInput) else activity_input(message)
            await app.send(found[0], outgoing, service_url=found[1])

    async def answer(ctx: ActivityContext, activity: dict, result: turn.Turn) -> None:
        with names_shown(result.names):
            messages = await compose(result)
        if isinstance(result.reply, YearRequest):
            picture = await asyncio.to_thread(year_activity, engine, result.workspace_id, result.reply)
            messages = [*messages, picture]
        # Teams has no private replies: in any channel or group chat but the collaboration's own two, whoever
        # else is there must not read the grid, comments or events, so those answers go to the 1:1 chat too.
        private = personal(result.reply) or result.form is not None or not result.shared
        if turn.kind(activity) != "personal" and private:
            await send_personal(activity, messages)
            name = (activity.get("from") or {}).get("name") or ""
            await ctx.send(activity_input(TeamsMessage(t("teams.personal_sent", user=name),
                                                       card([block(t("teams.personal_sent", user=name))]))))
            return
        for message in messages:
            await ctx.send(message if isinstance(message, MessageActivityInput) else activity_input(message))

    async def compose(result: turn.Turn) -> list:
        """The messages of a reply: a form shown again with its problems, a file's offer, or the reply's cards."""
        if isinstance(result.reply, FieldErrors) and isinstance(result.form, EventForm):
            return [TeamsMessage(t("error.title"), event_form_card(result.form, result.reply, result.typed))]
        if isinstance(result.reply, FieldErrors) and isinstance(result.form, InsatsForm):
            return [TeamsMessage(t("error.title"), insats_form_card(result.form, result.reply, result.typed))]
        if isinstance(result.reply, FieldErrors) and result.form is not None:
            return [TeamsMessage(t("error.title"), form_card(result.form, result.reply))]
        if isinstance(result.reply, file_consent.OFFERED):  # made now, held until the person says yes
            try:
                return [await asyncio.to_thread(file_consent.offer, engine, result.reply, result.workspace_id,
                                                clock())]
            except Exception as error:  # after the command's answer: log it, tell the person in Swedish
                log.error("Making a file for Teams failed: %s", error, exc_info=error)
                return render(refusal(t("error.internal")))
        return render(present(result.reply))

    @app.on_message
    async def on_message(ctx: ActivityContext) -> None:
        activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        try:
            known = reference(activity) in stored
            result = await asyncio.to_thread(turn.handle_message, engine, activity, clock(), remember=not known)
            stored.add(reference(activity))
            notify()  # committed: an alert, a summary or a note it queued goes out now
        except Exception as error:  # the one error handler: log the traceback, tell the person in Swedish
            log.error("Teams message failed: %s", error, exc_info=error)
            key = "error.commit_unknown" if isinstance(error, CommitUnknown) else (
                "error.internal" if rolled_back(error) else "error.internal_unknown")
            result = turn.Turn(refusal(t(key, check="veckolage")))
        if result is not None:
            await answer(ctx, activity, result)

    @app.on_card_action
    async def on_card_action(ctx: ActivityContext) -> AdaptiveCardActionMessageResponse:
        """Kvittera (Action.Execute): recorded through the core, the alert card updated in place for everyone."""
        activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        if ((activity.get("value") or {}).get("action") or {}).get("verb") != ACK_VERB:
            return AdaptiveCardActionMessageResponse(value=t("error.title"))
        reply, view, known = await asyncio.to_thread(turn.acknowledge, engine, activity, clock())
        notify()  # the alert's update is queued (the card pressed is updated below at once)
        with names_shown(known):
            updated = activity_input(TeamsMessage(alert_summary(view), alert_card(view))) if view else None
            reason = f": {plain_text(reply.lines[0])}" if reply.tone == "error" and reply.lines else ""
            said = plain_text(reply.title) + reason
        if updated is not None and activity.get("replyToId"):
            updated.id = activity["replyToId"]
            await ctx.send(updated)  # an activity with an id is an update of that activity
        return AdaptiveCardActionMessageResponse(value=said)

    @app.on_file_consent
    async def on_file_consent(ctx: ActivityContext) -> None:
        """Yes or no on a file's consent card: upload it to the person's OneDrive and show it, or say why not."""
        activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        try:
            outcome = await asyncio.to_thread(file_consent.decide, engine, activity, clock())
        except Exception as error:  # the database: say so in Swedish, the card stays to be pressed again
            log.error("Teams file consent failed: %s", error, exc_info=error)
            outcome = file_consent.Answer(refusal(t("error.internal")), final=False)
        if isinstance(outcome, file_consent.Upload):
            async with httpx.AsyncClient(timeout=60.0) as client:
                saved = await file_consent.upload(client, outcome)
            await asyncio.to_thread(file_consent.finish, engine, outcome, saved, clock())
            if saved:
                await ctx.send(file_consent.file_card(outcome))
            outcome = file_consent.Answer(Notice("ok", t("teams.file.sent", name=outcome.name)), final=True) \
                if saved else file_consent.Answer(refusal(t("teams.file.failed", name=outcome.name)), final=False)
        [message] = render(outcome.notice)
        answer = activity_input(message)
        if outcome.final and activity.get("replyToId"):
            answer.id = activity["replyToId"]  # the consent card becomes the receipt: nothing left to press
        await ctx.send(answer)

    async def remember(ctx: ActivityContext) -> None:
        activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        if activity.get("serviceUrl") and turn.conversation_id(activity):
            def store() -> None:
                with session_scope(engine) as session:
                    turn.remember_conversation(session, activity, clock())
            await asyncio.to_thread(store)

    @app.on_conversation_update
    async def on_conversation_update(ctx: ActivityContext) -> None:
        await remember(ctx)

    @app.on_installation_update
    async def on_installation_update(ctx: ActivityContext) -> None:
        await remember(ctx)

    return app
