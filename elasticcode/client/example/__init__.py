"""Ready functions of the sample processors (see ``elasticcode.client.example.api``)."""
