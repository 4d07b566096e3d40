"""Configure a fresh Metabase through its HTTP API: the admin user, then one database per reader role.

Steps, each safe to repeat:

1. wait until `GET /api/health` returns `{"status": "ok"}`;
2. if Metabase has no user yet, create the admin with the setup token from `GET /api/session/properties`
   (`POST /api/setup`); otherwise log in as that admin (`POST /api/session`);
3. for every reader role with a password in the roles secrets file, add the warehouse as a Metabase
   database that connects as that role (`POST /api/database`), unless a database of that name exists.

Each database connects as one reader role, so PostgreSQL's row-level security decides what its
questions can show: the statewide reader's database reads every discom, `reader_dvvnl`'s only DVVNL.
Open-source Metabase cannot pass the person's identity to PostgreSQL, so keep each discom's Metabase
group on its own database (Admin > Permissions).

Standard library only, so it runs in any Python 3.11 image. Settings come from the environment:
METABASE_URL, METABASE_ADMIN_EMAIL, METABASE_ADMIN_PASSWORD, METABASE_SITE_NAME, WAREHOUSE_HOST,
WAREHOUSE_PORT, WAREHOUSE_DB, SAMADHAN_ROLE_PREFIX, SAMADHAN_SECRETS_FILE (a `role=password` file) and
METABASE_WAIT_SECONDS.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("metabase_setup")

# The released schemas; Metabase shows no other.
READER_SCHEMAS = "marts,reports"


class SetupError(Exception):
    """Metabase returned an error for a request, or a setting is missing."""


@dataclass(frozen=True)
class Settings:
    """The setup's settings, read from the environment."""

    url: str
    admin_email: str
    admin_password: str
    site_name: str
    warehouse_host: str
    warehouse_port: int
    warehouse_db: str
    role_prefix: str
    secrets_file: Path
    wait_seconds: int

    @classmethod
    def from_environment(cls) -> Settings:
        missing = [name for name in ("METABASE_ADMIN_EMAIL", "METABASE_ADMIN_PASSWORD", "SAMADHAN_SECRETS_FILE")
                   if not os.environ.get(name)]
        if missing:
            raise SetupError(f"missing settings: {', '.join(missing)}")
        return cls(
            url=os.environ.get("METABASE_URL", "http://metabase:3000").rstrip("/"),
            admin_email=os.environ["METABASE_ADMIN_EMAIL"],
            admin_password=os.environ["METABASE_ADMIN_PASSWORD"],
            site_name=os.environ.get("METABASE_SITE_NAME", "samadhan"),
            warehouse_host=os.environ.get("WAREHOUSE_HOST", "postgres"),
            warehouse_port=int(os.environ.get("WAREHOUSE_PORT", "5432")),
            warehouse_db=os.environ.get("WAREHOUSE_DB", "samadhan"),
            role_prefix=os.environ.get("SAMADHAN_ROLE_PREFIX", ""),
            secrets_file=Path(os.environ["SAMADHAN_SECRETS_FILE"]),
            wait_seconds=int(os.environ.get("METABASE_WAIT_SECONDS", "600")),
        )


def read_reader_passwords(path: Path, role_prefix: str) -> dict[str, str]:
    """Return {reader role: password} from a `role=password` file, readers only (`<prefix>reader_*`)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        raise SetupError(f"{path}: YAML is not supported here; write the reader passwords as role=password lines")
    readers: dict[str, str] = {}
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        role, separator, password = stripped.partition("=")
        if not separator:
            raise SetupError(f"{path}, line {line_no}: expected role=password")
        role, password = role.strip(), password.strip()
        if role.startswith(f"{role_prefix}reader_") and password:
            readers[role] = password
    return readers


class Metabase:
    """A small client of the Metabase HTTP API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session_id: str | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.session_id:
            request.add_header("X-Metabase-Session", self.session_id)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            raise SetupError(f"{method} {path} failed with HTTP {error.code}: {detail}") from None
        return json.loads(payload) if payload else None

    def wait_until_healthy(self, seconds: int) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                if (self.request("GET", "/api/health") or {}).get("status") == "ok":
                    return
            except (SetupError, urllib.error.URLError, ConnectionError, TimeoutError) as error:
                log.info("Metabase at %s not ready yet: %s", self.url, error)
            if time.monotonic() > deadline:
                raise SetupError(f"Metabase at {self.url} not healthy after {seconds} s")
            time.sleep(5)


def log_in_or_set_up(metabase: Metabase, settings: Settings) -> None:
    """Create the admin on a fresh Metabase, or log in as the admin on one already set up."""
    properties = metabase.request("GET", "/api/session/properties") or {}
    token = properties.get("setup-token") or properties.get("setup_token")
    if not properties.get("has-user-setup") and token:
        answer = metabase.request("POST", "/api/setup", {
            "token": token,
            "user": {
                "first_name": "samadhan", "last_name": "admin", "email": settings.admin_email,
                "password": settings.admin_password, "site_name": settings.site_name,
            },
            "prefs": {"site_name": settings.site_name, "site_locale": "en", "allow_tracking": False},
        })
        metabase.session_id = answer["id"]
        log.info("Metabase set up with admin %s", settings.admin_email)
        return
    answer = metabase.request("POST", "/api/session", {
        "username": settings.admin_email, "password": settings.admin_password,
    })
    metabase.session_id = answer["id"]
    log.info("Metabase already set up; logged in as %s", settings.admin_email)


def database_name(role: str, role_prefix: str) -> str:
    """Return the Metabase database name for a reader role, e.g. `samadhan (reader_dvvnl)`."""
    return f"samadhan ({role.removeprefix(role_prefix)})"


def add_reader_databases(metabase: Metabase, settings: Settings, readers: dict[str, str]) -> list[str]:
    """Add the warehouse once per reader role; return the names of the databases added now."""
    listing = metabase.request("GET", "/api/database") or {}
    existing_rows = listing.get("data", []) if isinstance(listing, dict) else listing
    existing = {row["name"] for row in existing_rows}
    added = []
    for role, password in sorted(readers.items()):
        name = database_name(role, settings.role_prefix)
        if name in existing:
            log.info("Metabase database %s already there", name)
            continue
        metabase.request("POST", "/api/database", {
            "engine": "postgres",
            "name": name,
            "details": {
                "host": settings.warehouse_host,
                "port": settings.warehouse_port,
                "dbname": settings.warehouse_db,
                "user": role,
                "password": password,
                "ssl": False,
                "schema-filters-type": "inclusion",
                "schema-filters-patterns": READER_SCHEMAS,
            },
            "is_full_sync": True,
        })
        log.info("Metabase database %s added, connecting as %s", name, role)
        added.append(name)
    return added


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_environment()
        readers = read_reader_passwords(settings.secrets_file, settings.role_prefix)
        if not readers:
            log.warning("No reader with a password in %s: Metabase gets no database", settings.secrets_file)
        metabase = Metabase(settings.url)
        metabase.wait_until_healthy(settings.wait_seconds)
        log_in_or_set_up(metabase, settings)
        add_reader_databases(metabase, settings, readers)
    except (SetupError, OSError) as error:
        log.error("Metabase setup failed: %s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
