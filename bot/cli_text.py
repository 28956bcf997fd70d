"""What the command line prints to the person setting Veckoläge up (Swedish, like everything user-facing)."""

from __future__ import annotations

MISSING_CREDENTIALS = """\
Veckoläge kan inte ansluta till Slack ännu: {missing} saknas.

Så skapar du Slack-appen (några minuter):
  1. Öppna https://api.slack.com/apps → Create New App → From an app manifest.
  2. Välj er arbetsyta och klistra in innehållet i manifest.json från det här repot.
  3. Install to Workspace; kopiera "Bot User OAuth Token" (xoxb-…) till SLACK_BOT_TOKEN.
  4. Basic Information → App-Level Tokens → Generate (scope connections:write);
     kopiera token (xapp-…) till SLACK_APP_TOKEN. Då körs Socket Mode: ingen publik adress behövs.
  5. Skriv in värdena i .env (mall: .env.example) och starta igen.

Under tiden kan du prova allt lokalt i konsolen: python -m bot console
"""
MISSING_SIGNING_SECRET = """\
HTTP-läget behöver {missing}.
  SLACK_BOT_TOKEN: appens sida → OAuth & Permissions → Bot User OAuth Token (xoxb-…).
  SLACK_SIGNING_SECRET: appens sida → Basic Information → App Credentials → Signing Secret.
Sätt Request URL för kommandona och Interactivity till https://<er värd>/slack/events (se README).
Utan publik adress: använd Socket Mode i stället (python -m bot, med SLACK_APP_TOKEN).
"""
OFFER_CONSOLE = "Starta den lokala konsolen nu? [J/n] "
NO_SETUP_FILE = ("Ingen {path} hittades – konsolen använder exemplet {example} och en separat demodatabas "
                 "({database}).\nKopiera exemplet till {path} och fyll i era områden och parter när ni är redo.\n")
NO_CONSOLE_USER = "Ange vem du är: python -m bot console --user U… (ett användar-id ur veckolage.toml)."
DATABASE_DOWN = "Kan inte ansluta till databasen ({url}): {error}\nKontrollera DATABASE_URL och att servern är igång."
MIGRATED = "Databasen är på senaste schemat ({revision})."
DEMO = ("Demo: exemplets samverkan (Hässelby-Vällingby) på {database}, med 2023 års riktiga lägesbild inläst.\n"
        "Prova /veckolage år 2023, /veckolage 2023-W01 eller /veckolage trend Vällingby.\n")
NO_FILE = "Filen {path} finns inte."
BAD_DATE = "”{text}” är inget datum; skriv ÅÅÅÅ-MM-DD, t.ex. 2024-11-01."
PURGED = ("Gallrat allt före {date}: {comments} kommentarer, {descriptions} händelsebeskrivningar och {audit} "
          "rader i granskningsloggen tömdes. Nivåerna finns kvar.")
CONFIG_IMPORTED = "Inställningarna i {path} är inlästa; databasen följer filen."
CONFIG_EXPORTED = "Skrev databasens inställningar till {path}."
IMPORT_REFUSED = "Inget importerades från {path}: {error}"
IMPORTED = "Importerat år {year}: {changed} värden ändrade, {unchanged} redan lika, nya områden: {created}."
EXPORTED = "Sparade {path} ({size} byte)."
SOCKET_START = "Veckoläge ansluter till Slack i Socket Mode …"
CLOCK_START = "Veckolägets klocka går: sammanfattningar och påminnelser enligt schemat i veckolage.toml."
NO_SUMMARY_CHANNEL = "Ingen sammanfattningskanal är inställd (summary_channel i veckolage.toml)."
BAD_WEEK = "”{text}” är ingen vecka; skriv v46, 46, 2026-W46 eller förra."
SUMMARY_SENT = "Klart: sammanfattningen finns i kanalen {channel} (ts {ts})."
SUMMARY_FAILED = "Sammanfattningen kunde inte postas: {error}"
SUMMARY_QUEUED = "Sammanfattningen ligger i utkorgen och postas så snart Slack svarar (boten eller klockan gör det)."
