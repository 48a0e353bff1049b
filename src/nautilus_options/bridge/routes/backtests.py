"""Backtests: list result folders, serve a report, run one in the background."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status
from fastapi.responses import FileResponse

from nautilus_options.bridge.backtests import (
    NAME_PATTERN,
    BacktestJob,
    BacktestQueueFullError,
    BacktestRequestError,
    BacktestRuns,
)
from nautilus_options.bridge.deps import Responses, require
from nautilus_options.bridge.principal import Scope
from nautilus_options.bridge.schemas.backtests import (
    BacktestJobOut,
    BacktestResultOut,
    BacktestRunRequest,
)

router = APIRouter(prefix="/backtests", tags=["backtests"])
Name = Annotated[str, Path(pattern=NAME_PATTERN)]
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{8}$")]
_NO_RESULTS: Responses = {503: {"description": "No results folder configured"}}
#: Content-Security-Policy of a report: its own inline script and styles (plotly.js is
#: embedded in the page), data/blob images (plotly's downloads); nothing from any host.
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
_REPORT_HEADERS = {"Content-Security-Policy": REPORT_CSP, "X-Content-Type-Options": "nosniff"}


def runs(request: Request) -> BacktestRuns:
    """The app's backtest runs (503 without a results folder)."""
    found: BacktestRuns | None = request.app.state.backtests
    if found is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "no results folder is served")
    return found


Runs = Annotated[BacktestRuns, Depends(runs)]


@router.get("", responses=_NO_RESULTS)
def list_results(backtests: Runs) -> list[BacktestResultOut]:
    """The result folders, newest first."""
    return [
        BacktestResultOut(name=name, modified=modified, has_report=report, summary=summary)
        for name, modified, summary, report in backtests.results()
    ]


@router.get(
    "/{name}/report.html",
    response_class=FileResponse,
    responses={404: {"description": "No such report"}, **_NO_RESULTS},
)
def report(name: Name, backtests: Runs) -> FileResponse:
    """A result folder's HTML report (under a Content-Security-Policy that lets it load
    nothing from any host)."""
    path = backtests.report(name)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"name: no report {name!r}")
    return FileResponse(path, media_type="text/html", headers=_REPORT_HEADERS)


@router.get("/jobs", responses=_NO_RESULTS)
def list_jobs(backtests: Runs) -> list[BacktestJobOut]:
    """The runs started by this server."""
    return [_job(job) for job in backtests.jobs()]


@router.post(
    "/jobs",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require(Scope.TRADE))],
    responses={
        409: {"description": "The name is used"},
        429: {"description": "As many runs as allowed are running and waiting"},
        **_NO_RESULTS,
    },
)
def run(body: BacktestRunRequest, backtests: Runs, request: Request) -> BacktestJobOut:
    """Run the default backtest in the background into a new result folder: at once, or
    ``queued`` while another runs (one at a time by default)."""
    request.state.audit_detail = body.model_dump(mode="json")
    try:
        return _job(backtests.start(body.name, body.start, body.end))
    except BacktestRequestError as exc:
        # The shape of every other 422: a list of errors with the field's loc, msg and type.
        error = {"loc": ["body", exc.field], "msg": exc.message, "type": "value_error"}
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, [error]) from exc
    except BacktestQueueFullError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS, str(exc), headers={"Retry-After": "30"}
        ) from exc
    except ValueError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


@router.get("/jobs/{job_id}", responses={404: {"description": "No such run"}, **_NO_RESULTS})
def get_job(job_id: JobId, backtests: Runs) -> BacktestJobOut:
    """A run's state, elapsed time and last printed line."""
    job = backtests.job(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"job_id: no run {job_id!r}")
    return _job(job)


def _job(job: BacktestJob) -> BacktestJobOut:
    return BacktestJobOut(
        id=job.id,
        name=job.name,
        status=job.status,  # type: ignore[arg-type]
        started=job.started,
        elapsed_secs=job.elapsed_secs,
        last_line=job.last_line(),
    )
