"""Access control of the warehouse: roles, privileges, row-level security and masked views.

`sync_access` (the command `samadhan access sync`) keeps the roles and rules in step;
`apply_policies` is for the release step, to protect tables it has just created.
"""

from samadhan.access.passwords import Passwords, SecretsFileError, env_key
from samadhan.access.policies import apply_policies
from samadhan.access.roles import RoleNames, RoleSetupError, role_names
from samadhan.access.sync import SyncReport, released_discoms, sync_access

__all__ = [
    "Passwords", "RoleNames", "RoleSetupError", "SecretsFileError", "SyncReport", "apply_policies", "env_key",
    "released_discoms", "role_names", "sync_access",
]
