"""Background statistics exports: the job that builds one, and how it is started.

``queue_export(export_id)`` runs the job in-process at once when embedded (no Redis: the
request that asked waits, and the progress page finds it done) and puts it on the ``default``
queue otherwise. The job takes the export's id and rereads everything (STYLE 16); building an
export twice gives the same file.
"""

from __future__ import annotations

from app.jobs import enqueue, jobs_inline, run_inline

# A whole decade of a city's accidents is two SQL statements and a few sheets: minutes at most.
EXPORT_TIMEOUT = 600


def build_statistics_export(export_id: str) -> None:
    from app.services.statistics_exports import build_export

    build_export(export_id)


def queue_export(export_id: str) -> None:
    """Start building ``export_id`` (see the module docstring). Nothing is written in the
    database, so there is no commit to wait for."""
    if jobs_inline():
        run_inline(build_statistics_export, export_id)
    else:
        job = enqueue(build_statistics_export, export_id, job_id=f"export-{export_id}",
                      job_timeout=EXPORT_TIMEOUT)  # fmt: skip
        if job is None:  # Redis is down: say so on the progress page rather than wait forever
            from app.services.statistics_exports import mark_failed

            mark_failed(export_id)
