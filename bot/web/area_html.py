"""An area's page: its recent weeks against the collaboration's average, and its events."""

from __future__ import annotations

from bot.web.cells import level_cell
from bot.web.html import e
from bot.web.week_html import SHOWN, event_item
from commands.core.reply import Trend
from commands.core.texts import t
from commands.storbild.pages import AreaPage


def _average(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def trend_words(trend: Trend) -> tuple[str, str]:
    """The title (`Vällingby, v36–v47 2026`) and the comparison with the collaboration's average."""
    first, last = trend.points[0].week, trend.points[-1].week
    title = t("trend.title", area=trend.area, first=first.short, last=f"{last.short} {last.year}")
    mean, average = trend.mean, trend.collaboration_mean
    if mean is None:
        return title, t("trend.none")
    verdict = "trend.same" if average is None or abs(mean - average) < 0.25 else (
        "trend.above" if mean > average else "trend.below")
    return title, t("trend.compare", mean=_average(mean), average=_average(average), verdict=t(verdict))


def area_body(page: AreaPage) -> str:
    """Heading, the trend table (week, the area's value, the average) and the events of those weeks."""
    trend = page.trend
    title, compare = trend_words(trend)
    rows = "".join(f'<tr><th scope="row">{e(p.week.short_in(trend.points[-1].week.year))}</th>'
                   f"{level_cell(p.value, missing='year.picture.missing')}<td>{e(_average(p.average))}</td></tr>" for p in trend.points)
    heads = "".join(f'<th scope="col">{e(h)}</th>' for h in (
        t("year.picture.week"), trend.area, t("storbild.area.average")))
    caption = t("storbild.area.caption", area=trend.area)
    parts = [f"<h1>{e(title)}</h1>", f"<p>{e(compare)}</p>",
             f'<div class="scroll" role="region" aria-label="{e(caption)}" tabindex="0"><table class="grid trend">'
             f"<caption>{e(caption)}</caption><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table></div>",
             f'<h2>{e(t("storbild.area.events"))}</h2>']
    if page.events:
        parts.append("<ul>" + "".join(event_item(line, SHOWN) for line in page.events) + "</ul>")
    else:
        parts.append(f"<p>{e(t('storbild.area.no_events'))}</p>")
    return "\n".join(parts)
