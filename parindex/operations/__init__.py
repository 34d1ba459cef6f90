"""Running an instance: backup and restore (`manage.py backup`, `manage.py restore`), and the
checks behind the health endpoint `/healthz` (docs/operations.md, docs/deployment.md)."""
