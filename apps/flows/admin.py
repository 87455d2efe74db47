from apps.core.admin_site import register_base
from apps.flows.models import File, Flow, Version

register_base(File, Flow, Version)
