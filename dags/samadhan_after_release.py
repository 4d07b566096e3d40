"""
### samadhan_after_release: notices to defaulters and the documentation of a released day

Each run covers the IST day its data interval starts on, like `samadhan_daily`, and:

1. **wait_for_release**: waits until `samadhan_daily` has released the day, because notices are
   printed from the released day's dues, waiver and settlement.
2. **generate_notices**: numbers a notice (`<scheme code>/<account_no>`) for every eligible defaulter
   who has none yet, so no consumer is numbered twice. It writes one PDF bundle per beat with new
   notices under `$SAMADHAN_OUTPUT_DIR/<YYYY-MM-DD>/notices/`, in the meter reader's walking order,
   with a cover sheet for signatures. On the scheme's first day that is every defaulter; later days
   bundle those who became eligible since.
3. **publish_docs**: writes the dbt documentation (models, columns in Hindi and English, the
   exposures) to `$SAMADHAN_OUTPUT_DIR/docs/dbt/index.html` and the day's check verdicts to
   `$SAMADHAN_OUTPUT_DIR/docs/checks/<YYYY-MM-DD>.html`.

This work runs in a DAG of its own because the first day renders every defaulter's notice, which
takes minutes at district scale and must not hold back the day's forms.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import CronDataIntervalTimetable, dag, task

from samadhan import airflow_support

SCHEME_START = airflow_support.date_setting("SAMADHAN_SCHEME_START", "2021-10-21")
# The last dump date to schedule. Unset, the DAG schedules a run every day from SCHEME_START on.
LAST_DUMP_DATE = airflow_support.date_setting("SAMADHAN_LAST_DUMP_DATE")
RELEASE_WAIT_SECONDS = int(os.environ.get("SAMADHAN_RELEASE_WAIT_SECONDS", str(6 * 3600)))

default_args = {
    "owner": "uppcl-it",
    # Passing database errors clear up on their own; a rerun renumbers no one and rewrites the same files.
    "retries": 2,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "on_failure_callback": airflow_support.alert_on_failure,
}


@dag(
    dag_id="samadhan_after_release",
    doc_md=__doc__,
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="Asia/Kolkata"),
    start_date=SCHEME_START,
    end_date=LAST_DUMP_DATE,
    catchup=True,
    # Numbering goes day by day, so that a consumer is numbered on the first day they are eligible.
    max_active_runs=1,
    default_args=default_args,
    tags=["samadhan", "ots", "notices"],
)
def samadhan_after_release() -> None:
    @task.sensor(poke_interval=300, timeout=RELEASE_WAIT_SECONDS, mode="reschedule")
    def wait_for_release(data_interval_start: datetime | None = None) -> bool:
        return airflow_support.day_released(data_interval_start)

    @task
    def generate_notices(data_interval_start: datetime | None = None) -> int:
        return airflow_support.generate_notices(data_interval_start)

    @task
    def publish_docs(data_interval_start: datetime | None = None) -> str:
        return airflow_support.publish_docs(data_interval_start)

    released = wait_for_release()
    released >> generate_notices()
    released >> publish_docs()


samadhan_after_release()
