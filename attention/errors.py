"""Errors a person can cause, each carrying a catalogue key so the page can say it in their language."""

from __future__ import annotations

from typing import Any


class PlaygroundError(Exception):
    """Base of the project's own errors: a message a person can act on, in English and Vietnamese.

    ``key`` names a string in `attention.strings`; ``params`` fill its placeholders. ``str(error)`` is
    the English message, so the error reads well in a notebook or a log too.
    """

    def __init__(self, key: str, **params: Any) -> None:
        from attention.strings import t  # late: the catalogue imports nothing from here

        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def message(self, lang: str) -> str:
        """The message in ``lang`` ("en" or "vi")."""
        from attention.strings import t

        return t(self.key, lang, **self.params)


class InputError(PlaygroundError):
    """Numbers, text or settings typed by a person that cannot be used as they are."""


class ModelLoadError(PlaygroundError):
    """A model that could not be loaded: unknown name, no network, a broken directory."""


class TraceError(PlaygroundError):
    """A model that loaded but cannot be traced (for example it returns no attention weights)."""
