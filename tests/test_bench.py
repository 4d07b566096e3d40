"""`samadhan bench` at tiny scale, end to end: every figure is in the JSON and the ratios are positive.

Slow, because the real DAG and run_day each run two days (3.7 minutes at a load average of 5 on
2 cores, 24 minutes at 9), so it runs on the embedded server only.
Nothing here checks a time against a limit.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from samadhan.cli import main
from samadhan.contract import DUMP_FILES, MANIFEST_NAME
from samadhan.warehouse import ConnectionParams

DAY_1 = "2021-10-21"
DAY_2 = "2021-10-22"


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory, embedded_server: ConnectionParams) -> tuple[dict, Path, str]:
    """Run `samadhan bench --scale tiny` once in a temporary state folder; return JSON, state folder, output."""
    tmp_path = tmp_path_factory.mktemp("bench")
    state_dir = tmp_path / "state"
    out_dir = tmp_path / "results"
    url = ConnectionParams(
        embedded_server.host, embedded_server.port, embedded_server.user, embedded_server.password, "postgres"
    ).sqlalchemy_url().replace("postgresql+psycopg", "postgresql")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAMADHAN_STATE_DIR", str(state_dir))
        patch.setenv("SAMADHAN_DATABASE_URL", url)
        patch.delenv("AIRFLOW_HOME", raising=False)
        result = CliRunner().invoke(main, ["bench", "--scale", "tiny", "--out", str(out_dir)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    (json_file,) = out_dir.glob("tiny-*.json")
    return json.loads(json_file.read_text(encoding="utf-8")), state_dir, result.output


def _manifest_rows(state_dir: Path, day: str) -> dict[str, int]:
    manifest_path = state_dir / "bench" / "tiny" / "landing" / day / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    return {entry["name"]: int(entry["rows"]) for entry in manifest["files"]}


def test_bench_runs_every_step(bench_run: tuple[dict, Path, str]) -> None:
    results, _, _ = bench_run
    assert results["failed_steps"] == []
    assert results["days"] == [DAY_1, DAY_2]
    steps = [
        results["floor"][DAY_1], results["floor"][DAY_2], results["naive"][DAY_1],
        results["full_run"]["dag"][DAY_1], results["full_run"]["dag"][DAY_2],
        results["full_run"]["pipeline"][DAY_1], results["full_run"]["pipeline"][DAY_2],
    ]
    for step in steps:
        assert step["ok"] is True
        assert step["seconds"] > 0
        assert step["wall_seconds"] >= step["seconds"]


def test_bench_floor_copies_every_record(bench_run: tuple[dict, Path, str]) -> None:
    results, state_dir, _ = bench_run
    for day in (DAY_1, DAY_2):
        assert results["floor"][day]["rows"] == _manifest_rows(state_dir, day)


def test_bench_naive_skips_only_bad_rows(bench_run: tuple[dict, Path, str]) -> None:
    results, state_dir, _ = bench_run
    expected = _manifest_rows(state_dir, DAY_1)
    naive_rows = results["naive"][DAY_1]["rows"]
    assert set(naive_rows) == {dump_file.name for dump_file in DUMP_FILES}
    for name, rows in naive_rows.items():
        # pandas skips the rows with too many columns, which tiny dumps have in a few files.
        assert 0 < rows <= expected[name], name


def test_bench_ratios_are_positive(bench_run: tuple[dict, Path, str]) -> None:
    results, _, _ = bench_run
    ratios = results["ratios"]
    assert set(ratios) == {
        "dag_day1_to_floor", "pipeline_day1_to_floor", "dag_day2_to_floor", "pipeline_day2_to_floor",
        "naive_day1_to_floor",
    }
    for name, ratio in ratios.items():
        assert isinstance(ratio, float), name
        assert ratio > 0, name
    day_1 = results["full_run"]["dag"][DAY_1]["seconds"] / results["floor"][DAY_1]["seconds"]
    assert ratios["dag_day1_to_floor"] == pytest.approx(day_1, abs=0.01)


def test_bench_peak_memory_per_kind(bench_run: tuple[dict, Path, str]) -> None:
    peaks = bench_run[0]["peak_memory_mb"]
    assert set(peaks["python_by_kind"]) == {"bench", "step", "airflow"}
    for kind, megabytes in peaks["python_by_kind"].items():
        assert megabytes > 0, kind
    assert peaks["python_max_process"] == max(peaks["python_by_kind"].values())
    assert peaks["postgres_max_process"] > 0
    assert peaks["postgres_total"] >= peaks["postgres_max_process"]
    for step in bench_run[0]["full_run"]["dag"].values():
        assert step["memory"]["python_peak_rss_mb_by_kind"]["airflow"] > 0


def test_bench_database_sizes(bench_run: tuple[dict, Path, str]) -> None:
    sizes = bench_run[0]["database_size_mb"]
    for what, day in (("floor", DAY_1), ("floor", DAY_2), ("naive", DAY_1), ("dag", DAY_1), ("dag", DAY_2),
                      ("pipeline", DAY_1), ("pipeline", DAY_2)):
        assert sizes[what][day] > 0, (what, day)


def test_bench_parse_time_and_notices(bench_run: tuple[dict, Path, str]) -> None:
    results = bench_run[0]
    assert results["dag_parse"]["cold_seconds_median"] > 0
    assert results["dag_parse"]["airflow_preloaded_seconds_median"] > 0
    assert ("seconds" in results["notices"]) != ("skipped" in results["notices"])
    assert set(results["goals"]) == {
        "full_run_at_most_3x_floor", "day2_at_most_1_5x_floor", "no_python_process_above_2gb",
        "dag_parse_under_1s",
    }


def test_bench_prints_table(bench_run: tuple[dict, Path, str]) -> None:
    output = bench_run[2]
    assert f"floor COPY {DAY_1}" in output
    assert f"DAG {DAY_2}" in output
    assert f"run_day {DAY_2}" in output
    assert "figures written to" in output


def test_bench_drops_its_databases(bench_run: tuple[dict, Path, str], embedded_server: ConnectionParams) -> None:
    with psycopg.connect(embedded_server.conninfo(), autocommit=True) as conn:
        left = conn.execute("select datname from pg_database where datname like 'bench_tiny_%'").fetchall()
    assert left == []
