"""What a page job gives back and what a build writes besides its pages.

Kept apart from :mod:`~vccap.build.run` (papermill, nbconvert, pandas) so that the build's
entry point and the CLI can name them without importing the page machinery: a build that
finds nothing to do never imports it (:mod:`~vccap.build.fresh`).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from vccap.errors import DocumentFailed


@dataclass
class JobResult:
    """The outcome of one page job (``job_id``: ``"actions/<id>"``, ``seconds``: wall time)."""

    job_id: str
    ok: bool
    seconds: float
    cached: bool = False
    error_name: str | None = None
    error_value: str | None = None
    summary: dict[str, Any] | None = None
    documents: tuple[str, ...] = ()  # document formats written (docx, pdf)
    documents_failed: dict[str, str] | None = None  # format -> what the converter said
    executed: bool = True  # False: the page was up to date, only its documents were written
    #: where the job's time went, in seconds (see :func:`vccap.build.run.job_timings`);
    #: None when not run
    timings: dict[str, float] | None = None


@dataclass(frozen=True)
class Output:
    """What a build writes besides the pages (document formats, the Chromium for PDF) and
    where its jobs run (local processes, or a Dask cluster)."""

    formats: tuple[str, ...] = ("html",)
    chromium: str | None = None
    dask: str | None = None  # address of the Dask scheduler running the jobs, if any


def default_jobs() -> int:
    """Pages built in parallel by default: the number of cores (at least 1)."""
    return max(1, os.cpu_count() or 1)


@dataclass
class BuildReport:
    """What a build did: one result per page (built, up to date, failed), the actions whose
    data is invalid, its duration in seconds, whether the audit scanned anything, the figures
    of the disclosure control."""

    out: Path
    results: list[JobResult] = field(default_factory=list)
    invalid_actions: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    audited: bool = False
    log: Path | None = None  # the build log (outside the published folder)
    disclosure: dict[str, Any] = field(default_factory=dict)  # the statistical audit
    formats: tuple[str, ...] = ("html",)
    #: the workspace's own notebooks (name -> pages) and fragments used instead of the kit's
    #: (``{"notebooks": {...}, "fragments": [...]}``; empty when none)
    overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def documents_failed(self) -> list[DocumentFailed]:
        """Documents (docx, pdf) that could not be written; their pages were."""
        return [
            DocumentFailed(r.job_id, fmt, detail)
            for r in self.results
            for fmt, detail in sorted((r.documents_failed or {}).items())
        ]

    @property
    def documents(self) -> list[str]:
        """Documents written by this build (``actions/<id>.docx``…)."""
        return [f"{r.job_id}.{fmt}" for r in self.results for fmt in r.documents]

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if not r.ok]

    @property
    def built(self) -> list[JobResult]:
        return [r for r in self.results if r.ok and not r.cached and r.executed]

    @property
    def cached(self) -> list[JobResult]:
        return [r for r in self.results if r.ok and (r.cached or not r.executed)]


class BuildLog:
    """The build log (``journal.txt`` beside the state): what failed and why, in full."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        path.write_text(f"Construction du {stamp}\n", encoding="utf-8")

    def write(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def lines(self, lines: list[str]) -> None:
        for line in lines:
            self.write("    " + line)


def timings_text(timings: dict[str, float]) -> str:
    """``noyau 0,00 s ; papermill 1,20 s ; …`` for the build log (parsed by the benchmark)."""
    return " ; ".join(f"{k} {v:.3f} s".replace(".", ",") for k, v in timings.items())


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    return {
        "out": str(report.out),
        "results": [asdict(r) for r in report.results],
        "invalid_actions": report.invalid_actions,
        "seconds": report.seconds,
    }
