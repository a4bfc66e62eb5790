"""Stage 1, ingest: raw bytes in, decoded text with provenance out.

Never raises for a bad file: problems come back as :class:`IngestError` with the
file and the reason, so the run can report them and go on with the other files.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from charset_normalizer import from_bytes

# Byte-order marks decide the encoding outright; detection is for the rest.
BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]
# Detected Chinese encodings are widened to GB18030, a superset of GB2312 and GBK.
GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
# Pages larger than this are refused with a clear error rather than stalling a worker.
MAX_BYTES = 10 * 1024 * 1024
INPUT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".xhtml"}
HTML_SNIFF = re.compile(r"<(!doctype\s+html|html|head|body|meta|div|p|article)\b", re.I)
# A decoded text with many C0 control characters (other than tab/newline/CR) is binary.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class IngestError(Exception):
    """A source file that cannot become a document; ``str()`` names file and reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class RawDocument:
    id: str
    source: str
    sha256: str
    encoding: str
    format: str  # "text" or "html"
    text: str


def doc_id_for(path: Path) -> str:
    return path.stem


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_encoding(data: bytes) -> str:
    """The encoding of ``data``: BOM first, then strict UTF-8, then charset-normalizer."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # valid UTF-8 cut inside its last character: see decode()
    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise ValueError("no text encoding fits the bytes (binary file?)")
    name = best.encoding.lower().replace("_", "")
    return "gb18030" if name in GB_FAMILY else best.encoding


def truncated_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3 and exc.reason == "unexpected end of data"


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding). Raises ValueError with a reason."""
    if not data.strip():
        raise ValueError("empty file")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary file (NUL bytes)")
    encoding = detect_encoding(data)
    try:
        # A file cut inside its last UTF-8 character loses only that character.
        text = data.decode(encoding, errors="ignore") if encoding == "utf-8" and truncated_utf8(data) else data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise ValueError(f"undecodable as {encoding}: {exc.reason if hasattr(exc, 'reason') else exc}") from None
    text = text.lstrip("\ufeff")
    if len(CONTROL.findall(text[:10_000])) > 10:
        raise ValueError("binary file (control characters)")
    if not text.strip():
        raise ValueError("no text after decoding")
    return text, encoding.replace("utf-8-sig", "utf-8")


def sniff_format(path: Path, text: str) -> str:
    if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
        return "html"
    return "html" if HTML_SNIFF.search(text[:2000]) else "text"


def read_document(path: Path, max_bytes: int = MAX_BYTES) -> RawDocument:
    """Read one source file. Raises :class:`IngestError` naming the file and the reason."""
    source = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(source, f"too large: {size / 2**20:.1f} MiB (limit {max_bytes / 2**20:.0f} MiB)")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(source, f"unreadable: {exc.strerror or exc}") from None
    try:
        text, encoding = decode(data)
    except ValueError as exc:
        raise IngestError(source, str(exc)) from None
    return RawDocument(
        id=doc_id_for(path),
        source=source,
        sha256=sha256_of(data),
        encoding=encoding,
        format=sniff_format(path, text),
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
    )


def iter_sources(inputs: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the input files inside named folders, in a stable order."""
    for item in inputs:
        if item.is_dir():
            for path in sorted(item.rglob("*")):
                # Broken links are yielded too, so that they are reported, not skipped.
                if (path.is_file() or path.is_symlink()) and path.suffix.lower() in INPUT_SUFFIXES:
                    yield path
        else:
            yield item
