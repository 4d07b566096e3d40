"""The day's notice run: number the new eligible defaulters, then write one PDF bundle per beat, on two processes."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tqdm import tqdm

from samadhan.notices.bundles import BeatBundle, count_day_notices, iter_day_bundles
from samadhan.notices.register import register_new_notices
from samadhan.notices.render import write_bundle_pdf
from samadhan.notices.schema import ensure_notice_schema
from samadhan.rules import load_scheme
from samadhan.settings import load_settings
from samadhan.warehouse import connect

log = logging.getLogger(__name__)

RENDER_WORKERS = 2
# Serialises numbering across concurrent runs, so that two runs never number the same consumer.
REGISTER_LOCK_KEY = 7_416_031
TRACKING_MODELS = "path:models/notices"


@dataclass(frozen=True)
class NoticeRun:
    """Counts and paths of one notice run for a day."""

    day: date
    eligible_defaulters: int  # eligible defaulters of the day, noticed before or now
    new_notices: int  # consumers numbered by this run
    day_notices: int  # notices generated on the day, in the bundles written (a rerun writes them again)
    bundles: tuple[Path, ...] = field(default_factory=tuple)  # one PDF per beat, by beat code
    folder: Path | None = None


def bundle_file_name(beat_code: str) -> str:
    """Return the bundle's file name: the beat code, with any character unsafe in a file name replaced by "_"."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", beat_code) + ".pdf"


def _write_bundle(path: Path, bundle: BeatBundle) -> Path:
    return write_bundle_pdf(path, bundle)


def write_bundles(
    bundles: Iterable[BeatBundle], folder: Path, workers: int = RENDER_WORKERS, total_notices: int | None = None
) -> list[Path]:
    """Write each bundle as `<folder>/<beat_code>.pdf`, `workers` beats at a time; return the paths by beat code.

    `bundles` may be a generator. At most 2 x `workers` bundles are queued or being drawn at a time,
    so memory contains a few beats' notices, whatever the day's number of notices. `total_notices` sizes the
    progress bar, which shows on a terminal only.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    used_paths: set[Path] = set()

    def path_of(bundle: BeatBundle) -> Path:
        path = folder / bundle_file_name(bundle.beat_code)
        if path in used_paths:
            raise ValueError(f"{folder}: beat {bundle.beat_code} gives the same bundle file name as another beat")
        used_paths.add(path)
        paths[bundle.beat_code] = path
        return path

    progress = tqdm(total=total_notices, unit="notice", desc="notices", file=sys.stderr, disable=None)
    with progress:
        if workers <= 1:
            for bundle in bundles:
                _write_bundle(path_of(bundle), bundle)
                progress.update(len(bundle.notices))
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                pending: dict[Future, int] = {}
                for bundle in bundles:
                    pending[pool.submit(_write_bundle, path_of(bundle), bundle)] = len(bundle.notices)
                    if len(pending) >= 2 * workers:
                        done, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for future in done:
                            future.result()
                            progress.update(pending.pop(future))
                for future in as_completed(pending):
                    future.result()
                    progress.update(pending[future])
    return [paths[code] for code in sorted(paths)]


def refresh_tracking(day: date) -> None:
    """Rebuild the notice tracking models for `day`, so that they include the notices just numbered.

    The day's dbt build runs before the notices exist, so without this the tracking tables lag a day.
    """
    from samadhan.transform import dbt_invoke

    dbt_invoke(["build", "--select", TRACKING_MODELS], day)


def generate_notices(day: date, out_dir: Path | None = None, refresh: bool = True) -> NoticeRun:
    """Number every eligible defaulter of `day` who has no notice yet, and write the day's bundles by beat.

    Reads the warehouse after the day's dbt build. New numbers `<scheme code>/<account_no>` go into
    `notices.register` with the amounts printed; a consumer already there is never numbered again.
    The bundles of every notice generated on `day` are then written to `<out_dir>/notices/<beat>.pdf`
    (default `out_dir`: `$SAMADHAN_OUTPUT_DIR/<day>`), so a rerun writes the same files, byte for byte.
    With `refresh`, the tracking models in dbt_project/models/notices are rebuilt for `day` afterwards.
    """
    scheme = load_scheme()
    with connect() as conn:
        ensure_notice_schema(conn)
        conn.commit()
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (REGISTER_LOCK_KEY,))
            eligible, new = register_new_notices(conn, scheme, day)
        registered_today = count_day_notices(conn, day, scheme.code)
        folder = (out_dir if out_dir is not None else load_settings().output_dir / day.isoformat()) / "notices"
        written: list[int] = []

        def counted_bundles() -> Iterator[BeatBundle]:
            for bundle in iter_day_bundles(conn, day, scheme.code, scheme.name_hi):
                written.append(len(bundle.notices))
                yield bundle

        paths = write_bundles(counted_bundles(), folder, total_notices=registered_today) if registered_today else []
        day_notices = sum(written)
    if refresh:
        refresh_tracking(day)
    log.info(
        "%s notices: %s new, %s in %s beat bundles in %s",
        day.isoformat(), f"{new:,}", f"{day_notices:,}", f"{len(paths):,}", folder,
    )
    return NoticeRun(day=day, eligible_defaulters=eligible, new_notices=new, day_notices=day_notices,
                     bundles=tuple(paths), folder=folder)
