"""The week page: the open-alert banner, the consolidated grid beside last week, events, comments, sections."""

from __future__ import annotations

from bot.web.cells import legend, level_cell
from bot.web.html import e
from commands.core.reply import AreaRow, EventLine, WeekGrid
from commands.core.spans import plain
from commands.core.texts import t
from commands.storbild.pages import OpenAlert, PageSection, WeekPage

SHOWN, FOLDED, HIDDEN = "shown", "folded", "hidden"  # comments and event descriptions


def week_body(page: WeekPage, *, private: str, area_links: dict[str, int] | None = None,
              nav_weeks: bool = True) -> str:
    """The page's main content. `private`: comments and descriptions shown, folded away (the wall, signed in)
    or left out of the page entirely (a kiosk link); `area_links` link each area to its page."""
    grid = page.grid
    parts = [f"<h1>{e(t('storbild.week.title', week=grid.week.label))}</h1>", _banner(page.alerts)]
    parts += [f'<p class="status">{e(_status(grid))}</p>']
    if nav_weeks:
        parts.append(_week_nav(grid))
    parts.append(_table(grid, area_links))
    parts.append(legend())
    parts.append(_missing(grid))
    parts.append(_events(grid.events, private))
    parts.append(_comments(grid, private))
    parts += [_section(s, private) for s in page.sections]
    return "\n".join(p for p in parts if p)


def _status(grid: WeekGrid) -> str:
    reported = sum(1 for i in range(len(grid.partners)) if any(r.cells[i].level is not None for r in grid.rows))
    agreed = sum(1 for r in grid.rows if r.agreed)
    return t("storbild.week.status", reported=reported, partners=len(grid.partners), agreed=agreed,
             areas=len(grid.rows))


def _week_nav(grid: WeekGrid) -> str:
    before, after = grid.week.shift(-1), grid.week.shift(1)
    return (f'<nav class="weeks" aria-label="{e(t("storbild.week.nav"))}"><a href="/storbild/vecka/{before.year}-W{before.week:02d}">'
            f'{e(t("storbild.week.previous", week=before.short))}</a> '
            f'<a href="/storbild/vecka/{after.year}-W{after.week:02d}">{e(t("storbild.week.next", week=after.short))}</a></nav>')


def _banner(alerts: tuple[OpenAlert, ...]) -> str:
    if not alerts:
        return ""
    items = "".join(f"<li>{e(t('storbild.banner.item', type=a.type_name, area=a.area, number=a.number, when=a.when))}"
                    "</li>" for a in alerts)
    return (f'<section class="banner" role="alert" aria-labelledby="larm-rubrik"><h2 id="larm-rubrik">'
            f'{e(t("storbild.banner.title", count=len(alerts)))}</h2><ul>{items}</ul>'
            f'<p>{e(t("storbild.banner.hint"))}</p></section>')


def _table(grid: WeekGrid, area_links: dict[str, int] | None) -> str:
    if not grid.rows:
        return f"<p>{e(t('grid.no_areas'))}</p>"
    previous = grid.week.shift(-1)
    heads = [f'<th scope="col">{e(t("grid.column.area"))}</th>',
             f'<th scope="col">{e(t("storbild.column.value", week=grid.week.short))}</th>',
             f'<th scope="col">{e(t("storbild.column.previous", week=previous.short))}</th>']
    for index, partner in enumerate(grid.partners):
        head = grid.head(index)
        title = f' title="{e(partner)}"' if head != partner else ""
        heads.append(f'<th scope="col"{title}>{e(head)}'
                     + (f'<span class="sr"> ({e(partner)})</span>' if head != partner else "") + "</th>")
    rows = "\n".join(_row(row, grid, area_links) for row in grid.rows)
    caption = t("storbild.week.caption", week=grid.week.label)
    return (f'<div class="scroll" role="region" aria-label="{e(caption)}" tabindex="0"><table class="grid">'
            f'<caption>{e(caption)}</caption><thead><tr>{"".join(heads)}</tr></thead>'
            f"<tbody>\n{rows}\n</tbody></table></div>")


def _row(row: AreaRow, grid: WeekGrid, area_links: dict[str, int] | None) -> str:
    name = e(row.area)
    if area_links and row.area in area_links:
        name = f'<a href="/storbild/omrade/{area_links[row.area]}">{name}</a>'
    flags = ""
    if row.critical:
        flags += f' <span class="flag crit">{e(t("storbild.row.critical"))}</span>'
    if row.disagreement:
        flags += f' <span class="flag">{e(t("storbild.row.disagreement"))}</span>'
    extra = ""
    if row.change:
        arrow, words = ("↑", t("storbild.change.up")) if row.change > 0 else ("↓", t("storbild.change.down"))
        extra += f' <span class="ch" aria-hidden="true">{arrow}</span><span class="sr">{e(words)}</span>'
    if row.lifted:
        extra += f' <span class="s ok">{e(t("storbild.row.lifted", agreed=row.agreed_level))}</span>'
    elif row.agreed:
        extra += f' <span class="s ok">✓<span class="w"> {e(t("grid.status.agreed"))}</span></span>'
    elif row.value is not None:
        extra += f' <span class="s">{e(t("grid.status.proposed"))}</span>'
    cells = [f'<th scope="row">{name}{flags}</th>', level_cell(row.value, extra=extra, attrs=' data-col="samlat"'),
             level_cell(row.previous, attrs=' data-col="forra"')]
    for index, cell in enumerate(row.cells):
        cells.append(level_cell(cell.level, attrs=f' data-partner="{e(grid.partners[index])}"'))
    css = ' class="critical"' if row.critical else ""
    return f'<tr data-area="{e(row.area)}"{css}>{"".join(cells)}</tr>'


def _missing(grid: WeekGrid) -> str:
    if grid.imported:
        return f'<p>{e(t("grid.missing.imported"))}</p>'
    if not grid.missing:
        return f"<p>{e(t('grid.missing.none'))}</p>"
    items = "".join(f"<li>{e(t('grid.missing.all', partner=m.partner, total=m.total) if m.missing == m.total else t('grid.missing.some', partner=m.partner, missing=m.missing, total=m.total))}</li>"
                    for m in grid.missing)
    return f'<section aria-labelledby="saknas"><h2 id="saknas">{e(t("grid.missing.title"))}</h2><ul>{items}</ul></section>'


def event_item(line: EventLine, private: str) -> str:
    """One event as a list item; its description only when comments are shown."""
    status = plain(line.status, "") if line.status else ""
    text = t("storbild.event.line", number=line.number, type=line.type_name, area=line.area, when=line.when,
             partner=line.partner)
    crit = f'<span class="flag crit">{e(t("storbild.event.critical"))}</span> ' if line.critical else ""
    desc = f'<br><span class="desc">{e(line.description)}</span>' if private != HIDDEN and line.description else ""
    return f"<li>{crit}{e(text)}{(' – ' + e(status)) if status else ''}{desc}</li>"


def _events(events: tuple[EventLine, ...], private: str) -> str:
    if not events:
        return ""
    items = "".join(event_item(line, private) for line in events)
    body = f"<ul>{items}</ul>"
    if private == FOLDED and any(line.description for line in events):
        plain_items = "".join(event_item(line, HIDDEN) for line in events)
        body = (f"<ul>{plain_items}</ul><details><summary>{e(t('storbild.events.open'))}</summary>"
                f"<ul>{items}</ul></details>")
    return f'<section aria-labelledby="handelser"><h2 id="handelser">{e(t("storbild.events.title"))}</h2>{body}</section>'


def _comments(grid: WeekGrid, private: str) -> str:
    if private == HIDDEN or not grid.comments:
        return ""
    items = "".join(f'<li><strong>{e(c.area)}</strong> – {e(c.partner)}: <span class="comment">{e(c.text)}</span></li>'
                    for c in grid.comments)
    title = f'<h2 id="kommentarer">{e(t("grid.comments.title"))}</h2>'
    if private == FOLDED:
        return (f'<section aria-labelledby="kommentarer">{title}<details><summary>'
                f'{e(t("storbild.comments.open", count=len(grid.comments)))}</summary><ul>{items}</ul></details></section>')
    return f'<section aria-labelledby="kommentarer">{title}<ul>{items}</ul></section>'


def _section(section: PageSection, private: str) -> str:
    lines = "".join(f"<li>{e(line)}</li>" for line in section.lines)
    hidden = "".join(f"<li>{e(line)}</li>" for line in section.private) if private != HIDDEN else ""
    if hidden and private == FOLDED:
        body = (f"<ul>{lines}</ul>" if lines else "") + \
            f"<details><summary>{e(t('storbild.section.open'))}</summary><ul>{hidden}</ul></details>"
    elif lines or hidden:
        body = f"<ul>{lines}{hidden}</ul>"
    else:
        body = f"<p>{e(section.empty)}</p>"
    return (f'<section aria-labelledby="del-{e(section.key)}"><h2 id="del-{e(section.key)}">{e(section.title)}</h2>'
            f"{body}</section>")
