"""`veckolage.toml`: the collaboration's set-up, read and checked whole before anything is stored."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands.core import identity
from commands.core.matching import fold, sanitize
from commands.core.texts import t

DAYS = {
    "mandag": 0, "monday": 0, "mon": 0, "man": 0, "tisdag": 1, "tuesday": 1, "tue": 1, "tis": 1,
    "onsdag": 2, "wednesday": 2, "wed": 2, "ons": 2, "torsdag": 3, "thursday": 3, "thu": 3, "tor": 3,
    "fredag": 4, "friday": 4, "fri": 4, "fre": 4, "lordag": 5, "saturday": 5, "sat": 5, "lor": 5,
    "sondag": 6, "sunday": 6, "sun": 6, "son": 6,
}
TOP_KEYS = {"team_id", "timezone", "summary_channel", "alert_channel", "coordinators", "admins", "areas",
            "partner", "deadline", "alert_renotify_minutes", "schedule", "retention_months"}
SCHEDULE_KEYS = {"summary", "reminders"}
PARTNER_KEYS = {"name", "members", "short"}
NAME_LIMIT = 80
SHORT_LIMIT = 16  # a column head in the grid's table
# A product rule, not a platform's: we design for 20 areas × 10 partners (the largest collaboration) and
# allow twice the areas and three times the partners; every surface must show that much.
AREA_LIMIT = 40
PARTNER_LIMIT = 30


@dataclass(frozen=True)
class PartnerSetup:
    """A partner organisation and the users who report for it."""

    name: str
    members: tuple[str, ...]
    short: str | None = None


@dataclass(frozen=True)
class Setup:
    """The whole set-up of one collaboration."""

    workspace_key: str
    timezone: str
    summary_channel: str | None
    alert_channel: str | None
    coordinators: tuple[str, ...]
    admins: tuple[str, ...]
    areas: tuple[str, ...]
    partners: tuple[PartnerSetup, ...]
    deadline_weekday: int = 0
    deadline_minute: int = 600
    renotify_minutes: int = 15
    retention_months: int = 24
    summary_weekday: int = 0
    summary_minute: int = 480
    reminder_slots: tuple[tuple[int, int], ...] = ((4, 720), (0, 480))

    @property
    def reminder_text(self) -> str:
        """The reminder slots as stored: `4:720,0:480`."""
        return ",".join(f"{day}:{minute}" for day, minute in self.reminder_slots)


class SetupError(ValueError):
    """Everything wrong with the file, one problem a line, each naming its line and key."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__(f"{path}: " + "; ".join(problems))

    def __str__(self) -> str:
        return t("setupfile.errors", path=self.path) + "\n" + "\n".join(f"  • {p}" for p in self.problems)


def load_setup(path: str | Path) -> Setup:
    """Read and check the file; raises SetupError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SetupError(str(path), [t("setupfile.missing")]) from None
    except UnicodeDecodeError:
        raise SetupError(str(path), [t("setupfile.not_utf8")]) from None
    return parse_setup(text, str(path))


def parse_setup(text: str, name: str = "veckolage.toml") -> Setup:
    """Check the TOML text; raises SetupError listing every problem."""
    text = sanitize(text, keep_controls=True)  # names reach the chat: nothing in them may become a mention
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        message = re.sub(r"\s*\(at .*\)$", "", str(error))
        problem = (t("setupfile.bad_toml.at", line=where.group(1), column=where.group(2), message=message) if where
                   else t("setupfile.bad_toml", message=message))
        raise SetupError(name, [problem]) from None
    checker = _Checker(text)
    setup = checker.check(data)
    if checker.problems:
        raise SetupError(name, checker.problems)
    return setup


class _Checker:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.problems: list[str] = []

    def line_of(self, key: str, occurrence: int = 0, table: int | None = None) -> str:
        """`rad N` of a key: the n-th `key =` or `[[key]]`, or `key =` inside the n-th [[partner]]."""
        pattern = re.compile(rf"^\s*(\[\[\s*{re.escape(key)}\s*\]\]|{re.escape(key)}\s*=)")
        lines = list(enumerate(self.lines))
        if table is not None:
            starts = [i for i, line in lines if re.match(r"^\s*\[\[\s*partner\s*\]\]", line)]
            if table >= len(starts):
                return t("setupfile.whole_file")
            ends = [i for i, line in lines if i > starts[table] and re.match(r"^\s*\[", line)]
            lines = lines[starts[table]:ends[0] if ends else None]
            occurrence = 0
        hits = [i + 1 for i, line in lines if pattern.match(line)]
        if table is not None and not hits:
            hits = [lines[0][0] + 1]  # the key is missing: point at the table
        return t("setupfile.line", line=hits[occurrence]) if occurrence < len(hits) else t("setupfile.whole_file")

    def fail(self, key: str, message: str, occurrence: int = 0, label: str | None = None,
             table: int | None = None) -> None:
        self.problems.append(t("setupfile.problem", where=self.line_of(key, occurrence, table), label=label or key,
                               message=message))

    def people(self, data: dict, key: str, *, label: str | None = None,
               table: int | None = None) -> tuple[identity.Person, ...]:
        """A list of people, each id checked by the rule of its platform (identity.py)."""
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, t("setupfile.not_a_list", what=t("setupfile.user_id")), label=label, table=table)
            return ()
        found = []
        for item in value:
            person = identity.person(item)
            if person is None:
                rule = t(f"{identity.person_platform(item)}.identity.rule.person")
                self.fail(key, t("setupfile.bad_person", value=item, rule=rule), label=label, table=table)
            else:
                found.append(person)
        return tuple(dict.fromkeys(found))

    def channel(self, data: dict, key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        room = identity.room(value) if isinstance(value, str) else None
        if room is None:
            rule = t(f"{identity.room_platform(str(value))}.identity.rule.room")
            self.fail(key, t("setupfile.bad_channel", value=value, rule=rule))
            return None
        return room.id

    def names(self, values: list, key: str, label: str, *, tables: list[int] | None = None) -> None:
        seen: dict[str, str] = {}
        for index, value in enumerate(values):
            table = tables[index] if tables is not None else None
            where = dict(label=label if table is None else f"{label} {table + 1}", table=table)
            if table is not None:
                key = "name"
            if not value.strip() or len(value) > NAME_LIMIT:
                self.fail(key, t("setupfile.name_length", value=value, limit=NAME_LIMIT), **where)
            elif fold(value) in seen:
                self.fail(key, t("setupfile.same_name", value=value, other=seen[fold(value)]), **where)
            seen.setdefault(fold(value), value)

    def check(self, data: dict) -> Setup:
        for key in sorted(set(data) - TOP_KEYS):
            self.fail(key, t("setupfile.unknown_key"))
        key = data.get("team_id", "default")
        if key != "default":
            key = identity.team(key) if isinstance(key, str) else None
            if key is None:
                self.fail("team_id", t("setupfile.bad_team", value=data["team_id"]))
        timezone = data.get("timezone", "Europe/Stockholm")
        try:
            ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("timezone", t("setupfile.bad_timezone", value=timezone))
            timezone = "Europe/Stockholm"
        areas = data.get("areas")
        if not isinstance(areas, list) or not areas or not all(isinstance(a, str) for a in areas):
            self.fail("areas", t("setupfile.no_areas"))
            areas = []
        self.names(areas, "areas", "areas")
        if len(areas) > AREA_LIMIT:
            self.fail("areas", t("setupfile.too_many_areas", limit=AREA_LIMIT, count=len(areas)))
        partners = self.partners(data.get("partner", []))
        weekday, minute = self.day_time("deadline", data.get("deadline", "måndag 10:00"))
        renotify = data.get("alert_renotify_minutes", 15)
        if not isinstance(renotify, int) or isinstance(renotify, bool) or not 1 <= renotify <= 24 * 60:
            self.fail("alert_renotify_minutes", t("setupfile.bad_renotify", value=renotify))
            renotify = 15
        retention = data.get("retention_months", 24)
        if not isinstance(retention, int) or isinstance(retention, bool) or not 1 <= retention <= 120:
            self.fail("retention_months", t("setupfile.bad_retention", value=retention))
            retention = 24
        schedule = data.get("schedule", {})
        if not isinstance(schedule, dict):
            self.fail("schedule", t("setupfile.schedule_table"))
            schedule = {}
        for key in sorted(set(schedule) - SCHEDULE_KEYS):
            self.fail(key, t("setupfile.unknown_schedule_key"))
        summary = self.day_time("summary", schedule.get("summary", "måndag 08:00"))
        raw_reminders = schedule.get("reminders", ["fredag 12:00", "måndag 08:00"])
        if not isinstance(raw_reminders, list):
            self.fail("reminders", t("setupfile.reminders_list"))
            raw_reminders = []
        reminders = tuple(dict.fromkeys(self.day_time("reminders", r) for r in raw_reminders))
        return Setup(
            workspace_key=str(key), timezone=str(timezone),
            summary_channel=self.channel(data, "summary_channel"), alert_channel=self.channel(data, "alert_channel"),
            coordinators=tuple(p.id for p in self.people(data, "coordinators")),
            admins=tuple(p.id for p in self.people(data, "admins")),
            areas=tuple(a.strip() for a in areas), partners=partners,
            deadline_weekday=weekday, deadline_minute=minute, renotify_minutes=renotify, retention_months=retention,
            summary_weekday=summary[0], summary_minute=summary[1], reminder_slots=reminders,
        )

    def partners(self, raw: object) -> tuple[PartnerSetup, ...]:
        if not isinstance(raw, list) or not all(isinstance(p, dict) for p in raw):
            self.fail("partner", t("setupfile.partner_tables"))
            return ()
        result, owner, tables = [], {}, []
        for index, item in enumerate(raw):
            label = f"partner {index + 1}"
            for key in sorted(set(item) - PARTNER_KEYS):
                self.fail(key, t("setupfile.unknown_partner_key", name=key), label=label, table=index)
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                self.fail("partner", t("setupfile.partner_name"), index, label)
                continue
            members = self.people(item, "members", label=f"{label} ({name}) members", table=index)
            for user in (m.id for m in members):
                if user in owner:
                    self.fail("members", t("setupfile.member_twice", user=user, partner=owner[user]),
                              label=f"{label} ({name})", table=index)
                owner.setdefault(user, name)
            result.append(PartnerSetup(name.strip(), tuple(map(str, members)),
                                       self.short(item, index, f"{label} ({name})")))
            tables.append(index)
        self.names([p.name for p in result], "partner", "partner", tables=tables)
        if len(result) > PARTNER_LIMIT:
            self.fail("partner", t("setupfile.too_many_partners", limit=PARTNER_LIMIT, count=len(result)), PARTNER_LIMIT)
        shorts: dict[str, str] = {}
        for partner, table in zip(result, tables, strict=True):
            if partner.short and fold(partner.short) in shorts:
                self.fail("short", t("setupfile.same_short", value=partner.short, other=shorts[fold(partner.short)]),
                          label=f"partner {table + 1} ({partner.name}) short", table=table)
            elif partner.short:
                shorts[fold(partner.short)] = partner.name
        return tuple(result)

    def short(self, item: dict, index: int, label: str) -> str | None:
        value = item.get("short")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value.strip()) > SHORT_LIMIT:
            self.fail("short", t("setupfile.bad_short", value=value, limit=SHORT_LIMIT), label=f"{label} short",
                      table=index)
            return None
        return " ".join(value.split())

    def day_time(self, key: str, raw: object) -> tuple[int, int]:
        match = re.fullmatch(r"\s*(\S+)\s+(\d{1,2}):(\d{2})\s*", raw) if isinstance(raw, str) else None
        day = DAYS.get(fold(match.group(1))) if match else None
        if match is None or day is None or int(match.group(2)) > 23 or int(match.group(3)) > 59:
            self.fail(key, t("setupfile.bad_day_time", value=raw))
            return 0, 600
        return day, int(match.group(2)) * 60 + int(match.group(3))
