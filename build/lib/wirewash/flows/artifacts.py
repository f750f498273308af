"""Prefect artifacts of a run, so that its results show in the Prefect UI beside the run.

Three artifacts per run, attached to the flow run (so called from inside it):

* ``wirewash-summary`` - Markdown: the counts, lines removed by category,
  reuse pairs by kind, files not processed (:func:`wirewash.tasks.report.digest.summary_markdown`);
* ``wirewash-clusters`` - a table: one row per near-duplicate cluster, the
  largest first, at most 500 (:func:`wirewash.tasks.report.digest.cluster_rows`);
* ``wirewash-report`` - a link to the run's ``report.html`` (a ``file://``
  address: it opens where the run's files are).

A key groups the artifacts of every run under one name in the UI, newest
first. The content is built by the pure functions in :mod:`wirewash.tasks.report.digest`;
this module only hands it to Prefect.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from wirewash.tasks.report.digest import cluster_rows, summary_markdown

SUMMARY_KEY = "wirewash-summary"
CLUSTERS_KEY = "wirewash-clusters"
REPORT_KEY = "wirewash-report"
CLUSTER_COLUMNS = ("cluster", "copies", "outlets", "first_published", "last_published",
                   "canonical", "canonical_rule", "text")


def publish_artifacts(summary: dict[str, Any], clusters: list[dict[str, Any]], report: Path) -> dict[str, UUID]:
    """Create the run's summary, clusters and report-link artifacts; return their ids by key.

    ``clusters`` are the report's cluster views (:func:`wirewash.tasks.report.data.cluster_views`).
    An empty cluster list still gives a table (with its columns and no rows),
    so the UI says "no clusters" rather than leaving the reader to guess.
    """
    report_uri = report.resolve().as_uri()
    rows = cluster_rows(clusters)
    table: dict[str, list[Any]] = {column: [row[column] for row in rows] for column in CLUSTER_COLUMNS}
    shown = f"{len(rows)} of {len(clusters)}" if len(rows) < len(clusters) else str(len(clusters))
    return {
        SUMMARY_KEY: create_markdown_artifact(
            summary_markdown(summary, str(report)), key=SUMMARY_KEY,
            description=f"wirewash run {summary['run_id']}: counts and decisions"),
        CLUSTERS_KEY: create_table_artifact(
            table, key=CLUSTERS_KEY,
            description=f"near-duplicate clusters of run {summary['run_id']} ({shown}), largest first"),
        REPORT_KEY: create_link_artifact(
            report_uri, link_text=f"report.html of run {summary['run_id']}", key=REPORT_KEY,
            description="the run's self-contained HTML report (opens where the run's files are)"),
    }
