"""Adapters between the DAG file and `samadhan.pipeline`, for Airflow 3.

This module contains the dump date read from a run's context, the template macros, task bodies that
turn samadhan's errors into Airflow's, and the failure alert. The pipeline's logic stays in
`samadhan.pipeline`.
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime
from typing import Any

from airflow.sdk.exceptions import AirflowFailException

from samadhan import pipeline

log = logging.getLogger(__name__)

IST = pipeline.IST

# The dbt profile reads these variables. Their values are rendered in the worker when the dbt task
# starts, so the process that needs the embedded server is the one that starts or finds it.
DBT_ENV_KEYS = ("SAMADHAN_DB_HOST", "SAMADHAN_DB_PORT", "SAMADHAN_DB_USER", "SAMADHAN_DB_PASSWORD", "SAMADHAN_DB_NAME")
DBT_ENV_TEMPLATES = {key: "{{ samadhan_dbt_env()['" + key + "'] }}" for key in DBT_ENV_KEYS}


def _dbt_env() -> dict[str, str]:
    from samadhan.warehouse import dbt_env, ensure_database

    return dbt_env(ensure_database())


def date_setting(name: str, default: str | None = None) -> datetime | None:
    """Return midnight IST of the date (YYYY-MM-DD) in environment variable `name`, else of `default`.

    Returns None when the variable is unset or empty and there is no default. The DAG files read
    their first and last dump dates with it at parse time.
    """
    text = os.environ.get(name) or default
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=IST)
    except ValueError as error:
        raise ValueError(f"{name}={text!r} is an invalid date; expected YYYY-MM-DD") from error


def _dump_date_text(interval_start: datetime) -> str:
    return pipeline.dump_date_of(interval_start).isoformat()


TEMPLATE_MACROS = {"samadhan_dbt_env": _dbt_env, "samadhan_dump_date": _dump_date_text}


def _day(interval_start: datetime | None) -> date:
    if interval_start is None:
        raise AirflowFailException("This task needs the run's data_interval_start; is the DAG scheduled?")
    return pipeline.dump_date_of(interval_start)


def wait_for_dump(interval_start: datetime | None) -> bool:
    """Return whether the day's dump is complete; fail, without retries, once it is late."""
    try:
        arrival = pipeline.dump_arrival(_day(interval_start))
    except pipeline.DumpLate as late:
        raise AirflowFailException(str(late)) from late
    if not arrival.complete:
        deadline = f"{arrival.deadline:%d-%m-%Y %H:%M}"
        log.info("Waiting for %s (deadline %s IST)", arrival.folder / "_manifest.json", deadline)
    return arrival.complete


def prepare_warehouse() -> str:
    return pipeline.prepare_warehouse()


def apply_corrections(interval_start: datetime | None) -> list[str]:
    """Re-release, in date order, earlier days whose dump was delivered again corrected."""
    from samadhan.corrections import apply_corrections_task

    return apply_corrections_task(interval_start)


def load_dump(interval_start: datetime | None) -> dict[str, int]:
    from samadhan.loading import DumpRejected

    try:
        return pipeline.load_day(_day(interval_start))
    except DumpRejected as rejected:
        # A rejected dump needs a corrected delivery, not a retry.
        raise AirflowFailException(str(rejected)) from rejected


def check(interval_start: datetime | None, run_id: str | None) -> list[str]:
    try:
        return pipeline.check_day(_day(interval_start), run_id or "unknown")
    except pipeline.ReleaseStopped as stopped:
        raise AirflowFailException(str(stopped)) from stopped


def day_released(interval_start: datetime | None) -> bool:
    """Return whether the run's own day has been released by samadhan_daily."""
    from samadhan.release import day_released as released

    return released(_day(interval_start))


def previous_day_released(interval_start: datetime | None) -> bool:
    from samadhan.release import previous_day_released as released

    day = _day(interval_start)
    ready = released(day)
    if not ready:
        log.info("Waiting for the release of the day before %s", day)
    return ready


def release(interval_start: datetime | None, run_id: str | None) -> str:
    return pipeline.release_day(_day(interval_start), run_id or "unknown")


def generate_notices(interval_start: datetime | None) -> int:
    """Number and bundle the notices of consumers eligible for the first time on the day; return how many."""
    from samadhan.notices import generate_notices as generate

    return generate(_day(interval_start)).new_notices


def publish_docs(interval_start: datetime | None) -> str:
    """Write the dbt documentation and the day's check verdicts as HTML; return the docs folder."""
    from samadhan.docs_site import publish_docs as publish

    return str(publish(_day(interval_start)))


def alert_on_failure(context: Any) -> None:
    """Log the failure; also e-mail it when `SAMADHAN_ALERT_EMAIL` is set and an SMTP connection exists."""
    task_instance = context.get("task_instance") or context.get("ti")
    task_id = getattr(task_instance, "task_id", "?")
    dag_id = getattr(task_instance, "dag_id", "samadhan_daily")
    interval_start = context.get("data_interval_start")
    day = pipeline.dump_date_of(interval_start).isoformat() if interval_start else "?"
    error = context.get("exception")
    log.error("ALERT %s %s failed for dump date %s: %s", dag_id, task_id, day, error)

    recipients = os.environ.get("SAMADHAN_ALERT_EMAIL", "")
    if not recipients:
        return
    conn_id = os.environ.get("SAMADHAN_SMTP_CONN_ID", "smtp_default")
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=conn_id) as smtp:
            smtp.send_email_smtp(
                to=recipients.split(","),
                subject=f"samadhan: {task_id} failed for {day}",
                html_content=f"<p>{dag_id}.{task_id} failed for dump date {day}.</p><pre>{error}</pre>",
            )
    except Exception as mail_error:  # noqa: BLE001 - an alert must never hide the task's own failure
        log.error("ALERT e-mail to %s through connection %s failed: %s", recipients, conn_id, mail_error)
