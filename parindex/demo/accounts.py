"""The demo accounts' shared password. Demo accounts cannot log in outside debug mode."""

DEMO_PASSWORD = "demo-parindex-2025"
