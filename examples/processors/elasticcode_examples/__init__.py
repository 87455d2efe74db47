"""Example processors for ElasticCode (see sample.py)."""
