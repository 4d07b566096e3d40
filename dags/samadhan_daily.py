"""
### samadhan_daily: one run per dump date, from the billing dump to Forms 1 and 2

The billing systems export one folder per IST calendar day, Sundays included, into
`$SAMADHAN_LANDING_DIR/<YYYY-MM-DD>/`, writing `_manifest.json` last. Each run of this DAG covers
the day its data interval starts on (IST) and:

1. **wait_for_dump**: waits for the day's manifest. Once the dump deadline has passed, it fails
   with a message naming the day and the folder. The deadline is `SAMADHAN_DUMP_DEADLINE_HOURS`
   after the day's start: 06:00 IST on the next day by default.
2. **prepare_warehouse**: starts the warehouse if needed, creates schemas, writes the scheme's rules.
   **apply_corrections** then re-releases, in date order, any earlier day whose dump folder was
   delivered again with a different manifest, and every released day after it.
3. **load_dump**: checks the folder against its manifest and loads it; bad rows are quarantined.
4. **dbt_build**: builds staging, marts and the day's forms and runs dbt's tests (Cosmos, one
   `dbt build` of the whole project: one task per model cost about a second each and made a day
   several times slower).
5. **check**: Great Expectations release checks; a failing check stops the release here.
6. **release**: waits until the day before is released, then publishes the day's tables in one
   transaction and the form files under `$SAMADHAN_OUTPUT_DIR/<YYYY-MM-DD>/`.

Notices to defaulters and the day's documentation come from the separate DAG
`samadhan_after_release`, which waits for this DAG's release of the day.

A rerun of a day gives the same released tables and files. Runs go one at a time, in date order.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import CronDataIntervalTimetable, dag, task
from cosmos import ProfileConfig
from cosmos.constants import InvocationMode
from cosmos.operators.local import DbtBuildLocalOperator

from samadhan import airflow_support

# Settings, read once at parse time; every one has a default that works in a fresh clone.
DBT_PROJECT_DIR = Path(os.environ.get("SAMADHAN_DBT_PROJECT_DIR", Path(__file__).parents[1] / "dbt_project"))
SCHEME_START = airflow_support.date_setting("SAMADHAN_SCHEME_START", "2021-10-21")
# The last dump date to schedule. Unset, the DAG schedules a run every day from SCHEME_START on.
LAST_DUMP_DATE = airflow_support.date_setting("SAMADHAN_LAST_DUMP_DATE")
DUMP_POKE_SECONDS = int(os.environ.get("SAMADHAN_DUMP_POKE_SECONDS", "300"))
RELEASE_WAIT_SECONDS = int(os.environ.get("SAMADHAN_RELEASE_WAIT_SECONDS", str(6 * 3600)))

# dbt settings, kept apart from the DAG's own.
DBT_PROFILE = ProfileConfig(
    profile_name="samadhan", target_name="warehouse", profiles_yml_filepath=DBT_PROJECT_DIR / "profiles.yml"
)

default_args = {
    "owner": "uppcl-it",
    # Passing database errors (a restart, a lost connection) clear up on their own, so tasks retry.
    # A bad dump or a failed check does not clear up: those raise AirflowFailException, which skips retries.
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    # A failure is reported in the task log always, and by e-mail when an SMTP connection is set.
    "on_failure_callback": airflow_support.alert_on_failure,
}


@dag(
    dag_id="samadhan_daily",
    doc_md=__doc__,
    # The data interval is the IST calendar day of the dump; the run starts when that day is over.
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Asia/Kolkata"),
    start_date=SCHEME_START,
    end_date=LAST_DUMP_DATE,
    catchup=True,
    # Days go one at a time so that day D is never built or released before day D-1.
    max_active_runs=1,
    default_args=default_args,
    user_defined_macros=airflow_support.TEMPLATE_MACROS,
    tags=["samadhan", "ots"],
)
def samadhan_daily() -> None:
    @task.sensor(poke_interval=DUMP_POKE_SECONDS, timeout=48 * 3600, mode="reschedule")
    def wait_for_dump(data_interval_start: datetime | None = None) -> bool:
        return airflow_support.wait_for_dump(data_interval_start)

    @task
    def prepare_warehouse() -> str:
        return airflow_support.prepare_warehouse()

    # A rerun stops at the same day again, so a failure here is not retried.
    @task(retries=0)
    def apply_corrections(data_interval_start: datetime | None = None) -> list[str]:
        return airflow_support.apply_corrections(data_interval_start)

    @task
    def load_dump(data_interval_start: datetime | None = None) -> dict[str, int]:
        return airflow_support.load_dump(data_interval_start)

    dbt_build = DbtBuildLocalOperator(
        task_id="dbt_build",
        project_dir=str(DBT_PROJECT_DIR),
        profile_config=DBT_PROFILE,
        invocation_mode=InvocationMode.DBT_RUNNER,
        install_deps=False,
        # The dbt profile's connection is rendered in the worker; see airflow_support.DBT_ENV_TEMPLATES.
        env=airflow_support.DBT_ENV_TEMPLATES,
        append_env=True,
        vars={"report_date": "{{ samadhan_dump_date(data_interval_start) }}"},
        # Data tests only: dbt's unit tests check the models' logic and run in the test suite.
        dbt_cmd_flags=["--exclude-resource-type", "unit_test"],
        # dbt's tests may fail the day; a retry would only repeat them.
        retries=0,
        # A socket host makes asset URIs that the Postgres provider rejects.
        emit_datasets=False,
    )

    @task
    def check(data_interval_start: datetime | None = None, run_id: str | None = None) -> list[str]:
        return airflow_support.check(data_interval_start, run_id)

    @task.sensor(poke_interval=60, timeout=RELEASE_WAIT_SECONDS, mode="reschedule")
    def wait_for_previous_release(data_interval_start: datetime | None = None) -> bool:
        return airflow_support.previous_day_released(data_interval_start)

    @task
    def release(data_interval_start: datetime | None = None, run_id: str | None = None) -> str:
        return airflow_support.release(data_interval_start, run_id)

    arrived = wait_for_dump()
    ready = prepare_warehouse()
    corrected = apply_corrections()
    loaded = load_dump()
    checked = check()
    arrived >> ready >> corrected >> loaded >> dbt_build >> checked >> wait_for_previous_release() >> release()


samadhan_daily()
