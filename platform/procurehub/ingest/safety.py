"""Checks that run on an uploaded register before any parser sees it.

Nothing in here parses a workbook. :func:`check_upload` looks at the file's size, its name's
extension and its first bytes, and — for the zip-based formats (.xlsx, .xlsm, .ods) — at the
archive's members, using :mod:`zipfile` on the central directory and then stream-reading each
member in bounded chunks. Nothing is ever extracted to disk.

Every refusal raises :class:`RegisterFileError`, whose message is meant to be shown to the
person who uploaded the file: it names the file by the name they gave it (never a server path)
and says what to do about it.

Why the zip checks exist: no parser we use (python-calamine, openpyxl) guards against zip bombs,
and XML parsers that honour DTDs can be made to expand entities without bound ("billion laughs")
or to read local files (XXE). Real workbooks written by Excel or LibreOffice never contain a
DOCTYPE, compress 10–15×, and have at most a few hundred members.
"""

from __future__ import annotations

import os
import zipfile

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "RegisterFileError",
    "check_upload",
    "ensure_openpyxl_is_defused",
]

#: Extension (lower case, with dot) → format name returned by :func:`check_upload`.
ACCEPTED_EXTENSIONS: dict[str, str] = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsm",
    ".xls": "xls",
    ".ods": "ods",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
}

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"

#: How much of a text file is inspected for binary content.
TEXT_SNIFF_BYTES = 64 * 1024
#: Members smaller than this are not subject to the ratio cap: a tiny, highly repetitive XML
#: part (an empty styles list, say) can compress 300× and is harmless.
RATIO_CHECK_MIN_BYTES = 1024 * 1024
#: Chunk size for stream-reading zip members.
_CHUNK = 256 * 1024

_XML_MEMBER_SUFFIXES = (".xml", ".rels", ".vml", ".rdf")
_FORBIDDEN_MARKUP = [
    token.encode(encoding)
    for token in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
]
_OVERLAP = max(len(t) for t in _FORBIDDEN_MARKUP) - 1


class RegisterFileError(Exception):
    """An uploaded register was refused or could not be read.

    ``str(error)`` (also ``error.message``) is plain English meant for the person who uploaded
    the file. ``display_name`` is the file name as they gave it.
    """

    def __init__(self, message: str, *, display_name: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.display_name = display_name


def _display(name: str) -> str:
    """The file's name as the user knows it, without any directory part."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base or "the uploaded file"


def _size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _accepted_list() -> str:
    return ", ".join(sorted(ACCEPTED_EXTENSIONS))


def check_upload(
    path: str | os.PathLike,
    *,
    display_name: str,
    max_bytes: int = 50 * 1024 * 1024,
    max_total_uncompressed: int = 300 * 1024 * 1024,
    max_ratio: float = 200,
    max_members: int = 10_000,
) -> str:
    """Check an uploaded file and return its format.

    The format is one of ``xlsx``, ``xlsm``, ``xls``, ``ods``, ``csv`` (also for .tsv and
    .txt) and ``json``. It is decided from the extension of ``display_name`` and confirmed
    from the content's first bytes: a zip archive for .xlsx/.xlsm/.ods, an OLE2 compound file
    for .xls, ``{`` or ``[`` (after an optional BOM and whitespace) for .json, and text without
    NUL bytes or other binary control characters in the first 64 KB for .csv/.tsv/.txt.

    For zip-based formats the archive is inspected before anything reads it: member count
    (``max_members``), total uncompressed size (``max_total_uncompressed``), per-member
    compression ratio (``max_ratio``, for members of 1 MB or more), the presence of
    ``xl/workbook.xml`` (.xlsx/.xlsm) or ``content.xml`` (.ods), and every XML member is
    stream-read in bounded chunks and refused if it contains ``<!DOCTYPE`` or ``<!ENTITY``.
    Reading every member also verifies the CRC, which proves the declared uncompressed sizes
    the caps rely on are true.

    Raises :class:`RegisterFileError` for every refused file.
    """
    name = _display(display_name)

    def refuse(message: str) -> RegisterFileError:
        return RegisterFileError(message, display_name=name)

    ext = os.path.splitext(name)[1].lower()
    if ext not in ACCEPTED_EXTENSIONS:
        shown = f"'{ext}'" if ext else "no extension"
        raise refuse(
            f"'{name}' has {shown}, which is not a register format we can read. "
            f"Accepted file types: {_accepted_list()}."
        )
    fmt = ACCEPTED_EXTENSIONS[ext]

    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise refuse(f"'{name}' could not be read after upload. Please upload it again.") from exc
    if size == 0:
        raise refuse(f"'{name}' is empty (0 bytes). Please check you chose the right file.")
    if size > max_bytes:
        raise refuse(
            f"'{name}' is {_size_text(size)}, larger than the {_size_text(max_bytes)} limit. "
            "Split the register into smaller files, or remove unused sheets and images."
        )

    with open(path, "rb") as fh:
        head = fh.read(TEXT_SNIFF_BYTES)

    if fmt in ("xlsx", "xlsm", "ods"):
        if not head.startswith(ZIP_MAGIC):
            if head.startswith(OLE2_MAGIC):
                raise refuse(
                    f"'{name}' is not a normal {ext} workbook: it is either password-protected "
                    "or an old-style .xls file renamed. Remove any password in Excel, save it "
                    "as .xlsx, and upload it again."
                )
            raise refuse(
                f"'{name}' is named {ext} but its content is not a spreadsheet workbook. "
                f"Open it in Excel or LibreOffice, save it as {ext}, and upload it again."
            )
        _check_zip(
            path,
            name=name,
            fmt=fmt,
            max_total_uncompressed=max_total_uncompressed,
            max_ratio=max_ratio,
            max_members=max_members,
        )
        return fmt

    if fmt == "xls":
        if head.startswith(OLE2_MAGIC):
            return fmt
        if head.startswith(ZIP_MAGIC):
            raise refuse(
                f"'{name}' is named .xls but is really a newer .xlsx workbook. "
                "Rename it to end in .xlsx and upload it again."
            )
        raise refuse(
            f"'{name}' is named .xls but its content is not an Excel workbook (some systems "
            "export web pages or text with an .xls name). Open it in Excel, save it as .xlsx "
            "or .csv, and upload it again."
        )

    # Text formats: csv/tsv/txt and json.
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE2_MAGIC):
        raise refuse(
            f"'{name}' is named {ext} but is really an Excel workbook. "
            "Rename it to end in .xlsx (or .xls), or save it as CSV, and upload it again."
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(
            f"'{name}' is saved as UTF-16 ('Unicode text'), which we do not read. In Excel "
            "use Save As → 'CSV UTF-8 (Comma delimited)' and upload it again."
        )
    if _looks_binary(head):
        raise refuse(
            f"'{name}' is named {ext} but contains binary data, not text. "
            "Check you chose the right file; a CSV should open in Notepad as readable text."
        )
    if fmt == "json":
        stripped = head[len(UTF8_BOM) :] if head.startswith(UTF8_BOM) else head
        if stripped.lstrip()[:1] not in (b"{", b"["):
            raise refuse(
                f"'{name}' is named .json but does not contain JSON data "
                "(it should start with '{' or '[')."
            )
    return fmt


def _looks_binary(head: bytes) -> bool:
    """True when the first bytes of a would-be text file are binary.

    Any NUL byte makes a file binary (text in UTF-8 or Windows-1252 never contains one). So do
    more than 1% control characters other than tab, line feed, form feed, carriage return and
    escape-free printing text, which catches random data that happens to avoid NUL.
    """
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    return controls > max(1, len(head) // 100)


def _check_zip(
    path: str | os.PathLike,
    *,
    name: str,
    fmt: str,
    max_total_uncompressed: int,
    max_ratio: float,
    max_members: int,
) -> None:
    def refuse(message: str) -> RegisterFileError:
        return RegisterFileError(message, display_name=name)

    damaged = (
        f"'{name}' looks like a workbook but the file is damaged or incomplete. "
        "Open it in Excel or LibreOffice, save it again, and upload the new copy."
    )

    def unsafe(detail: str) -> str:
        return (
            f"'{name}' was refused because its internal structure is unsafe or not what Excel "
            f"or LibreOffice produce ({detail}). If the file is genuine, open it, save it as a "
            "new workbook, and upload that."
        )

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise refuse(damaged) from exc

    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise refuse(unsafe(f"it holds more than {max_members:,} parts"))
        total = 0
        names = set()
        for info in infos:
            names.add(info.filename)
            if info.flag_bits & 0x1:
                raise refuse(
                    f"'{name}' is encrypted. Remove the password in Excel, save it, and upload "
                    "it again."
                )
            total += info.file_size
            if total > max_total_uncompressed:
                raise refuse(
                    unsafe(f"it would unpack to more than {_size_text(max_total_uncompressed)}")
                )
            if info.file_size >= RATIO_CHECK_MIN_BYTES:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > max_ratio:
                    raise refuse(unsafe(f"one part is compressed {ratio:,.0f} times"))

        if fmt in ("xlsx", "xlsm") and "xl/workbook.xml" not in names:
            raise refuse(
                f"'{name}' is a zip file but not an Excel workbook (it has no workbook part). "
                "Open it in Excel, save it as .xlsx, and upload it again."
            )
        if fmt == "ods" and "content.xml" not in names:
            raise refuse(
                f"'{name}' is a zip file but not an OpenDocument spreadsheet. Open it in "
                "LibreOffice Calc, save it as .ods, and upload it again."
            )

        # Stream every member: verifies CRCs (so the declared sizes above are true) and scans
        # XML members for DTD markup. Reading is bounded by the declared sizes, which are capped.
        for info in infos:
            if info.is_dir():
                continue
            is_xml = info.filename.lower().endswith(_XML_MEMBER_SUFFIXES)
            try:
                with zf.open(info) as member:
                    tail = b""
                    while True:
                        chunk = member.read(_CHUNK)
                        if not chunk:
                            break
                        if is_xml:
                            window = tail + chunk
                            if any(token in window for token in _FORBIDDEN_MARKUP):
                                raise refuse(
                                    unsafe("it contains XML document type or entity declarations")
                                )
                            tail = window[-_OVERLAP:]
            except RegisterFileError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
                # NotImplementedError: compression method zipfile (and Excel) cannot read.
                raise refuse(damaged) from exc
            except Exception as exc:  # zlib.error and friends: a corrupt stream
                raise refuse(damaged) from exc


def ensure_openpyxl_is_defused() -> None:
    """Make sure openpyxl parses XML through defusedxml before it is used.

    openpyxl switches to defusedxml by itself when defusedxml is importable (``openpyxl.DEFUSEDXML``
    is then True). This refuses to go on if that is not the case, rather than parse an
    untrusted workbook with an unprotected parser.
    """
    import openpyxl

    if not getattr(openpyxl, "DEFUSEDXML", False):
        raise RuntimeError(
            "openpyxl is not using defusedxml; install defusedxml before reading uploads"
        )
