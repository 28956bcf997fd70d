"""The page frame every web page shares: language, title, skip link, navigation, and escaping."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from commands.core.texts import t

STYLE_PATH = "/storbild/stil.css"
SCRIPT_PATH = "/storbild/uppdatera.js"


def e(text: object) -> str:
    """Text for HTML: everything a user typed is escaped, always."""
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class Nav:
    """Who is looking, for the navigation: a member (maybe a coordinator), or a kiosk screen (None)."""

    coordinator: bool
    csrf: str


def page(title: str, body: str, *, nav: Nav | None = None, mode: str = "page", refresh: int | None = None) -> str:
    """A whole page. `mode` is `page`, `storbild` (big, for the wall) or `kiosk` (the wall, by link);
    `refresh` seconds make it reload itself (paused by the visitor with the button the script adds)."""
    refresh_attr = f' data-refresh="{refresh}"' if refresh else ""
    script = f'<script src="{SCRIPT_PATH}" defer></script>' if refresh else ""
    return (
        '<!DOCTYPE html>\n<html lang="sv">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{e(title)} – {e(t('storbild.site'))}</title>\n"
        f'<link rel="stylesheet" href="{STYLE_PATH}">\n{script}\n</head>\n'
        f'<body class="{e(mode)}"{refresh_attr}>\n'
        f'<a class="skip" href="#innehall">{e(t("storbild.skip"))}</a>\n'
        f"{_header(nav, mode)}"
        f'<main id="innehall" tabindex="-1">\n{body}\n</main>\n'
        f"{_footer(mode)}"
        "</body>\n</html>\n"
    )


def _header(nav: Nav | None, mode: str) -> str:
    site = f'<p class="site">{e(t("storbild.site"))}</p>'
    if nav is None:
        return f"<header>{site}</header>\n"
    links = [("/storbild/", t("storbild.nav.week")), ("/storbild/ar/", t("storbild.nav.year")),
             ("/storbild/skarm", t("storbild.nav.storbild"))]
    if nav.coordinator:
        links.append(("/storbild/kiosk", t("storbild.nav.kiosk")))
    items = "".join(f'<li><a href="{href}">{e(label)}</a></li>' for href, label in links)
    logout = (f'<form method="post" action="/storbild/logga-ut" class="logout">'
              f'<input type="hidden" name="csrf" value="{e(nav.csrf)}">'
              f'<button type="submit">{e(t("storbild.nav.logout"))}</button></form>')
    return f'<header>{site}<nav aria-label="{e(t("storbild.nav.label"))}"><ul>{items}</ul></nav>{logout}</header>\n'


def _footer(mode: str) -> str:
    if mode == "kiosk":
        return f'<footer><p>{e(t("storbild.kiosk.footer"))}</p></footer>\n'
    return (f'<footer><p><a href="/storbild/tillganglighet">{e(t("storbild.a11y.link"))}</a></p></footer>\n')


def message_page(title: str, lines: list[str], *, link: tuple[str, str] | None = None, nav: Nav | None = None) -> str:
    """A short page that says one thing (a refusal, a notice), with an optional way on."""
    body = f"<h1>{e(title)}</h1>\n" + "".join(f"<p>{e(line)}</p>\n" for line in lines)
    if link:
        body += f'<p><a href="{e(link[0])}">{e(link[1])}</a></p>\n'
    return page(title, body, nav=nav)
