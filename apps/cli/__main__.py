"""``python -m apps.cli`` runs the flow CLI (like the ``flow`` script)."""

from apps.cli.main import main

main()
