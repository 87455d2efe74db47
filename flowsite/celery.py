"""The Celery application of the platform (JSON only, late acknowledgement)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flowsite.settings")

app = Celery("elasticcode")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
