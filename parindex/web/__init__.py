"""The Django web platform: settings, URLs, shared templates and static files."""
