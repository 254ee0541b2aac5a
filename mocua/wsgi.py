import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mocua.settings")
application = get_wsgi_application()

# Under `gunicorn --preload` (the Dockerfile, the bench) this runs once, in the master, before it forks
# the workers, which then share all of it copy-on-write: so load every view module (the URLconf) and
# the PDF stack here, then freeze the objects made so far out of the garbage collector's reach, since
# a collection in a worker writes to every object it visits and so copies the shared pages
# (measured in docs/benchmarks.md, "Memory").
from django.urls import get_resolver  # noqa: E402

from dossiers.documents import preload_pdf  # noqa: E402

get_resolver().url_patterns  # noqa: B018
preload_pdf()
gc.collect()
gc.freeze()
