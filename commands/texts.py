"""Every sentence a user reads, in one catalogue (Swedish; the keys are the same for a translation)."""

from __future__ import annotations

SV: dict[str, str] = {
    # rating
    "rate.saved.title": "Sparat: {area} {level} för {partner}",
    "rate.saved.replaced": "Ersatte {partner}s tidigare bedömning {old} (av {by}).",
    "rate.saved.unchanged": "Samma nivå som förut; kommentaren uppdaterad.",
    "rate.saved.comment": "Kommentar: {comment}",
    "rate.saved.consolidated": "Samlad bedömning för {area} just nu: {value} ({status}).",
    "rate.form.saved.title": "Sparat för {partner}, {week}",
    "rate.form.saved.none": "Inget ändrades – inga nivåer valdes.",
    "rate.form.level_needed": "Välj en nivå för att spara kommentaren.",
    "rate.form.only_slack": "Formuläret finns i Slack. Här skriver du: {usage}",
    # errors
    "error.title": "Det gick inte",
    "error.not_member": "Du är inte medlem i någon samverkanspart här, så du kan inte rapportera.",
    "error.not_member.hint": "Be en administratör lägga till dig i din organisation.",
    "error.unknown_user": "Du finns inte med i den här samverkan.",
    "error.unknown_user.hint": "Be en administratör lägga till dig som medlem, samordnare eller administratör.",
    "error.not_coordinator": "Bara samordnare kan fastställa en nivå.",
    "error.not_coordinator.hint": "Samordnare i den här samverkan: {names}.",
    "error.no_areas": "Det finns inga områden ännu. En administratör lägger till dem i veckolage.toml.",
    "error.missing_area": "Ange ett område.",
    "error.unknown_area": "Området ”{query}” finns inte.",
    "error.ambiguous_area": "”{query}” kan vara flera områden.",
    "error.did_you_mean": "Menade du {names}?",
    "error.areas_are": "Områden: {names}.",
    "error.missing_level": "Ange en nivå 1–5 efter området.",
    "error.bad_level": "Nivån måste vara ett heltal från 1 till 5 (du skrev ”{value}”).",
    "error.comment_empty": "Kommentaren är tom. Skriv en kommentar eller utelämna den.",
    "error.comment_too_long": "Kommentaren är {length} tecken; högst {limit} tecken får plats.",
    "error.future_week": "{week} ligger mer än en vecka fram i tiden. Du kan rapportera till och med {last}.",
    "error.unknown_subcommand": "Okänt kommando ”{word}”.",
    "error.workspace": "Den här Slack-arbetsytan är inte uppsatt för Veckoläge ännu.",
    "error.internal": "Något gick fel hos Veckoläge och inget sparades. Försök igen om en stund; "
    "kvarstår felet, kontakta er administratör.",
    "error.database": "Databasen svarar inte just nu, så inget sparades. Försök igen om en stund.",
    "usage": "Så här: {usage}",
    # agreed
    "agreed.saved.title": "Fastställt: {area} {level}, {week}",
    "agreed.saved.replaced": "Tidigare fastställt värde: {old}.",
    "agreed.saved.proposed": "Parternas förslag var {proposed}.",
    # grid
    "grid.title": "Lägesbild {week}",
    "grid.status.agreed": "fastställd",
    "grid.status.proposed": "föreslagen",
    "grid.status.none": "ingen bedömning",
    "grid.disagreement": "oenighet",
    "grid.reported": "{reported} av {total} parter har rapporterat",
    "grid.agreed_count": "{count} av {total} områden fastställda",
    "grid.missing.title": "Har inte rapporterat",
    "grid.missing.all": "{partner} (alla {total} områden)",
    "grid.missing.some": "{partner} ({missing} av {total} områden saknas)",
    "grid.missing.none": "Alla parter har rapporterat alla områden.",
    "grid.comments.title": "Kommentarer",
    "grid.comments.more": "… och {count} till",
    "grid.legend.missing": "ej rapporterat",
    "grid.legend.change": "↑↓ jämfört med {previous}",
    "grid.legend.disagreement": "⚠️ parterna skiljer sig två nivåer eller mer",
    "grid.no_areas": "Det finns inga områden att visa.",
    "grid.previous": "förra veckan {value}",
    # help
    "help.title": "Veckoläge – kommandon",
    "help.scale": "Skalan: {scale}",
    "help.week": "Vecka skrivs v46, 46, 2026-W46 eller förra. Utan vecka gäller {week}.",
}


def t(key: str, **values: object) -> str:
    """The Swedish text for a key, filled in."""
    return SV[key].format(**values)
