FROM python:3.11-slim-bookworm
# Pango and fonts with Vietnamese glyphs for WeasyPrint's PDF slips.
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY mocua ./mocua
COPY procedures ./procedures
COPY dossiers ./dossiers
COPY ratings ./ratings
RUN pip install --no-cache-dir .
COPY . .
# DEBUG off for every process of the image (manage.py on a checkout defaults it on); .env may not turn it on by omission.
ENV DJANGO_SETTINGS_MODULE=mocua.settings PYTHONUNBUFFERED=1 DEBUG=false
# Collect as production runs (DEBUG off): the manifest the pages need exists only then. The key is a
# throwaway for this one command (the settings refuse to start without one); it stays in no layer's env.
RUN DEBUG=false SECRET_KEY="collectstatic-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    python manage.py collectstatic --noinput
EXPOSE 8000
# --preload: the master imports the app and the PDF stack once and the workers share it (mocua/wsgi.py);
# a worker is replaced after ~5,000 requests so that a slow leak cannot grow for ever (docs/benchmarks.md).
CMD ["gunicorn", "mocua.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--preload", \
     "--max-requests", "5000", "--max-requests-jitter", "500", "--access-logfile", "-"]
