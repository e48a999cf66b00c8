# Taza Bot: slim image, non-root, catalogs compiled at build time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite+aiosqlite:////app/data/taza.db \
    MEDIA_DIR=/app/data/media \
    WEB_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY jobs ./jobs
COPY locales ./locales
RUN pip install . \
    && python -m bot compile-locales \
    && useradd --system --uid 10001 --home-dir /app taza \
    && mkdir -p /app/data \
    && chown -R taza /app/data

USER taza
VOLUME ["/app/data"]
EXPOSE 8080
CMD ["python", "-m", "bot"]
