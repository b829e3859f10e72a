"""Run the extraction of one file in a child process with a memory limit and a timeout.

A hostile PDF (1 MB inflating to 1 GiB) took pdfplumber over 120 s and PDFium 2 GB (ECOSYSTEM.md
§3.2): whatever the document does, the parent gets an `Outcome` with a status and a reason.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.errors import CRASHED, MEMORY_LIMIT, TIMEOUT

DEFAULT_TIMEOUT_S = 600  # the OCR of a 300-page scan (the cap) takes ~400 s
DEFAULT_MEMORY_MB = 1536


@dataclass
class Outcome:
    status: str  # extracted, failed, skipped
    reason: str | None = None
    detail: str = ""
    result: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    envelope: list[dict[str, Any]] = field(default_factory=list)

    @property
    def reason_text(self) -> str | None:
        if not self.reason:
            return None
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def extract_file_isolated(
    path: Path, *, timeout_s: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB, ocr: bool = True
) -> Outcome:
    command = [sys.executable, "-m", "extract.child", str(path), "--memory-mb", str(memory_mb)]
    if not ocr:
        command.append("--no-ocr")
    project_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    env["PYTHONPATH"] = project_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    # A new session: on timeout the whole group (the child and its tesseract) is killed.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        return Outcome("failed", TIMEOUT, f"still running after {timeout_s:g} s")
    try:
        data = json.loads(stdout.decode("utf-8")) if stdout.strip() else None
    except ValueError:
        data = None
    if process.returncode != 0 and (data is None or data.get("reason") != MEMORY_LIMIT):
        tail = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        if "MemoryError" in stderr.decode("utf-8", "replace") or process.returncode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGKILL):
            return Outcome("failed", MEMORY_LIMIT, f"child ended with {process.returncode} under a {memory_mb} MB limit: {tail[0]}"[:500])
        return Outcome("failed", CRASHED, f"child exited with {process.returncode}: {tail[0]}"[:500])
    if data is None:
        return Outcome("failed", CRASHED, "child printed no result")
    return Outcome(
        data["status"],
        data.get("reason"),
        data.get("detail", ""),
        data.get("result"),
        data.get("warnings", []),
        data.get("envelope", []),
    )
