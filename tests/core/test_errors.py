from django.db import IntegrityError

from apps.core.errors import Conflict, exception_handler


def test_an_integrity_error_becomes_a_409_without_internals():
    response = exception_handler(IntegrityError('duplicate key value violates unique constraint "x"'), {})
    assert response.status_code == 409
    assert response.data == {"error": "conflict", "message": "An object with this name already exists."}


def test_an_unknown_error_becomes_a_500_without_a_traceback():
    response = exception_handler(RuntimeError("secret internals"), {"view": None})
    assert response.status_code == 500
    assert "secret internals" not in str(response.data)


def test_platform_errors_carry_status_exit_code_and_retryability():
    error = Conflict("taken")
    assert (error.status, error.exit_code, error.retryable) == (409, 5, False)
