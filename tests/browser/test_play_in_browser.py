"""The play page in real Chromium against the real ASGI server (uvicorn, a subprocess, file SQLite)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests import factories
from tests.asgi_server import AsgiServer
from tests.browser.chrome import needs_chromium
from tests.browser.play_page import (
    PASSWORD,
    by_css,
    console_errors,
    feed_lines,
    join_demo,
    people_here,
    room_name,
    sign_in,
    type_command,
    wait_for,
    wait_until_live,
)
from world.models import Character, Event
from world.services import speech
from world.services.demo import demo_world_seed

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(tmp_path):
    demo_world_seed()
    running = AsgiServer(tmp_path / "worlds", DJANGO_SETTINGS_MODULE="tests.browser.server_settings")
    running.start()
    yield running
    running.stop()


def test_two_players_talk_walk_through_a_door_and_use_a_menu(server, browsers):
    alice, bob = browsers(), browsers(window="390,844")  # Bob plays at phone width
    sign_in(alice, server.url, "alice", register=True)
    join_demo(alice, "Alice")
    sign_in(bob, server.url, "bob", register=True)
    join_demo(bob, "Bob")
    wait_for(alice, lambda d: "Bob" in people_here(d))  # his arrival updated her room panel
    assert room_name(alice) == room_name(bob) == "Town Square"

    type_command(alice, "say hello")
    started = time.monotonic()
    wait_for(bob, lambda d: any(text == 'Alice says, "hello"' for _, text in feed_lines(d)))
    delivered_after = time.monotonic() - started
    assert delivered_after < 2.0, f"Bob saw Alice's hello after {delivered_after:.2f} s"
    assert bob.current_url.endswith("/play/?world=demo")  # no reload happened: same page, live feed

    by_css(alice, "#exits [data-exit='tavern door']")[0].click()
    wait_for(alice, lambda d: room_name(d) == "The Gilded Tankard")
    wait_for(bob, lambda d: "Alice" not in people_here(d))
    type_command(bob, "td")  # the tavern door by its initials
    wait_for(bob, lambda d: room_name(d) == "The Gilded Tankard")
    wait_for(alice, lambda d: "Bob" in people_here(d))

    by_css(alice, "#items button[aria-label='interact with Mug of Ale']")[0].click()
    wait_for(alice, lambda d: by_css(d, "#menu:not([hidden]) [data-choice]"))
    labels = [b.text for b in by_css(alice, "#menu-actions button")]
    assert labels[-1].endswith("Step Away"), labels
    by_css(alice, "#menu-actions button")[0].click()  # the first action, by clicking
    outcome = wait_for(alice, lambda d: by_css(d, "#feed li.outcome"))[0].text
    assert outcome, labels

    for driver in (alice, bob):
        assert console_errors(driver) == []


def test_the_page_resumes_after_a_server_restart_without_losing_or_doubling_events(server, browsers):
    factories.UserFactory(username="carol", password=PASSWORD)
    factories.UserFactory(username="dave", password=PASSWORD)
    carol_page = browsers()
    sign_in(carol_page, server.url, "carol", register=False)
    join_demo(carol_page, "Carol")
    dave_page = browsers()
    sign_in(dave_page, server.url, "dave", register=False)
    join_demo(dave_page, "Dave")
    carol = Character.objects.get(name="Carol")
    dave = Character.objects.get(name="Dave")
    type_command(dave_page, "say before the restart")
    wait_for(carol_page, lambda d: any("before the restart" in text for _, text in feed_lines(d)))

    server.stop()
    wait_for(carol_page, lambda d: by_css(d, "#status:not([data-state=live])"))
    # Committed while no server runs: only the resume can deliver these.
    for n in range(3):
        speech.speech_say(character=dave, text=f"while down {n}")
    server.start()
    wait_for(carol_page, lambda d: any("while down 2" in text for _, text in feed_lines(d)))
    wait_until_live(dave_page)
    type_command(dave_page, "say after the restart")
    wait_for(carol_page, lambda d: any("after the restart" in text for _, text in feed_lines(d)))

    shown = feed_lines(carol_page)
    expected = list(Event.objects.filter(recipient=carol).order_by("id").values_list("id", "text"))
    assert shown == expected  # every event once, in order: nothing lost, nothing doubled
    assert [text for _, text in shown if "while down" in text] == [f'Dave says, "while down {n}"' for n in range(3)]
    for driver in (carol_page, dave_page):
        assert [e for e in console_errors(driver) if not restart_noise(e)] == []


def restart_noise(entry: dict[str, Any]) -> bool:
    """The network's own report of the restart: the stream cut by the shutdown, reconnects refused meanwhile."""
    cut = ("net::ERR_INCOMPLETE_CHUNKED_ENCODING", "net::ERR_CONNECTION_REFUSED", "net::ERR_EMPTY_RESPONSE")
    return entry["source"] == "network" and "/play/stream" in entry["message"] and entry["message"].endswith(cut)


EXITS = [
    {"name": "tavern door", "kind": "door"},
    {"name": "market gate", "kind": "door"},
    {"name": "stairs up", "kind": "stairs_up"},
    {"name": "north road", "kind": "door"},
]
PARSED = {
    "look": {"do": "look"},
    "l": {"do": "look"},
    "look bread": {"do": "lookAt", "target": "bread"},
    "look at Old Tom": {"do": "lookAt", "target": "Old Tom"},
    "go tavern door": {"do": "move", "exit": "tavern door"},
    "go tav": {"do": "move", "exit": "tavern door"},
    "go nowhere": {"do": "move", "exit": "nowhere"},  # the server's fuzzy match answers
    "tavern door": {"do": "move", "exit": "tavern door"},
    "td": {"do": "move", "exit": "tavern door"},
    "market": {"do": "move", "exit": "market gate"},
    "n": {"do": "move", "exit": "north road"},
    "u": {"do": "move", "exit": "stairs up"},
    "say hello there": {"do": "say", "text": "hello there"},
    "'hello": {"do": "say", "text": "hello"},
    '"hi': {"do": "say", "text": "hi"},
    "tell Tom a secret": {"do": "tell", "target": "Tom", "text": "a secret"},
    "tell Old Tom a round": {"do": "tell", "target": "Old Tom", "text": "a round"},
    "tell pip: hurry": {"do": "tell", "target": "pip", "text": "hurry"},
    "whisper Pip psst": {"do": "whisper", "target": "Pip", "text": "psst"},
    "emote wave": {"do": "emote", "verb": "wave", "target": None},
    ":bow to Old Tom": {"do": "emote", "verb": "bow", "target": "Old Tom"},
    "take bread": {"do": "take", "item": "bread"},
    "get Mug of Ale": {"do": "take", "item": "Mug of Ale"},
    "drop bread": {"do": "drop", "item": "bread"},
    "give bread to Old Tom": {"do": "give", "item": "bread", "target": "Old Tom"},
    "inv": {"do": "inventory"},
    "i": {"do": "inventory"},
    "sheet": {"do": "sheet"},
    "interact bread": {"do": "interact", "object": "bread"},
    "2": {"do": "choose", "choice": 2},
    "cancel": {"do": "cancel"},
    "help": {"do": "help"},
}
REFUSED = ["say", "tell Tom", "give bread", "take", "dance wildly", "3 "]


def test_typed_commands_parse_as_a_mud_player_expects(server, browser):
    browser.get(f"{server.url}/play/")
    parsed, refused = browser.execute_async_script(
        """const [lines, refusedLines, exits, done] = arguments;
        import("/static/play/commands.js").then(({ parseCommand }) => {
          const context = { exits, names: ["Old Tom", "Pip"], menuOpen: true };
          done([
            Object.fromEntries(lines.map((line) => [line, parseCommand(line, context)])),
            refusedLines.map((line) => parseCommand(line, { exits, names: [], menuOpen: false })),
          ]);
        });""",
        list(PARSED),
        REFUSED,
        EXITS,
    )
    assert parsed == PARSED
    assert all(set(result) == {"error"} for result in refused), refused


def test_arrow_keys_bring_back_earlier_commands(server, browser):
    from selenium.webdriver.common.keys import Keys

    sign_in(browser, server.url, "erin", register=True)
    join_demo(browser, "Erin")
    type_command(browser, "look")
    type_command(browser, "help")
    field = by_css(browser, "#command")[0]
    assert browser.switch_to.active_element == field  # the input keeps focus after Enter
    field.send_keys(Keys.ARROW_UP)
    assert field.get_attribute("value") == "help"
    field.send_keys(Keys.ARROW_UP)
    assert field.get_attribute("value") == "look"
    field.send_keys(Keys.ARROW_DOWN)
    assert field.get_attribute("value") == "help"
    field.send_keys(Keys.ARROW_DOWN)
    assert field.get_attribute("value") == ""
    assert console_errors(browser) == []
