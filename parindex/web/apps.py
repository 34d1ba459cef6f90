from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parindex.web"
    label = "web"
    verbose_name = "parindex"

    def ready(self) -> None:
        # The job runner sits below the apps; the policy, above them, decides whether a
        # queued job's requester may still have it run.
        from parindex import policy
        from parindex.jobs import runner

        runner.set_run_check(policy.job_may_run)
