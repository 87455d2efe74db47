"""Writes on users, roles, privileges and tokens. Every change is written to the audit log.

Rights are checked by the callers (the API's HasRight, the admin pages' ``right_require``);
these services enforce the invariants: valid rights, no duplicate grants, hashed and
validated passwords, no user deactivating or deleting themselves.
"""

from apps.accounts.services.grants import (
    role_privilege_grant,
    role_privilege_remove,
    user_privilege_grant,
    user_privilege_remove,
    user_privilege_revoke,
    user_privilege_unrevoke,
    user_role_add,
    user_role_remove,
)
from apps.accounts.services.login import login_authenticate
from apps.accounts.services.rights_bulk import role_rights_bulk, user_rights_bulk
from apps.accounts.services.roles import role_create, role_delete, role_update
from apps.accounts.services.tokens import token_create, token_revoke, tokens_revoke_all
from apps.accounts.services.users import (
    user_create,
    user_deactivate,
    user_delete,
    user_set_password,
    user_update,
)

__all__ = [
    "login_authenticate",
    "role_create",
    "role_delete",
    "role_privilege_grant",
    "role_privilege_remove",
    "role_rights_bulk",
    "role_update",
    "token_create",
    "token_revoke",
    "tokens_revoke_all",
    "user_create",
    "user_deactivate",
    "user_delete",
    "user_privilege_grant",
    "user_privilege_remove",
    "user_privilege_revoke",
    "user_privilege_unrevoke",
    "user_rights_bulk",
    "user_role_add",
    "user_role_remove",
    "user_set_password",
    "user_update",
]
