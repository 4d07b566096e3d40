"""Role passwords, read from the environment or from a secrets file kept outside the repository.

A role's password is looked up as `SAMADHAN_PASSWORD_<ROLE>` (the role name in upper case, with every
character other than a letter or digit replaced by `_`), then in the file named by
`SAMADHAN_SECRETS_FILE`. The file is either YAML (`.yaml` or `.yml`: a mapping of role name to
password) or plain text with one `role=password` per line, `#` starting a comment. Passwords are
never logged, and only their SCRAM-SHA-256 verifiers are sent to the server.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from samadhan.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

ENV_PREFIX = "SAMADHAN_PASSWORD_"
SECRETS_FILE_ENV = "SAMADHAN_SECRETS_FILE"


class SecretsFileError(Exception):
    """The secrets file is missing, inside the repository, or not in one of the two formats."""


def env_key(role: str) -> str:
    """Return the name of the environment variable that contains the password of `role`."""
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", role).upper()


def _parse_key_value(path: Path, text: str) -> dict[str, str]:
    passwords: dict[str, str] = {}
    for line_no, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        role, separator, password = stripped.partition("=")
        if not separator or not role.strip():
            # The line itself is not shown: it may hold a password.
            raise SecretsFileError(f"{path}, line {line_no}: expected role=password")
        passwords[role.strip()] = password.strip()
    return passwords


def _parse_yaml(path: Path, text: str) -> dict[str, str]:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f", line {line + 1}" if line is not None else ""
        raise SecretsFileError(f"{path}{where}: invalid YAML") from None
    if document is None:
        return {}
    if not isinstance(document, Mapping):
        raise SecretsFileError(f"{path}: expected a mapping of role name to password at the top level")
    passwords: dict[str, str] = {}
    for role, password in document.items():
        if not isinstance(role, str) or isinstance(password, Mapping | list):
            raise SecretsFileError(f"{path}: entry {role!r} is not role: password")
        passwords[role] = "" if password is None else str(password)
    return passwords


def read_secrets_file(path: Path) -> dict[str, str]:
    """Read a secrets file into {role: password}; raise `SecretsFileError` if it cannot be used."""
    path = path.expanduser().resolve()
    if path.is_relative_to(PROJECT_ROOT):
        raise SecretsFileError(
            f"secrets file {path} is inside the repository {PROJECT_ROOT}: move it outside, so that it cannot be "
            f"committed, and point {SECRETS_FILE_ENV} at the new place"
        )
    if not path.is_file():
        raise SecretsFileError(f"secrets file {path} not found (set by {SECRETS_FILE_ENV})")
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("Secrets file %s can be read by other users: chmod 600 it", path)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        return _parse_yaml(path, text)
    return _parse_key_value(path, text)


@dataclass(frozen=True)
class Passwords:
    """The sources of role passwords: the environment first, then the secrets file."""

    environment: Mapping[str, str]
    file_passwords: Mapping[str, str] = field(default_factory=dict)
    file_path: Path | None = None

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] | None = None) -> Passwords:
        """Read the passwords of the environment and of the secrets file it names, if any."""
        environment = os.environ if environment is None else environment
        file_setting = environment.get(SECRETS_FILE_ENV, "")
        if not file_setting:
            return cls(environment=dict(environment))
        path = Path(file_setting)
        return cls(environment=dict(environment), file_passwords=read_secrets_file(path), file_path=path)

    def lookup(self, role: str) -> str | None:
        """Return the password of `role`, or None when neither source has a non-empty one."""
        password = self.environment.get(env_key(role)) or self.file_passwords.get(role)
        return password or None

    def describe_missing(self, role: str) -> str:
        """Return the places a password for `role` was looked up in, for the log line about a missing one."""
        if self.file_path:
            return f"{env_key(role)} or the secrets file {self.file_path}"
        return f"{env_key(role)} or a secrets file ({SECRETS_FILE_ENV} unset)"
