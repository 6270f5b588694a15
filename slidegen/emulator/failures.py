"""The ways a real serving endpoint or Genie space fails, scripted on the emulator.

Each function makes the emulator answer as a workspace does, with the real status, error body
(`{"error_code", "message"}`) and headers, so tests see the exceptions the real clients raise:

    serving_unauthenticated(emu)       401, no usable credential
    invalid_token(emu)                 403 "Invalid access token." for every token but `accepted`
    serving_permission_denied(emu, e)  403 PERMISSION_DENIED on the endpoint
    serving_not_found(emu)             404 RESOURCE_DOES_NOT_EXIST: no such endpoint
    serving_rate_limited(emu, s)       429 REQUEST_LIMIT_EXCEEDED with Retry-After
    serving_timeout(emu)               no answer at all (the client's timeout fires)
    genie_permission_denied(emu, s)    403 on the Genie space
"""

from __future__ import annotations

from slidegen.emulator.core import UNAUTHENTICATED, Emulator, Fault
from slidegen.emulator.scripts import model_script

__all__ = [
    "genie_permission_denied",
    "invalid_token",
    "serving_not_found",
    "serving_permission_denied",
    "serving_rate_limited",
    "serving_timeout",
    "serving_unauthenticated",
]

SERVING = r"^POST /serving-endpoints/"


def serving_unauthenticated(emu: Emulator, times: int = -1) -> Fault:
    code, message = UNAUTHENTICATED
    return emu.add_fault(SERVING, status=401, error_code=code, message=message, times=times)


def invalid_token(emu: Emulator, accepted: frozenset[str] = frozenset()) -> None:
    """Only `accepted` tokens are valid from now on (an expired or revoked token looks so)."""
    with emu.lock:
        emu.accepted_tokens = set(accepted)


def serving_permission_denied(emu: Emulator, endpoint: str, times: int = -1) -> Fault:
    return emu.add_fault(
        SERVING,
        status=403,
        error_code="PERMISSION_DENIED",
        message=f"User does not have permission 'CAN_QUERY' on serving endpoint '{endpoint}'.",
        times=times,
    )


def serving_not_found(emu: Emulator) -> None:
    """No serving endpoint exists in the workspace, whatever name is asked for."""
    script = model_script(emu)
    with script.lock:
        script.endpoints = set()


def serving_rate_limited(emu: Emulator, retry_after_s: int, times: int = -1) -> Fault:
    return emu.add_fault(
        SERVING,
        status=429,
        error_code="REQUEST_LIMIT_EXCEEDED",
        message="Exceeded workspace rate limit for this endpoint; please reduce your request "
        "rate or ask your workspace admin to raise the limit.",
        retry_after_s=retry_after_s,
        times=times,
    )


def serving_timeout(emu: Emulator, times: int = -1) -> Fault:
    return emu.add_fault(SERVING, kind="hang", times=times)


def genie_permission_denied(emu: Emulator, space_id: str, times: int = -1) -> Fault:
    return emu.add_fault(
        rf"^POST /api/2.0/genie/spaces/{space_id}/",
        status=403,
        error_code="PERMISSION_DENIED",
        message=f"You need 'Can Run' permission on Genie space {space_id} to ask questions.",
        times=times,
    )
