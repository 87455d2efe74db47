"""docker-compose.yml cannot run here (no Docker engine); check what can be checked."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_the_distributed_topology():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "rabbitmq", "redis", "web", "scheduler", "agent"} <= set(services)
    agent = services["agent"]
    assert "container_name" not in agent and "ports" not in agent, "agents must scale (--scale agent=3)"
    assert "volumes" not in agent, "nodes share no local disk"
    assert services["web"]["environment"]["BROKER_URL"].startswith("amqp://")


def test_compose_keeps_secrets_out_of_the_file():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "SECRET_KEY: ${SECRET_KEY:?" in text
    assert "ADMIN_PASSWORD: ${ADMIN_PASSWORD:?" in text
    assert "ENCRYPTION_KEY: ${ENCRYPTION_KEY:?" in text
