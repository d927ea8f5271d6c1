# The portal's image: gunicorn by default; docker-compose.yml runs the Celery worker and beat from it too.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# Pango, HarfBuzz and the Noto fonts are what WeasyPrint renders badge and certificate PDFs
# with (Noto covers Urdu); gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 expo \
    && useradd --system --uid 10001 --gid expo --create-home --home-dir /home/expo expo

WORKDIR /app

# Requirements first, so that a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files and translations are built into the image, owned by root and read-only for the
# portal. The key below only lets the settings load here; the running container needs a real
# SECRET_KEY from the environment.
RUN SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=0 python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=0 python manage.py compilemessages \
    && mkdir -p var/media var/private var/mail \
    && chown expo:expo var/media var/private var/mail

USER expo

EXPOSE 8000

# Sync workers, named explicitly: a request holds one for its whole time (a floor-plan PDF 1–2 s), and
# gunicorn's own default is a single one. Set WEB_CONCURRENCY to about twice the cores plus one.
CMD ["sh", "-c", "exec gunicorn expo.wsgi:application --bind 0.0.0.0:8000 --workers \"$WEB_CONCURRENCY\" --access-logfile -"]
