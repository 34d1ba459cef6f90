"""The demo accounts' shared password (kept with the accounts, which refuse it on any other
account: `parindex.accounts.passwords`). Demo accounts cannot log in outside debug mode."""

from parindex.accounts.passwords import DEMO_PASSWORD

__all__ = ["DEMO_PASSWORD"]
