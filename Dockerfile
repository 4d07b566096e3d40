# The samadhan image: the project and its locked dependencies (Airflow, dbt, Great Expectations, the
# report writers) on python:3.11-slim. docker-compose.yml runs every Airflow service, the one-shot
# initialisation and the Metabase setup from this one image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DO_NOT_TRACK=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/samadhan/.venv

# The same uv as the Makefile's, so that the lock file is read the same way. Airflow's images use uid
# 50000 with group 0, and so does this one, so that files on shared volumes keep one owner.
RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 50000 --gid 0 --home-dir /home/samadhan samadhan

WORKDIR /opt/samadhan

# Dependencies first: a change to the code alone does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project

COPY include ./include
COPY dags ./dags
COPY dbt_project ./dbt_project
COPY expectations ./expectations
COPY deploy ./deploy
RUN uv sync --locked --no-dev \
    && mkdir -p /opt/airflow/logs /opt/airflow/auth /opt/samadhan/dbt_project/target \
       /data/landing /data/output /data/state \
    && chown -R 50000:0 /opt/airflow /opt/samadhan/dbt_project /data

ENV PATH=/opt/samadhan/.venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    SAMADHAN_LANDING_DIR=/data/landing \
    SAMADHAN_OUTPUT_DIR=/data/output \
    SAMADHAN_STATE_DIR=/data/state

USER 50000
CMD ["samadhan", "--help"]
