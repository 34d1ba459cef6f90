"""The submission package as a background job: it builds the report and the evidence archive
from the assessment as it stands (a `Package`), and gives the archive as the job's file. The
page that starts it asked the policy; the policy asks again just before it runs
(`policy.job_may_run`)."""

from __future__ import annotations

from parindex.jobs.models import Job
from parindex.jobs.runner import Progress, job
from parindex.nationalself.models import NationalSelfAssessment
from parindex.nationalself.services.package import package_build

PACKAGE_JOB = "nationalself.package"


@job(PACKAGE_JOB)
def package_job(task: Job, progress: Progress) -> tuple[str, bytes]:
    assessment = NationalSelfAssessment.objects.select_related("framework", "province").get(
        pk=task.params["assessment"]
    )
    package = package_build(
        actor=task.created_by,
        assessment=assessment,
        proposals=task.params.get("proposals", ""),
        reason=task.params.get("reason", ""),
        progress=progress,
    )
    task.report = {"package": package.pk}
    task.save(update_fields=["report"])
    with package.archive.open("rb") as stream:
        return package.archive_name, stream.read()
