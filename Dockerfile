# Production image: gunicorn serves the web app on port 8000; the same image runs the Celery
# workers and beat (see docker-compose.yml). Only requirements.txt is installed, so the
# embedded development servers are absent and DATABASE_URL / REDIS_URL must be set.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 --user-group csplatform
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Settings only read these at import time (no connection is made); collectstatic needs DEBUG=0
# so that it writes the hashed, compressed files and manifest that production serves.
RUN DEBUG=0 \
    SECRET_KEY=build-time-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DATABASE_URL=postgres://build@build.invalid/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/beat /app/var/media /app/var/prometheus \
    && chown -R csplatform:csplatform /app/var

USER csplatform
EXPOSE 8000
# Workers: WEB_CONCURRENCY (gunicorn reads it), default 1.
# No gunicorn access log: the application writes one JSON line per request (LOG_FORMAT).
CMD ["gunicorn", "csplatform.wsgi", "--bind", "0.0.0.0:8000"]
