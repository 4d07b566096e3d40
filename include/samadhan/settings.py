"""Settings read from the environment, each with a default that works in a fresh clone.

Every other module reads its settings here, so one variable moves a folder or a server for the
command line, the Airflow tasks, dbt and the tests alike.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

# The repository's root: include/samadhan/settings.py is two folders below it.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """The pipeline's settings, read once per call of `load_settings`."""

    # Landing folder: the billing system's export job drops one folder per dump date into it.
    landing_dir: Path
    # Output folder for released forms and notices, one folder per report date.
    output_dir: Path
    # State folder: the embedded PostgreSQL server's data, Airflow's home and the archived raw dumps.
    state_dir: Path
    # A PostgreSQL URL; empty means the embedded server under state_dir.
    database_url: str
    # Name of the warehouse database on either server.
    database_name: str
    # The scheme's rules file (YAML).
    scheme_file: Path
    # A file whose quarantined share of rows is above this fraction fails the release checks.
    max_quarantine_share: Decimal
    # A file whose quarantined share is above this fraction gets a warning.
    warn_quarantine_share: Decimal
    # The DLT template id that Indian SMS gateways require for the revised-bill message.
    sms_dlt_template_id: str


def load_settings() -> Settings:
    """Read the settings from the environment."""
    state_dir = _path_from_env("SAMADHAN_STATE_DIR", PROJECT_ROOT / ".samadhan")
    return Settings(
        landing_dir=_path_from_env("SAMADHAN_LANDING_DIR", PROJECT_ROOT / "landing"),
        output_dir=_path_from_env("SAMADHAN_OUTPUT_DIR", PROJECT_ROOT / "output"),
        state_dir=state_dir,
        database_url=os.environ.get("SAMADHAN_DATABASE_URL", ""),
        database_name=os.environ.get("SAMADHAN_DATABASE_NAME", "samadhan"),
        scheme_file=_path_from_env(
            "SAMADHAN_SCHEME_FILE", PROJECT_ROOT / "include" / "samadhan" / "schemes" / "ots2021.yaml"
        ),
        max_quarantine_share=Decimal(os.environ.get("SAMADHAN_MAX_QUARANTINE_SHARE", "0.05")),
        warn_quarantine_share=Decimal(os.environ.get("SAMADHAN_WARN_QUARANTINE_SHARE", "0.01")),
        sms_dlt_template_id=os.environ.get("SAMADHAN_SMS_DLT_TEMPLATE_ID", "1107163000000000000"),
    )


@contextmanager
def environment_set(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore the previous values."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
