"""`samadhan celery-run`: one day of `samadhan_daily` under Airflow's CeleryExecutor, with two workers.

This runs the DAG the way it scales past one machine. A scheduler puts each task on a Redis queue,
and Celery workers take them from it: here two on this machine, in production one or more per host.
The command starts every process itself and stops them at the end:

- the Airflow metadata database `airflow_celery` on the warehouse's server, made afresh (the
  CeleryExecutor needs a server database; SQLite serves only `airflow dags test`), which also
  contains Celery's task results;
- `airflow api-server` on a loopback port (its execution API is how tasks report back),
  `airflow scheduler`, `airflow dag-processor`, and `airflow celery worker` twice, with hostnames
  `worker-1@<host>` and `worker-2@<host>`;
- the warehouse database `samadhan_celery`, made afresh, and the district dump of the day in
  `<state_dir>/celery/landing`, generated when missing.

The DAG is scheduled, not triggered: `SAMADHAN_SCHEME_START` and `SAMADHAN_LAST_DUMP_DATE` are both
the day, so unpausing it makes exactly one run. The figures (each task's worker and times) are
printed and written to `<state_dir>/celery/celery-run.json`; the processes' logs stay in
`<state_dir>/celery/logs/`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
import psycopg
from psycopg import sql

from samadhan.settings import load_settings
from samadhan.warehouse import ConnectionParams, server_params

log = logging.getLogger(__name__)

DAG_ID = "samadhan_daily"
METADATA_DATABASE = "airflow_celery"
WAREHOUSE_DATABASE = "samadhan_celery"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
DEFAULT_API_PORT = 28080
WORKERS = 2
# How long the run may take before the command gives up (a district day takes about a minute).
RUN_TIMEOUT_SECONDS = 30 * 60
POLL_SECONDS = 3
# The task id in a worker's "Executing workload in Celery" log line.
EXECUTED_TASK = re.compile(r"task_id='(\w+)'")


@dataclass
class Service:
    """One Airflow process started by this command."""

    name: str
    process: subprocess.Popen
    log_path: Path


def _airflow() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def _recreate_database(server: ConnectionParams, name: str) -> ConnectionParams:
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return ConnectionParams(server.host, server.port, server.user, server.password, name)


def _broker_reachable(broker_url: str) -> str | None:
    """Return why the Redis broker cannot be reached, or None when a connection opens."""
    from urllib.parse import urlsplit

    parts = urlsplit(broker_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=3):
            return None
    except OSError as error:
        return f"no Redis broker at {host}:{port} ({error.strerror or error})"


def celery_env(
    day: date, metadata: ConnectionParams, warehouse: ConnectionParams, folder: Path, broker_url: str, api_port: int
) -> dict[str, str]:
    """Return the environment every Airflow process of the run shares."""
    from samadhan.airflow_runner import airflow_env

    metadata_url = metadata.sqlalchemy_url("psycopg")
    env = airflow_env()
    env.update({
        "AIRFLOW_HOME": str(folder / "airflow"),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
        # Without this setting Airflow derives an asyncpg URL for its async engine, and asyncpg is not installed.
        # psycopg 3 serves both the sync and the async engine.
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_url.replace("+psycopg://", "+psycopg_async://"),
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_url,
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        # Shared by the API server and the workers, which sign and check each task's token with it.
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
        "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "30",
        "SAMADHAN_DATABASE_URL": warehouse.sqlalchemy_url("psycopg").replace("postgresql+psycopg", "postgresql"),
        "SAMADHAN_LANDING_DIR": str(folder / "landing"),
        "SAMADHAN_OUTPUT_DIR": str(folder / "output"),
        "SAMADHAN_SCHEME_START": day.isoformat(),
        "SAMADHAN_LAST_DUMP_DATE": day.isoformat(),
        "SAMADHAN_DUMP_POKE_SECONDS": "5",
        "SAMADHAN_RELEASE_WAIT_SECONDS": "60",
    })
    return env


def _start(name: str, command: list[str], env: dict[str, str], logs: Path) -> Service:
    log_path = logs / f"{name}.log"
    # The child writes to its own copy of the file descriptor, so this process closes its copy at once.
    with log_path.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    log.info("started %s (pid %d), log %s", name, process.pid, log_path)
    return Service(name, process, log_path)


def _stop(services: list[Service]) -> None:
    for service in services:
        if service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for service in services:
        try:
            service.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()
        log.info("stopped %s", service.name)


def _wait_for_api(port: int, services: list[Service], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _check_alive(services)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the API server timed out: not listening on 127.0.0.1:{port} after {timeout:.0f} s")


def _check_alive(services: list[Service]) -> None:
    for service in services:
        if service.process.poll() is not None:
            tail = service.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            raise RuntimeError(
                f"{service.name} exited with {service.process.returncode}; the end of {service.log_path}:\n"
                + "\n".join(tail)
            )


def _ensure_dump(day: date, landing: Path) -> None:
    from samadhan.contract import MANIFEST_NAME
    from samadhan.generator.writer import generate_dumps

    if (landing / day.isoformat() / MANIFEST_NAME).exists():
        return
    log.info("%s: generating the district dump into %s", day, landing)
    generate_dumps(landing, "district", 1, 1, day, workers=1)


def _run_state(metadata: ConnectionParams) -> tuple[str | None, list[dict[str, Any]]]:
    with psycopg.connect(metadata.conninfo()) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        run = cursor.execute(
            "select run_id, state from dag_run where dag_id = %s order by logical_date limit 1", (DAG_ID,)
        ).fetchone()
        if run is None:
            return None, []
        tasks = cursor.execute(
            """
            select task_id, state, hostname, queued_dttm, start_date, end_date, duration, try_number
            from task_instance
            where dag_id = %s and run_id = %s
            order by start_date nulls last, task_id
            """,
            (DAG_ID, run["run_id"]),
        ).fetchall()
    return run["state"], tasks


def workers_by_task(services: list[Service]) -> dict[str, list[str]]:
    """Return, per task id, the workers whose log shows they executed it, in the order of their logs.

    Airflow stores the machine's host name in `task_instance.hostname`, the same for both workers
    here, so the worker is read from each worker's own log line "Executing workload in Celery".
    """
    executed: dict[str, list[str]] = {}
    for service in services:
        if not service.name.startswith("worker-"):
            continue
        for line in service.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if "Executing workload in Celery" in line:
                match = EXECUTED_TASK.search(line)
                if match:
                    executed.setdefault(match.group(1), []).append(service.name)
    return executed


def run_with_celery(
    day: date, broker_url: str = DEFAULT_BROKER_URL, api_port: int = DEFAULT_API_PORT, workers: int = WORKERS
) -> dict[str, Any]:
    """Run `samadhan_daily` for `day` under the CeleryExecutor and return the figures."""
    problem = _broker_reachable(broker_url)
    if problem:
        raise click.ClickException(f"{problem}; start Redis or pass --broker")

    settings = load_settings()
    folder = settings.state_dir / "celery"
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    _ensure_dump(day, folder / "landing")
    server = server_params(settings)
    metadata = _recreate_database(server, METADATA_DATABASE)
    warehouse = _recreate_database(server, WAREHOUSE_DATABASE)
    env = celery_env(day, metadata, warehouse, folder, broker_url, api_port)

    started = time.monotonic()
    subprocess.run([_airflow(), "db", "migrate"], env=env, check=True, capture_output=True)
    migrated = time.monotonic()
    host = socket.gethostname()
    services: list[Service] = []
    try:
        services.append(_start("api-server", [_airflow(), "api-server", "--port", str(api_port)], env, logs))
        services.append(_start("scheduler", [_airflow(), "scheduler"], env, logs))
        services.append(_start("dag-processor", [_airflow(), "dag-processor"], env, logs))
        for number in range(1, workers + 1):
            worker_env = {**env, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(api_port + number)}
            services.append(_start(
                f"worker-{number}",
                [_airflow(), "celery", "worker", "--celery-hostname", f"worker-{number}@{host}", "--concurrency", "1"],
                worker_env, logs,
            ))
        _wait_for_api(api_port, services)

        # The DAG appears once the DAG processor has parsed it; unpausing it lets the scheduler make the run.
        deadline = time.monotonic() + 180
        while subprocess.run([_airflow(), "dags", "unpause", DAG_ID], env=env, capture_output=True).returncode != 0:
            _check_alive(services)
            if time.monotonic() > deadline:
                raise RuntimeError(f"{DAG_ID} was not parsed within 180 s; see {logs / 'dag-processor.log'}")
            time.sleep(POLL_SECONDS)
        unpaused = time.monotonic()
        log.info("%s: %s unpaused; waiting for its run", day, DAG_ID)

        state, tasks = None, []
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while state not in ("success", "failed"):
            _check_alive(services)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the run for {day} timed out after {RUN_TIMEOUT_SECONDS} s; see the logs in {logs}")
            time.sleep(POLL_SECONDS)
            state, tasks = _run_state(metadata)
        finished = time.monotonic()
    finally:
        _stop(services)
    executed = workers_by_task(services)

    return {
        "day": day.isoformat(),
        "broker": broker_url,
        "workers": [f"worker-{number}@{host}" for number in range(1, workers + 1)],
        "state": state,
        "seconds": {
            "metadata_migrate": round(migrated - started, 1),
            "services_start_to_unpaused": round(unpaused - migrated, 1),
            "unpaused_to_run_finished": round(finished - unpaused, 1),
        },
        "tasks": [
            {
                "task_id": task["task_id"],
                "state": task["state"],
                "host": task["hostname"],
                "workers": executed.get(task["task_id"], []),
                "tries": task["try_number"],
                "queued_at": task["queued_dttm"].isoformat() if task["queued_dttm"] else None,
                "started_at": task["start_date"].isoformat() if task["start_date"] else None,
                "seconds": round(task["duration"], 1) if task["duration"] is not None else None,
            }
            for task in tasks
        ],
        "logs": str(logs),
    }


def format_figures(figures: dict[str, Any]) -> str:
    lines = [
        f"{DAG_ID} for {figures['day']} under the CeleryExecutor (broker {figures['broker']}): {figures['state']}",
        "seconds: " + ", ".join(f"{name} {value}" for name, value in figures["seconds"].items()),
        f"{'task':<28} {'state':<9} {'worker':<20} {'seconds':>8}",
    ]
    for task in figures["tasks"]:
        seconds = "" if task["seconds"] is None else f"{task['seconds']:.1f}"
        workers = ", ".join(task["workers"])
        lines.append(f"{task['task_id']:<28} {task['state'] or '':<9} {workers:<20} {seconds:>8}")
    used = sorted({worker for task in figures["tasks"] for worker in task["workers"]})
    lines.append(f"workers that ran tasks: {', '.join(used) or 'none'}; logs in {figures['logs']}")
    return "\n".join(lines)


@click.command("celery-run")
@click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default="2021-10-21", show_default=True,
              help="Dump date to run, YYYY-MM-DD.")
@click.option("--broker", "broker_url", default=DEFAULT_BROKER_URL, show_default=True,
              help="Celery broker URL (Redis).")
@click.option("--api-port", type=int, default=DEFAULT_API_PORT, show_default=True,
              help="Loopback port of Airflow's API server; the workers' log servers take the next ports.")
@click.option("--workers", type=click.IntRange(min=1, max=8), default=WORKERS, show_default=True,
              help="Celery workers to start, one task at a time each.")
def celery_run_command(day, broker_url: str, api_port: int, workers: int) -> None:
    """Run samadhan_daily for one day with a scheduler and Celery workers on this machine (needs Redis)."""
    try:
        figures = run_with_celery(day.date(), broker_url, api_port, workers)
    except (RuntimeError, subprocess.CalledProcessError) as error:
        raise click.ClickException(f"the CeleryExecutor run failed: {error}") from error
    path = load_settings().state_dir / "celery" / "celery-run.json"
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    click.echo(format_figures(figures))
    click.echo(f"figures written to {path}")
    if figures["state"] != "success":
        raise SystemExit(1)

