"""Evidence files people upload (a receipt photographed on a phone, a bank slip as a PDF): checked
for what they are, not for what they say they are, and stored where no web server serves them.

- At most MAX_BYTES; the kind is read from the file's first bytes (JPEG, PNG, WebP or PDF), never
  from its name or the browser's content type.
- A photo is decoded and written again by Pillow: what is not the picture goes (the EXIF block of
  a phone photo holds where it was taken), and a file that only looks like an image fails. A
  picture larger than MAX_PIXELS is refused before it is decoded.
- A PDF is kept as sent, but only served as an attachment, never rendered inline.
- Stored under DATA_DIR/evidence/ with a random name; pages serve it through a view that checks
  who may see the record it belongs to (`evidence_response`).
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from vinculo.core.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FOLDER = "evidence"

TOO_BIG = _("The file is larger than 5 MB. Take the photo again at a lower size.")
NOT_ALLOWED = _("Send a photo (JPEG, PNG or WebP) or a PDF.")
BROKEN = _("The file could not be read as a photo. Take it again.")


@dataclass(frozen=True)
class Kind:
    name: str
    magic: tuple[bytes, ...]
    extension: str
    content_type: str
    image: bool


KINDS = (
    Kind("jpeg", (b"\xff\xd8\xff",), "jpg", "image/jpeg", True),
    Kind("png", (b"\x89PNG\r\n\x1a\n",), "png", "image/png", True),
    Kind("webp", (b"RIFF",), "webp", "image/webp", True),
    Kind("pdf", (b"%PDF-",), "pdf", "application/pdf", False),
)


def _kind(head: bytes) -> Kind | None:
    for kind in KINDS:
        if any(head.startswith(m) for m in kind.magic):
            if kind.name == "webp" and head[8:12] != b"WEBP":
                continue
            return kind
    return None


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _clean_image(data: bytes, kind: Kind) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationFailed(TOO_BIG, code="evidence_too_big", field="evidence")
            image.load()
            picture = image.convert("RGB") if kind.name == "jpeg" else image.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationFailed(BROKEN, code="evidence_unreadable", field="evidence") from None
    out = io.BytesIO()
    picture.save(out, format=kind.name.upper())  # no exif=…: the metadata stays behind
    return out.getvalue()


def evidence_store(upload: UploadedFile) -> str:
    """Check and store an uploaded evidence file; its stored name (to keep on the record).
    Refuses with a field error on "evidence" what is too big, of another kind, or broken."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationFailed(TOO_BIG, code="evidence_too_big", field="evidence")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(TOO_BIG, code="evidence_too_big", field="evidence")
    kind = _kind(data[:16])
    if kind is None:
        raise ValidationFailed(NOT_ALLOWED, code="evidence_kind", field="evidence")
    if kind.image:
        data = _clean_image(data, kind)
    name = f"{secrets.token_hex(16)}.{kind.extension}"
    (_folder() / name).write_bytes(data)
    return name


def evidence_response(name: str) -> FileResponse:
    """A stored evidence file, as an attachment (the caller has checked who may see it)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise Http404
    path = _folder() / name
    if not path.is_file():
        raise Http404
    kind = next((k for k in KINDS if name.endswith("." + k.extension)), None)
    if kind is None:
        raise Http404
    response = FileResponse(
        path.open("rb"), as_attachment=not kind.image, content_type=kind.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
