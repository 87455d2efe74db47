"""The configuration file: 0600, environment overrides, ``flow --config``."""

from __future__ import annotations

import stat

from click.testing import CliRunner

from apps.cli.main import cli
from apps.client.config import DEFAULT_URL, load_config, save_config


def test_it_writes_the_file_for_the_owner_only(tmp_path):
    path = tmp_path / "conf" / "flow.ini"
    save_config(path, url="http://flow.test", token="ec_secret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    config = load_config(path, environ={})
    assert (config.url, config.token) == ("http://flow.test", "ec_secret")


def test_the_environment_overrides_the_file(tmp_path):
    path = tmp_path / "flow.ini"
    save_config(path, url="http://file.test", token="ec_file")
    config = load_config(None, environ={"FLOW_CONFIG": str(path), "FLOW_URL": "http://env.test",
                                        "FLOW_TOKEN": "ec_env"})
    assert (config.url, config.token, config.path, config.token_from_env) == ("http://env.test", "ec_env", path, True)


def test_without_a_file_it_uses_the_default_url(tmp_path):
    config = load_config(tmp_path / "missing.ini", environ={})
    assert (config.url, config.token) == (DEFAULT_URL, None)


def test_flow_config_prompts_for_the_url_and_writes_the_file(tmp_path):
    path = tmp_path / "flow.ini"
    result = CliRunner().invoke(cli, ["-c"], input="https://flow.example.com/\n",
                                env={"FLOW_CONFIG": str(path), "FLOW_URL": None, "FLOW_TOKEN": None})
    assert result.exit_code == 0, result.output
    assert f"Configuration file written to {path}" in result.output
    assert load_config(path, environ={}).url == "https://flow.example.com"
