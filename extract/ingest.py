"""Stage 1, ingest: raw bytes in, decoded text with provenance out.

Never raises for a bad file: problems come back as :class:`IngestError` with the
file and the reason, so the run can report them and go on with the other files.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from charset_normalizer import from_bytes

from .data import read_tsv

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
# Bytes read from a file of unknown suffix to decide whether it is a page.
SNIFF_BYTES = 8192
HTML_SNIFF = re.compile(r"<(!doctype\s+html|html|head|body|meta|div|p|article)\b", re.I)
# A file of unknown suffix that opens with a tag but is not HTML (HTML_SNIFF) is XML.
MARKUP_START = re.compile(r"<(\?xml|[A-Za-z][\w:.-]*[\s/>])")
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
    replaced: int = 0  # bytes not valid in the encoding, replaced by U+FFFD (see decode)


@dataclass(frozen=True)
class SourceFile:
    """An input file and the id its document gets (see :func:`crawl_ids`)."""

    path: Path
    doc_id: str


@dataclass
class Inputs:
    """What a run reads: the input files in order, and the files found in input folders
    that are not pages, each with the reason (``{"source", "reason"}``)."""

    sources: list[SourceFile]
    skipped: list[dict]


def doc_id_for(path: Path) -> str:
    """The id of a file named directly: its name without extension."""
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
    text, encoding, _ = decode_counting(data)
    return text, encoding


def decode_counting(data: bytes) -> tuple[str, str, int]:
    """Decode bytes to text; returns (text, encoding, bytes replaced). Raises ValueError
    with a reason. UTF-16 without a byte-order mark is recognised; a UTF-8 page with a
    few stray bytes keeps its text, each bad byte replaced by U+FFFD."""
    if not data.strip():
        raise ValueError("empty file")
    utf16 = unmarked_utf16(data)
    if utf16 is None and b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("binary file (NUL bytes)")
    replaced = 0
    if utf16 is not None:
        text, encoding = data.decode(utf16), utf16
    elif (stray := stray_utf8_bytes(data)) is not None:
        text, encoding, replaced = data.decode("utf-8", errors="replace"), "utf-8", stray
    else:
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
    return text, encoding.replace("utf-8-sig", "utf-8"), replaced


# Characters of Chinese news text: Han, ASCII, CJK and full-width punctuation, general
# punctuation. Bytes read in the wrong encoding give few of them.
PLAUSIBLE_CHAR = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\t\n\r\u00b7]")
HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")
UTF16_SAMPLE_BYTES = 20_000
UTF16_MIN_PLAUSIBLE = 0.95


def unmarked_utf16(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" if ``data`` (no byte-order mark) reads as Chinese or
    ASCII text in it, else None. Chinese in UTF-16 is rarely valid UTF-8, and in the wrong
    byte order or another encoding its code units fall outside the common ranges."""
    if len(data) % 2 or data.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    sample = data[:UTF16_SAMPLE_BYTES]
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        plausible = len(PLAUSIBLE_CHAR.findall(text))
        if text.strip() and plausible >= UTF16_MIN_PLAUSIBLE * len(text) and (HAN_CHAR.search(text) or "\n" in text):
            try:
                data.decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None


MAX_STRAY_SHARE = 0.001  # at most one bad byte in a thousand (and at least MIN_MULTIBYTE good characters)
MIN_MULTIBYTE = 20


def stray_utf8_bytes(data: bytes) -> int | None:
    """The number of bytes that are not valid UTF-8 in ``data`` if they are few among
    much valid multi-byte UTF-8 (a page damaged in a few places), else None (valid
    UTF-8, or another encoding)."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    if truncated_utf8(data):
        return None
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    multibyte = sum(1 for c in text if ord(c) > 0x7F) - bad
    if bad <= 0 or multibyte < MIN_MULTIBYTE or bad > MAX_STRAY_SHARE * len(data) + 1:
        return None
    return bad


def sniff_format(path: Path, text: str) -> str:
    if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
        return "html"
    return "html" if HTML_SNIFF.search(text[:2000]) else "text"


def display_path(path: Path | str) -> str:
    """``path`` as text that is safe to print and to write as UTF-8: bytes that are not
    valid UTF-8 as ``\\xNN``, control characters (a newline in a name) as escapes."""
    text = os.fsdecode(path) if not isinstance(path, str) else path
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def check_regular_file(path: Path, info: os.stat_result, source: str) -> None:
    """Refuse what is not a regular file (a FIFO or a device would block the reader)."""
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise IngestError(source, f"unreadable: {kind}")


def read_document(path: Path, max_bytes: int = MAX_BYTES, doc_id: str | None = None) -> RawDocument:
    """Read one source file (its document gets ``doc_id``, by default the file name
    without extension). Raises :class:`IngestError` naming the file and the reason."""
    source = display_path(path)
    try:
        info = path.stat()
        check_regular_file(path, info, source)
        size = info.st_size
        if size > max_bytes:
            raise IngestError(source, f"too large: {size / 2**20:.1f} MiB (limit {max_bytes / 2**20:.0f} MiB)")
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(source, f"unreadable: {exc.strerror or exc}") from None
    try:
        text, encoding, replaced = decode_counting(data)
    except ValueError as exc:
        raise IngestError(source, str(exc)) from None
    return RawDocument(
        id=display_path(doc_id if doc_id is not None else doc_id_for(path)),
        source=source,
        sha256=sha256_of(data),
        encoding=encoding,
        format=sniff_format(path, text),
        text=text.replace("\r\n", "\n").replace("\r", "\n"),
        replaced=replaced,
    )


@lru_cache(maxsize=1)
def suffix_rules() -> dict[str, tuple[str, str]]:
    """suffix -> ("page" or "skip", reason), from data/input_suffixes.tsv."""
    return {row[0]: (row[1], row[2] if len(row) > 2 else "") for row in read_tsv("input_suffixes.tsv")}


@lru_cache(maxsize=1)
def binary_signatures() -> tuple[tuple[bytes, str], ...]:
    """(leading bytes, kind) from data/binary_signatures.tsv."""
    return tuple((bytes.fromhex(signature), kind) for signature, kind in read_tsv("binary_signatures.tsv"))


def binary_kind(head: bytes) -> str | None:
    """The kind of binary file ``head`` starts like, or None."""
    return next((kind for signature, kind in binary_signatures() if head.startswith(signature)), None)


def sniff_skip_reason(head: bytes) -> str | None:
    """Why a file that starts with ``head`` is not a page, or None when it is HTML or text.
    Decided by content: its suffix was not a known one."""
    if not head.strip():
        return "empty file"
    kind = binary_kind(head)
    if kind is not None:
        return f"binary: {kind}"
    if b"\x00" not in head and HTML_SNIFF.search(head[:2000].decode("latin-1")):
        return None  # tags are ASCII in every encoding but UTF-16: no need to detect it
    try:
        text, _ = decode(head)
    except ValueError as exc:
        # the head may end inside a character: only "binary" or "no encoding" reasons count
        reason = str(exc)
        if reason.startswith("undecodable"):
            text = head.decode(detect_encoding(head), errors="replace")
        else:
            return reason.replace("binary file", "binary")
    if HTML_SNIFF.search(text[:2000]):
        return None
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return "not a page: JSON data"
    if MARKUP_START.match(stripped):
        return "not a page: XML or markup that is not HTML"
    return None


def skip_reason(path: Path) -> str | None:
    """Why ``path``, found inside an input folder, is not an input; None if it is one.
    Known page suffixes are always inputs (so that a bad page is a reported failure);
    known non-page suffixes are skipped; anything else is sniffed."""
    if path.name.startswith("."):
        return "hidden file"
    rule, reason = suffix_rules().get(path.suffix.lower(), ("sniff", ""))
    if rule == "skip":
        return f"not a page: {reason} ({path.suffix.lower()})"
    if path.is_symlink() and not path.exists():
        return None  # a broken link among pages: read, so that it is reported as a failure
    if path.is_symlink() and path.is_dir():
        return "link to a folder (not followed)"
    if not path.is_file():
        return "not a regular file"
    if rule == "page":
        return None
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    return sniff_skip_reason(head)


def crawl_ids(root: Path, files: list[Path]) -> dict[Path, str]:
    """The document id of each file found under the input folder ``root``: its path
    relative to ``root`` without extension, ``/``-separated (``news/2024/index``), so that
    the pages of a crawl (an index.html in every folder) each get their own id, the same
    on every run. Files of one folder that differ only in their extension (index.html and
    index.htm) keep the extension, so that their ids differ too."""
    stems: dict[str, int] = {}
    for path in files:
        stem = path.relative_to(root).with_suffix("").as_posix()
        stems[stem] = stems.get(stem, 0) + 1
    ids = {}
    for path in files:
        relative = path.relative_to(root)
        stem = relative.with_suffix("").as_posix()
        ids[path] = stem if stems[stem] == 1 else relative.as_posix()
    return ids


def walk(folder: Path, skipped: list[dict]) -> list[Path]:
    """The input files under ``folder`` in a stable order; the other files (and hidden
    folders, not walked) are added to ``skipped`` with their reason."""
    found = []
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        skipped.append({"source": str(folder), "reason": f"unreadable folder: {exc.strerror or exc}"})
        return found
    for path in entries:
        if path.is_dir() and not path.is_symlink():
            if path.name.startswith("."):
                skipped.append({"source": str(path), "reason": "hidden folder (not walked)"})
            else:
                found.extend(walk(path, skipped))
            continue
        reason = skip_reason(path)
        if reason is None:
            found.append(path)
        else:
            skipped.append({"source": str(path), "reason": reason})
    return found


def collect_inputs(inputs: Iterable[Path]) -> Inputs:
    """The input files of a run, each with its document id, and the skipped files.

    A file named directly is always an input, its id its name without extension. Inside
    a folder every regular file whose content is HTML or text is an input (see
    :func:`skip_reason`), its id its path relative to that folder (:func:`crawl_ids`)."""
    sources, skipped = [], []
    for item in inputs:
        if item.is_dir():
            files = walk(item, skipped)
            ids = crawl_ids(item, files)
            sources.extend(SourceFile(path, ids[path]) for path in files)
        else:
            sources.append(SourceFile(item, doc_id_for(item)))
    return Inputs(sources, sorted(skipped, key=lambda s: s["source"]))


def iter_sources(inputs: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the input files inside named folders, in a stable order."""
    for source in collect_inputs(inputs).sources:
        yield source.path
