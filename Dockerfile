# syntax=docker/dockerfile:1
# One image for every Expe process (gateway + 6 services). The process is chosen by the command:
#   uvicorn <module>:create_app --factory --host 0.0.0.0 --port <port> \
#       --loop uvloop --http httptools --no-access-log
# docker-compose.yml, deploy/k8s and deploy/helm all run it that way.

ARG PYTHON_IMAGE=python:3.12-slim
ARG NODE_IMAGE=node:20-slim

# ---- web: the dashboard and hosted checkout, built into static files the gateway serves ----
FROM ${NODE_IMAGE} AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

# ---- build: resolve dependencies into a virtualenv, then install the project itself ----
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src

# Dependencies first (runtime only, no [dev] extra) so source edits don't invalidate this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# README.md is the package's long description (pyproject `readme`); the [d] makes it optional.
COPY pyproject.toml README.m[d] ./
COPY shared ./shared
COPY gateway ./gateway
COPY services ./services
RUN pip install --no-deps . \
 && python -m compileall -q /opt/venv

# ---- runtime: the virtualenv only, run as an unprivileged user ----
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="expe" \
      org.opencontainers.image.description="Expe payment gateway: gateway and services" \
      org.opencontainers.image.licenses="Apache-2.0"

RUN groupadd --system --gid 10001 expe \
 && useradd --system --uid 10001 --gid expe --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin expe

COPY --from=build /opt/venv /opt/venv
COPY --from=web /web/dist /opt/expe/web
ENV PATH=/opt/venv/bin:$PATH \
    EXPE_WEB_DIR=/opt/expe/web \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EXPE_ENV=production \
    PORT=8000

# Numeric user so Kubernetes' runAsNonRoot can verify it; nothing in the image needs to be written.
USER 10001:10001
WORKDIR /tmp
EXPOSE 8000 8001 8002 8003 8004 8005 8006

# Liveness of whichever process runs here; PORT says which port it listens on (8000 by default).
HEALTHCHECK --interval=10s --timeout=6s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=5)"]

# Default process: the gateway. Override the command to run a service.
CMD ["uvicorn", "gateway.app:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--loop", "uvloop", "--http", "httptools", "--no-access-log"]
