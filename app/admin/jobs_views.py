"""Background jobs for the administrator: failed RQ jobs (with retry) and undelivered email.

With Redis the page lists each queue's counts and its FailedJobRegistry (function, ids,
error summary, a "retry" button). Embedded (no Redis) jobs run in-process after commit;
the page says so and lists notifications whose email is still undelivered — those are
retried by the periodic run, or at once with the button.
"""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import bp
from app.auth.forms import EmptyForm
from app.jobs import jobs_inline, monitor
from app.jobs.notifications import retry_pending_emails
from app.permissions import require_permission

log = logging.getLogger(__name__)


@bp.get("/jobs")
@require_permission("admin.jobs")
def jobs():
    inline = jobs_inline()
    queues, failed, redis_error = [], [], None
    if not inline:
        try:
            queues = monitor.queue_overview()
            failed = monitor.failed_jobs()
        except Exception as error:  # Redis down: say so instead of a 500
            log.exception("jobs page: Redis unavailable")
            redis_error = str(error)
    pending_total, pending = monitor.pending_emails()
    return render_template(
        "admin/jobs.html",
        inline=inline,
        queues=queues,
        failed=failed,
        redis_error=redis_error,
        pending_total=pending_total,
        pending=pending,
        form=EmptyForm(),
    )


@bp.post("/jobs/retry")
@require_permission("admin.jobs")
def retry_job():
    if EmptyForm().validate_on_submit() and not jobs_inline():
        queue, job_id = request.form.get("queue", ""), request.form.get("job_id", "")
        if monitor.requeue_failed(queue, job_id):
            moved = _(
                "Đã đưa công việc %(job)s trở lại hàng đợi %(queue)s.", job=job_id, queue=queue
            )
            flash(moved, "info")
        else:
            flash(_("Không tìm thấy công việc lỗi %(job)s.", job=job_id), "error")
    return redirect(url_for("admin.jobs"))


@bp.post("/jobs/retry-emails")
@require_permission("admin.jobs")
def retry_emails():
    if EmptyForm().validate_on_submit():
        from datetime import timedelta

        count = retry_pending_emails(grace=timedelta(0))
        if jobs_inline():
            flash(_("Đã gửi lại %(n)s email.", n=count), "info")
        else:
            flash(_("Đã đưa lại vào hàng đợi %(n)s email.", n=count), "info")
    return redirect(url_for("admin.jobs"))
