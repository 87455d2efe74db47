"""The server-rendered pages' form field: a label, the input, a hint and the field's errors,
tied together for screen readers (aria-describedby, aria-invalid) as the designer's Field is
(frontend/src/panels/Field.tsx)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("web/_field.html")
def field(outcome, name: str, label: str, *, id: str = "", action: str = "", type: str = "text",
          hint: str = "", required: bool = True, maxlength: int | None = None, placeholder: str = "",
          autocomplete: str = "off") -> dict[str, Any]:
    """``{% field outcome "name" "Label" action="create" hint="..." %}``. The value typed and
    the errors come back only with the outcome of the same ``action`` (a password never does)."""
    form = getattr(outcome, "form", None) if outcome is not None and outcome.action == action else None
    errors = list(form.errors.get(name, [])) if form is not None else []
    value = "" if form is None or type == "password" else form.data.get(name, "")
    return {"id": id or f"{action}-{name}".strip("-"), "name": name, "label": label, "type": type, "hint": hint,
            "required": required, "maxlength": maxlength, "placeholder": placeholder,
            "autocomplete": autocomplete, "value": value, "errors": errors}
