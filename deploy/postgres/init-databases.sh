#!/bin/bash
# Create the metadata databases of Airflow and Metabase beside the warehouse, each with its own owner.
# The postgres image runs this once, when it initialises an empty data volume; the warehouse database
# itself is POSTGRES_DB. Roles of the warehouse are made later by `samadhan access sync`.
set -euo pipefail

: "${AIRFLOW_DB_PASSWORD:?AIRFLOW_DB_PASSWORD is not set}"
: "${METABASE_DB_PASSWORD:?METABASE_DB_PASSWORD is not set}"

# psql's :'name' quoting keeps any character of a password safe.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v airflow_password="$AIRFLOW_DB_PASSWORD" -v metabase_password="$METABASE_DB_PASSWORD" <<'SQL'
create role airflow login password :'airflow_password';
create database airflow owner airflow;
create role metabase login password :'metabase_password';
create database metabase owner metabase;
SQL
echo "Created databases airflow and metabase"
