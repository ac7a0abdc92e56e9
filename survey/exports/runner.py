"""The work of an export job, run by the worker (`worker.py`, job kind "export").

It writes the file under a temporary name and renames it when complete, so a download never
sees half a file; a failure leaves no file and is recorded on the job as an error code.
"""
from datetime import UTC, datetime
from pathlib import Path

from survey.db import get_session
from survey.estimates.dataset import Inclusion
from survey.exports import rebuild, rows, tables, writers
from survey.exports.operations import export_dir, update_job
from survey.models import ExportJob, Wave

SUFFIXES = {"xlsx": ".xlsx", "sav": ".sav", "dta": ".dta", "parquet": ".parquet", "rebuild": ".zip"}


def write_file(session, wave, inclusion: Inclusion, fmt: str, path: Path, progress,
               total=lambda n: None) -> int:
    """Write the wave's response-level export as `fmt` to `path`; return the number of rows."""
    if fmt == "rebuild":
        return rebuild.write_kit(session, wave, inclusion, path, progress, total)
    source = rows.open_source(session, wave, inclusion)
    total(source.row_count)
    chunks = rows.iter_chunks(session, source)
    if fmt == "parquet":
        writers.write_parquet(path, source.variables, chunks, progress)
    elif fmt == "xlsx":
        results = [(title, tables.results_frame(session, wave, by, inclusion))
                   for title, by in tables.RESULT_SHEETS]
        writers.write_xlsx(path, source.variables, chunks, progress,
                           tables.codebook_frame(source.variables), results)
    elif fmt in ("sav", "dta"):
        writers.write_labelled(path, fmt, source.variables, chunks, progress)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return source.row_count


def file_name(job, wave) -> str:
    return f"{wave.code}-responses-{job.id}{SUFFIXES[job.format]}"


def run(job_id: int) -> None:
    """Write export job `job_id`'s file; raise on failure (the queue retries or fails the job)."""
    session = get_session()
    job = session.get(ExportJob, job_id)
    wave = session.get(Wave, job.wave_id)
    update_job(job_id, status="running", rows_done=0)
    done = 0

    def progress(n):
        nonlocal done
        done += n
        update_job(job_id, rows_done=done)

    name = file_name(job, wave)
    final = export_dir() / name
    partial = final.with_name(f".{name}.part")
    try:
        write_file(session, wave, Inclusion(job.include_flagged, job.include_unverified), job.format,
                   partial, progress, total=lambda n: update_job(job_id, rows_total=n))
        partial.replace(final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    update_job(job_id, status="done", file_name=name, finished_at=datetime.now(UTC))


def record_failure(code: str, job_id: int) -> None:
    """Mark the export failed with the queue's error code (shown on the job's page)."""
    update_job(job_id, status="failed", error=code, finished_at=datetime.now(UTC))
