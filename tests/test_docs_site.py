"""The documentation site: dbt docs with the exposures, and the day's check results page.

One day of the hand-made dump of `test_forms_by_hand` runs through `run_day`, then `publish_docs`
writes the site under `$SAMADHAN_OUTPUT_DIR/docs`.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from dumps import write_dump
from test_forms_by_hand import DAY_1, EVENTS, SNAPSHOTS

from samadhan.docs_site import CheckRow, render_checks_page
from samadhan.settings import load_settings
from samadhan.warehouse import ConnectionParams


def test_checks_page_escapes_messages() -> None:
    row = CheckRow(
        check_name="form_totals_match",
        severity="fail",
        status="fail",
        failing_rows=1234,
        message="total <b> differs & is 5",
        sample=[{"unit_code": "<MVVNL>"}],
        run_id="manual__2021-10-21",
        checked_at=datetime(2021, 10, 21, 10, 0, tzinfo=UTC),
    )

    page = render_checks_page(date(2021, 10, 21), [row])

    assert "total &lt;b&gt; differs &amp; is 5" in page
    assert "&lt;MVVNL&gt;" in page
    assert "<b>" not in page
    assert "1,234" in page
    assert "checks run 1, failed 1, warned 0" in page


def test_publish_docs_writes_both_sites(embedded_warehouse: ConnectionParams) -> None:
    from samadhan.docs_site import publish_docs
    from samadhan.pipeline import run_day
    from samadhan.warehouse import connect

    settings = load_settings()
    write_dump(settings.landing_dir, DAY_1, {**SNAPSHOTS, **EVENTS[DAY_1]})
    day_folder = run_day(DAY_1)
    day_files_before = sorted(os.listdir(day_folder))

    docs = publish_docs(DAY_1)

    assert docs == settings.output_dir / "docs"
    dbt_page = docs / "dbt" / "index.html"
    checks_page = docs / "checks" / "2021-10-21.html"
    checks_index = docs / "checks" / "index.html"
    assert dbt_page.is_file()
    assert checks_page.is_file()
    assert checks_index.is_file()

    dbt_text = dbt_page.read_text(encoding="utf-8")
    assert "rpt_form1" in dbt_text
    assert "form1_targets_against_progress" in dbt_text
    assert "notice_bundles" in dbt_text

    checks_text = checks_page.read_text(encoding="utf-8")
    assert "hierarchy_is_one_tree" in checks_text
    with connect() as conn:
        recorded = conn.execute(
            "select count(*) from audit.latest_check_results where report_date = %s", (DAY_1,)
        ).fetchone()[0]
    assert recorded > 0
    assert checks_text.count("<tr class=") == recorded
    assert 'href="2021-10-21.html"' in checks_index.read_text(encoding="utf-8")

    assert sorted(os.listdir(day_folder)) == day_files_before
    leftovers = [path.name for path in docs.rglob("*.tmp")]
    assert leftovers == []
