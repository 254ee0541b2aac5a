#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mocua.settings")
    # manage.py is the developer's tool on a checkout: DEBUG on unless the environment says otherwise.
    # What serves pages (gunicorn through mocua/wsgi.py, Celery) defaults to off (mocua/settings.py),
    # and the image sets DEBUG=false for every process it runs, manage.py included (Dockerfile).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
