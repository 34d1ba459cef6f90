"""Path tricks: a static-file address that climbs out of the static folders, and the private
uploads' address, answer 404 (never a 500, never a file), in debug mode (`make run`: Django's
development server) as behind gunicorn (WhiteNoise)."""

from __future__ import annotations

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import get_commands, load_command_class
from django.test import Client, RequestFactory, override_settings

TRICKS = [
    "/static/..%2f..%2fparindex.sqlite3",
    "/static/../../parindex.sqlite3",
    "/static/%2e%2e/%2e%2e/parindex.sqlite3",
    "/static/parindex/..%2f..%2f..%2fsettings.py",
    "/static/..%5c..%5cparindex.sqlite3",
    "/static/%252e%252e/%252e%252e/parindex.sqlite3",
    "/static/parindex/app.js%00.txt",
    "/private-uploads/evidence/",
]


def _runserver_handler():
    """The WSGI handler `manage.py runserver` (make run) serves with, by default."""
    command = load_command_class(get_commands()["runserver"], "runserver")
    options = vars(command.create_parser("manage.py", "runserver").parse_args([]))
    return command.get_handler(**options)


def test_the_development_server_leaves_static_files_to_whitenoise():
    assert isinstance(_runserver_handler(), WSGIHandler)
    assert type(_runserver_handler()).__name__ != "StaticFilesHandler"


@pytest.mark.parametrize("path", TRICKS)
def test_the_development_server_answers_path_tricks_with_not_found(path, db):
    from urllib.parse import unquote

    with override_settings(DEBUG=True, WHITENOISE_AUTOREFRESH=True):
        handler = _runserver_handler()
        environ = RequestFactory()._base_environ(PATH_INFO=unquote(path), REQUEST_METHOD="GET")
        statuses: list[str] = []
        body = b"".join(handler(environ, lambda status, headers, *_: statuses.append(status)))

    assert statuses[0].startswith("404"), (path, statuses, body[:200])
    assert b"SQLite format" not in body


@pytest.mark.parametrize("path", TRICKS)
def test_the_application_answers_path_tricks_with_not_found(path, db):
    client = Client(raise_request_exception=False)

    response = client.get(path)

    assert response.status_code == 404
