"""What every command shares: the configuration, the API client and the output mode."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from apps.cli.errors import CliError
from apps.client.config import Config, load_config
from apps.client.http import ApiClient


@dataclass
class Session:
    config_file: str | None = None
    url_override: str | None = None
    json_output: bool = False
    debug: bool = False
    _config: Config | None = field(default=None, repr=False)
    _client: ApiClient | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_file)
        return self._config

    @property
    def url(self) -> str:
        return self.url_override or self.config.url

    def client(self) -> ApiClient:
        if self._client is None:
            self._client = ApiClient(self.url, self.config.token)
        return self._client

    def lookup(self, path: str, *, name: str | None = None, object_id: str | None = None) -> dict:
        """One object of an API path (``queues``) by id, else by name."""
        if object_id:
            return self.client().get(f"{path}/{object_id}/")
        if not name:
            raise CliError("give the object's name (-n/--name) or its id (--id)")
        return self.client().find(path, name)

    def reset(self) -> None:
        """Forget the loaded configuration (after login/logout changed it)."""
        self.close()
        self._config = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


pass_session = click.make_pass_decorator(Session, ensure=True)


def current_session() -> Session:
    return click.get_current_context().ensure_object(Session)
