"""Receiver for story feedback and newsletter sign-ups, and its reports."""

from .app import ReceiverConfig, create_app

__all__ = ["ReceiverConfig", "create_app"]
