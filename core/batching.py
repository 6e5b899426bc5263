"""`batched`: the one way the project walks a long list in slices (Python 3.12's
itertools.batched, which Python 3.11 lacks)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

BATCH = 2000  # rows per query where a list of ids goes into `IN (...)`


def batched(items: Iterable[T], size: int = BATCH) -> Iterator[list[T]]:
    """Successive lists of at most `size` items, in order."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
