"""Every request to /api/messages carries a Bot Framework token the Teams SDK itself checks: against the key set
published beside TEAMS_OPENID_METADATA_URL, the bot's client id as audience and the activity's serviceUrl.
Forged, expired, wrong-audience, wrong-issuer and missing tokens get 401 and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.db import session_scope
from storage.models import ConversationRef, Rating
from tests.teams import teams_harness
from tests.teams.fake_bot_framework import OTHER_KEY

teams = teams_harness.teams  # a fixture


def _counts(engine) -> tuple[int, int]:
    with session_scope(engine) as session:
        return (session.execute(select(func.count()).select_from(Rating)).scalar(),
                session.execute(select(func.count()).select_from(ConversationRef)).scalar())


BAD_TOKENS = {
    "forged": lambda fake: fake.token_for(key=OTHER_KEY),
    "wrong audience": lambda fake: fake.token_for(audience="00000000-0000-4000-8000-000000000000"),
    "expired": lambda fake: fake.token_for(lifetime=-3600),  # an hour ago, beyond the SDK's five minutes' leeway
    "wrong issuer": lambda fake: fake.token_for(issuer="https://example.test/not-the-bot-framework"),
    "another serviceUrl": lambda fake: fake.token_for(service_url="https://smba.example.test/emea/"),
    "not a token": lambda fake: "abc.def.ghi",
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_a_bad_token_gets_401_and_changes_nothing(teams, engine, kind) -> None:
    answer = teams.post(teams.activity(text="lage Finnsta 4"), token=BAD_TOKENS[kind](teams.fake))
    assert answer.status_code == 401
    assert teams.fake.sent == [] and _counts(engine) == (0, 0)


def test_a_request_without_a_token_gets_401(teams, engine) -> None:
    assert teams.post(teams.activity(text="lage Finnsta 4"), token=None).status_code == 401
    assert teams.fake.sent == [] and _counts(engine) == (0, 0)


def test_a_good_token_is_accepted_and_the_bot_gets_its_own_from_the_token_url(teams, engine) -> None:
    sent = teams.say("lage Finnsta 4")
    assert "Sparat: Finnsta 4" in sent[0].text() and _counts(engine) == (1, 1)
    request = teams.fake.token_requests[0]
    assert (request["grant_type"], request["scope"]) == ("client_credentials", "https://api.botframework.com/.default")
    teams.say("lage Grimsta 2")
    assert len(teams.fake.token_requests) == 1  # kept until shortly before it expires


def test_replies_keep_the_service_urls_path(teams) -> None:
    sent = teams.say("veckolage")
    assert sent[0].service_path == "/emea"
