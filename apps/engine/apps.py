from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "apps.engine"
    label = "engine"
    verbose_name = "Engine"

    def ready(self) -> None:
        # Every platform process (web, agent, monitor, publisher, scheduler, worker) holds the
        # settings' secrets in its environment: none may be read through /proc by code of the
        # same user (apps/engine/runner_user.py). Workers also say so loudly when it fails.
        from apps.engine.runner_user import process_undumpable

        process_undumpable()
