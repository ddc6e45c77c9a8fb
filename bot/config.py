"""Runtime configuration from ``GILJABI_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob the product has; secrets are ``SecretStr`` so they never print by accident."""

    model_config = SettingsConfigDict(env_prefix="GILJABI_", extra="ignore")

    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("giljabi", appauthor=False)))
    database_url: str | None = None
    institution_file: Path | None = None
    timezone: str = "Asia/Seoul"
    telegram_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str | None = None
    kakao_skill_secret: SecretStr | None = None
    #: pace Telegram sends within its limits (per chat and overall); off only for benchmarks
    telegram_rate_limit: bool = True
    #: Kakao i Open Builder Event API (proactive KakaoTalk messages); off unless all three are set
    kakao_event_bot_id: str | None = None
    kakao_event_api_key: SecretStr | None = None
    kakao_event_name: str | None = None
    kakao_event_api_base_url: str = "https://bot-api.kakao.com"
    #: no proactive message goes out in this local-time window ("HH:MM-HH:MM"; empty = none)
    quiet_hours: str = "21:00-08:00"
    #: seconds between dispatcher ticks (rows due later, and what a wake-up missed)
    outbox_tick_seconds: float = 5.0
    #: how long a dispatcher may take to send a claimed batch before its rows are settled "unknown"
    outbox_lease_seconds: float = 120.0
    #: rows claimed per transaction; tries per row before it fails
    outbox_batch: int = 100
    outbox_max_attempts: int = 5
    #: run the dispatcher inside ``giljabi serve`` (off when separate ``giljabi worker`` processes send)
    outbox_in_server: bool = True
    log_level: str = "INFO"
    #: seconds: opening a connection, one statement (or commit, rollback, ping), waiting for a free one
    db_connect_timeout: float = 2.0
    db_statement_timeout: float = 3.0
    db_pool_timeout: float = 1.0
    #: seconds ``giljabi serve`` keeps retrying an unreachable database at start before it gives up
    db_startup_wait: float = 30.0
    #: turns and inactive users older than this are deleted by ``giljabi purge`` (and daily by the server)
    retention_days: int = 730
    #: turns running or queued at once in one process; beyond it the answer is "busy" at once
    #: (1,000 queued turns take about 3 s at the measured ~300 turns a second)
    max_turns_in_flight: int = 1000
    #: a student waiting this long for a consultant gets an apology and the centre's contacts
    handoff_timeout_minutes: int = 30
    #: canned replies of the console (YAML list of {title, text}); default: canned_replies.yml in data_dir
    console_canned_file: Path | None = None
    #: how long a console login lasts
    console_session_hours: int = 12
    #: failed console logins allowed per email (and per address) in 15 minutes
    console_login_attempts: int = 5

    def canned_file(self) -> Path:
        return self.console_canned_file or self.data_dir / "canned_replies.yml"

    def resolved_database_url(self) -> str:
        """The configured URL, or an SQLite file in the data directory (created on demand)."""
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'giljabi.sqlite3').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
