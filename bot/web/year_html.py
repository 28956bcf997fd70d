"""The year page: the year picture (PNG from the same table) and the table itself, readable without the picture."""

from __future__ import annotations

from bot.web.cells import legend, level_cell
from bot.web.html import e
from commands.core.texts import t
from commands.year.table import YearTable, weeks


def year_body(table: YearTable, *, this_year: int) -> str:
    """Heading, navigation between years, the picture, the per-area summary and the whole table."""
    year = table.year
    nav = [f'<a href="/storbild/ar/{year - 1}">{e(t("storbild.year.previous", year=year - 1))}</a>']
    if year < this_year:
        nav.append(f'<a href="/storbild/ar/{year + 1}">{e(t("storbild.year.next", year=year + 1))}</a>')
    parts = [f"<h1>{e(t('year.summary.title', year=year))}</h1>",
             f'<nav class="weeks" aria-label="{e(t("storbild.year.nav"))}">{" ".join(nav)}</nav>']
    if table.empty:
        parts.append(f"<p>{e(t('year.summary.empty', year=year))}</p>")
        return "\n".join(parts)
    parts.append(f'<figure class="yearpic"><img src="/storbild/ar/{year}.png" alt="{e(t("storbild.year.alt", year=year))}">'
                 f"<figcaption>{e(t('storbild.year.caption'))}</figcaption></figure>")
    parts.append(_summary(table))
    parts.append(_whole(table))
    return "\n".join(parts)


def _summary(table: YearTable) -> str:
    heads = "".join(f'<th scope="col">{e(t(key))}</th>' for key in (
        "grid.column.area", "storbild.year.high", "storbild.year.critical", "storbild.year.streak",
        "storbild.year.assessed"))
    rows = "".join(f'<tr><th scope="row">{e(a.area)}</th><td>{e(weeks(a.high_weeks))}</td>'
                   f"<td>{e(weeks(a.critical_weeks))}</td><td>{e(weeks(a.worst_streak))}</td>"
                   f"<td>{e(weeks(a.assessed_weeks))}</td></tr>" for a in table.area_years())
    caption = t("storbild.year.summary", year=table.year)
    return (f'<div class="scroll" role="region" aria-label="{e(caption)}" tabindex="0"><table class="plain">'
            f"<caption>{e(caption)}</caption><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div>")


def _whole(table: YearTable) -> str:
    heads = f'<th scope="col">{e(t("year.picture.week"))}</th>' + "".join(
        f'<th scope="col">{e(area)}</th>' for area in table.areas)
    rows = []
    for week in table.weeks:
        cells = "".join(level_cell(table.value(week.week, area), missing="year.picture.missing",
                                   extra=(f' <span class="s">{e(t("storbild.year.critical_mark"))}</span>'
                                          if (week.week, area) in table.critical else ""))
                        for area in table.areas)
        rows.append(f'<tr><th scope="row">{e(week.short)}</th>{cells}</tr>')
    caption = t("storbild.year.table", year=table.year)
    return (f"<details><summary>{e(t('storbild.year.open'))}</summary>{legend('year.picture.missing')}"
            f'<div class="scroll" role="region" aria-label="{e(caption)}" tabindex="0"><table class="grid year">'
            f'<caption>{e(caption)}</caption><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            "</div></details>")
