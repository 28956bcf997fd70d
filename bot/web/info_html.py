"""Pages without data: the tillgänglighetsredogörelse, sign-in, and the kiosk links' management."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from bot.web.html import e
from commands.core.texts import t
from commands.core.when import show
from commands.storbild.kiosk import DEFAULT_DAYS, MAX_DAYS

DAY_CHOICES = (1, 7, 30, MAX_DAYS)  # the kiosk form's choices of validity
A11Y_SECTIONS = ("intro", "status", "gaps", "report", "supervision", "tested")


def accessibility_body() -> str:
    """The tillgänglighetsredogörelse (lagen om tillgänglighet till digital offentlig service)."""
    parts = [f"<h1>{e(t('storbild.a11y.title'))}</h1>"]
    for key in A11Y_SECTIONS:
        if key != "intro":
            parts.append(f"<h2>{e(t(f'storbild.a11y.{key}.title'))}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in t(f"storbild.a11y.{key}").split("\n")]
    return "\n".join(parts)


def signin_body(*, provider: str | None, problem: str | None, back: str = "") -> str:
    """The sign-in page: one button to where people sign in (`slack`, `teams`: Microsoft), or why it cannot be used."""
    parts = [f"<h1>{e(t('storbild.signin.title'))}</h1>"]
    if problem:
        parts.append(f'<p class="banner" role="alert">{e(problem)}</p>')
    parts.append(f"<p>{e(t('storbild.signin.text'))}</p>")
    if provider:
        href = f"/storbild/logga-in/{provider}" + (f"?till={quote(back)}" if back else "")
        parts.append(f'<p><a class="button primary" href="{e(href)}">{e(t(f"{provider}.signin.button"))}</a></p>')
    else:
        parts.append(f"<p>{e(t('storbild.signin.off'))}</p>")
    parts.append(f"<p>{e(t('storbild.signin.kiosk'))}</p>")
    return "\n".join(parts)


def kiosk_body(links: list, *, csrf: str, timezone: str, created_url: str | None, notice: str | None) -> str:
    """The coordinator's kiosk links: create one (the address shown once), the active ones with Återkalla."""
    tz = ZoneInfo(timezone)
    parts = [f"<h1>{e(t('storbild.kiosk.title'))}</h1>", f"<p>{e(t('storbild.kiosk.text'))}</p>"]
    if notice:
        parts.append(f'<p role="status">{e(notice)}</p>')
    if created_url:
        parts.append(f'<div class="banner" role="status"><h2>{e(t("storbild.kiosk.created"))}</h2>'
                     f'<label for="kiosklank">{e(t("storbild.kiosk.copy"))}</label>'
                     f'<input id="kiosklank" class="kiosklink" readonly value="{e(created_url)}"></div>')
    options = "".join(f'<option value="{d}"{" selected" if d == DEFAULT_DAYS else ""}>'
                      f'{e(t("storbild.kiosk.days_option", days=d))}</option>' for d in DAY_CHOICES)
    parts.append(f'<form method="post" action="/storbild/kiosk"><input type="hidden" name="csrf" value="{e(csrf)}">'
                 f'<label for="dagar">{e(t("storbild.kiosk.days"))}</label> <select id="dagar" name="dagar">{options}'
                 f'</select> <button type="submit" class="primary">{e(t("storbild.kiosk.create"))}</button></form>')
    parts.append(f"<h2>{e(t('storbild.kiosk.active'))}</h2>")
    if not links:
        parts.append(f"<p>{e(t('storbild.kiosk.none'))}</p>")
        return "\n".join(parts)
    rows = "".join(
        f'<tr><th scope="row">{link.id}</th><td>{e(_local(link.created_at, tz))} ({e(link.created_by)})</td>'
        f"<td>{e(_local(link.expires_at, tz))}</td><td>"
        f'<form method="post" action="/storbild/kiosk/{link.id}/aterkalla"><input type="hidden" name="csrf" '
        f'value="{e(csrf)}"><button type="submit">{e(t("storbild.kiosk.revoke", number=link.id))}</button></form>'
        "</td></tr>" for link in links)
    heads = "".join(f'<th scope="col">{e(t(k))}</th>' for k in (
        "storbild.kiosk.col.number", "storbild.kiosk.col.created", "storbild.kiosk.col.expires",
        "storbild.kiosk.col.action"))
    parts.append(f'<div class="scroll" role="region" aria-label="{e(t("storbild.kiosk.active"))}" tabindex="0">'
                 f'<table class="plain"><caption>{e(t("storbild.kiosk.active"))}</caption><thead><tr>{heads}</tr>'
                 f"</thead><tbody>{rows}</tbody></table></div>")
    return "\n".join(parts)


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return show(moment.astimezone(tz))
