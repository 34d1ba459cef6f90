"""WSGI entry point (gunicorn parindex.web.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.web.settings")
application = get_wsgi_application()
