"""The registry of commands: name, usage and help in one place; dispatch reads it too.

Names and usages carry no platform prefix (`lage [vecka] …`): each chat surface adds its own (`/` in Slack and
the console, `!` on Matrix) and maps the families to its command list (bot/slack/manifest.py for Slack). The help
text, the README command table and manifest.json are checked against it by a test.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

import commands.insats.on_the_wall  # noqa: E402, F401  (adds what the meeting decided to the web view's week)
from commands.admin.commands import (
    USAGES,
    admin_role_command,
    area_command,
    channel_command,
    coordinator_command,
    deadline_command,
    member_command,
    partner_command,
    retention_command,
    schedule_command,
)
from commands.admin.view import audit_log, show_setup
from commands.core.context import Invocation, load_caller
from commands.core.matching import fold, sanitize
from commands.core.reply import HelpEntry, HelpReply, Reply
from commands.core.scale import SCALE
from commands.core.texts import t
from commands.events.manage import (
    EDIT_USAGE,
    LIST_USAGE,
    WITHDRAW_USAGE,
    edit_event,
    list_events,
    withdraw_event,
)
from commands.events.report import USAGE as EVENT_USAGE
from commands.events.report import report
from commands.insats.manage import CANCEL_USAGE, DONE_USAGE, cancel, edit, list_insatser, mark_done
from commands.insats.manage import EDIT_USAGE as INSATS_EDIT_USAGE
from commands.insats.manage import LIST_USAGE as INSATS_LIST_USAGE
from commands.insats.parse import USAGE as INSATS_USAGE
from commands.insats.priorities import PRIORITY_USAGE, prioritize
from commands.insats.quarter import QUARTER_USAGE, quarter_command
from commands.insats.register import propose
from commands.insats.risk_admin import ADMIN_USAGE as RISK_ADMIN_USAGE
from commands.insats.risk_admin import LIST_USAGE as RISK_LIST_USAGE
from commands.insats.risk_admin import list_risk_days, risk_admin
from commands.rating.comments import COMMENTS_USAGE, show_comments
from commands.rating.overview import (
    AGREE_USAGE,
    GRID_USAGE,
    PUBLISH_USAGE,
    SKIP_USAGE,
    UNSKIP_USAGE,
    agree,
    publish,
    show_grid,
    skip_week,
    unskip_week,
)
from commands.rating.rate import USAGE as RATE_USAGE
from commands.rating.rate import rate
from commands.rhythm.reminders import MUTE_USAGE, set_reminders
from commands.storbild.kiosk import KIOSK_USAGE, kiosk_command
from commands.storbild.signin_link import SIGNIN_USAGE, signin_link_command
from commands.year.commands import EXPORT_USAGE, TREND_USAGE, YEAR_USAGE, export, trend, year_picture

Handler = Callable[[str, Invocation, Session], Reply]


@dataclass(frozen=True)
class Command:
    """One thing a user can ask: its command family, its sub-command words (none: the default)."""

    family: str
    words: tuple[str, ...]
    usage: str
    summary: str
    handler: Handler | None  # None: the help of its family


@dataclass(frozen=True)
class Family:
    """A command family as the chat platforms list it (aliases run the same commands)."""

    name: str
    description: str
    aliases: tuple[str, ...] = ()


FAMILIES: tuple[Family, ...] = (
    Family("lage", "Rapportera din organisations läge för ett område"),
    Family("veckolage", "Visa veckans samlade lägesbild"),
    Family("handelse", "Rapportera en händelse; kritiska larmar direkt", ("händelse",)),
    Family("insats", "Mötets insatser: vad görs var, av vem, och uppföljningen"),
    Family("lagesadmin", "Administrera samverkan: områden, parter, medlemmar, kanaler, schema, logg"),
)

HELP_WORDS = ("hjälp", "hjalp", "help")

COMMANDS: tuple[Command, ...] = (
    Command("lage", (), RATE_USAGE, "Din organisation bedömer ett område (1–5) för veckan, med valfri kommentar. "
            "Utan ny kommentar står den tidigare kvar; ett ensamt - tar bort den.", rate),
    Command("lage", (), "lage [vecka]", "Öppnar formuläret: alla områden på en gång, ifyllt med det ni redan "
            "rapporterat.", rate),
    Command("lage", ("påminnelser", "paminnelser"), MUTE_USAGE, "Stänger av eller slår på dina påminnelser.",
            set_reminders),
    Command("lage", HELP_WORDS, "lage hjälp", "Visar den här hjälpen.", None),
    Command("veckolage", (), GRID_USAGE, "Veckans samlade lägesbild: områden × parter, färg och siffra, "
            "förändring och vem som inte rapporterat.", show_grid),
    Command("veckolage", ("fastställ", "faststall"), AGREE_USAGE,
            "Samordnare: fastställer mötets gemensamma bedömning för ett område.", agree),
    Command("veckolage", ("publicera",), PUBLISH_USAGE, "Samordnare: publicerar veckans sammanfattning nu (standard "
            "förra veckan), eller uppdaterar den som redan finns.", publish),
    Command("veckolage", ("hoppa-över", "hoppa-over"), SKIP_USAGE, "Samordnare: en vecka utan möte – inga "
            "påminnelser och ingen sammanfattning.", skip_week),
    Command("veckolage", ("återuppta", "ateruppta"), UNSKIP_USAGE, "Samordnare: ångrar hoppa-över.",
            unskip_week),
    Command("veckolage", ("kommentarer",), COMMENTS_USAGE, "Alla parters kommentarer om ett område för veckan; "
            "utan område: vilka områden som har kommentarer.", show_comments),
    Command("veckolage", ("år", "ar"), YEAR_USAGE, "Årssammanställningen: veckor × områden som färgbild, "
            "med antal veckor på 4–5 och längsta svit per område.", year_picture),
    Command("veckolage", ("trend",), TREND_USAGE, "Ett områdes senaste veckor (standard 12) jämfört med "
            "samverkans snitt.", trend),
    Command("veckolage", ("export",), EXPORT_USAGE, "Samordnare: årstabellen som fil, skickas till dig som "
            "direktmeddelande.", export),
    Command("veckolage", ("storbild",), KIOSK_USAGE, "Samordnare: en kiosklänk till mötesrummets skärm (standard "
            "7 dagar, bara siffror och färger), skickas bara till dig; återkalla den med numret.", kiosk_command),
    Command("veckolage", ("webb",), SIGNIN_USAGE, "En personlig länk som loggar in dig på lägesbilden i "
            "webbläsaren (en gång, inom tio minuter), skickas bara till dig.", signin_link_command),
    Command("veckolage", ("prioritera",), PRIORITY_USAGE, "Samordnare: mötets fokusområden och platser för "
            "kommande vecka (standard nästa vecka); visas överst i lägesbilden, sammanfattningen och hemfliken. "
            "Ett ensamt - tar bort dem.", prioritize),
    Command("veckolage", ("kvartal",), QUARTER_USAGE, "Kvartalet per område: veckor på 4–5 och med kritisk "
            "händelse, de tre mest belastade områdena, insatser klara och öppna; xlsx (samordnare) som "
            "direktmeddelande.", quarter_command),
    Command("veckolage", ("riskdagar",), RISK_LIST_USAGE, "Riskkalendern: dagar som behöver planeras (Valborg, "
            "skolavslutning, midsommar, Halloween, nyår, lov och egna); nämns i sammanfattningen veckan före.",
            list_risk_days),
    Command("veckolage", HELP_WORDS, "veckolage hjälp", "Visar den här hjälpen.", None),
    Command("handelse", (), EVENT_USAGE, "Rapporterar en händelse. Skjutning, sprängning och brandattentat är "
            "kritiska: larmet går direkt till larmkanalen och området blir minst 5 för veckan.", report),
    Command("handelse", (), "handelse", "Öppnar formuläret för en händelse (område, typ, tid, beskrivning).", report),
    Command("handelse", ("lista",), LIST_USAGE, "Veckans händelser med status.", list_events),
    Command("handelse", ("ändra", "andra"), EDIT_USAGE, "Rättar en händelse (den som rapporterade eller en "
            "samordnare); larmet uppdateras.", edit_event),
    Command("handelse", ("återkalla", "aterkalla"), WITHDRAW_USAGE, "Återkallar en händelse; larmet och "
            "lägesbilden uppdateras.", withdraw_event),
    Command("handelse", HELP_WORDS, "handelse hjälp", "Visar den här hjälpen.", None),
    Command("insats", (), INSATS_USAGE, "Lägger in en insats som mötet beslutat: område, plats, vad som görs "
            "(inga personuppgifter), ansvarig part (standard din egen) och veckor (standard denna vecka).", propose),
    Command("insats", (), "insats", "Öppnar formuläret för en insats.", propose),
    Command("insats", ("lista",), INSATS_LIST_USAGE, "Insatserna med status och uppföljningsvecka; standard de "
            "öppna.", list_insatser),
    Command("insats", ("klar",), DONE_USAGE, "Markerar en insats som genomförd, med resultatet (ansvarig part, "
            "den som lade in den eller samordnare).", mark_done),
    Command("insats", ("ändra", "andra"), INSATS_EDIT_USAGE, "Ändrar en öppen insats; bara samordnare flyttar "
            "den till en annan part.", edit),
    Command("insats", ("avbryt",), CANCEL_USAGE, "Avbryter en insats, med orsak.", cancel),
    Command("insats", HELP_WORDS, "insats hjälp", "Visar den här hjälpen.", None),
    Command("lagesadmin", ("visa",), "lagesadmin visa", "Visar uppsättningen: områden, parter med medlemmar, "
            "roller, kanaler, veckorytm och gallring.", show_setup),
    Command("lagesadmin", ("område", "omrade"), USAGES["område"], "Lägger till, byter namn på eller tar bort ett "
            "område (historiken finns kvar).", area_command),
    Command("lagesadmin", ("partner",), USAGES["partner"], "Samma för samverkansparter; kortnamnet är partnerns "
            "rubrik i lägesbildens tabell.", partner_command),
    Command("lagesadmin", ("medlem",), USAGES["medlem"], "Vem som rapporterar för vilken part.", member_command),
    Command("lagesadmin", ("samordnare",), "lagesadmin samordnare lägg-till|ta-bort @användare …",
            "Vem som fastställer, publicerar och exporterar.", coordinator_command),
    Command("lagesadmin", ("admin",), "lagesadmin admin lägg-till|ta-bort @användare …",
            "Vem som administrerar (minst en måste finnas).", admin_role_command),
    Command("lagesadmin", ("kanal",), USAGES["kanal"], "Kanalen för sammanfattningen eller för larm.",
            channel_command),
    Command("lagesadmin", ("schema",), USAGES["schema"], "När sammanfattning och påminnelser går ut.",
            schedule_command),
    Command("lagesadmin", ("deadline",), USAGES["deadline"], "När veckan under bedömning byts (standard måndag "
            "10:00).", deadline_command),
    Command("lagesadmin", ("gallring",), USAGES["gallring"], "Hur länge kommentarer och beskrivningar sparas "
            "(standard 24 månader).", retention_command),
    Command("lagesadmin", ("riskdag",), RISK_ADMIN_USAGE, "Samverkans egna riskdagar (festival, match, lokal "
            "tradition) utöver de inbyggda.", risk_admin),
    Command("lagesadmin", ("logg",), "lagesadmin logg [område|partner|vecka] [csv]", "Granskningsloggen: vem "
            "ändrade vad, när, från vad till vad; som CSV i ett direktmeddelande.", audit_log),
    Command("lagesadmin", HELP_WORDS, "lagesadmin hjälp", "Visar den här hjälpen.", None),
)


@functools.cache
def _folded_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


def dispatch(family: str, text: str, inv: Invocation, session: Session) -> Reply:
    """Run what the user typed after a command family's name (`lage`, without any prefix) and return the reply."""
    family = canonical(family)
    text = sanitize(text or "").strip()
    first, _, rest = text.partition(" ")
    word = fold(first)
    candidates = [c for c in COMMANDS if c.family == family]
    if not candidates:
        raise KeyError(family)
    for command in candidates:
        if word and word in _folded_words(command.words):
            return command.handler(rest.strip(), inv, session) if command.handler else help_reply(family, inv, session)
    default = next((c for c in candidates if not c.words), None)
    if default is None:  # a command family without a default action: its help
        return help_reply(family, inv, session)
    return default.handler(text, inv, session)


def help_reply(family: str, inv: Invocation | None = None, session: Session | None = None) -> HelpReply:
    """The usage of every command, the family asked about first."""
    ordered = sorted(COMMANDS, key=lambda c: c.family != family)
    entries = tuple(HelpEntry(c.usage, c.summary) for c in ordered)
    scale = ", ".join(f"{s.number} {s.name}" for s in SCALE)
    notes = [t("help.scale", scale=scale)]
    if inv is not None and session is not None:
        caller = load_caller(session, inv)
        notes.append(t("help.week", week=caller.assessment_week.label))
    return HelpReply(t("help.title"), entries, tuple(notes))


def canonical(name: str) -> str:
    """The family an alias stands for (`händelse` → `handelse`)."""
    for family in FAMILIES:
        if name == family.name or name in family.aliases:
            return family.name
    return name

