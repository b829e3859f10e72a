"""OCR of page images with Tesseract (Debian's tesseract-ocr + tesseract-ocr-ita).

One Tesseract thread per process (OMP_THREAD_LIMIT=1): OpenMP spin-waiting made it seven times
slower on two cores (ECOSYSTEM.md §3.3); parallelism comes from extracting several documents at once.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

from PIL import Image

OCR_DPI = 300
OCR_TIMEOUT_S = 120


class OCRUnavailable(RuntimeError):
    """Raised when the tesseract binary or its Italian data is not installed."""


def tesseract_path() -> str:
    path = shutil.which("tesseract")
    if not path:
        raise OCRUnavailable("tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-ita)")
    return path


def ocr_image(image: Image.Image, *, lang: str = "ita") -> str:
    """Text of one page image."""
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    result = subprocess.run(
        [tesseract_path(), "stdin", "stdout", "-l", lang, "--psm", "3"],
        input=buffer.getvalue(),
        capture_output=True,
        env=env,
        timeout=OCR_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OCRUnavailable(message[-1] if message else f"tesseract exited with {result.returncode}")
    return result.stdout.decode("utf-8", "replace")
