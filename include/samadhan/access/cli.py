"""The `samadhan access` command group: keep roles and row-level security in step, and show them."""

from __future__ import annotations

import click


@click.group("access")
def access_group() -> None:
    """Roles, privileges and row-level security of the warehouse's readers."""


@access_group.command("sync")
@click.option("--prefix", default=None, help="Role-name prefix; default SAMADHAN_ROLE_PREFIX, empty if unset.")
def sync_command(prefix: str | None) -> None:
    """Create or update roles, privileges, policies and masked views (safe to rerun).

    Passwords come from SAMADHAN_PASSWORD_<ROLE> or the file named by SAMADHAN_SECRETS_FILE; a role
    without one is kept NOLOGIN. Rerun after the first release to create the discom readers.
    """
    from samadhan.access.passwords import SecretsFileError
    from samadhan.access.roles import RoleSetupError
    from samadhan.access.sync import sync_access
    from samadhan.warehouse import connect

    try:
        with connect() as conn:
            report = sync_access(conn, prefix=prefix)
    except (SecretsFileError, RoleSetupError) as error:
        raise click.ClickException(str(error)) from None
    for line in report.lines():
        click.echo(line)


@access_group.command("status")
@click.option("--prefix", default=None, help="Role-name prefix; default SAMADHAN_ROLE_PREFIX, empty if unset.")
def status_command(prefix: str | None) -> None:
    """Show the managed roles, the discoms each reader reads, and row-level security per released table."""
    from samadhan.access.policies import table_policy_status
    from samadhan.access.roles import role_names
    from samadhan.warehouse import connect

    names = role_names(prefix)
    fixed = [names.loader, names.builder, names.pipeline, names.reader, names.statewide_reader]
    with connect() as conn:
        scope: dict[str, str] = {}
        if conn.execute("select to_regclass('access.reader_discoms')").fetchone()[0] is not None:
            scope = dict(conn.execute(
                "select role_name, string_agg(discom_code, ', ' order by discom_code) from access.reader_discoms"
                " group by role_name").fetchall())
            for (role,) in conn.execute("select role_name from access.statewide_readers"):
                scope[role] = "all discoms"
        role_list = list(dict.fromkeys(fixed + sorted(scope)))
        can_login = dict(conn.execute(
            "select rolname, rolcanlogin from pg_roles where rolname = any(%s)", (role_list,)).fetchall())
        for name in role_list:
            if name not in can_login:
                click.echo(f"role {name}: missing (run samadhan access sync)")
                continue
            sees = f", sees {scope[name]}" if name in scope else ""
            click.echo(f"role {name}: {'login' if can_login[name] else 'NOLOGIN'}{sees}")
        for relation, enabled, policy_count in table_policy_status(conn):
            state = f"row-level security on, {policy_count} policies" if enabled else "row-level security OFF"
            click.echo(f"{relation}: {state}")
