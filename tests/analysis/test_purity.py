"""analysis/ is pure statistics: importing it loads nothing from the web-app side."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_babel", "flask_login", "flask_wtf", "wtforms", "sqlmodel",
             "sqlalchemy", "qrcode", "survey", "babel", "yaml")


def test_importing_analysis_loads_no_app_module():
    code = (
        "import sys, analysis, analysis.__main__\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert run.stdout.strip() == ""


def test_sources_do_not_import_the_app():
    for path in (ROOT / "analysis").glob("*.py"):
        text = path.read_text()
        for name in FORBIDDEN:
            assert f"import {name}" not in text and f"from {name} " not in text, (path, name)
