"""Fuzzing any file reader in one line: random bytes and mutated real files, only clear errors.

    @given(data=mutated(seed_bytes))
    @FUZZ
    def test_x(tmp_path_factory, data):
        survives(read_x, write(tmp_path_factory, "x.csv", data), (XError,))

`survives` calls the reader (and drains what it returns, so errors raised while iterating
count) and accepts only the reader's documented error types, each with a message a person can
act on. A new reader (fleet lists, system inventories) needs only its function, a seed file and
its error types.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Bounded so the whole fuzz set stays well under a minute; `deadline` is per example and
#: generous because CI machines are shared.
FUZZ = settings(
    max_examples=50,
    deadline=10_000,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


def write(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def drain(value: Any) -> None:
    """Consume what a reader returned, so rows read lazily are read too."""
    rows = getattr(value, "iter_rows", None)
    if callable(rows):
        for _ in rows():
            pass
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes | dict):
        for _ in value:
            pass


def survives(
    read: Callable[[Path], Any], path: Path, errors: tuple[type[BaseException], ...]
) -> Any:
    """Read `path`; any failure must be one of `errors`, with a message."""
    try:
        result = read(path)
        drain(result)
        return result
    except errors as exc:
        message = getattr(exc, "message", None) or str(exc)
        assert message.strip(), f"{type(exc).__name__} without a message"
        assert "Traceback" not in message
        return None


def mutated(seed: bytes) -> st.SearchStrategy[bytes]:
    """A real file with bytes flipped, inserted, deleted or the tail cut off."""

    @st.composite
    def build(draw: Any) -> bytes:
        data = bytearray(seed)
        for _ in range(draw(st.integers(1, 8))):
            if not data:
                break
            at = draw(st.integers(0, len(data) - 1))
            action = draw(st.sampled_from(["flip", "insert", "delete", "cut"]))
            if action == "flip":
                data[at] = draw(st.integers(0, 255))
            elif action == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=16))
            elif action == "delete":
                del data[at : at + draw(st.integers(1, 64))]
            else:
                del data[at:]
        return bytes(data)

    return build()


def mutated_zip(seed: bytes) -> st.SearchStrategy[bytes]:
    """A zip-based file (.xlsx, .ods) re-zipped with one member's content mutated.

    Mutating the archive's bytes mostly trips the zip layer's checksums; this reaches the XML
    parsers behind it.
    """
    with zipfile.ZipFile(io.BytesIO(seed)) as z:
        members = {info.filename: z.read(info) for info in z.infolist()}
    names = sorted(members)

    @st.composite
    def build(draw: Any) -> bytes:
        target = draw(st.sampled_from(names))
        content = draw(mutated(members[target])) if members[target] else b""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name in names:
                z.writestr(name, content if name == target else members[name])
        return out.getvalue()

    return build()


def random_with_magic(magic: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes after a format's signature (so the format sniffing lets them through)."""
    return st.binary(max_size=4096).map(lambda rest: magic + rest)
