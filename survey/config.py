"""Every configuration key with its default; each can be overridden as SURVEY_<KEY> in the environment.

This is the only module that knows where `questionnaires/` and `translations/` live.
"""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    # None means: generated once into the instance folder (see ensure_secret_key).
    "SECRET_KEY": None,
    # None means: a SQLite file in the instance folder.
    "DATABASE_URL": None,
    "SQL_ECHO": False,
    "QUESTIONNAIRES_DIR": str(PROJECT_ROOT / "questionnaires"),
    "TRANSLATIONS_DIR": str(PROJECT_ROOT / "translations"),
    "LANGUAGES": "vi,en",
    "DEFAULT_LOCALE": "vi",
    "LANGUAGE_COOKIE": "lang",
    "DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
    # Base of the short URLs printed in QR codes (<PUBLIC_BASE_URL>/q/<code>).
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    # Login throttling (survey/auth/throttle.py), counted within the window: a (username, client)
    # pair may fail this many times freely, then waits a delay that doubles with each failure up
    # to the maximum; one client failing on any accounts, and an account failing from clients it
    # never signed in from, wait for the window past their limits.
    "LOGIN_FREE_FAILURES": 3,
    "LOGIN_FIRST_DELAY_SECONDS": 2,
    "LOGIN_MAX_DELAY_SECONDS": 300,
    "LOGIN_MAX_FAILURES_PER_USER": 30,
    "LOGIN_MAX_FAILURES_PER_CLIENT": 20,
    "LOGIN_WINDOW_SECONDS": 900,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host/-Port/-Prefix are
    # trusted (Werkzeug's ProxyFix). 0: none, the app is reached directly. Never more than there
    # are: a client could then choose its own address.
    "TRUSTED_PROXY_HOPS": 0,
    # Strict-Transport-Security max-age sent on responses served over HTTPS.
    "HSTS_SECONDS": 365 * 24 * 3600,
    # Citizen (QR) survey integrity (survey/public/integrity.py; the design is in the README).
    # Within the window: ratings one browser on one network may start before they are flagged,
    # ratings one network (IPv4 address, IPv6 /64) may start before all of them are flagged,
    # and before new ones are refused (far above any shared commune Wi-Fi or carrier NAT).
    "QR_CLIENT_WINDOW_SECONDS": 600,
    "QR_BURST_FLAG_COUNT": 5,
    "QR_NETWORK_FLAG_COUNT": 30,
    "QR_RATE_LIMIT_COUNT": 300,
    # A desk's pace: this many ratings counted at one desk within the window flags all of them.
    "QR_DESK_PACE_WINDOW_SECONDS": 60,
    "QR_DESK_PACE_FLAG_COUNT": 10,
    "QR_IDENTICAL_WINDOW_SECONDS": 300,
    "QR_IDENTICAL_FLAG_COUNT": 10,
    # How long a worker may reuse what it read of a service point (the QR hot path reads it on
    # every request); an admin's change reaches citizens within this many seconds.
    "SERVICE_POINT_CACHE_SECONDS": 30,
    # Hashed client keys of citizen ratings are destroyed after this many days (at most 6: they
    # live in a ring of 8 day tables), login attempts (usernames typed, client keys) after the
    # second; both nightly by the worker (or `flask maintenance purge-client-keys` and
    # `purge-login-attempts`).
    "CLIENT_KEY_RETENTION_DAYS": 2,
    "LOGIN_ATTEMPT_RETENTION_DAYS": 30,
    # Responses smaller than this are sent uncompressed (gzip would not pay for itself).
    "COMPRESS_MIN_BYTES": 500,
    # A running export job whose worker has not reported for this long is shown as failed.
    "EXPORT_JOB_STALE_SECONDS": 600,
    # Export files are deleted this many days after they were written (daily job of the worker).
    "EXPORT_FILE_RETENTION_DAYS": 7,
    # Background jobs (worker.py): how many run at once (2 cores: one job beside the web server),
    # and how often, after how long, a job meeting a transient database error is retried (the delay
    # doubles at each retry).
    "JOB_WORKERS": 1,
    "JOB_MAX_RETRIES": 3,
    "JOB_RETRY_DELAY_SECONDS": 10,
    # Results of waves with at least this many counted responses are computed in the background and
    # kept (survey/estimates/snapshots.py); smaller waves are computed in the request.
    "RESULTS_INLINE_MAX_RESPONSES": 50_000,
    # A results computation silent this long has died and may be retaken; a failed one is retried
    # after the second delay.
    "RESULTS_SNAPSHOT_TIMEOUT_SECONDS": 1800,
    "RESULTS_SNAPSHOT_RETRY_SECONDS": 300,
    # Replicate weights of the rebuild kit (exports): JKn when the design has at most this many
    # PSUs (one replicate each), else a bootstrap of this many replicates from this seed.
    "REBUILD_JACKKNIFE_MAX_REPLICATES": 400,
    "REBUILD_BOOTSTRAP_REPLICATES": 200,
    "REBUILD_BOOTSTRAP_SEED": 20251,
    # API tokens expire after this many days (a new one is made on the tokens page).
    "API_TOKEN_DAYS": 365,
    # `flask backup create`: where backups go ("" means instance/backups), how many newest to keep
    # (0 keeps all), and where pg_dump/pg_restore are ("" means PATH, then Debian's newest).
    "BACKUP_DIR": "",
    "BACKUP_KEEP": 14,
    "PG_BIN_DIR": "",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "WTF_CSRF_ENABLED": True,
    "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
}


def _coerce(key, raw, default):
    if isinstance(default, bool):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"SURVEY_{key} must be true or false, got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"SURVEY_{key} must be a whole number, got {raw!r}") from None
    return raw


def load_config(app, overrides=None):
    """Fill app.config from DEFAULTS, then the environment, then `overrides` (tests)."""
    for key, default in DEFAULTS.items():
        app.config[key] = default
        raw = os.environ.get(f"SURVEY_{key}")
        if raw is not None:
            app.config[key] = _coerce(key, raw, default)
    app.config.update(overrides or {})
    if isinstance(app.config["LANGUAGES"], str):
        app.config["LANGUAGES"] = tuple(app.config["LANGUAGES"].split(","))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'survey.db'}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = ensure_secret_key(Path(app.instance_path))


def ensure_secret_key(instance_path: Path) -> str:
    """Return the instance's secret key, generating it on first run (never a hard-coded one)."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        # Write aside, then link: two workers starting at once end up with the same key.
        tmp = instance_path / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return key_file.read_text().strip()
