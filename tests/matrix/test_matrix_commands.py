"""Commands typed in Element reach the bot through a real Synapse, and the answer is read back by the person
who typed it: in the command's thread in a shared room, as it is in a direct chat."""

from __future__ import annotations

from commands.core.texts import t


def test_a_rating_is_answered_in_the_thread_of_the_command(world) -> None:
    per = world.people["per"]
    command = per.send(world.room, "!lage Vällingby 3 stenkastning")
    reply = per.reply_to(world.room, command, world.bot_id)
    content = reply["content"]
    assert content["body"].startswith("✅ Sparat: Vällingby 3 Oroande läge för Polisen\nKommentar: stenkastning")
    assert content["format"] == "org.matrix.custom.html"
    assert "<strong>Sparat: Vällingby 3 Oroande läge för Polisen</strong>" in content["formatted_body"]
    assert content["m.relates_to"]["rel_type"] == "m.thread" and content["m.relates_to"]["event_id"] == command
    grid = world.ask("sara", "!veckolage")["content"]
    assert "🟧3 Vällingby (föreslagen)" in grid["body"]
    assert "Polisen 🟧3💬 · Stadsdelen ⬜–" in grid["body"] and "<table" not in grid["formatted_body"]
    assert "Vällingby – Polisen: stenkastning" in grid["body"]


def test_a_command_typed_in_a_thread_is_answered_in_that_thread(world) -> None:
    per = world.people["per"]
    root = per.send(world.room, "Hur ser veckan ut?")
    command = per.send(world.room, "!veckolage", thread=root)
    relates = per.reply_to(world.room, command, world.bot_id)["content"]["m.relates_to"]
    assert relates["rel_type"] == "m.thread" and relates["event_id"] == root


def test_what_a_user_typed_is_shown_never_acted_on(world) -> None:
    world.ask("per", "!lage Råby 2 <b>fet</b> @room <a href='x'>länk</a>")
    grid = world.ask("anna", "!veckolage")["content"]
    assert "&lt;b&gt;fet&lt;/b&gt;" in grid["formatted_body"] and "<b>fet" not in grid["formatted_body"]
    assert "&lt;a href=&#x27;x&#x27;&gt;länk" in grid["formatted_body"]
    assert "@room" not in grid["body"] and "@\u2060room" in grid["body"]  # shown, but it pings nobody
    assert grid["m.mentions"] == {"user_ids": []}


def test_several_areas_in_one_message_all_or_nothing(world) -> None:
    saved = world.ask("per", "!lage\nFinnsta 4 stenkastning\nRåby 2")["content"]["body"]
    assert saved.startswith("✅ " + t("matrix.multi.saved", count=2, partner="Polisen",
                                       week="vecka 47, 2026 (16–22 nov)"))
    assert "Sparat: Finnsta 4 Allvarligt läge för Polisen" in saved and "Sparat: Råby 2 Avvikande läge" in saved
    refused = world.ask("per", "!lage v47\nFinnsta 1\nNowhere 2\nRåby 9")["content"]["body"]
    assert refused.startswith(f"⚠️ {t('error.title')}\n{t('matrix.multi.refused', count=2, total=3)}")
    assert "\nrad 2: " in refused and "\nrad 3: " in refused and "rad 1" not in refused
    assert "Så här: !lage [vecka] <område> <1-5> [kommentar]" in refused
    grid = world.ask("per", "!veckolage")["content"]["body"]
    assert "🟥4 Finnsta" in grid and "🟨2 Råby" in grid  # line 1 (Finnsta 1) was not saved either


def test_lage_alone_lists_the_areas_and_what_to_type(world) -> None:
    world.ask("per", "!lage Hässelby gård 2")
    body = world.ask("per", "!lage")["content"]["body"]
    assert body.startswith(t("matrix.form.title", partner="Polisen", week="vecka 47, 2026 (16–22 nov)"))
    assert "• Finnsta: inte bedömt" in body and "• Hässelby gård: 🟨2" in body
    assert "!lage [vecka] <område> <1-5> [kommentar]" in body and "!lage [vecka] och sedan" in body


def test_help_lists_every_command_with_its_bang(world) -> None:
    body = world.ask("sara", "!veckolage hjälp")["content"]["body"]
    assert "• !veckolage fastställ [vecka] <område> <1-5> – " in body and "• !lagesadmin visa – " in body
    assert "/lage" not in body


def test_someone_outside_the_collaboration_is_refused(world) -> None:
    body = world.ask("eve", "!lage Råby 2")["content"]["body"]
    assert t("error.unknown_user") in body


def test_the_bot_joins_only_when_a_member_invites_it(world) -> None:
    eve = world.people["eve"]
    room = eve.create_room(invite=(world.bot_id,))
    eve.joined(room, world.bot_id, membership="leave")  # declined: eve is not in the collaboration
    per = world.people["per"]
    own = per.create_room(invite=(world.bot_id,))
    per.joined(own, world.bot_id)


def test_a_direct_chat_is_answered_without_a_thread(world) -> None:
    per = world.people["per"]
    direct = per.create_room(invite=(world.bot_id,), direct=True)
    per.joined(direct, world.bot_id)
    content = world.ask("per", "!veckolage", room=direct)["content"]
    assert content["body"].startswith("Lägesbild vecka 47, 2026")
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": content["m.relates_to"]["m.in_reply_to"]["event_id"]}}


def test_only_our_commands_are_answered(world) -> None:
    per = world.people["per"]
    per.send(world.room, "!ping")  # another bot's command
    per.send(world.room, "lage Råby 2")  # no prefix: a plain message
    last = per.send(world.room, "!handelse lista")
    answer = per.reply_to(world.room, last, world.bot_id)
    answers = [e for e in per.events if e["room_id"] == world.room and e["sender"] == world.bot_id
               and e["type"] == "m.room.message"]
    assert answers == [answer]
    assert answer["content"]["body"] == t("event.list.none", week="vecka 47, 2026 (16–22 nov)")


def test_an_admin_names_people_as_pills(world) -> None:
    sara = world.ids["sara"]
    content = world.ask("anna", f"!lagesadmin samordnare lägg-till {sara}")["content"]
    assert f'<a href="https://matrix.to/#/{sara}">{sara}</a>' in content["formatted_body"]
    assert sara in content["body"] and content["m.mentions"] == {"user_ids": [sara]}
    shown = world.ask("anna", "!lagesadmin visa")["content"]["body"]
    assert "@pia.polis:polisen.example" in shown  # a member from another homeserver


def test_every_command_of_the_registry_answers_on_matrix(world) -> None:
    """Each command family and sub-command, typed with `!` by the coordinator: a Swedish answer every time
    (its result, its refusal with the usage, or its help), never the internal-error text."""
    from commands.registry import COMMANDS

    typed = sorted({f"!{c.family} {c.words[0] if c.words else ''}".strip() for c in COMMANDS})
    assert len(typed) > 20
    for text in typed:
        body = world.ask("anna", text)["content"]["body"]
        assert body and t("error.internal") not in body, (text, body)


def test_handelse_alone_lists_areas_types_and_what_to_type(world) -> None:
    body = world.ask("per", "!handelse")["content"]["body"]
    assert body.startswith(t("matrix.event_form.title", partner="Polisen"))
    assert "Finnsta, Råby, Vällingby, Hässelby gård" in body and "Skjutning" in body
    assert "!handelse [vecka] <område> <typ> [när] [beskrivning]" in body
