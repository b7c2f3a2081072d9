# Rekisteri in a container: the app installed as a package, run as a user without privileges.
# Data (the SQLite database when there is no DATABASE_URL, files, generated packages) and
# secrets live on volumes, never in the image. See docs/operations.md, "In a container".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REKISTERI_HOME=/data

RUN groupadd --system --gid 10001 rekisteri \
 && useradd --system --uid 10001 --gid rekisteri --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin rekisteri

# Only what the package is built from (.dockerignore keeps var/, secrets and .venv out).
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
# PyICU (rigour and followthemoney transliterate names through normality, which needs it)
# has no wheel on PyPI: it is compiled against libicu here, and only the library stays.
RUN apt-get update \
 && apt-get install -y --no-install-recommends g++ pkg-config libicu-dev \
 && pip install . \
 && apt-mark manual "$(dpkg-query -W -f='${Package}\n' 'libicu[0-9]*' | head -n 1)" \
 && apt-get purge -y g++ pkg-config libicu-dev \
 && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/* /build

RUN mkdir -p /data/secrets && chown -R rekisteri:rekisteri /data && chmod 0700 /data/secrets
USER rekisteri:rekisteri
WORKDIR /data
VOLUME ["/data", "/data/secrets"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

ENTRYPOINT ["rekisteri"]
CMD ["serve", "--addr", "0.0.0.0:8000"]
