"""Run the suite's checks through Great Expectations (GX Core 1.24) against the warehouse.

Each run builds one ephemeral GX context with a Postgres data source on the warehouse URL. Each
(table, batch filter) pair becomes a query asset that selects that table's rows for the day, with
its own expectation suite and validation definition, and one checkpoint runs them all. Each
expectation carries the check's severity (`fail` as GX's "critical", `warn` as "warning") and the
check's name in `meta`, which is how the results are matched back to the checks.

Great Expectations is imported inside `run_with_gx`, because its import takes about 5 seconds and
the command line and DAG files import this package without running any check.
"""

from __future__ import annotations

import functools
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samadhan.checks.suite import COUNT_COLUMN, CheckDefinition, Suite

log = logging.getLogger(__name__)

GX_SEVERITY = {"fail": "critical", "warn": "warning"}
DATA_DOCS_SITE = "release_checks"


class CheckError(RuntimeError):
    """A check could not run (missing table, SQL error, unreachable warehouse): the verdict is unknown."""


@dataclass(frozen=True)
class Finding:
    """The violations GX found for one check: their number and the first of the violating rows."""

    check: CheckDefinition
    failing_rows: int
    rows: list[dict[str, Any]]
    # How many rows describe every violation: failing_rows, except for a duplicated key, where the
    # rows are the distinct keys and failing_rows counts every row that shares one.
    row_total: int | None = None


def _batch_alias_needed(query: str) -> bool:
    """Return whether GX substitutes `{batch}` without an alias, leaving the alias to the query.

    GX 1.24 writes `(batch query) AS subselect` for `{batch}` unless the query contains a JOIN, in which
    case it writes the bare `(batch query)`. PostgreSQL before 16 rejects a subquery in FROM without
    an alias, so the runner adds one exactly when GX does not. GX's own test decides, so the two can
    never disagree.
    """
    from great_expectations.expectations.metrics.query_metric_provider import _query_has_join_clause

    return _query_has_join_clause(query)


def gx_query(check: CheckDefinition, suite: Suite, parameters: dict[str, str]) -> str:
    """Return the query GX runs for an unexpected_rows check."""
    query = check.unexpected_rows_query(parameters, suite.fragments)
    if _batch_alias_needed(query):
        query = query.replace("{batch}", "{batch} as batch_rows")
    return query


def _quiet_gx_logging() -> None:
    """Keep GX's warnings and errors but not its INFO lines, which a CLI or Airflow task would show.

    GX 1.24 logs hundreds of lines at INFO while it is imported, and its config module sets its own
    logger to INFO to log each ephemeral context's temporary docs folder.
    """
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations.data_context.types.base  # noqa: F401  (sets its logger's level on import)

    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)


@functools.cache
def sampled_unexpected_rows_expectation() -> type:
    """Return the GX expectation class for a query that counts its violations and returns a sample.

    The stock `UnexpectedRowsExpectation` of GX 1.24 runs its query twice, once wrapped in
    `count(*)` and once to fetch the rows, and the fetch reads every violating row into memory.
    This subclass depends on the fetch alone and takes the count from the query's `violating_rows`
    column, as the suite's queries give it. The class is made on first use, because defining it
    imports GX.
    """
    _quiet_gx_logging()
    import great_expectations as gx

    class SampledUnexpectedRowsExpectation(gx.expectations.UnexpectedRowsExpectation):
        """Unexpected rows whose query gives the count of all violations in `violating_rows`."""

        metric_dependencies = ("unexpected_rows_query.table",)

        def _validate(self, metrics: dict, runtime_configuration: dict | None = None, execution_engine=None):
            rows = metrics["unexpected_rows_query.table"]
            count = int(rows[0][COUNT_COLUMN]) if rows else 0
            return {
                "success": count == 0,
                "result": {"observed_value": count, "details": {"unexpected_rows": rows}},
            }

    return SampledUnexpectedRowsExpectation


def _expectation(check: CheckDefinition, suite: Suite, parameters: dict[str, str]) -> Any:
    import great_expectations as gx

    common = {
        "severity": GX_SEVERITY[check.severity],
        "description": check.description,
        "meta": {"check": check.name},
    }
    if check.expectation == "unexpected_rows":
        return sampled_unexpected_rows_expectation()(
            unexpected_rows_query=gx_query(check, suite, parameters), **common
        )
    if check.expectation == "compound_columns_unique":
        return gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=list(check.columns), **common)
    return gx.expectations.ExpectTableRowCountToBeBetween(
        min_value=check.min_rows, max_value=check.max_rows, **common
    )


def _add_data_docs_site(context: Any, folder: Path) -> None:
    context.add_data_docs_site(
        site_name=DATA_DOCS_SITE,
        site_config={
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
        },
    )


def _drop_unused_images(site: Path) -> None:
    """Delete the images GX copies into every site that no page or style sheet names (3.3 MB of tutorial GIFs)."""
    texts = "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in site.rglob("*") if path.suffix in (".html", ".css", ".js")
    )
    for image in (site / "static" / "images").glob("*"):
        if image.is_file() and image.name not in texts:
            image.unlink()


def _replace_folder(built: Path, folder: Path) -> None:
    """Put `built` at `folder` by renames, so that a reader sees the old site or the new one whole."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if folder.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
        folder.rename(old / folder.name)
    built.rename(folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_with_gx(
    suite: Suite,
    checks: list[CheckDefinition],
    parameters: dict[str, str],
    connection_url: str,
    data_docs_dir: Path | None = None,
) -> list[Finding]:
    """Validate every check with one GX checkpoint and return the findings in the checks' order.

    With `data_docs_dir`, GX's own Data Docs of this run (an index and one page per validated batch,
    with each expectation's result) replace whatever that folder held, once the run is over.
    Raises `CheckError` when GX cannot reach the warehouse or a check's query fails.
    """
    _quiet_gx_logging()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    try:
        datasource = context.data_sources.add_postgres(name="warehouse", connection_string=connection_url)
    except Exception as error:  # GX wraps the driver's errors in several exception types
        raise CheckError(f"Great Expectations cannot connect to the warehouse: {_first_line(error)}") from error

    # One asset, suite and validation definition per distinct batch, in the order checks first use it.
    batches: dict[str, tuple[Any, Any]] = {}
    for check in checks:
        batch_query = check.batch_query(parameters)
        if batch_query not in batches:
            number = len(batches) + 1
            asset = datasource.add_query_asset(name=f"batch_{number}_{check.table}", query=batch_query)
            batch_definition = asset.add_batch_definition_whole_table(name="day")
            expectation_suite = context.suites.add(gx.ExpectationSuite(name=f"{suite.name}.batch_{number}"))
            batches[batch_query] = (batch_definition, expectation_suite)
        batches[batch_query][1].add_expectation(_expectation(check, suite, parameters))

    validation_definitions = [
        context.validation_definitions.add(
            gx.ValidationDefinition(name=expectation_suite.name, data=batch_definition, suite=expectation_suite)
        )
        for batch_definition, expectation_suite in batches.values()
    ]
    actions = []
    built_docs = None
    if data_docs_dir is not None:
        data_docs_dir.parent.mkdir(parents=True, exist_ok=True)
        built_docs = Path(tempfile.mkdtemp(prefix=f".{data_docs_dir.name}.new.", dir=data_docs_dir.parent))
        _add_data_docs_site(context, built_docs)
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE]))
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=suite.name,
            validation_definitions=validation_definitions,
            actions=actions,
            result_format={"result_format": "COMPLETE"},
        )
    )
    try:
        checkpoint_result = checkpoint.run()
    except Exception as error:  # a batch query that fails raises here, before any expectation runs
        if built_docs is not None:
            shutil.rmtree(built_docs, ignore_errors=True)
        raise CheckError(f"Great Expectations could not run the release checks: {_first_line(error)}") from error
    if built_docs is not None:
        _drop_unused_images(built_docs)
        _replace_folder(built_docs, data_docs_dir)
        log.info("Great Expectations Data Docs written to %s", data_docs_dir / "index.html")

    results_by_name: dict[str, Any] = {}
    for validation_result in checkpoint_result.run_results.values():
        for expectation_result in validation_result.results:
            results_by_name[expectation_result.expectation_config.meta["check"]] = expectation_result
    return [_finding(check, results_by_name.get(check.name)) for check in checks]


def _finding(check: CheckDefinition, expectation_result: Any) -> Finding:
    if expectation_result is None:
        raise CheckError(f"check {check.name} on {check.table}: Great Expectations returned no result")
    error = _exception_message(expectation_result.exception_info)
    if error:
        raise CheckError(f"check {check.name} on {check.table} could not run: {error}")

    result = expectation_result.result or {}
    if check.expectation == "unexpected_rows":
        rows = [
            {name: value for name, value in row.items() if name != COUNT_COLUMN}
            for row in result.get("details", {}).get("unexpected_rows") or []
        ]
        return Finding(check, int(result.get("observed_value") or 0), rows)
    if check.expectation == "compound_columns_unique":
        rows = [
            {**dict(zip(check.columns, entry["value"], strict=True)), "rows": entry["count"]}
            for entry in result.get("partial_unexpected_counts") or []
        ]
        # The COMPLETE result format lists every violating row, so the distinct keys can be counted.
        keys = {tuple(row[column] for column in check.columns) for row in result.get("unexpected_list") or []}
        return Finding(check, int(result.get("unexpected_count") or 0), rows, row_total=len(keys))
    observed = int(result.get("observed_value") or 0)
    if expectation_result.success:
        return Finding(check, 0, [])
    if check.min_rows is not None and observed < check.min_rows:
        outside = check.min_rows - observed
    else:
        outside = observed - (check.max_rows or 0)
    return Finding(check, outside, [{"rows": observed}])


def _exception_message(exception_info: Any) -> str | None:
    """Return the first error GX caught for an expectation, or None.

    GX 1.24 gives either one `{raised_exception, exception_message}` mapping or a mapping from metric
    ids to such mappings.
    """
    if not isinstance(exception_info, dict):
        return None
    if exception_info.get("raised_exception"):
        return _first_line(exception_info.get("exception_message") or "unknown error")
    for value in exception_info.values():
        if isinstance(value, dict) and value.get("raised_exception"):
            return _first_line(value.get("exception_message") or "unknown error")
    return None


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
