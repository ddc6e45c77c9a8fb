"""The occupation market data file (``giljabi jobs import-market``) as the running bot sees it."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flows.jobs import JobsDialogue
from knowledge.occupations import MarketData, MarketDataError, load_market, market_path

log = logging.getLogger("giljabi.assistant")


class MarketFile:
    """The imported market data, read at start-up and again whenever the file changes — by bot,
    between turns, so the engine's step never touches the disk.

    Turns look at the file at most once every ``every`` seconds (``maybe_refresh``): a ``stat`` on
    every turn released the GIL to the server's event loop mid-turn, which then had to be won back
    (measured: 4% of a loaded server's turn-thread samples)."""

    def __init__(self, jobs: JobsDialogue, data_dir: Path | None, every: float = 1.0) -> None:
        self.jobs, self.data_dir, self.every = jobs, data_dir, every
        self.path = market_path(data_dir) if data_dir is not None else None
        self._stamp: tuple[int, int] | None = None
        self._checked = float("-inf")
        self.refresh()

    def maybe_refresh(self) -> None:
        """``refresh`` unless the file was looked at less than ``every`` seconds ago."""
        if time.monotonic() - self._checked >= self.every:
            self.refresh()

    def refresh(self) -> None:
        self._checked = time.monotonic()
        if self.path is None:
            return
        try:
            st = self.path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        self._stamp = stamp
        try:
            self.jobs.set_market(load_market(self.data_dir) if stamp else MarketData())
        except MarketDataError:
            log.exception("market data unreadable; reports show it as not loaded")
            self.jobs.set_market(MarketData())
