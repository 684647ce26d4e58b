import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reconnect.settings")
if os.path.basename(sys.argv[0]) == "celery":
    # The worker forks its processes, and a pool's connections must not cross a fork: Celery's processes open plain
    # connections (the pool, DB_POOL_SIZE, is for the web server's many short requests).
    os.environ["DB_POOL_SIZE"] = "0"

app = Celery("reconnect")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
