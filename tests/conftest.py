"""Fixtures shared by every test folder; helpers live in sitekit.py."""

from sitekit import make_site  # noqa: F401
