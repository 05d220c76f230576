"""The run command's failures: RunError (one line, exit 1) and how a failed Dagster run maps to
one."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_project.core.paths import published_marts_path


class RunError(RuntimeError):
    """A failure the run command reports in one line and exits non-zero for."""


def one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def blocking_check_failures(result) -> list[str]:
    """`check on asset: description` for each failed check of ERROR severity in the run."""
    import dagster as dg

    return failed_checks(result, dg.AssetCheckSeverity.ERROR)


def failed_checks(result, severity) -> list[str]:
    """`check on asset: description` for each failed check of `severity` in the run."""
    failed = []
    for event in result.all_events:
        if event.event_type_value != "ASSET_CHECK_EVALUATION":
            continue
        evaluation = event.event_specific_data
        if evaluation.passed or evaluation.severity != severity:
            continue
        name = f"{evaluation.check_name} on {evaluation.asset_key.to_user_string()}"
        failed.append(f"{name}: {evaluation.description}" if evaluation.description else name)
    return failed


def raise_if_failed(result, data_dir: Path) -> None:
    """A RunError naming what failed: the blocking checks, else the first failed step."""
    if result.success:
        return
    failed_checks = blocking_check_failures(result)
    if failed_checks:
        raise RunError(
            one_line(
                f"blocking check(s) failed: {'; '.join(failed_checks)}. "
                f"{published_marts_path(data_dir).name} was not replaced"
            )
        )
    failures = result.get_step_failure_events()
    if failures:
        event = failures[0]
        error = event.step_failure_data.error
        while error is not None and error.cause is not None:
            if not (error.cls_name or "").startswith("Dagster"):
                break  # the first exception that is ours, not Dagster's wrapper
            error = error.cause
        detail = one_line(error.message) if error else "unknown error"
        raise RunError(f"step {event.step_key} failed: {detail}")
    raise RunError(f"run {result.run_id} failed")


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
