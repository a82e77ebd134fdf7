"""text: language helpers (no papers, no files)."""

from .inline import plain_inline, render_inline

__all__ = ["render_inline", "plain_inline"]
