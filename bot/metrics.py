"""Prometheus metrics of one app, in a registry of its own, so several apps can exist in one process."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ERROR_KINDS = ("turn", "timeout", "busy", "bad_request", "unauthorized")


@dataclass(frozen=True, slots=True)
class ChannelSeries:
    """One channel's series, labelled once: ``labels()`` takes a lock and builds a key on every call,
    which every turn would otherwise pay for four times on the event loop."""

    turns: Counter
    fallbacks: Counter
    handoffs: Counter
    latency: Histogram


class Metrics:
    """Prometheus metrics of one app, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter("giljabi_turns", "Turns handled", ["channel"], registry=self.registry)
        self.fallbacks = Counter(
            "giljabi_fallbacks", "Turns whose text the NLU could not place", ["channel"], registry=self.registry
        )
        self.errors = Counter(
            "giljabi_errors", "Failed turns, bad requests, timeouts and failed sends", ["channel", "kind"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "giljabi_handoffs", "Turns in which the user asked for a person", ["channel"], registry=self.registry
        )
        self.latency = Histogram(
            "giljabi_turn_seconds", "Time the Assistant took for one turn", ["channel"],
            buckets=LATENCY_BUCKETS, registry=self.registry,
        )
        self._series: dict[str, ChannelSeries] = {}

    def declare(self, channel: str) -> None:
        """Show a channel's series from the start (at zero), so rates work before its first turn."""
        self.channel(channel)
        for kind in ERROR_KINDS:
            self.errors.labels(channel=channel, kind=kind)

    def channel(self, channel: str) -> ChannelSeries:
        """The labelled series of ``channel`` (made on first use)."""
        series = self._series.get(channel)
        if series is None:
            series = self._series[channel] = ChannelSeries(
                self.turns.labels(channel=channel), self.fallbacks.labels(channel=channel),
                self.handoffs.labels(channel=channel), self.latency.labels(channel=channel),
            )
        return series

    def error(self, channel: str, kind: str) -> None:
        self.errors.labels(channel=channel, kind=kind).inc()
