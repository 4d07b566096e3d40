"""Running the real `samadhan_daily` DAG for one day with `airflow dags test`, outside any scheduler.

`airflow dags test` runs every task of one DAG run in a single process against a SQLite metadata
database, so a fresh machine needs no Airflow services. Airflow's home is `<state_dir>/airflow`.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

from samadhan.settings import PROJECT_ROOT, load_settings

log = logging.getLogger(__name__)

DAG_ID = "samadhan_daily"


def airflow_env() -> dict[str, str]:
    """Return the environment for Airflow commands: this project's DAGs, a local home, no examples."""
    settings = load_settings()
    home = settings.state_dir / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("AIRFLOW_HOME", str(home))
    env.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(PROJECT_ROOT / "dags"))
    env.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    env.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    env.setdefault("DO_NOT_TRACK", "1")
    env.setdefault("SCARF_ANALYTICS", "false")
    # Dumps of past days are complete or missing: no need to wait between pokes in a test run.
    env.setdefault("SAMADHAN_DUMP_POKE_SECONDS", "5")
    env.setdefault("SAMADHAN_RELEASE_WAIT_SECONDS", "30")
    return env


def _airflow() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def migrate_metadata_db() -> None:
    """Create or upgrade Airflow's SQLite metadata database."""
    subprocess.run([_airflow(), "db", "migrate"], env=airflow_env(), check=True, capture_output=True)


def run_dag_for_day(day: date, log_file: Path | None = None) -> int:
    """Run `airflow dags test samadhan_daily <day>` and return its exit code.

    A manual run's data interval ends at the date it is given, so the run for day D is asked for at
    midnight IST at the end of D; its tasks take the dump date from the interval's start.
    Airflow's output goes to `log_file` when given, otherwise to this process's stderr.
    """
    logical_date = f"{(day + timedelta(days=1)).isoformat()}T00:00:00+05:30"
    command = [_airflow(), "dags", "test", DAG_ID, logical_date]
    log.info("%s: running %s", day, " ".join(command[1:]))
    if log_file is None:
        return subprocess.run(command, env=airflow_env(), check=False).returncode
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("w", encoding="utf-8") as output:
        result = subprocess.run(command, env=airflow_env(), stdout=output, stderr=subprocess.STDOUT, check=False)
        return result.returncode
