"""`flask --app wsgi serve`: the development web server and the job worker, started together.

Both run as child processes from the project folder; when either ends, or on Ctrl-C or SIGTERM,
the other is stopped too, so nothing is left running. Production runs them as two services
(README, "Production").
"""
import os
import signal
import subprocess
import sys
import time

import click

from survey.config import PROJECT_ROOT

STOP_WAIT_SECONDS = 15


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve_command(host, port):
    """Run the development web server and the background worker until Ctrl-C."""
    web = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--host", host, "--port", str(port)]
    worker = [sys.executable, str(PROJECT_ROOT / "worker.py")]
    raise SystemExit(supervise([web, worker]))


def _stop_on_sigterm(_signum, _frame):
    raise KeyboardInterrupt


def supervise(commands: list[list[str]]) -> int:
    """Run `commands` side by side until one ends or we are told to stop; return its exit code."""
    env = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    children = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=env) for command in commands]
    code = 0
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.2)
        code = next(child.returncode for child in children if child.returncode is not None)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(children)
    return code


def _stop(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_WAIT_SECONDS
    for child in children:
        try:
            child.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
