"""The registration every patch module shares: a list of patch functions, each applied once.

A module declares `PATCHES = PatchSet()` and decorates each patch with `@PATCHES.patch`;
server.py calls the module's `apply_all()` before the server serves its first request. Owns no
patch itself.
"""

from __future__ import annotations

from typing import Callable


class PatchSet:
    """Patch functions in declaration order, applied at most once."""

    def __init__(self) -> None:
        self.patches: list[Callable[[], None]] = []
        self.applied: list[str] = []

    def patch(self, fn: Callable[[], None]) -> Callable[[], None]:
        self.patches.append(fn)
        return fn

    def apply_all(self) -> list[str]:
        """Applies every patch once; returns their names (for the startup log)."""
        if not self.applied:
            for fn in self.patches:
                fn()
                self.applied.append(fn.__name__)
        return list(self.applied)
