"""Settings for the test suite: the real settings, with a throwaway data folder and a fast hasher."""

import os
import tempfile

os.environ.setdefault("PARINDEX_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("PARINDEX_DATA_DIR", tempfile.mkdtemp(prefix="parindex-tests-"))

from parindex.web.settings import *  # noqa: F403

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing

# Hashing with the default PBKDF2 costs ~0.3 s per login; tests log in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Jobs run inside the request in tests, so that a test sees their result (Django's immediate
# tasks backend; tests/jobs/ also run them through the database backend and a real worker).
PARINDEX_JOB_RUNNER = "immediate"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
