"""Shared fixtures: a fresh warehouse database per test, on the embedded server and on 127.0.0.1:5432.

The embedded server always takes part. The system server at 127.0.0.1:5432 takes part when one
answers there (trust auth, user postgres); otherwise its cases are skipped with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from samadhan.settings import PROJECT_ROOT
from samadhan.warehouse import ConnectionParams, start_embedded_server

SYSTEM_SERVER = ConnectionParams(host="127.0.0.1", port=5432, user="postgres", password="", dbname="postgres")


def _system_server_answers() -> bool:
    try:
        with psycopg.connect(SYSTEM_SERVER.conninfo(), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def embedded_server() -> ConnectionParams:
    # Tests share the project's embedded server but never its `samadhan` database.
    return start_embedded_server()


@pytest.fixture(params=["embedded", "system"])
def server(request: pytest.FixtureRequest) -> ConnectionParams:
    """The PostgreSQL server a test runs against: the embedded one, then 127.0.0.1:5432."""
    if request.param == "embedded":
        return request.getfixturevalue("embedded_server")
    if not _system_server_answers():
        pytest.skip("no PostgreSQL server answers at 127.0.0.1:5432")
    return SYSTEM_SERVER


def _url(params: ConnectionParams, dbname: str) -> str:
    with_db = ConnectionParams(params.host, params.port, params.user, params.password, dbname)
    return with_db.sqlalchemy_url(driver="psycopg").replace("postgresql+psycopg", "postgresql")


@pytest.fixture
def warehouse(server: ConnectionParams, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[ConnectionParams]:
    """A new, empty database on `server`, with every samadhan setting pointed at it and at tmp folders.

    The database is dropped after the test.
    """
    dbname = f"samadhan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    monkeypatch.setenv("SAMADHAN_DATABASE_URL", _url(server, dbname))
    monkeypatch.setenv("SAMADHAN_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("SAMADHAN_OUTPUT_DIR", str(tmp_path / "output"))
    try:
        yield ConnectionParams(server.host, server.port, server.user, server.password, dbname)
    finally:
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')


@pytest.fixture
def embedded_warehouse(
    embedded_server: ConnectionParams, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[ConnectionParams]:
    """Like `warehouse`, on the embedded server only, for tests too slow to run twice."""
    dbname = f"samadhan_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'create database "{dbname}"')
    monkeypatch.setenv("SAMADHAN_DATABASE_URL", _url(embedded_server, dbname))
    monkeypatch.setenv("SAMADHAN_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("SAMADHAN_OUTPUT_DIR", str(tmp_path / "output"))
    try:
        yield ConnectionParams(
            embedded_server.host, embedded_server.port, embedded_server.user, embedded_server.password, dbname
        )
    finally:
        with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{dbname}" with (force)')


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("SAMADHAN_STATE_DIR", str(PROJECT_ROOT / ".samadhan"))
