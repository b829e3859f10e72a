"""CAdES signed files: `.p7m` (content enclosed, possibly signed again and again) and `.p7s` (detached).

Unwrapped with asn1crypto in process, never with an external tool. The signature is not verified:
for monitoring, "signed by X" is what the analysts need (see ECOSYSTEM.md §3.4).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from asn1crypto import cms

from extract.errors import CORRUPT, DETACHED_SIGNATURE, ExtractionError

MAX_DEPTH = 8


def _der(data: bytes) -> bytes:
    if data[:1] == b"\x30":
        return data
    text = data.decode("ascii", "ignore")
    text = re.sub(r"-----(BEGIN|END)[^-]*-----", "", text)
    try:
        return base64.b64decode("".join(text.split()), validate=False)
    except (binascii.Error, ValueError):
        raise ExtractionError(CORRUPT, "neither DER nor Base64 CMS") from None


def _signers(signed_data: cms.SignedData) -> list[dict[str, Any]]:
    out = []
    certificates = signed_data["certificates"]
    for cert in certificates or []:
        try:
            chosen = cert.chosen
            subject = chosen.subject.native
            out.append(
                {
                    "subject_cn": subject.get("common_name"),
                    "issuer_cn": chosen.issuer.native.get("common_name"),
                    "serial": str(chosen.serial_number),
                }
            )
        except (ValueError, TypeError, AttributeError, KeyError):
            continue
    return out


def unwrap(data: bytes) -> tuple[bytes, list[dict[str, Any]]]:
    """Peel every CMS SignedData layer; returns the signed content and one record per layer.

    Raises ExtractionError(CORRUPT) when the bytes are not CMS SignedData and
    ExtractionError(DETACHED_SIGNATURE, skip=True) for a detached signature (no content inside).
    """
    layers: list[dict[str, Any]] = []
    payload = data
    for depth in range(MAX_DEPTH):
        try:
            info = cms.ContentInfo.load(_der(payload), strict=False)
            content_type = info["content_type"].native
            if content_type != "signed_data":
                raise ExtractionError(CORRUPT, f"CMS content type {content_type}, not signed data")
            signed_data = info["content"]
            inner = signed_data["encap_content_info"]["content"].native
            signers = _signers(signed_data)
        except ExtractionError:
            raise
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            if depth == 0:
                raise ExtractionError(CORRUPT, f"not a readable CMS signed file ({exc.__class__.__name__})") from None
            break  # the payload only looked like CMS: it is the content
        if inner is None:
            raise ExtractionError(
                DETACHED_SIGNATURE, "detached signature (.p7s): the signed file is separate", skip=True
            )
        layers.append({"layer": "cades", "depth": depth + 1, "signers": signers})
        payload = inner
        if payload[:1] != b"\x30" and not payload.lstrip().startswith((b"MII", b"-----BEGIN")):
            break
    return payload, layers
