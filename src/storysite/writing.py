"""Write the whole site atomically.

The new site is written into a temporary folder beside the output, then swapped in
with one rename (an atomic exchange where the system has one). Readers never see a
half-written site, and a failed or killed build leaves the previous output whole.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from storysite.errors import StorySiteError
from storysite.models import OutputFile

MARKER = ".storysite"
_TEMP_PREFIX = ".storysite-tmp-"
_OLD_PREFIX = ".storysite-old-"
_RENAME_EXCHANGE = 2


def safe_relative_path(path: str) -> PurePosixPath:
    """Refuse any output path that could land outside the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".", "") for p in pure.parts):
        raise StorySiteError(f"refusing to write {path!r}: it is not inside the output folder")
    return pure


def write_site(files: Iterable[OutputFile], output: Path) -> int:
    """Write ``files`` as the new content of ``output``; return how many were written."""
    output = output.absolute()
    _check_output_is_ours(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output)
    staging = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX + output.name + "-", dir=output.parent))
    previous = output if output.is_dir() else None
    try:
        count = _write_tree(files, staging, previous)
        (staging / MARKER).write_text(
            "Built by storysite. This folder is replaced on every build.\n"
        )
        _swap_in(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _write_tree(files: Iterable[OutputFile], root: Path, previous: Path | None = None) -> int:
    """Write ``files`` under ``root``. A file whose bytes are the same as in the
    ``previous`` output is hard-linked from there instead of written again: the old
    file is never changed (only linked to), so the previous site stays whole."""
    seen: set[PurePosixPath] = set()
    folders: set[Path] = set()
    for file in files:
        relative = safe_relative_path(file.path)
        if relative in seen:
            raise StorySiteError(f"two pages want the same path {file.path!r}")
        seen.add(relative)
        target = root.joinpath(*relative.parts)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        if previous is not None and _link_unchanged(
            previous.joinpath(*relative.parts), target, file.content
        ):
            continue
        target.write_bytes(file.content)
    return len(seen)


def _link_unchanged(old: Path, target: Path, content: bytes) -> bool:
    """Hard-link ``old`` to ``target`` when it is a plain file holding ``content``.
    False (write the file instead) on any doubt or error, such as another file system."""
    try:
        status = old.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(content):
            return False
        if old.read_bytes() != content:
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


def _check_output_is_ours(output: Path) -> None:
    """Never replace a folder storysite did not make: it may hold someone's files."""
    if output.exists() and not output.is_dir():
        raise StorySiteError(f"{output} is a file, not a folder — choose another --output")
    if output.is_dir() and any(output.iterdir()) and not (output / MARKER).exists():
        raise StorySiteError(
            f"{output} already holds files that storysite did not write — empty it, "
            "or choose another --output"
        )


def _remove_leftovers(output: Path) -> None:
    """Clear what a killed build left: staging folders, and restore an output it moved."""
    for prefix in (_TEMP_PREFIX, _OLD_PREFIX):
        for leftover in output.parent.glob(f"{prefix}{output.name}-*"):
            if prefix == _OLD_PREFIX and not output.exists():
                leftover.rename(output)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, output: Path) -> None:
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX + output.name + "-", dir=output.parent))
    old.rmdir()
    output.rename(old)
    staging.rename(output)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step with Linux's renameat2(RENAME_EXCHANGE), if present."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)
