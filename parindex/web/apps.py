from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parindex.web"
    label = "web"
    verbose_name = "parindex"

    def ready(self) -> None:
        # The job runner sits below the apps; the policy, above them, decides whether a
        # queued job's requester may still have it run.
        from django.contrib.auth.signals import user_logged_in
        from django.urls.converters import get_converters, register_converter

        from parindex import policy
        from parindex.jobs import runner
        from parindex.web.accounts import middleware, two_factor
        from parindex.web.converters import IdConverter

        runner.set_run_check(policy.job_may_run)
        # `<id:pk>` in every URL: ids bounded before they reach the database (404, never 500).
        if "id" not in get_converters():
            register_converter(IdConverter, "id")
        # At every login: the second step the user still owes, and the idle clock.
        user_logged_in.connect(two_factor.on_login, dispatch_uid="parindex.two_factor")
        user_logged_in.connect(middleware.on_login, dispatch_uid="parindex.session_idle")
