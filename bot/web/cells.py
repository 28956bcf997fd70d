"""One level as a table cell: colour, number and name together (colour is never the only signal)."""

from __future__ import annotations

from bot.web.html import e
from commands.core.scale import SCALE, level
from commands.core.texts import t


def level_name(value: int) -> str:
    """`Oroande` for 3: the first word of the scale's name."""
    return level(value).name.split()[0]


def level_cell(value: int | None, *, extra: str = "", tag: str = "td", attrs: str = "",
               missing: str = "storbild.missing") -> str:
    """A cell reading `3 Oroande` on level 3's colour, or `ej rapporterat` (`missing`'s text) on grey; `extra`
    is more HTML inside."""
    if value is None:
        inner = f'<span class="t">{e(t(missing))}</span>'
        return f'<{tag} class="lv lv0"{attrs}>{inner}{extra}</{tag}>'
    step = level(value)
    inner = f'<span class="n">{value}{e(step.marker)}</span> <span class="t">{e(level_name(value))}</span>'
    return f'<{tag} class="lv lv{value}"{attrs}>{inner}{extra}</{tag}>'


def legend(missing: str = "storbild.missing") -> str:
    """The scale as a list: each level as its cells show it, then the missing cell (`missing`'s text)."""
    items = "".join(f'<li><span class="lv lv{s.number} key"><span class="n">{s.number}{e(s.marker)}</span></span> '
                    f"{e(s.name)} – {e(s.meaning)}</li>" for s in SCALE)
    items += f'<li><span class="lv lv0 key"><span class="n">–</span></span> {e(t(missing))}</li>'
    return f'<ul class="legend" aria-label="{e(t("storbild.legend"))}">{items}</ul>'


def css_levels() -> str:
    """The scale's colours as CSS, with the ink that contrasts most (the scale is data, so is this)."""
    from bot.files.year_picture import MISSING_HEX, ink

    rules = [f".lv{s.number}{{background:{s.hex};color:{ink(s.hex)}}}" for s in SCALE]
    rules.append(f".lv0{{background:{MISSING_HEX};color:#222}}")
    return "\n".join(rules)
