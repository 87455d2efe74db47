"""The Python client (see ``elasticcode.client.api``)."""
