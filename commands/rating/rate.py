"""`/lage`: a partner organisation rates an area for a week (or opens the form for all areas)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session

from commands.core.arguments import check_not_future, parse_level, resolve_area, take_week
from commands.core.context import Caller, Invocation, Token, load_caller, tokenize
from commands.core.matching import match_name
from commands.core.refusals import InputError, input_refusal, refusal
from commands.core.reply import FormArea, Notice, RatingForm, Reply
from commands.core.scale import level
from commands.core.spans import Typed, mention, rich
from commands.core.texts import t
from commands.core.weeks import Week, WeekError, typed
from commands.rating.area_value import AreaValue
from commands.rhythm.summary import summary_key, week_changed
from storage import outbox, queries
from storage.queries.directory import AreaRef
from storage.queries.rating_write import Saved, repeats, save_rating

USAGE = "lage [vecka] <område> <1-5> [kommentar]"
COMMENT_LIMIT = 300
CLEAR_COMMENT = ("-", "–", "—")  # `/lage Vällingby 2 -` removes the comment (a dash as typed or autocorrected)
GIVE_BACK_LIMIT = 2000  # a refused comment is shown back for shortening, up to this many characters
_NUMBER = re.compile(r"^[+-]?[0-9]+(?:[.,][0-9]+)?$")
_QUOTES = "\"'“”„‘’«»`"


def clean_comment(text: str | None, *, give_back: bool = False) -> str | None:
    """Trim a comment; None when absent; InputError when empty or too long (with the text given back to
    shorten when `give_back`: a slash command has no field that keeps it)."""
    if text is None:
        return None
    text = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in text).strip()
    if not text:
        return None
    if not text.strip(_QUOTES + " "):
        raise InputError(t("error.comment_empty"))
    if len(text) > COMMENT_LIMIT:
        lines = [t("error.comment_too_long", length=len(text), limit=COMMENT_LIMIT)]
        if give_back:
            shown = text if len(text) <= GIVE_BACK_LIMIT else text[:GIVE_BACK_LIMIT] + "…"
            lines.append(t("error.comment_given_back", text=shown))
        raise InputError(*lines)
    return text


def split_area_level(args: str, tokens: list[Token], areas: Sequence[AreaRef], usage: str = USAGE,
                     ) -> tuple[AreaRef, int, str]:
    """`<område> <1-5> [rest]`: area names may hold spaces, so try each number as the level."""
    numbers = [i for i, tok in enumerate(tokens) if i >= 1 and _NUMBER.match(tok.text)]
    for i in numbers:
        query = args[tokens[0].start:tokens[i - 1].end]
        if match_name(query, [a.name for a in areas]).found:
            area = resolve_area(query, areas)
            return area, parse_level(tokens[i].text, usage), args[tokens[i].end:]
    if numbers:
        resolve_area(args[tokens[0].start:tokens[numbers[0] - 1].end], areas)
    for j in range(len(tokens), 0, -1):  # no number: is it an area followed by something else?
        query = args[tokens[0].start:tokens[j - 1].end]
        if match_name(query, [a.name for a in areas]).found:
            if j == len(tokens):
                raise InputError(t("error.missing_level"), usage=usage)
            raise InputError(t("error.bad_level", value=tokens[j].text), usage=usage)
    resolve_area(args[tokens[0].start:tokens[-1].end] if tokens else "", areas)
    raise InputError(t("error.missing_level"), usage=usage)  # pragma: no cover - resolve_area raised


def rate(args: str, inv: Invocation, session: Session) -> Reply:
    """`/lage [vecka] <område> <1-5> [kommentar]`, or the form when only a week (or nothing) is given."""
    caller = load_caller(session, inv)
    if caller.partner is None:
        key = "error.not_member" if caller.known else "error.unknown_user"
        return refusal(t(key), t(f"{key}.hint"), week=caller.assessment_week)
    tokens = tokenize(args)
    week = caller.assessment_week
    try:
        given, tokens = take_week(tokens, caller)
        week = given or week
        check_not_future(week, caller)
        areas = caller.areas
        if not tokens:
            return rating_form(session, caller, week, areas)
        area, value, rest = split_area_level(args, tokens, areas)
        clear = rest.strip() in CLEAR_COMMENT
        comment = None if clear else clean_comment(rest, give_back=True)
    except (InputError, WeekError) as error:
        return input_refusal(error, usage=USAGE, week=week)
    summary = summary_key(caller.workspace, week) if caller.workspace.summary_channel else None
    keep = comment is None and not clear
    saved = save_rating(
        session, workspace_id=caller.workspace.id, area=area, partner=caller.partner, year=week.year,
        week=week.week, level=value, comment=comment, user_id=inv.user_id, now=inv.now, summary_key=summary,
        keep_comment=keep,
    )
    if repeats(saved, value, comment, inv.user_id, keep_comment=keep):  # a retried request: nothing changed
        return saved_notice(caller, week, area, value, comment, saved, repeated=True)
    old = saved.previous.level if saved.previous else "–"
    week_changed(session, caller.workspace, week,
                 t("change.rating", partner=caller.partner.name, area=area.name, old=old, new=value), inv.now,
                 summary_sent=saved.summary_status == outbox.SENT)
    return saved_notice(caller, week, area, value, comment, saved)


def saved_notice(caller: Caller, week: Week, area: AreaRef, value: int, comment: str | None, saved: Saved,
                 repeated: bool = False) -> Notice:
    """What the reporter sees after a save: exactly what is stored now, and what happened to the comment."""
    step = level(value)
    lines = []
    previous = saved.previous
    before = previous.comment if previous else None
    if repeated:  # a retried request: already stored, nothing changed
        lines.append(t("rate.saved.repeated"))
    elif previous is not None and previous.level != value:
        lines.append(rich("rate.saved.replaced", partner=caller.partner.name, old=previous.level,
                       by=mention(previous.by)))
    elif previous is not None and comment is not None:  # a comment was typed: say whether it changed anything
        lines.append(t("rate.saved.unchanged" if comment == before else "rate.saved.unchanged.comment"))
    elif previous is not None:  # kept or cleared: the lines below say which
        lines.append(t("rate.saved.unchanged.level"))
    if saved.comment and comment is None:  # kept from before, perhaps a colleague's
        given = "" if week == caller.assessment_week else f"{typed(week, current=caller.current_week)} "
        lines += [t("rate.saved.comment_kept", comment=saved.comment),
                  rich("rate.saved.comment_clear", usage=Typed(f"lage {given}{area.name} {value} {CLEAR_COMMENT[0]}"))]
    elif saved.comment:
        lines.append(t("rate.saved.comment", comment=saved.comment))
    elif before:
        lines.append(t("rate.saved.comment_removed", comment=before))
    highest = value if saved.others_highest is None else max(value, saved.others_highest)
    now = AreaValue.of(saved.agreed, highest, saved.critical)
    lines.append(t("rate.saved.consolidated", area=area.name, value=now.value, status=now.status))
    title = t("rate.saved.title", area=area.name, level=f"{value} {step.name}", partner=caller.partner.name)
    return Notice("ok", title, tuple(lines), week=week)


def rating_form(session: Session, caller: Caller, week: Week, areas: Sequence[AreaRef]) -> Reply:
    """The form with one choice per area, pre-filled with the organisation's reports for the week."""
    if not areas:
        return refusal(t("error.no_areas"), week=week)
    ratings = queries.ratings_for_weeks(session, workspace_id=caller.workspace.id, weeks=[(week.year, week.week)])
    own = {r.area_id: r for r in ratings if r.partner_id == caller.partner.id}
    fields = tuple(
        FormArea(a.id, a.name, own[a.id].level if a.id in own else None, own[a.id].comment if a.id in own else None)
        for a in areas
    )
    return RatingForm(week, caller.partner.name, fields)
