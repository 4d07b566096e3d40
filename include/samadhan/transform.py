"""Run the dbt project in `dbt_project/` in this process, through dbt's programmatic runner.

`build_day` builds the staging views, the intermediate tables and the day's marts and forms in the
`build` schema for one report date. `parse_project` writes `dbt_project/target/manifest.json`, which
the Airflow DAG's Cosmos task group reads. The connection comes from the same settings as every
other samadhan command (`samadhan.warehouse.dbt_env`).
"""

from __future__ import annotations

import json
import logging
from datetime import date

import click

from samadhan.settings import PROJECT_ROOT, environment_set
from samadhan.warehouse import dbt_env, ensure_database

log = logging.getLogger(__name__)

DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
MANIFEST_PATH = DBT_PROJECT_DIR / "target" / "manifest.json"

# Statuses of a dbt node result that fail the invocation.
_FAILED_STATUSES = {"error", "fail", "runtime error"}


class TransformFailed(RuntimeError):
    """A failed dbt invocation, with the names of the models and tests that failed in `failed_nodes`."""

    def __init__(self, command: str, failed_nodes: list[str], detail: str = "") -> None:
        self.command = command
        self.failed_nodes = failed_nodes
        self.detail = detail
        message = f"dbt {command} failed"
        if failed_nodes:
            message += ": " + ", ".join(failed_nodes)
        if detail:
            message += f" ({detail})"
        super().__init__(message)


def _failed_nodes(result: object) -> list[str]:
    """Return the names of the nodes whose result status is an error or a failure."""
    names = []
    for node_result in getattr(result, "results", None) or []:
        status = str(getattr(node_result, "status", "")).lower()
        if status in _FAILED_STATUSES:
            node = getattr(node_result, "node", None)
            names.append(getattr(node, "name", None) or getattr(node, "unique_id", "unknown node"))
    return names


def dbt_invoke(args: list[str], report_date: date | None = None) -> None:
    """Run one dbt command (e.g. `["build"]`) on the project against the warehouse database.

    `report_date` is passed as the dbt var `report_date`. Raises `TransformFailed` naming the failed
    nodes when dbt reports a failure.
    """
    from dbt.cli.main import dbtRunner

    full_args = [
        *args,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
    ]
    if report_date is not None:
        full_args += ["--vars", json.dumps({"report_date": report_date.isoformat()})]
    # NOTE: dbt does not lock dbt_project/target, so two processes running dbt on this project at
    # once can overwrite each other's compiled files and partial-parse state there.
    environment = dbt_env(ensure_database())
    environment["DO_NOT_TRACK"] = "1"
    command = " ".join(args)
    log.info("dbt %s started%s", command, f" for {report_date.isoformat()}" if report_date else "")
    with environment_set(environment):
        outcome = dbtRunner().invoke(full_args)
    if not outcome.success:
        failed = _failed_nodes(outcome.result)
        detail = str(outcome.exception) if outcome.exception else ""
        raise TransformFailed(command, failed, detail)
    log.info("dbt %s done%s", command, f" for {report_date.isoformat()}" if report_date else "")


# dbt's unit tests check the models' logic, not the day's data, so the daily build leaves them to the
# test suite (`run_unit_tests`) and runs the data tests only.
DAILY_BUILD_FLAGS = ["--exclude-resource-type", "unit_test"]


def build_day(report_date: date) -> None:
    """Build the marts and Forms 1 and 2 of `report_date` into the `build` schema, with the data tests."""
    dbt_invoke(["build", *DAILY_BUILD_FLAGS], report_date)


def run_unit_tests(report_date: date) -> None:
    """Run dbt's unit tests; the models' parents must have been built once (for their column types)."""
    dbt_invoke(["test", "--select", "test_type:unit"], report_date)


def parse_project() -> None:
    """Parse the dbt project and write `dbt_project/target/manifest.json`."""
    dbt_invoke(["parse"])
    log.info("dbt manifest written to %s", MANIFEST_PATH)


@click.command("dbt-parse")
def dbt_parse_command() -> None:
    """Parse the dbt project and write dbt_project/target/manifest.json for the Airflow DAG."""
    try:
        parse_project()
    except TransformFailed as error:
        raise click.ClickException(str(error)) from error
    click.echo(str(MANIFEST_PATH))
