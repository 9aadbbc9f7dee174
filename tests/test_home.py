"""The backend's root URL, the first one a newcomer tries: it says what the server is and links
on, in the visitor's language, and answers a program that asks for JSON in JSON."""

from __future__ import annotations

import dataclasses
import re

from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from test_openapi import conforms


def test_the_root_url_says_what_this_is_and_links_on(settings: Settings) -> None:
    named = dataclasses.replace(settings, shop_name="Brandpunt Koffie")
    with TestClient(create_app(named)) as client:
        dutch = conforms(client.get("/", headers={"accept": "text/html"}))
        assert dutch.status_code == 200
        assert re.search(r'<html lang="nl">.*<h1>Shareback voor Brandpunt Koffie</h1>', dutch.text)
        links = re.findall(r'<a href="([^"]+)">', dutch.text)
        assert {"/admin", "/openapi.json", "/healthz"} <= set(links)
        for link in set(links):
            assert client.get(link, follow_redirects=False).status_code in (200, 303), link
        english = client.get("/", headers={"accept-language": "en-GB,en;q=0.8"})
        assert "<h1>Shareback for Brandpunt Koffie</h1>" in english.text
        german = client.get("/", headers={"accept-language": "de-CH, de;q=0.9"})
        assert re.search(r'<html lang="de">.*<h1>Shareback für Brandpunt Koffie</h1>', german.text)
        assert "<h2>Shareback for Brandpunt Koffie</h2>" in german.text  # English after it
        assert ">API-Beschreibung</a>" in german.text
        assert english.headers["content-security-policy"].startswith("default-src 'none'")
        machine = conforms(client.get("/", headers={"accept": "application/json"}))
        assert machine.json()["dashboard"] == f"{settings.public_url}/admin"
        assert client.post("/").status_code == 405
