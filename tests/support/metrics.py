"""Read a /metrics answer (Prometheus text format) into samples a test can look up exactly."""

from collections.abc import Mapping

import aiohttp
from prometheus_client.parser import text_string_to_metric_families


class Metrics:
    """The samples of one scrape, by name and labels."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                self._samples[(sample.name, frozenset(sample.labels.items()))] = sample.value

    def value(self, name: str, **labels: str) -> float:
        """The sample `name` with exactly `labels`; 0 when absent (a series not yet counted)."""
        return self._samples.get((name, frozenset(labels.items())), 0.0)

    def has(self, name: str, **labels: str) -> bool:
        return (name, frozenset(labels.items())) in self._samples

    def labelled(self, name: str) -> list[Mapping[str, str]]:
        """The label sets of every sample named `name`."""
        return [dict(labels) for sample, labels in self._samples if sample == name]

    def total(self, name: str, **labels: str) -> float:
        """The sum of the samples `name` whose labels include `labels`."""
        wanted = set(labels.items())
        return sum(
            value
            for (sample, sample_labels), value in self._samples.items()
            if sample == name and wanted <= sample_labels
        )


async def scrape(session: aiohttp.ClientSession, url: str) -> Metrics:
    """GET `url` (a /metrics URL) and parse it; fails unless it answers 200 in the text format."""
    async with session.get(url) as response:
        assert response.status == 200, await response.text()
        assert response.content_type == "text/plain"
        return Metrics(await response.text())


def delta(before: Metrics, after: Metrics, name: str, **labels: str) -> float:
    return after.value(name, **labels) - before.value(name, **labels)
