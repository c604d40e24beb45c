"""A budget of decoded pixels per process, so concurrent big images cannot add up to an out-of-memory.

``max_pixels`` bounds one image; with ``--threads 4`` four such images could be decoded at once (a 40 MP
image costs ~300 MB while it is decoded and analysed). Each request reserves its image's pixel count, read
from the header, before decoding, and gives it back when it has answered; a request that would go over the
budget waits (small images, the usual traffic, rarely wait at all), and after ``timeout`` seconds it gets
503 with ``Retry-After`` instead of a worker that runs out of memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class BudgetTimeout(Exception):
    """The pixels could not be reserved within the timeout."""


class PixelBudget:
    """At most ``capacity`` pixels reserved at any time (a counting semaphore measured in pixels)."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError(f"the pixel budget must be positive, got {capacity}")
        self.capacity = capacity
        self._in_use = 0
        self._condition = threading.Condition()

    @property
    def in_use(self) -> int:
        with self._condition:
            return self._in_use

    @contextmanager
    def reserve(self, pixels: int, timeout: float) -> Iterator[None]:
        """Hold ``pixels`` (at most ``capacity``) for the ``with`` block; :class:`BudgetTimeout` after
        ``timeout`` seconds of waiting."""
        pixels = min(max(pixels, 0), self.capacity)
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._in_use + pixels > self.capacity:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BudgetTimeout(f"{self._in_use} of {self.capacity} pixels in use, {pixels} more needed")
                self._condition.wait(remaining)
            self._in_use += pixels
        try:
            yield
        finally:
            with self._condition:
                self._in_use -= pixels
                self._condition.notify_all()
