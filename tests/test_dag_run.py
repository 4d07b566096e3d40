"""The real samadhan_daily DAG, run with `airflow dags test` on generated tiny dumps.

Slow (about a minute a day), so it runs on the embedded server only.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import psycopg
import pytest

from samadhan.airflow_runner import migrate_metadata_db, run_dag_for_day
from samadhan.contract import MANIFEST_NAME

DAY_1 = date(2021, 10, 21)
DAY_2 = date(2021, 10, 22)


@pytest.fixture
def airflow_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "airflow"
    home.mkdir()
    monkeypatch.setenv("AIRFLOW_HOME", str(home))
    monkeypatch.setenv("SAMADHAN_RELEASE_WAIT_SECONDS", "10")
    migrate_metadata_db()
    return home


def _form_rows(conn: psycopg.Connection, table: str, day: date) -> list[tuple]:
    return conn.execute(
        f"select * from reports.{table} where report_date = %s order by unit_level, unit_code"
        + (", sub_category" if table == "rpt_form1" else ""),
        (day,),
    ).fetchall()


def _folder_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _rewrite_manifest(folder: Path, file_name: str) -> None:
    """Recompute the manifest entry of `file_name` after the test edited that file."""
    manifest_path = folder / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    data = (folder / file_name).read_bytes()
    for entry in manifest["files"]:
        if entry["name"] == file_name:
            entry["sha256"] = hashlib.sha256(data).hexdigest()
            entry["rows"] = data.decode("utf-8-sig").count("\n") - 1
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def test_dag_releases_two_days(embedded_warehouse, airflow_home: Path, tmp_path: Path) -> None:
    from samadhan.generator import generate_dumps
    from samadhan.settings import load_settings

    settings = load_settings()
    generate_dumps(settings.landing_dir, scale="tiny", days=2, seed=7, start=DAY_1)

    for day in (DAY_1, DAY_2):
        run_dag_for_day(day, log_file=tmp_path / f"dag-{day}.log")

    with psycopg.connect(embedded_warehouse.conninfo()) as conn:
        released = [row[0] for row in conn.execute("select report_date from audit.releases order by 1")]
        logs = "\n".join((tmp_path / f"dag-{day}.log").read_text(errors="replace")[-4000:] for day in (DAY_1, DAY_2))
        assert released == [DAY_1, DAY_2], logs
        for day in (DAY_1, DAY_2):
            assert _form_rows(conn, "rpt_form1", day)
            assert _form_rows(conn, "rpt_form2", day)
        total = conn.execute(
            "select eligible_defaulters from reports.rpt_form1"
            " where report_date = %s and unit_level = 'TOTAL' and sub_category = 'ALL'",
            (DAY_2,),
        ).fetchone()
        assert total is not None
        assert total[0] > 0
    for day in (DAY_1, DAY_2):
        files = {path.name for path in (settings.output_dir / day.isoformat()).iterdir()}
        assert {"form1.csv", "form1.pdf", "form1.xlsx", "form2.csv", "form2.pdf", "form2.xlsx"} <= files


def test_broken_hierarchy_stops_release(embedded_warehouse, airflow_home: Path, tmp_path: Path) -> None:
    from samadhan.generator import generate_dumps
    from samadhan.settings import load_settings

    settings = load_settings()
    generate_dumps(settings.landing_dir, scale="tiny", days=2, seed=11, start=DAY_1)
    run_dag_for_day(DAY_1, log_file=tmp_path / "dag-day1.log")

    with psycopg.connect(embedded_warehouse.conninfo()) as conn:
        form1_before = _form_rows(conn, "rpt_form1", DAY_1)
        form2_before = _form_rows(conn, "rpt_form2", DAY_1)
    assert form1_before, (tmp_path / "dag-day1.log").read_text()[-5000:]
    files_before = _folder_digest(settings.output_dir / DAY_1.isoformat())

    # Day 2's hierarchy puts the first beat under a second feeder: the beat is no longer in one tree.
    hierarchy = settings.landing_dir / DAY_2.isoformat() / "hierarchy.csv"
    lines = hierarchy.read_text(encoding="utf-8").splitlines(keepends=True)
    first_beat = lines[1].split(",")
    other_feeder = next(line.split(",") for line in lines[2:] if line.split(",")[12] != first_beat[12])
    moved = first_beat[:12] + other_feeder[12:14] + first_beat[14:]
    hierarchy.write_text("".join([lines[0], lines[1], ",".join(moved)] + lines[2:]), encoding="utf-8")
    _rewrite_manifest(hierarchy.parent, "hierarchy.csv")

    run_dag_for_day(DAY_2, log_file=tmp_path / "dag-day2.log")

    with psycopg.connect(embedded_warehouse.conninfo()) as conn:
        released = [row[0] for row in conn.execute("select report_date from audit.releases order by 1")]
        assert released == [DAY_1]
        assert _form_rows(conn, "rpt_form1", DAY_1) == form1_before
        assert _form_rows(conn, "rpt_form2", DAY_1) == form2_before
        assert _form_rows(conn, "rpt_form1", DAY_2) == []
    assert _folder_digest(settings.output_dir / DAY_1.isoformat()) == files_before
    assert not (settings.output_dir / DAY_2.isoformat()).exists()
    # The beat's rows are quarantined as a hierarchy conflict; its consumers leave the forms, so the
    # units above it no longer add up and dbt's data test or a release check stops the day.
    day_2_log = (tmp_path / "dag-day2.log").read_text(errors="replace")
    assert "hierarchy conflict" in day_2_log
    assert "ALERT samadhan_daily" in day_2_log
