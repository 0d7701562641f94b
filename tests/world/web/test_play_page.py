"""The play page as Django serves it: where `/` leads, what the page carries, that its assets exist."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders

from tests import factories

pytestmark = pytest.mark.django_db

MODULE_IMPORT = re.compile(r"""^import .* from "\./([a-z]+\.js)";$""", re.MULTILINE)


def account_in(html: str) -> object:
    found = re.search(r'<script id="account" type="application/json">(.*?)</script>', html, re.DOTALL)
    assert found, "the page embeds who is logged in"
    return json.loads(found.group(1))


def test_home_leads_a_visitor_to_the_play_page(client):
    assert client.get("/").headers["Location"] == "/play/"


def test_home_leads_a_player_to_the_play_page_and_staff_to_the_admin(client):
    client.force_login(factories.UserFactory(username="player"))
    assert client.get("/").headers["Location"] == "/play/"
    client.force_login(factories.UserFactory(username="boss", is_staff=True))
    assert client.get("/").headers["Location"] == "/admin/"


def test_the_api_docs_stay_where_they_were(client):
    assert client.get("/api/docs").status_code == 200


def test_play_page_sets_the_csrf_cookie_and_loads_the_module(client):
    response = client.get("/play/")
    assert response.status_code == 200
    assert "csrftoken" in response.cookies  # the page's session-authenticated POSTs need it
    html = response.content.decode()
    assert '<script type="module" src="/static/play/main.js"></script>' in html
    assert 'role="log"' in html  # screen readers announce new feed lines
    assert account_in(html) is None


def test_play_page_knows_who_is_logged_in_and_their_characters(client, tiny_world):
    client.force_login(tiny_world.player.account)
    account = account_in(client.get("/play/").content.decode())
    assert account["username"] == tiny_world.player.account.username
    assert account["characters"] == [{"world": "tiny", "name": "Alice"}]


def test_account_names_cannot_break_out_of_the_embedded_json(client):
    user = factories.UserFactory(username="x</script><b>")
    client.force_login(user)
    html = client.get("/play/").content.decode()
    assert "x</script><b>" not in html
    assert account_in(html)["username"] == "x</script><b>"


def test_play_page_answers_only_reads(client):
    assert client.post("/play/").status_code == 405


def test_every_module_the_page_imports_is_served():
    """Static finders see main.js and everything it imports, transitively (no build step, no CDN)."""
    pending, seen = ["main.js"], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        path = finders.find(f"play/{name}")
        assert path, f"play/{name} is not a static file"
        with open(path, encoding="utf-8") as source:
            pending.extend(MODULE_IMPORT.findall(source.read()))
    assert {"main.js", "commands.js", "feed.js", "api.js"} <= seen
    assert finders.find("play/play.css")
