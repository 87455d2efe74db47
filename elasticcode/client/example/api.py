"""The sample processors' sockets as functions, and their partials for workflows (the
specification's ``pyfi.client.example.api``), for sockets named as in its quickstart:

    from elasticcode.client.example.api import do_something_p as do_something
    print(pipeline([do_something("One"), do_something("Two")])().get())

``do_something("x")`` runs the socket now (a Run: ``.get()`` waits for its result);
``do_something_p("x")`` is the deferred call a pipeline, parallel or funnel takes."""

from elasticcode.client.api import Socket as Function

do_something = Function(name="pyfi.processors.sample.do_something")
do_something_p = do_something.p
do_this = Function(name="pyfi.processors.sample.do_this")
do_this_p = do_this.p
add_two = Function(name="pyfi.processors.sample.add_two")
add_two_p = add_two.p
say = Function(name="pyfi.processors.sample.say")
say_p = say.p
