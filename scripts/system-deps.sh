#!/usr/bin/env bash
# Installs the Debian packages the pipeline needs when they are missing:
#   tesseract-ocr + tesseract-ocr-ita  OCR of scanned tender documents (extract/)
#   chromium                           renders the HTML digest in the alerts tests
# Nothing is downloaded outside Debian's archive. Without root (a developer laptop) it only warns.
set -u
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx ita; then need+=(tesseract-ocr-ita); fi
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr-ita)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${need[*]}; install them with apt-get (needs root)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
