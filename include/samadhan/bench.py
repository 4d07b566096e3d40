"""`samadhan bench`: the daily run timed beside the floor (plain COPY) and the naive way (pandas).

One run works on the same generated dumps (days 1 and 2 from 21.10.2021) and measures, each in a
database of its own that is created fresh and dropped afterwards:

- floor: `COPY ... FROM STDIN` (CSV, HEADER) of every file into unlogged text tables, nothing else;
- naive: pandas `read_csv` plus `DataFrame.to_sql` (SQLAlchemy, `method=None`, chunks of 10,000);
- the full daily run (prepare, load, dbt build, checks, release) through the real DAG with
  `airflow dags test`, and separately through `pipeline.run_day` without Airflow, for day 1 and then
  day 2 on top of it.

Every measured step runs in a process of its own, so that its memory is its own. A thread polls the
bench process, its children (the Airflow process tree included) and the PostgreSQL server's
processes every 0.2 s for their resident memory (RSS). The figures go to
`bench-results/<scale>-<UTC timestamp>.json` and are printed as a table.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click
import psutil
import psycopg

from samadhan.generator.command import SCALE_NAMES
from samadhan.settings import PROJECT_ROOT, environment_set, load_settings

log = logging.getLogger(__name__)

BENCH_START = date(2021, 10, 21)
BENCH_SEED = 2021
POLL_SECONDS = 0.2
MIB = 1024 * 1024
# The naive way reads a file whole, as `pd.read_csv(path)` does. Above this size it reads chunks of
# NAIVE_READ_CHUNK_ROWS rows instead, because a whole state-scale consumers.csv (4.5 GB) as Python
# strings would not fit in memory.
NAIVE_WHOLE_FILE_BYTES = 1024 * MIB
NAIVE_READ_CHUNK_ROWS = 1_000_000
NAIVE_TO_SQL_CHUNK_ROWS = 10_000
# COPY reads the files in chunks of this many bytes.
COPY_CHUNK_BYTES = 1024 * 1024
# Goals the daily run is held to.
GOAL_FULL_RUN_TO_FLOOR = 3.0
GOAL_NEXT_DAY_TO_FLOOR = 1.5
GOAL_PYTHON_PROCESS_MB = 2048
GOAL_DAG_PARSE_SECONDS = 1.0


# ---------------------------------------------------------------------------------------------
# Memory polling


@dataclass
class PhaseMemory:
    """Peak resident memory seen while one step ran, in MiB."""

    python_by_kind: dict[str, float] = field(default_factory=dict)  # largest single process per kind
    python_total: float = 0.0  # all Python processes together
    postgres_process: float = 0.0  # largest single PostgreSQL process
    # The postmaster, its helpers and the bench's own backends together; shared buffers count in each.
    postgres_total: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "python_peak_rss_mb_by_kind": {kind: round(mb, 1) for kind, mb in sorted(self.python_by_kind.items())},
            "python_peak_total_rss_mb": round(self.python_total, 1),
            "postgres_peak_process_rss_mb": round(self.postgres_process, 1),
            "postgres_peak_total_rss_mb": round(self.postgres_total, 1),
        }


class MemoryMonitor:
    """A thread that polls the RSS of this process, its children and the PostgreSQL server's processes.

    Processes are sorted into kinds: `bench` (this process), `airflow` (an `airflow` command and
    everything it starts), `step` (a process that runs one measured step, and its own workers).
    """

    def __init__(self, interval: float = POLL_SECONDS) -> None:
        self._interval = interval
        self._me = psutil.Process()
        self._postmaster: psutil.Process | None = None
        self._database_prefix = ""
        self._kinds: dict[int, str] = {}
        self._lock = threading.Lock()
        self._current: PhaseMemory | None = None
        self.overall = PhaseMemory()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)

    def watch_postgres(self, backend_pid: int, database_prefix: str) -> None:
        """Follow the server whose backend has `backend_pid`: its postmaster and its children.

        Of the client backends, only those connected to a database whose name starts with
        `database_prefix` count, because other programs may use the same server at the same time.
        """
        self._database_prefix = database_prefix
        try:
            self._postmaster = psutil.Process(backend_pid).parent()
        except psutil.Error as error:
            log.warning("PostgreSQL processes cannot be watched (%s); their memory is not measured", error)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @contextmanager
    def phase(self) -> Iterator[PhaseMemory]:
        """Collect the peaks seen inside the block into the yielded `PhaseMemory`."""
        memory = PhaseMemory()
        with self._lock:
            self._current = memory
        self._sample()
        try:
            yield memory
        finally:
            self._sample()
            with self._lock:
                self._current = None

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def _kind(self, process: psutil.Process) -> str:
        if process.pid in self._kinds:
            return self._kinds[process.pid]
        kind = "step"
        try:
            for ancestor in [process, *process.parents()]:
                if ancestor.pid == self._me.pid:
                    break
                command = " ".join(ancestor.cmdline()[:2])
                if "airflow" in command:
                    kind = "airflow"
                    break
        except psutil.Error:
            pass
        self._kinds[process.pid] = kind
        return kind

    def _is_own_postgres_process(self, process: psutil.Process) -> bool:
        # A client backend's title is "postgres: <user> <database> <client> <activity>", where the
        # client is "[local]" for a socket or "<address>(<port>)" for TCP.
        title = " ".join(process.cmdline())
        parts = title.split()
        is_client = len(parts) >= 4 and (parts[3] == "[local]" or parts[3].endswith(")"))
        return not is_client or parts[2].startswith(self._database_prefix)

    def _sample(self) -> None:
        python_by_kind: dict[str, float] = {}
        python_total = 0.0
        try:
            children = self._me.children(recursive=True)
        except psutil.Error:
            children = []
        for process in [self._me, *children]:
            try:
                rss = process.memory_info().rss / MIB
            except psutil.Error:
                continue
            kind = "bench" if process.pid == self._me.pid else self._kind(process)
            python_by_kind[kind] = max(python_by_kind.get(kind, 0.0), rss)
            python_total += rss

        postgres_process = postgres_total = 0.0
        if self._postmaster is not None:
            try:
                server = [self._postmaster, *self._postmaster.children()]
            except psutil.Error:
                server = []
            for process in server:
                try:
                    if not self._is_own_postgres_process(process):
                        continue
                    rss = process.memory_info().rss / MIB
                except psutil.Error:
                    continue
                postgres_process = max(postgres_process, rss)
                postgres_total += rss

        with self._lock:
            for memory in (self.overall, self._current):
                if memory is None:
                    continue
                for kind, rss in python_by_kind.items():
                    memory.python_by_kind[kind] = max(memory.python_by_kind.get(kind, 0.0), rss)
                memory.python_total = max(memory.python_total, python_total)
                memory.postgres_process = max(memory.postgres_process, postgres_process)
                memory.postgres_total = max(memory.postgres_total, postgres_total)


# ---------------------------------------------------------------------------------------------
# Steps run in a child process


def _child_main(function_name: str, environment: dict[str, str], args: tuple, results) -> None:  # type: ignore[no-untyped-def]
    os.environ.update(environment)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        outcome = globals()[function_name](*args)
        results.put(("ok", outcome))
    except BaseException as error:  # noqa: BLE001  (the parent reports every failure of a step)
        results.put(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))


def run_in_child(function: Callable[..., Any], environment: dict[str, str], *args: Any) -> Any:
    """Run `function(*args)` in a fresh Python process with `environment` added; return its result.

    A plain (non-daemon) process, so that the step may start workers of its own.
    Raises `RuntimeError` with the child's traceback when the step failed.
    """
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_child_main, args=(function.__name__, environment, args, results))
    process.start()
    while True:
        try:
            status, outcome = results.get(timeout=1)
            break
        except queue.Empty:
            if not process.is_alive():
                status, outcome = "error", f"the process ended with exit code {process.exitcode} and no result"
                break
    process.join()
    if status != "ok":
        raise RuntimeError(f"bench step {function.__name__} failed: {outcome}")
    return outcome


def generate_step(landing: str, scale: str, days: int) -> dict[str, Any]:
    from samadhan.generator import generate_dumps

    started = time.perf_counter()
    generate_dumps(Path(landing), scale=scale, days=days, seed=BENCH_SEED, start=BENCH_START)
    return {"seconds": time.perf_counter() - started}


def copy_floor_step(folder: str) -> dict[str, Any]:
    """COPY every file of one dump into unlogged one-column text tables; return seconds and rows.

    NOTE: every CSV record goes into one text column: the quote is `"` as in the files, so quoted
    line breaks stay inside their record, but the delimiter is a control character that the files do
    not contain. A generated dump has rows with a wrong number of columns on purpose, and COPY
    rejects a whole file for one such row. PostgreSQL therefore scans the quoting but does not split
    the fields, so this floor is a little lower than a field-by-field COPY would be.
    """
    from samadhan.contract import DUMP_FILES
    from samadhan.warehouse import connect

    started = time.perf_counter()
    rows: dict[str, int] = {}
    with connect() as conn:
        conn.execute("create schema if not exists floor")
        for dump_file in DUMP_FILES:
            table = "floor." + dump_file.name.removesuffix(".csv")
            conn.execute(f"drop table if exists {table}")
            conn.execute(f"create unlogged table {table} (line text)")
            copy_sql = (
                f"copy {table} (line) from stdin"
                " with (format csv, header true, delimiter E'\\x1f', encoding 'UTF8')"
            )
            with conn.cursor() as cursor:
                with cursor.copy(copy_sql) as copy, (Path(folder) / dump_file.name).open("rb") as source:
                    while chunk := source.read(COPY_CHUNK_BYTES):
                        copy.write(chunk)
                rows[dump_file.name] = cursor.rowcount
        conn.commit()
    return {"seconds": time.perf_counter() - started, "rows": rows}


def naive_step(folder: str) -> dict[str, Any]:
    """Load every file of one dump with pandas `read_csv` and `to_sql`; return seconds and rows."""
    import pandas as pd
    import sqlalchemy

    from samadhan.contract import DUMP_FILES
    from samadhan.warehouse import ensure_database

    started = time.perf_counter()
    engine = sqlalchemy.create_engine(ensure_database().sqlalchemy_url(driver="psycopg"))
    rows: dict[str, int] = {}
    chunked: list[str] = []
    try:
        for dump_file in DUMP_FILES:
            path = Path(folder) / dump_file.name
            table = dump_file.name.removesuffix(".csv")
            # A naive reader skips the rows with a wrong number of columns instead of failing.
            read = {"dtype": str, "keep_default_na": False, "on_bad_lines": "skip"}
            if path.stat().st_size <= NAIVE_WHOLE_FILE_BYTES:
                frames = [pd.read_csv(path, **read)]
            else:
                chunked.append(dump_file.name)
                frames = pd.read_csv(path, chunksize=NAIVE_READ_CHUNK_ROWS, **read)
            count = 0
            for number, frame in enumerate(frames):
                frame.to_sql(
                    table, engine, if_exists="replace" if number == 0 else "append", index=False,
                    method=None, chunksize=NAIVE_TO_SQL_CHUNK_ROWS,
                )
                count += len(frame)
            rows[dump_file.name] = count
    finally:
        engine.dispose()
    return {"seconds": time.perf_counter() - started, "rows": rows, "files_read_in_chunks": chunked}


def pipeline_step(day: str) -> dict[str, Any]:
    from samadhan.pipeline import run_day

    started = time.perf_counter()
    run_day(date.fromisoformat(day), run_id=f"bench__{day}")
    return {"seconds": time.perf_counter() - started}


def dbt_parse_step() -> dict[str, Any]:
    from samadhan.transform import parse_project

    started = time.perf_counter()
    parse_project()
    return {"seconds": time.perf_counter() - started}


# ---------------------------------------------------------------------------------------------
# Databases


@dataclass(frozen=True)
class BenchDatabase:
    """A database of its own for one kind of load, and the environment that points samadhan at it."""

    name: str
    environment: dict[str, str]


def bench_database(name: str, output_dir: Path) -> BenchDatabase:
    """Return the environment for database `name` on the warehouse's server (embedded or by URL)."""
    settings = load_settings()
    environment = {"SAMADHAN_DATABASE_NAME": name, "SAMADHAN_OUTPUT_DIR": str(output_dir)}
    if settings.database_url:
        parts = urlsplit(settings.database_url)
        environment["SAMADHAN_DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))
    return BenchDatabase(name, environment)


@contextmanager
def maintenance_connection() -> Iterator[psycopg.Connection]:
    """Connect to the `postgres` database of the warehouse's server, in autocommit mode."""
    from samadhan.warehouse import server_params

    params = server_params()
    with psycopg.connect(params.conninfo(dbname="postgres"), autocommit=True) as conn:
        yield conn


def recreate_database(name: str) -> None:
    with maintenance_connection() as conn:
        conn.execute(psycopg.sql.SQL("drop database if exists {} with (force)").format(psycopg.sql.Identifier(name)))
        conn.execute(psycopg.sql.SQL("create database {}").format(psycopg.sql.Identifier(name)))


def drop_database(name: str) -> None:
    with maintenance_connection() as conn:
        conn.execute(psycopg.sql.SQL("drop database if exists {} with (force)").format(psycopg.sql.Identifier(name)))


def database_size_mb(name: str) -> float:
    with maintenance_connection() as conn:
        (size,) = conn.execute("select pg_database_size(%s)", (name,)).fetchone()
    return round(size / MIB, 1)


# ---------------------------------------------------------------------------------------------
# Single measurements


def measure_dag_parse(repeats: int = 3) -> dict[str, Any]:
    """Time the import of the DAG file in fresh interpreters, without the interpreter's own start.

    `cold` imports Airflow and Cosmos as part of the DAG file, as a fresh `python` does.
    `airflow_preloaded` imports `airflow.sdk` first and times the DAG file alone, as Airflow's DAG
    processor does, because it has Airflow loaded before it parses a file. The file's own import of
    Cosmos's operators is timed in both (`import cosmos` alone loads nothing: Cosmos imports lazily).
    The goal of under 1 s is judged on `airflow_preloaded`, because the cold figure is mostly
    Airflow's own import, which every DAG file pays once per DAG processor, not once per parse.
    """
    from samadhan.airflow_runner import airflow_env

    dag_file = PROJECT_ROOT / "dags" / "samadhan_daily.py"
    timer = (
        "import time, runpy\n"
        "{preload}"
        "started = time.perf_counter()\n"
        "runpy.run_path({path!r}, run_name='samadhan_daily_parse')\n"
        "print(time.perf_counter() - started)\n"
    )
    variants = {"cold": "", "airflow_preloaded": "import airflow.sdk\n"}
    figures: dict[str, Any] = {}
    for variant, preload in variants.items():
        seconds = []
        for _ in range(repeats):
            result = subprocess.run(
                [sys.executable, "-c", timer.format(preload=preload, path=str(dag_file))],
                env=airflow_env(), capture_output=True, text=True, check=False,
            )
            if result.returncode != 0:
                return {"error": result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "failed"}
            seconds.append(float(result.stdout.strip().splitlines()[-1]))
        figures[f"{variant}_seconds_median"] = round(statistics.median(seconds), 3)
        figures[f"{variant}_seconds_min"] = round(min(seconds), 3)
    return figures


def measure_notices(day: date, environment: dict[str, str]) -> dict[str, Any]:
    """Time `samadhan notices <day>` when that command exists; otherwise return why it was skipped."""
    from samadhan.cli import main

    if "notices" not in main.commands:
        return {"skipped": "no `samadhan notices` command in this version"}
    command = [str(Path(sys.executable).with_name("samadhan")), "notices"]
    if any(parameter.name == "day" and parameter.param_type_name == "option"
           for parameter in main.commands["notices"].params):
        command += ["--day", day.isoformat()]
    else:
        command.append(day.isoformat())
    started = time.perf_counter()
    result = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return {"skipped": f"`samadhan notices {day}` exited with {result.returncode}: {last_line}"}
    return {"seconds": round(seconds, 2)}


def slowest_dbt_nodes(target_dir: Path, count: int = 5) -> list[dict[str, Any]]:
    """Return the `count` slowest nodes of the last dbt invocation written to `target_dir`."""
    path = target_dir / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text(encoding="utf-8")).get("results", [])
    ranked = sorted(results, key=lambda result: result.get("execution_time") or 0, reverse=True)
    return [
        {"node": result["unique_id"], "seconds": round(result.get("execution_time") or 0, 2)}
        for result in ranked[:count]
    ]


def dump_size(folder: Path) -> dict[str, Any]:
    from samadhan.contract import MANIFEST_NAME

    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    return {
        "rows": sum(int(entry["rows"]) for entry in manifest["files"]),
        "bytes": sum((folder / entry["name"]).stat().st_size for entry in manifest["files"]),
    }


# ---------------------------------------------------------------------------------------------
# The whole bench


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def _at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


class Bench:
    """One bench run: its folders, its memory monitor and the figures collected so far."""

    def __init__(self, scale: str, days: int, bench_dir: Path, naive: bool, notices: bool = True) -> None:
        self.scale = scale
        self.days = days
        self.bench_dir = bench_dir
        self.landing = bench_dir / "landing"
        self.naive = naive
        self.with_notices = notices
        self.day_list = [BENCH_START + timedelta(days=offset) for offset in range(days)]
        self.monitor = MemoryMonitor()
        self.failures: list[str] = []
        self.steps: dict[str, dict[str, Any]] = {}

    def database(self, what: str) -> BenchDatabase:
        return bench_database(f"bench_{self.scale}_{what}", self.bench_dir / "output" / what)

    def step(self, name: str, action: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Run one measured step under the memory monitor and keep its figures under `name`."""
        log.info("bench %s: %s started", self.scale, name)
        wall_started = time.perf_counter()
        with self.monitor.phase() as memory:
            try:
                figures = action()
                figures["ok"] = True
            except Exception as error:  # noqa: BLE001  (the bench records a failed step and goes on)
                log.error("bench %s: %s failed: %s", self.scale, name, error)
                self.failures.append(name)
                figures = {"ok": False, "error": str(error)[-2000:]}
        figures["wall_seconds"] = round(time.perf_counter() - wall_started, 2)
        if "seconds" in figures:
            figures["seconds"] = round(figures["seconds"], 2)
        figures["memory"] = memory.as_dict()
        figures["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
        self.steps[name] = figures
        log.info("bench %s: %s took %.1f s", self.scale, name, figures.get("seconds", figures["wall_seconds"]))
        return figures

    def generate(self) -> dict[str, Any]:
        from samadhan.contract import MANIFEST_NAME

        if all((self.landing / day.isoformat() / MANIFEST_NAME).exists() for day in self.day_list):
            log.info("bench %s: reusing the dumps in %s", self.scale, self.landing)
            return {"reused": True, "folder": str(self.landing)}
        if self.landing.exists():
            shutil.rmtree(self.landing)
        figures = self.step("generate", lambda: run_in_child(
            generate_step, {}, str(self.landing), self.scale, self.days))
        return {"reused": False, "folder": str(self.landing), **figures}

    def floor(self, day: date) -> dict[str, Any]:
        database = self.database("floor")
        recreate_database(database.name)
        figures = self.step(f"floor_{day}", lambda: run_in_child(
            copy_floor_step, database.environment, str(self.landing / day.isoformat())))
        figures["database_size_mb"] = database_size_mb(database.name)
        drop_database(database.name)
        return figures

    def naive_load(self, day: date) -> dict[str, Any]:
        database = self.database("naive")
        recreate_database(database.name)
        figures = self.step(f"naive_{day}", lambda: run_in_child(
            naive_step, database.environment, str(self.landing / day.isoformat())))
        figures["database_size_mb"] = database_size_mb(database.name)
        drop_database(database.name)
        return figures

    def dag_runs(self) -> dict[str, dict[str, Any]]:
        from samadhan.airflow_runner import migrate_metadata_db, run_dag_for_day

        database = self.database("dag")
        recreate_database(database.name)
        runs = {}
        with environment_set(database.environment):
            migrate_metadata_db()
            for day in self.day_list:
                log_file = self.bench_dir / "logs" / f"dag-{day.isoformat()}.log"

                def run_dag(day: date = day, log_file: Path = log_file) -> dict[str, Any]:
                    started = time.perf_counter()
                    code = run_dag_for_day(day, log_file=log_file)
                    if code != 0:
                        raise RuntimeError(f"airflow dags test for {day} exited with {code}; see {log_file}")
                    return {"seconds": time.perf_counter() - started, "log_file": str(log_file)}

                figures = self.step(f"dag_{day}", run_dag)
                figures["database_size_mb"] = database_size_mb(database.name)
                runs[day.isoformat()] = figures
        if self.with_notices:
            self.notices = measure_notices(self.day_list[0], database.environment)
        else:
            self.notices = {"skipped": "--no-notices"}
        drop_database(database.name)
        return runs

    def pipeline_runs(self) -> dict[str, dict[str, Any]]:
        database = self.database("run")
        recreate_database(database.name)
        # dbt writes run_results.json of these runs to a folder of the bench's own.
        target_dir = self.bench_dir / "dbt-target"
        environment = {**database.environment, "DBT_TARGET_PATH": str(target_dir)}
        # An untimed parse first, so that the timed runs find dbt's partial-parse state as a daily run does.
        run_in_child(dbt_parse_step, environment)
        runs = {}
        for day in self.day_list:
            figures = self.step(f"pipeline_{day}", lambda day=day: run_in_child(
                pipeline_step, environment, day.isoformat()))
            figures["database_size_mb"] = database_size_mb(database.name)
            figures["dbt_slowest_nodes"] = slowest_dbt_nodes(target_dir)
            runs[day.isoformat()] = figures
        drop_database(database.name)
        return runs

    def run(self) -> dict[str, Any]:
        from samadhan.warehouse import server_params

        self.bench_dir.mkdir(parents=True, exist_ok=True)
        load_at_start = [round(value, 2) for value in os.getloadavg()]
        started_at = datetime.now(tz=UTC)
        with psycopg.connect(server_params().conninfo(dbname="postgres")) as conn:
            (backend_pid,) = conn.execute("select pg_backend_pid()").fetchone()
            (server_version,) = conn.execute("show server_version").fetchone()
            self.monitor.watch_postgres(backend_pid, f"bench_{self.scale}_")
        self.monitor.start()
        # A fresh Airflow home per bench, so that no earlier run of the same dates is found.
        airflow_home = self.bench_dir / "airflow"
        shutil.rmtree(airflow_home, ignore_errors=True)
        try:
            with environment_set({
                "SAMADHAN_LANDING_DIR": str(self.landing),
                "AIRFLOW_HOME": str(airflow_home),
            }):
                generation = self.generate()
                floors = {day.isoformat(): self.floor(day) for day in self.day_list}
                naive = {self.day_list[0].isoformat(): self.naive_load(self.day_list[0])} if self.naive else {}
                dag = self.dag_runs()
                pipeline = self.pipeline_runs()
                dag_parse = measure_dag_parse()
        finally:
            self.monitor.stop()
        return self.figures(
            started_at=started_at, load_at_start=load_at_start, server_version=server_version,
            generation=generation, floors=floors, naive=naive, dag=dag, pipeline=pipeline, dag_parse=dag_parse,
        )

    def figures(self, *, started_at: datetime, load_at_start: list[float], server_version: str,
                generation: dict, floors: dict, naive: dict, dag: dict, pipeline: dict,
                dag_parse: dict) -> dict[str, Any]:
        """Put every figure of the run into one JSON-ready dictionary, with the ratios and the goals."""
        first, second = self.day_list[0].isoformat(), self.day_list[1].isoformat()

        def seconds(runs: dict, day: str) -> float | None:
            run = runs.get(day) or {}
            return run.get("seconds") if run.get("ok") else None

        ratios = {
            "dag_day1_to_floor": _ratio(seconds(dag, first), seconds(floors, first)),
            "pipeline_day1_to_floor": _ratio(seconds(pipeline, first), seconds(floors, first)),
            "dag_day2_to_floor": _ratio(seconds(dag, second), seconds(floors, second)),
            "pipeline_day2_to_floor": _ratio(seconds(pipeline, second), seconds(floors, second)),
            "naive_day1_to_floor": _ratio(seconds(naive, first), seconds(floors, first)),
        }
        overall = self.monitor.overall
        python_max = max(overall.python_by_kind.values(), default=0.0)
        # Generation is not part of the daily run, so its workers are left out of the goal.
        daily_python_max = max(
            (max(step["memory"]["python_peak_rss_mb_by_kind"].values(), default=0.0)
             for name, step in self.steps.items() if name.startswith(("dag_", "pipeline_"))),
            default=0.0,
        )
        preloaded_parse = dag_parse.get("airflow_preloaded_seconds_median")
        goals = {
            "full_run_at_most_3x_floor": {
                "dag": ratios["dag_day1_to_floor"], "pipeline": ratios["pipeline_day1_to_floor"],
                "met": _at_most(ratios["dag_day1_to_floor"], GOAL_FULL_RUN_TO_FLOOR),
            },
            "day2_at_most_1_5x_floor": {
                "dag": ratios["dag_day2_to_floor"], "pipeline": ratios["pipeline_day2_to_floor"],
                "met": _at_most(ratios["dag_day2_to_floor"], GOAL_NEXT_DAY_TO_FLOOR),
            },
            "no_python_process_above_2gb": {"max_mb": round(daily_python_max, 1),
                                            "met": daily_python_max <= GOAL_PYTHON_PROCESS_MB},
            "dag_parse_under_1s": {"airflow_preloaded_seconds": preloaded_parse,
                                   "cold_seconds": dag_parse.get("cold_seconds_median"),
                                   "met": preloaded_parse is not None and preloaded_parse < GOAL_DAG_PARSE_SECONDS},
        }
        memory = psutil.virtual_memory()
        return {
            "scale": self.scale,
            "days": [day.isoformat() for day in self.day_list],
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "command": f"samadhan bench --scale {self.scale} --days {self.days}",
            "machine": {
                "cpus": os.cpu_count(),
                "memory_gb": round(memory.total / 1024**3, 1),
                "load_average_at_start": load_at_start,
                "load_average_at_end": [round(value, 2) for value in os.getloadavg()],
                "python": sys.version.split()[0],
                "postgresql": server_version,
            },
            "dumps": {day.isoformat(): dump_size(self.landing / day.isoformat()) for day in self.day_list},
            "generation": generation,
            "floor": floors,
            "naive": naive,
            "full_run": {"dag": dag, "pipeline": pipeline},
            "ratios": ratios,
            "peak_memory_mb": {
                "python_by_kind": {kind: round(mb, 1) for kind, mb in sorted(overall.python_by_kind.items())},
                "python_max_process": round(python_max, 1),
                "python_max_process_daily_run": round(daily_python_max, 1),
                "python_total": round(overall.python_total, 1),
                "postgres_max_process": round(overall.postgres_process, 1),
                "postgres_total": round(overall.postgres_total, 1),
            },
            "database_size_mb": {
                "floor": {day: run.get("database_size_mb") for day, run in floors.items()},
                "naive": {day: run.get("database_size_mb") for day, run in naive.items()},
                "dag": {day: run.get("database_size_mb") for day, run in dag.items()},
                "pipeline": {day: run.get("database_size_mb") for day, run in pipeline.items()},
            },
            "dag_parse": dag_parse,
            "notices": getattr(self, "notices", {"skipped": "the DAG runs did not finish"}),
            "goals": goals,
            "failed_steps": self.failures,
        }


def _cell(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}"
    return f"{value}{unit}"


def format_table(results: dict[str, Any]) -> str:
    """Return the figures as a plain-text table, one line per measured step."""
    floors = results["floor"]
    lines = [
        f"samadhan bench, scale {results['scale']}, days {', '.join(results['days'])}; "
        f"load average {results['machine']['load_average_at_start']} at start, "
        f"{results['machine']['load_average_at_end']} at end",
        f"{'step':<28}{'seconds':>10}{'x floor':>9}{'Python MB':>11}{'PG proc MB':>12}{'PG total MB':>13}{'DB MB':>9}",
    ]

    def row(name: str, figures: dict[str, Any], floor_seconds: float | None) -> None:
        memory = figures.get("memory", {})
        python = max(memory.get("python_peak_rss_mb_by_kind", {}).values(), default=None)
        seconds = figures.get("seconds") if figures.get("ok") else None
        lines.append(
            f"{name:<28}{_cell(seconds) if figures.get('ok') else 'FAILED':>10}"
            f"{_cell(_ratio(seconds, floor_seconds)):>9}{_cell(python):>11}"
            f"{_cell(memory.get('postgres_peak_process_rss_mb')):>12}"
            f"{_cell(memory.get('postgres_peak_total_rss_mb')):>13}{_cell(figures.get('database_size_mb')):>9}"
        )

    generation = results["generation"]
    if not generation.get("reused"):
        row("generate (all days)", generation, None)
    for day, figures in floors.items():
        row(f"floor COPY {day}", figures, figures.get("seconds"))
    for day, figures in results["naive"].items():
        row(f"naive pandas {day}", figures, floors[day].get("seconds"))
    for how in ("dag", "pipeline"):
        for day, figures in results["full_run"][how].items():
            row(f"{'DAG' if how == 'dag' else 'run_day'} {day}", figures, floors[day].get("seconds"))
    parse = results["dag_parse"]
    lines.append(
        f"DAG file parse: {_cell(parse.get('cold_seconds_median'), ' s')} in a fresh interpreter, "
        f"{_cell(parse.get('airflow_preloaded_seconds_median'), ' s')} with airflow.sdk already imported"
    )
    notices = results["notices"]
    lines.append(f"notices: {_cell(notices.get('seconds'), ' s') if 'seconds' in notices else notices.get('skipped')}")
    peaks = results["peak_memory_mb"]
    lines.append(
        f"peak RSS MB: Python by kind {peaks['python_by_kind']}; PostgreSQL largest process "
        f"{peaks['postgres_max_process']}, all processes {peaks['postgres_total']}"
    )
    for goal, verdict in results["goals"].items():
        figures = ", ".join(f"{key} {value}" for key, value in verdict.items() if key != "met")
        lines.append(f"goal {goal}: {'met' if verdict['met'] else 'NOT met'} ({figures})")
    if results["failed_steps"]:
        lines.append(f"failed steps: {', '.join(results['failed_steps'])}; the JSON has each error")
    return "\n".join(lines)


def run_bench(
    scale: str, days: int = 2, out_dir: Path | None = None, naive: bool = True, notices: bool = True
) -> tuple[dict, Path]:
    """Run the bench and write its JSON; return the figures and the JSON file's path."""
    from samadhan.generator import SCALES

    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    if days < 2:
        raise ValueError(f"days must be at least 2 (day 2 is measured on top of day 1), got {days}")
    settings = load_settings()
    bench = Bench(scale, days, settings.state_dir / "bench" / scale, naive, notices)
    results = bench.run()
    out_dir = out_dir or PROJECT_ROOT / "bench-results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{scale}-{datetime.now(tz=UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return results, path


@click.command("bench")
@click.option("--scale", type=click.Choice(SCALE_NAMES), default="district", show_default=True,
              help="Dump scale: tiny, district, tenth or state.")
@click.option("--days", default=2, show_default=True, help="Dump days to generate and run (at least 2).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the JSON figures  [default: bench-results/ in the repository]")
@click.option("--naive/--no-naive", default=True, show_default=True,
              help="Also time the pandas read_csv + to_sql load of day 1.")
@click.option("--notices/--no-notices", default=True, show_default=True,
              help="Also time `samadhan notices` for day 1, which renders a PDF page per eligible defaulter.")
def bench_command(scale: str, days: int, out_dir: Path | None, naive: bool, notices: bool) -> None:
    """Time the daily run beside a plain COPY of the same files and a pandas load; write JSON figures."""
    try:
        results, path = run_bench(scale, days, out_dir, naive, notices)
    except ValueError as error:
        raise click.UsageError(str(error)) from error
    click.echo(format_table(results))
    click.echo(f"figures written to {path}")
    if results["failed_steps"]:
        raise SystemExit(1)
