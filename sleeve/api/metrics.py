"""Prometheus metrics: request latency by route, and job gauges read from the database."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from sleeve.service.context import Services
from sleeve.service.health import job_counts

REQUEST_SECONDS = Histogram(
    "sleeve_http_request_duration_seconds",
    "HTTP request latency by route template.",
    ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class JobCollector(Collector):
    """Jobs by state and queue depth, read at scrape time so every process agrees."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = job_counts(self.services)
        by_state = GaugeMetricFamily("sleeve_jobs", "Jobs by state.", labels=["state"])
        for state, n in counts.items():
            by_state.add_metric([state], n)
        yield by_state
        yield GaugeMetricFamily("sleeve_queue_depth", "Jobs waiting to run.",
                                value=counts["queued"])


def app_registry(services: Services) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(JobCollector(services))
    return registry


def render_metrics(registry: CollectorRegistry) -> bytes:
    # Process-wide metrics (requests, render seconds) plus this app's job gauges.
    return generate_latest(REGISTRY) + generate_latest(registry)
