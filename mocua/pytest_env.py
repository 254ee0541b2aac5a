"""A pytest plugin (pyproject's addopts: -p mocua.pytest_env): the test run is a local one, so
DEBUG defaults to on, as `make demo` sets it. Loaded before pytest-django reads the settings, and
set in the environment so that the processes a test starts (manage.py, Celery, the bench) see it too.
A variable set by the caller wins; tests of production settings pass DEBUG=false explicitly."""

import os

os.environ.setdefault("DEBUG", "true")
