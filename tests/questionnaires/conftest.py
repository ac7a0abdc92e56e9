"""Fixtures for the questionnaire tests: inline files written to a temporary directory."""
import pytest


@pytest.fixture
def write(tmp_path):
    """Write {file name: text or bytes} under tmp_path and return the directory."""

    def write(files):
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return write
