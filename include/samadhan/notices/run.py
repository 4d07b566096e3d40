"""The day's notice run: number the new eligible defaulters, then write one PDF bundle per beat, on two processes."""

from __future__ import annotations

import logging
import re
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tqdm import tqdm

from samadhan.notices.bundles import BeatBundle, read_day_bundles
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


def write_bundles(bundles: list[BeatBundle], folder: Path, workers: int = RENDER_WORKERS) -> list[Path]:
    """Write each bundle as `<folder>/<beat_code>.pdf`, `workers` beats at a time; return the paths by beat code."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {bundle.beat_code: folder / bundle_file_name(bundle.beat_code) for bundle in bundles}
    if len(set(paths.values())) != len(paths):
        raise ValueError(f"{folder}: two beat codes give the same bundle file name")
    progress = tqdm(total=sum(len(bundle.notices) for bundle in bundles), unit="notice", desc="notices",
                    file=sys.stderr, disable=None if bundles else True)
    with progress:
        if workers <= 1 or len(bundles) <= 1:
            for bundle in bundles:
                _write_bundle(paths[bundle.beat_code], bundle)
                progress.update(len(bundle.notices))
        else:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                # The largest beats go first, so that neither process is left with a long one at the end.
                ordered = sorted(bundles, key=lambda bundle: (-len(bundle.notices), bundle.beat_code))
                futures = {pool.submit(_write_bundle, paths[bundle.beat_code], bundle): bundle for bundle in ordered}
                for future in as_completed(futures):
                    future.result()
                    progress.update(len(futures[future].notices))
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
        bundles = read_day_bundles(conn, day, scheme.code, scheme.name_hi)

    folder = (out_dir if out_dir is not None else load_settings().output_dir / day.isoformat()) / "notices"
    paths = write_bundles(bundles, folder) if bundles else []
    day_notices = sum(len(bundle.notices) for bundle in bundles)
    if refresh:
        refresh_tracking(day)
    log.info(
        "%s notices: %s new, %s in %s beat bundles in %s",
        day.isoformat(), f"{new:,}", f"{day_notices:,}", f"{len(paths):,}", folder,
    )
    return NoticeRun(day=day, eligible_defaulters=eligible, new_notices=new, day_notices=day_notices,
                     bundles=tuple(paths), folder=folder)
