from apps.core.admin_site import register_base
from apps.processors.models import (
    Argument,
    Gate,
    Plug,
    Processor,
    ProcessorSecret,
    Socket,
    Task,
    TrustedRepository,
    Work,
)

register_base(Processor, Task, Argument, Gate, Socket, Plug, Work, TrustedRepository, ProcessorSecret)
