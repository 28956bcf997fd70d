"""`/lagesadmin`: admins change the set-up in chat; every change is audited and takes effect at once.

After the first start the database is the authority; `python -m bot config export` writes it out
as veckolage.toml (see README).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from commands.admin.parse import (
    channel,
    day_time,
    rename_parts,
    show_day_time,
    users,
    without_mentions,
)
from commands.core.context import Caller, Invocation, load_caller
from commands.core.matching import fold, match_name, plain_int, same_name
from commands.core.refusals import InputError, input_refusal, refusal
from commands.core.reply import Notice, Reply
from commands.core.spans import Typed, channel_ref, mention, rich
from commands.core.texts import t
from commands.rhythm.schedule import reminder_slots
from commands.setup import file as setup_file
from commands.setup.file import AREA_LIMIT, NAME_LIMIT, SHORT_LIMIT
from storage import queries
from storage.models import Area, Partner, Workspace
from storage.queries import setup as setup_queries

USAGES = {
    "område": "lagesadmin område lägg-till|byt-namn|ta-bort <namn> [-> <nytt namn>]",
    "partner": "lagesadmin partner lägg-till|byt-namn|ta-bort <namn> [-> <nytt namn>] | partner kortnamn <partner> "
               "<kortnamn>",
    "medlem": "lagesadmin medlem lägg-till <partner> @användare … | medlem ta-bort @användare …",
    "roll": "lagesadmin samordnare|admin lägg-till|ta-bort @användare …",
    "kanal": "lagesadmin kanal sammanfattning|larm #kanal",
    "schema": "lagesadmin schema sammanfattning <dag hh:mm> | schema påminnelser <dag hh:mm>, … | av",
    "deadline": "lagesadmin deadline <dag hh:mm>",
    "gallring": "lagesadmin gallring <månader>",
}
ADD, RENAME, REMOVE = ("laggtill", "lagg-till", "add"), ("byt-namn", "bytnamn", "rename"), ("ta-bort", "tabort", "remove")


def _verb(word: str) -> str | None:
    folded = fold(word).replace(" ", "-")
    for verb, words in (("add", ADD), ("rename", RENAME), ("remove", REMOVE)):
        if folded in words or folded.replace("-", "") in (w.replace("-", "") for w in words):
            return verb
    return None


def admin_only(handler: Callable[[Caller, str, Invocation, Session], Reply]):
    """Run the handler for admins; everyone else gets a polite refusal and nothing is written."""
    def run(args: str, inv: Invocation, session: Session) -> Reply:
        caller = load_caller(session, inv)
        if queries.ADMIN not in caller.roles:
            return refusal(rich("admin.not_admin", command=Typed("lagesadmin")))
        try:
            return handler(caller, args.strip(), inv, session)
        except InputError as error:
            return input_refusal(error)
    run.__doc__ = handler.__doc__
    return run


def editable(session: Session, caller: Caller) -> Workspace:
    """The caller's workspace as a model object, so that a changed setting is saved with the commit."""
    return session.get(Workspace, caller.workspace.id)


def _audit(session: Session, caller: Caller, inv: Invocation, action: str, subject: str,
           old: str | None = None, new: str | None = None) -> None:
    queries.audit(session, workspace_id=caller.workspace.id, at=inv.now, actor=inv.user_id, action=action,
                  subject=subject, old=old, new=new)


def _name(text: str, usage: str) -> str:
    name = " ".join(text.split())
    if not name or len(name) > NAME_LIMIT:
        raise InputError(t("admin.bad_name", limit=NAME_LIMIT), usage=usage)
    return name


def _find(session: Session, model: type, caller: Caller, text: str, usage: str):
    rows = (queries.active_areas if model is Area else queries.active_partners)(session,
                                                                                workspace_id=caller.workspace.id)
    found = match_name(text, [r.name for r in rows])
    if found.found:
        return next(r for r in rows if r.name == found.found)
    names = found.candidates or tuple(r.name for r in rows)
    raise InputError(t("admin.not_found", name=text), t("error.did_you_mean" if found.candidates else "admin.existing",
                                                        names=", ".join(names)), usage=usage)


def _named_command(model: type, key: str) -> Callable:
    kind = "area" if model is Area else "partner"
    usage = USAGES[key]

    @admin_only
    def handler(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
        verb_word, _, rest = args.partition(" ")
        verb = _verb(verb_word)
        ws = caller.workspace
        if model is Partner and fold(verb_word) == "kortnamn":
            return _short_name(session, caller, inv, rest)
        if verb == "add":
            name = _name(rest, usage)
            existing = {fold(r.name) for r in (queries.active_areas if model is Area else queries.active_partners)(
                session, workspace_id=ws.id)}
            if fold(name) in existing:
                raise InputError(t("admin.exists", name=name), usage=usage)
            limit = AREA_LIMIT if model is Area else setup_file.PARTNER_LIMIT
            if len(existing) >= limit:
                raise InputError(t(f"admin.{kind}_limit", limit=limit), usage=usage)
            row, restored = setup_queries.add_named(session, model, workspace_id=ws.id, name=name, same=same_name)
            _audit(session, caller, inv, f"{kind}.{'restore' if restored else 'add'}", name, new=name)
            return Notice("ok", rich(f"admin.{kind}.{'restored' if restored else 'added'}", name=name,
                                     command=Typed(f"lagesadmin medlem lägg-till {name} @…")))
        if verb == "rename":
            parts = rename_parts(rest)
            if parts is None:
                raise InputError(t("admin.rename_usage"), usage=usage)
            row = _find(session, model, caller, parts[0], usage)
            new = _name(parts[1], usage)
            others = (queries.active_areas if model is Area else queries.active_partners)(session, workspace_id=ws.id)
            if any(fold(other.name) == fold(new) and other.id != row.id for other in others):
                raise InputError(t("admin.exists", name=new), usage=usage)
            clash = setup_queries.named(session, model, workspace_id=ws.id, name=new)
            if clash is not None and clash.id != row.id:  # a retired one: names stay unique in history too
                raise InputError(t("admin.exists_retired", name=new), usage=usage)
            old, row.name = row.name, new
            _audit(session, caller, inv, f"{kind}.rename", new, old=old, new=new)
            return Notice("ok", t("admin.renamed", old=old, new=new))
        if verb == "remove":
            row = _find(session, model, caller, rest, usage)
            setup_queries.retire(row, now=inv.now)
            _audit(session, caller, inv, f"{kind}.retire", row.name, old=row.name)
            return Notice("ok", t(f"admin.{kind}.retired", name=row.name))
        raise InputError(t("admin.verb.partner" if model is Partner else "admin.verb"), usage=usage)

    return handler


CLEAR_SHORT = ("ingen", "inget", "-", "–")


def _short_name(session: Session, caller: Caller, inv: Invocation, text: str) -> Reply:
    """`partner kortnamn <partner> <kortnamn>`: the partner's column head in the grid (`ingen` clears it)."""
    usage = USAGES["partner"]
    partners = queries.active_partners(session, workspace_id=caller.workspace.id)
    parts = rename_parts(text)
    if parts is None:  # `<partner> <kortnamn>`: the longest beginning that names a partner
        words = text.split()
        parts = next(((" ".join(words[:k]), " ".join(words[k:])) for k in range(len(words) - 1, 0, -1)
                      if match_name(" ".join(words[:k]), [p.name for p in partners]).found), None)
    if parts is None:
        if text.strip():
            _find(session, Partner, caller, text, usage)  # names the partners when the name is unknown
        raise InputError(t("admin.short.usage", limit=SHORT_LIMIT), usage=usage)
    row = _find(session, Partner, caller, parts[0], usage)
    short = None if parts[1].strip().lower() in CLEAR_SHORT else " ".join(parts[1].split())
    if short is not None and len(short) > SHORT_LIMIT:
        raise InputError(t("admin.short.usage", limit=SHORT_LIMIT), usage=usage)
    other = next((p for p in partners if p.id != row.id and short and fold(p.short or "") == fold(short)), None)
    if other is not None:
        raise InputError(t("admin.short.taken", short=short, other=other.name), usage=usage)
    old, row.short = row.short, short
    _audit(session, caller, inv, "partner.short", row.name, old=old, new=short)
    if short is None:
        return Notice("ok", t("admin.short.cleared", name=row.name))
    return Notice("ok", t("admin.short.set", name=row.name, short=short))


area_command = _named_command(Area, "område")
partner_command = _named_command(Partner, "partner")


@admin_only
def member_command(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`medlem lägg-till <partner> @användare …` / `medlem ta-bort @användare …`."""
    usage, ws = USAGES["medlem"], caller.workspace
    verb_word, _, rest = args.partition(" ")
    verb, people = _verb(verb_word), users(rest)
    if verb not in ("add", "remove") or not people:
        raise InputError(rich("admin.need_users", command=Typed("lagesadmin medlem lägg-till Polisen @anna")),
                         usage=usage)
    lines = []
    if verb == "add":
        partner = _find(session, Partner, caller, without_mentions(rest), usage)
        for user in people:
            moved = setup_queries.set_member(session, workspace_id=ws.id, partner_id=partner.id, user_id=user)
            old = session.get(Partner, moved).name if moved else None
            _audit(session, caller, inv, "member.move" if moved else "member.add", user, old=old, new=partner.name)
            lines.append(rich("admin.member.moved" if moved else "admin.member.added", user=mention(user),
                           partner=partner.name, old=old))
    else:
        for user in people:
            if setup_queries.remove_member(session, workspace_id=ws.id, user_id=user):
                _audit(session, caller, inv, "member.remove", user)
                lines.append(rich("admin.member.removed", user=mention(user)))
            else:
                lines.append(rich("admin.member.not_member", user=mention(user)))
    return Notice("ok", t("admin.members.title"), tuple(lines))


def _role_command(role: str, label: str) -> Callable:
    @admin_only
    def handler(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
        verb_word, _, rest = args.partition(" ")
        verb, people, ws = _verb(verb_word), users(rest), caller.workspace
        if verb not in ("add", "remove") or not people:
            raise InputError(rich("admin.need_users", command=Typed("lagesadmin medlem lägg-till Polisen @anna")),
                             usage=USAGES["roll"])
        if verb == "remove" and role == queries.ADMIN:
            remaining = set(queries.users_with_role(session, workspace_id=ws.id, role=queries.ADMIN)) - set(people)
            if not remaining:
                raise InputError(t("admin.last_admin"), usage=USAGES["roll"])
        lines = []
        for user in people:
            change = (setup_queries.grant if verb == "add" else setup_queries.revoke)(
                session, workspace_id=ws.id, user_id=user, role=role)
            if change:
                _audit(session, caller, inv, f"{role}.{'add' if verb == 'add' else 'remove'}", user)
            key = ("admin.role.added" if verb == "add" else "admin.role.removed") if change else "admin.role.unchanged"
            lines.append(rich(key, user=mention(user), role=label))
        return Notice("ok", t("admin.roles.title", role=label), tuple(lines))

    return handler


coordinator_command = _role_command(queries.COORDINATOR, t("admin.role.coordinator"))
admin_role_command = _role_command(queries.ADMIN, t("admin.role.admin"))


@admin_only
def channel_command(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`kanal sammanfattning|larm #kanal`."""
    which, _, rest = args.partition(" ")
    attr = {"sammanfattning": "summary_channel", "summary": "summary_channel", "larm": "alert_channel",
            "alert": "alert_channel"}.get(fold(which))
    target = channel(rest)
    if attr is None or target is None:
        raise InputError(t("admin.channel_usage"), usage=USAGES["kanal"])
    ws = editable(session, caller)
    old = getattr(ws, attr)
    setattr(ws, attr, target)
    _audit(session, caller, inv, f"setting.{attr}", t("audit.subject.setting"), old=old, new=target)
    return Notice("ok", rich("admin.channel.set", which=which.lower(), channel=channel_ref(target)))


@admin_only
def schedule_command(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`schema sammanfattning <dag hh:mm>` / `schema påminnelser <dag hh:mm>, … | av`."""
    which, _, rest = args.partition(" ")
    ws, usage = editable(session, caller), USAGES["schema"]
    if fold(which) == "sammanfattning":
        when = day_time(rest)
        if when is None:
            raise InputError(t("admin.bad_time", value=rest), usage=usage)
        old = show_day_time(ws.summary_weekday, ws.summary_minute)
        ws.summary_weekday, ws.summary_minute = when
        _audit(session, caller, inv, "setting.summary", t("audit.subject.setting"), old=old, new=show_day_time(*when))
        return Notice("ok", t("admin.schedule.summary", when=show_day_time(*when)))
    if fold(which) in ("paminnelser", "reminders"):
        if fold(rest) in ("av", "inga", "off"):
            slots = []
        else:
            slots = [day_time(part) for part in rest.split(",")]
            if not slots or None in slots:
                raise InputError(t("admin.bad_time", value=rest), usage=usage)
        before = ", ".join(show_day_time(d, m) for d, m in reminder_slots(ws)) or t("admin.schedule.none")
        ws.reminder_slots = ",".join(f"{d}:{m}" for d, m in dict.fromkeys(slots))
        shown = ", ".join(show_day_time(d, m) for d, m in dict.fromkeys(slots)) or t("admin.schedule.none")
        _audit(session, caller, inv, "setting.reminders", t("audit.subject.setting"), old=before, new=shown)
        return Notice("ok", t("admin.schedule.reminders", when=shown))
    raise InputError(t("admin.schedule_usage"), usage=usage)


@admin_only
def deadline_command(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`deadline <dag hh:mm>`: when the week under assessment turns over."""
    when = day_time(args)
    if when is None:
        raise InputError(t("admin.bad_time", value=args), usage=USAGES["deadline"])
    ws = editable(session, caller)
    old = show_day_time(ws.deadline_weekday, ws.deadline_minute)
    ws.deadline_weekday, ws.deadline_minute = when
    _audit(session, caller, inv, "setting.deadline", t("audit.subject.setting"), old=old, new=show_day_time(*when))
    return Notice("ok", t("admin.deadline.set", when=show_day_time(*when)))


@admin_only
def retention_command(caller: Caller, args: str, inv: Invocation, session: Session) -> Reply:
    """`gallring <månader>`: how long comments and descriptions are kept."""
    months = plain_int(args)
    if months is None or not 1 <= months <= 120:
        raise InputError(t("admin.retention_usage"), usage=USAGES["gallring"])
    ws = editable(session, caller)
    old, ws.retention_months = ws.retention_months, months
    _audit(session, caller, inv, "setting.retention", t("audit.subject.setting"), old=str(old), new=str(months))
    return Notice("ok", t("admin.retention.set", months=months))
