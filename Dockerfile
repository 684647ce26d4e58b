# ReConnect, production image: one image for web (daphne), worker and beat (see docker-compose.yml).

# Front-end packages (htmx) from npm, with the lock file; only node_modules is carried over.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RECONNECT_ENV=production

# gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .
COPY --from=frontend /build/node_modules ./node_modules

# Translations (no settings needed), then static files into var/staticfiles, served by whitenoise.
# collectstatic only reads settings: these build-time values reach no server and are not kept in the image.
RUN django-admin compilemessages --ignore=node_modules --ignore=var \
    && SECRET_KEY=build-only-not-a-secret-build-only-not-a-secret-build-only \
       FIELD_ENCRYPTION_KEYS=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
       DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 \
       EMAIL_URL=smtp://localhost:25 \
       ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput --verbosity 0

# Run as a user without privileges; only var/ (media, beat schedule) is writable.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin reconnect \
    && mkdir -p /app/var/media \
    && chown -R reconnect:reconnect /app/var
USER reconnect

EXPOSE 8000
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "--proxy-headers", "reconnect.asgi:application"]
