"""Typed claims the data could falsify: superlatives, "only", "none", "first", "every", counts.

A sentence of the prose that the data could prove wrong is either glued from the data or
asserted next to the code that feeds it::

    nk.claim("the British figure of late March is the highest of all", holds)

``text`` is quoted exactly from the prose (tests/test_chapters.py checks that it is there),
so when new rows falsify the claim the failed cell, and with it the build, names the
sentence to rewrite.
"""

from __future__ import annotations


class ClaimFalsified(AssertionError):
    """A sentence of the prose that the data no longer bear out."""


def claim(text: str, holds, why: str = "") -> None:
    """Fail with a message quoting ``text`` unless ``holds`` is true."""
    if not bool(holds):
        raise ClaimFalsified(f"The chapter says “{text}”, but the data no longer bear it out"
                             + (f": {why}" if why else ".") + " Rewrite the sentence or fix the data.")
