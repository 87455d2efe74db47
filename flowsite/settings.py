"""The one settings module. Every value comes from the environment; see README "Configuration"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from flowsite.env import (
    broker_transport,
    encryption_key,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    path_mode_set,
    secret_key,
    state_dir,
)
from flowsite.layers import channel_layers_setting

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = state_dir()

SECRET_KEY = secret_key()
# Encrypts stored secrets (apps/core/crypto.py); values stored under the SECRET_KEY-derived
# key of earlier versions are still read.
ENCRYPTION_KEY = encryption_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "channels",
    "apps.core",
    "apps.accounts",
    "apps.network",
    "apps.processors",
    "apps.flows",
    "apps.calls",
    "apps.engine",
    "apps.live",
    "apps.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
]

# Served over https (behind a proxy that sets X-Forwarded-Proto): cookies only over https,
# HSTS for a year, http redirected.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000)
    SECURE_SSL_REDIRECT = env_bool("HTTPS_REDIRECT", True)

# A request body over this many bytes is refused with a 413 naming the limit (apps.core.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_BYTES", 2_621_440)

ROOT_URLCONF = "flowsite.urls"
WSGI_APPLICATION = "flowsite.wsgi.application"
ASGI_APPLICATION = "flowsite.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.web.context_processors.navigation",
            ],
        },
    },
]


def _database() -> dj_database_url.DBConfig:
    url = env_str("DATABASE_URL", f"sqlite:///{STATE_DIR / 'elasticcode.sqlite3'}")
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        sqlite_private(str(config["NAME"]))
        # WAL lets the web process read while a worker writes; IMMEDIATE avoids
        # "database is locked" upgrades from read to write transactions.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


def sqlite_private(name: str) -> None:
    """Create the database file 0600 before SQLite does (with 0644); its -wal and -shm
    files take the same mode."""
    if not name or name.startswith((":", "file:")):
        return
    path = Path(name)
    if path.parent.is_dir():
        path.touch(mode=0o600, exist_ok=True)
        path_mode_set(path, 0o600)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Django's four validators: length (8), not like the user's name or e-mail, not one of the
# 20,000 most common passwords, not only digits.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = STATE_DIR / "collected-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
BROKER_URL = env_str("BROKER_URL", REDIS_URL)

# Live events (apps/live): the publisher blocks on the stream and sends what it read at once,
# one batch per topic, with reads at least LIVE_TICK_MS apart under load (so a channel holds a
# few messages, not one per event). A connection sends a frame (at most LIVE_FRAME_MAX events)
# at once when idle; under load a process sends about LIVE_FRAMES_PER_SECOND frames, shared by
# its busy connections, each waiting at most LIVE_FRAME_MS. What the layer still drops (a full
# channel, an expired message) shows as a gap in the topic's totals and is reported.
CHANNEL_LAYERS = channel_layers_setting(REDIS_URL, capacity=env_int("CHANNEL_CAPACITY", 10000), expiry=60)
LIVE_FRAME_MS = env_int("LIVE_FRAME_MS", 100)
LIVE_FRAMES_PER_SECOND = env_int("LIVE_FRAMES_PER_SECOND", 2000)
# Seconds between re-checks of a live connection's subscriptions against the user's rights.
LIVE_RIGHTS_RECHECK_SECONDS = env_float("LIVE_RIGHTS_RECHECK_SECONDS", 5.0)
LIVE_FRAME_MAX = env_int("LIVE_FRAME_MAX", 500)
LIVE_PENDING_MAX = env_int("LIVE_PENDING_MAX", 50_000)
# A reconnecting client asks for what came after the last stream id it saw; at most this many
# stream entries are read back for it, past that it is told to reload ("resync").
LIVE_REPLAY_MAX = env_int("LIVE_REPLAY_MAX", 10_000)
LIVE_READ_COUNT = env_int("LIVE_READ_COUNT", 500)
LIVE_TICK_MS = env_int("LIVE_TICK_MS", 10)
LIVE_SNAPSHOT_SECONDS = env_int("LIVE_SNAPSHOT_SECONDS", 5)

CELERY_BROKER_URL = BROKER_URL
# Redis has no queue limit of its own: every process (web, workers, agents) publishes
# through a transport whose push onto a bounded queue is one atomic capped step
# (apps.engine.redis_capped). Other brokers keep kombu's transport for their URL.
CELERY_BROKER_TRANSPORT = broker_transport(BROKER_URL)
CELERY_RESULT_BACKEND = env_str("RESULT_BACKEND", REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker whose broker went away keeps trying to reconnect (every 2, 4... up to 30 s) for
# BROKER_CONNECTION_MAX_RETRIES attempts, 0 for ever (the default; Celery's own gives up
# after 100, some 45 minutes, and the worker exits: an agent starts it again).
CELERY_BROKER_CONNECTION_MAX_RETRIES = env_int("BROKER_CONNECTION_MAX_RETRIES", 0) or None
# Celery's Django fixup closes the database connection before and after every task unless
# this is set; workers then keep it for this many tasks, and apps.engine.tasks checks it
# before each call the way Django does before each request (a new connection per call
# costs a PostgreSQL backend fork and a handshake).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
# celery beat fires the sockets' schedules only while it holds the scheduler lease (apps.engine.beat).
CELERY_BEAT_SCHEDULER = "apps.engine.beat:ElectedScheduler"
CELERY_TIMEZONE = TIME_ZONE

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.accounts.permissions.HasRight"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.PlatformAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": env_str("LOGIN_RATE", "10/min")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ElasticCode API",
    "DESCRIPTION": "The meta-model of an ElasticCode network: every object, behind its right.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "apps.core.models.Status", "RightEnum": "apps.accounts.rights.Right",
        "CallStateEnum": "apps.calls.models.CallState", "QueueStateEnum": "apps.network.models.QueueState",
        "BrokerStateEnum": ["ok", "unreachable", "unknown"],
    },
}

def _cache_url(redis_url: str) -> str:
    """CACHE_URL, else REDIS_URL's server with database 2: a database of its own, since
    clearing a Redis cache empties its whole database."""
    explicit = env_str("CACHE_URL", "")
    if explicit:
        return explicit
    base, _, last = redis_url.rstrip("/").rpartition("/")
    return f"{base}/2" if last.isdigit() and base.count("/") >= 2 else f"{redis_url.rstrip('/')}/2"


# The shared cache (every web process and worker sees the same counts): the log-in limits.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": _cache_url(REDIS_URL), "KEY_PREFIX": "elasticcode"}}

# Processors: where mounts live and which repositories may be used.
MOUNT_ROOT = Path(env_str("MOUNT_ROOT", str(STATE_DIR / "mounts")))
ALLOW_FILE_REPOSITORIES = env_bool("ALLOW_FILE_REPOSITORIES", False)
# The interpreter processors' virtualenvs are built from (empty: the platform's own). The
# runner user must be able to run it: not one under a private home such as /root.
MOUNT_PYTHON = env_str("MOUNT_PYTHON", "")
# Workers running as root start user code as this unprivileged user (apps/engine/runner_user.py).
RUNNER_USER = env_str("RUNNER_USER", "elasticcode-runner")

ADMIN_USERNAME = env_str("ADMIN_USERNAME", "admin")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Serve static/ straight from the finders: no collectstatic step for the embedded default.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Redis only: a message a dead worker took comes back after the visibility timeout; the
# sweep that brings it back runs every BROKER_RESTORE_INTERVAL seconds. The capped transport
# renews the messages a live worker holds (apps.engine.redis_lease), so there the timeout
# bounds a holder's silence, not a call's length; kombu's own (rediss://) does not, so there
# it must outlast the longest call.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "visibility_timeout": env_int("BROKER_VISIBILITY_TIMEOUT", 60 if CELERY_BROKER_TRANSPORT else 3600),
    "unacked_restore_interval": env_int("BROKER_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
    # AMQP: every publish is confirmed, so a full queue (reject-publish) refuses it loudly
    # instead of dropping it (apps.engine.pressure). Redis ignores the option.
    "confirm_publish": True,
}
# Back pressure: a producer held by a full queue resumes below this fraction of its limit;
# a broker that does not confirm a publish within BROKER_CONFIRM_TIMEOUT seconds is an error.
BACKPRESSURE_LOW_WATERMARK = env_float("BACKPRESSURE_LOW_WATERMARK", 0.8)
BROKER_CONFIRM_TIMEOUT = env_float("BROKER_CONFIRM_TIMEOUT", 5.0)
# How long one connection attempt to the broker may take. A submit tries twice
# (apps.engine.dispatch.SUBMIT_RETRY) and then answers 503: within the confirm timeout.
BROKER_CONNECT_TIMEOUT = env_float("BROKER_CONNECT_TIMEOUT", 2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = BROKER_CONNECT_TIMEOUT  # Redis; AMQP ignores it

# Data flows: a run stops after HOP_LIMIT plug hops (cycles are allowed); a join waits
# JOIN_TTL seconds for its arguments unless its plug's queue sets a message TTL.
HOP_LIMIT = env_int("HOP_LIMIT", 100)
JOIN_TTL = env_int("JOIN_TTL", 3600)
# Workers keep the topology (sockets, plugs, queues, processors) in memory, re-read when a
# write bumps the topology generation (apps.core.topology) and at least every this many seconds.
TOPOLOGY_MAX_AGE = env_float("TOPOLOGY_MAX_AGE", 30.0)
# A worker prepares the statements of a call's start and outcome once per database connection
# (apps.engine.sql). Turn off behind a pooler that does not keep a session per client
# (PgBouncer in transaction mode).
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)

# Platform housekeeping runs on the platform queue (mounts, schedule firings, join expiry).
PLATFORM_QUEUE = "elasticcode.platform"
# The scheduler (celery beat with apps.engine.beat): one beat fires the sockets' schedules,
# the one holding a Redis lease it renews every tick; another takes over within
# SCHEDULER_LEASE_SECONDS of its stop. A slot fired more than SCHEDULE_MISSED_AFTER seconds
# late counts as missed and follows the socket's missed-run policy.
SCHEDULER_LEASE_SECONDS = env_float("SCHEDULER_LEASE_SECONDS", 10.0)
SCHEDULE_MISSED_AFTER = env_float("SCHEDULE_MISSED_AFTER", 30.0)
CELERY_BEAT_SCHEDULE = {
    "expire-joins": {"task": "elasticcode.expire_joins", "schedule": 30.0, "options": {"queue": PLATFORM_QUEUE}},
}

# The queue monitor (manage.py queue_monitor) keeps its samples QUEUE_MONITOR_RETENTION
# seconds and computes arrival and completion rates over QUEUE_MONITOR_RATE_WINDOW seconds.
QUEUE_MONITOR_RETENTION = env_int("QUEUE_MONITOR_RETENTION", 3600)
QUEUE_MONITOR_RATE_WINDOW = env_int("QUEUE_MONITOR_RATE_WINDOW", 10)
# Seconds the monitor keeps what it samples (sockets, plugs, their queues and processors)
# without a control-channel message saying they changed (a queue's own edit sends none).
QUEUE_MONITOR_TARGETS_TTL = env_float("QUEUE_MONITOR_TARGETS_TTL", 10.0)
# The outbox sweeper (run by the queue monitor every SWEEP_SECONDS, see apps.engine.outbox)
# sends again calls queued longer than SWEEP_GRACE_SECONDS whose message the broker lost,
# at most SWEEP_BATCH a queue per sweep; a call lost more than SWEEP_MAX_RESENDS times fails.
SWEEP_SECONDS = env_float("SWEEP_SECONDS", 15.0)
SWEEP_GRACE_SECONDS = env_float("SWEEP_GRACE_SECONDS", 30.0)
SWEEP_BATCH = env_int("SWEEP_BATCH", 500)
SWEEP_MAX_RESENDS = env_int("SWEEP_MAX_RESENDS", 5)
# The scaler (run by the queue monitor) scales a processor down only after two windows of
# SCALER_WINDOW seconds agree, then SCALER_HOLD seconds more (see apps.engine.scaling).
# Idle capacity is given back within a minute: the rate window still holds the last burst
# for its first 10 s, then two windows (20 s), the hold (20 s) and a worker retiring (~3 s).
SCALER_WINDOW = env_int("SCALER_WINDOW", 10)
SCALER_HOLD = env_int("SCALER_HOLD", 20)

# Agents: each heartbeats its node every AGENT_HEARTBEAT seconds; a node silent for
# AGENT_DOWN_AFTER seconds is marked down and its deployments move to healthy nodes.
AGENT_HEARTBEAT = env_int("AGENT_HEARTBEAT", 3)
AGENT_DOWN_AFTER = env_int("AGENT_DOWN_AFTER", 15)
# Warmed-up worker processes an agent keeps ready (~50 MB each): a start takes ~1 s with one.
AGENT_STANDBY = env_int("AGENT_STANDBY", 1)
