"""ElasticCode's importable package for users: ``elasticcode.client.api`` (sockets as functions
and pipeline / parallel / funnel workflows) and ``elasticcode.client.example.api`` (ready
partials of the sample processors), as the specification's ``pyfi.client`` modules are used."""
