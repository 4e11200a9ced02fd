"""PROCUREHUB_LOG_FORMAT=json: every log record is one JSON object on one line."""

from __future__ import annotations

import json
import logging

from procurehub.operations.log_format import JsonLines


def test_a_record_and_a_failure_are_one_json_line_each():
    formatter = JsonLines()
    record = logging.LogRecord(
        "procurehub.x", logging.INFO, __file__, 1, "upload %s stored", (42,), None
    )
    entry = json.loads(formatter.format(record))
    assert entry["level"] == "INFO" and entry["logger"] == "procurehub.x"
    assert entry["message"] == "upload 42 stored" and entry["time"].endswith("+00:00")
    try:
        raise RuntimeError("relay down\nsecond line")
    except RuntimeError:
        import sys

        failed = logging.LogRecord(
            "job", logging.ERROR, __file__, 1, "job failed", (), sys.exc_info()
        )
    line = formatter.format(failed)
    assert "\n" not in line  # the traceback stays inside the one line
    assert "RuntimeError: relay down" in json.loads(line)["exception"]


def test_the_app_logs_json_lines_when_asked(tmp_path, capsys):
    from procurehub import create_app

    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x", "LOG_FORMAT": "json",
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})  # fmt: skip
        logging.getLogger("procurehub.test").warning("council %s refreshed", "S12000050")
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    assert json.loads(line)["message"] == "council S12000050 refreshed"
