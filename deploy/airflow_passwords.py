"""Write the Airflow web login's password file from the environment, before the API server starts.

Airflow 3's simple auth manager reads `{user: password}` from the JSON file named by
AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE and would otherwise generate a password and print it
to the log. This writes the one admin user named by AIRFLOW_ADMIN_USER with AIRFLOW_ADMIN_PASSWORD.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    user = os.environ.get("AIRFLOW_ADMIN_USER", "admin")
    password = os.environ.get("AIRFLOW_ADMIN_PASSWORD", "")
    target = os.environ.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE", "")
    if not password or not target:
        print("AIRFLOW_ADMIN_PASSWORD and AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE must be set",
              file=sys.stderr)
        return 2
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({user: password}) + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(path)
    print(f"Airflow login for user {user} written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
