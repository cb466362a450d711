"""Write the whole site atomically.

The new site is written into a temporary folder beside the output, then swapped in
with one rename (an atomic exchange where the system has one). Readers never see a
half-written site, and a failed or killed build leaves the previous output whole.
The site that was replaced is kept beside the new one (``output.previous``) for
``storysite rollback``. Folders and files get the modes the user's umask gives any
new folder or file (0755 and 0644 under umask 022), so a web server running as
another user can read them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import datetime as dt
import fcntl
import os
import secrets
import shutil
import stat
import subprocess
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from storysite.errors import StorySiteError
from storysite.models import OutputFile
from storysite.parallel import can_fork, die_with_parent

MARKER = ".storysite"
_TEMP_PREFIX = ".storysite-tmp-"
_OLD_PREFIX = ".storysite-old-"
_TRASH_PREFIX = ".storysite-trash-"
_LOCK_PREFIX = ".storysite-lock-"
_RENAME_EXCHANGE = 2
PREVIOUS_SUFFIX = ".previous"
MARKER_TEXT = "Built by storysite. This folder is replaced on every build.\n"
BUILT_KEY = "built: "


def previous_of(output: Path) -> Path:
    """Where the site a build replaced is kept: ``output.previous`` beside ``output``."""
    return output.with_name(output.name + PREVIOUS_SUFFIX)


def built_on(output: Path) -> dt.date | None:
    """The day (``--today``) the site in ``output`` was built, as its marker records it;
    None when the folder is not a storysite build or is older than the record."""
    try:
        text = (output / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for line in text.splitlines():
        if line.startswith(BUILT_KEY):
            with contextlib.suppress(ValueError):
                return dt.date.fromisoformat(line[len(BUILT_KEY) :].strip())
    return None


def _plain_relative(path: str) -> str:
    """``path`` when it is plainly inside the output folder (no empty, '.' or '..'
    part, not absolute), checked without making a path object; else as
    ``safe_relative_path`` says."""
    parts = path.split("/")
    if path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        return str(safe_relative_path(path))
    return path


def safe_relative_path(path: str) -> PurePosixPath:
    """Refuse any output path that could land outside the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".", "") for p in pure.parts):
        raise StorySiteError(f"refusing to write {path!r}: it is not inside the output folder")
    return pure


def write_site(files: Iterable[OutputFile], output: Path, keep_previous: bool = False) -> int:
    """Write ``files`` as the new content of ``output``; return how many were written."""
    with Staging(output, keep_previous=keep_previous) as staging:
        return staging.publish([staging.put(file) for file in files])


class Staging:
    """The new site's folder beside ``output``, swapped in only by ``publish()``.

    ``put`` may be called from forked worker processes too (each writes its own files
    into the same folder): ``publish`` is then given every path written, and refuses
    two files with one path. Leaving the ``with`` block without
    publishing (an error, a failed audit) removes the folder: the old site stays whole,
    and so it does when the build is killed (the next build clears the leftover).
    """

    #: The folders and files ``link_ahead`` makes ahead, and the process making them.
    _folders: Sequence[str] = ()
    _ahead: frozenset[str] = frozenset()
    _folder_maker: int | None = None

    def __init__(self, output: Path, keep_previous: bool = False) -> None:
        self.output = built_at(output)
        self.keep_previous = keep_previous
        _check_output_is_ours(self.output)
        if keep_previous and self.output.is_dir():  # it will be replaced
            _check_output_is_ours(previous_of(self.output))
        # Read once, here: worker processes inherit it (umask is per process).
        self.file_mode = 0o666 & ~current_umask()
        try:
            self.output.parent.mkdir(parents=True, exist_ok=True)
            self._lock = _BuildLock(self.output)
        except OSError as error:
            raise _cannot_write(self.output, error) from None
        try:
            _remove_leftovers(self.output)
            self.root = _new_folder(self.output, _TEMP_PREFIX)
        except BaseException as error:
            self._lock.release()
            if isinstance(error, OSError):
                raise _cannot_write(self.output, error) from None
            raise
        self.previous = self.output if self.output.is_dir() else None
        self._published = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        self.folders_made()
        if not self._published:
            shutil.rmtree(self.root, ignore_errors=True)
        self._lock.release()

    def link_ahead(self, files: Iterable[str]) -> None:
        """Start making the folders of ``files`` (paths inside the site: the last
        build's), and linking each file there from the last site, in a child process,
        while this one works out what the new site holds: a site of 5,000 stories has
        5,000 folders, and making them and linking their pages one after the other
        waits for the disk. ``folders_made`` waits for it. A file linked ahead is only
        a guess: ``keep`` keeps it, ``put`` replaces it, and ``publish`` removes every
        one this build did not make, and the folders left empty."""
        ahead = frozenset(_plain_relative(f) for f in files if f)
        wanted = sorted({d for f in ahead for d in folders_of(f)})  # parents before children
        if not ahead or not can_fork():
            return
        self._folders, self._ahead = wanted, ahead
        previous = str(self.previous) if self.previous is not None else ""
        root, mode = str(self.root), self.file_mode
        pid = os.fork()
        if pid == 0:  # the child: make and link, then end without cleaning up
            try:
                die_with_parent()
                for folder in wanted:
                    with contextlib.suppress(OSError):
                        os.mkdir(os.path.join(root, folder))
                for path in ahead if previous else ():
                    with contextlib.suppress(OSError):
                        _link_plain(os.path.join(previous, path), os.path.join(root, path), mode)
            finally:
                os._exit(0)
        self._folder_maker = pid

    def folders_made(self) -> None:
        """Wait until the folders and files ``link_ahead`` started are made."""
        if self._folder_maker is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._folder_maker, 0)
            self._folder_maker = None

    def _remove_unused_folders(self, files: set[str]) -> None:
        """Remove the folders made ahead that hold no file of the new site (a story no
        longer published must leave no trace, not even an empty folder). One that
        still holds something stops the build: the site would hold a file it did not
        make."""
        used = {folder for path in files for folder in folders_of(path)}
        for folder in reversed(self._folders):  # children before parents
            if folder not in used:
                try:
                    os.rmdir(os.path.join(self.root, folder))
                except FileNotFoundError:
                    pass
                except OSError as error:
                    raise StorySiteError(
                        f"{folder} in the new site holds files this build did not make "
                        "— nothing was changed; build again"
                    ) from error

    def put(self, file: OutputFile) -> str:
        """Write one file (or hard-link it from the previous output when its bytes are
        the same there: the old file is only linked to, never changed). Returns its path."""
        relative = safe_relative_path(file.path)
        target = self.root.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if str(relative) in self._ahead:  # linked ahead from the last site: not ours
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        if self.previous is None or not _link_unchanged(
            self.previous.joinpath(*relative.parts), target, file.content, self.file_mode
        ):
            # Never open a file that is there already: it may be a link to the old
            # site's file, which writing would change. Two files with one path (in
            # any worker) stop the build here.
            try:
                with target.open("xb") as out:
                    out.write(file.content)
            except FileExistsError:
                raise StorySiteError(f"two pages want the same path {file.path!r}") from None
        return file.path

    def kept_bytes(self, path: str) -> bytes:
        """The bytes of the file at ``path`` in the new site (one ``keep`` kept)."""
        return Path(self.root, _plain_relative(path)).read_bytes()

    def keep(self, path: str, written: tuple[int, int, int]) -> bool:
        """Keep the last site's file at ``path`` in the new site unread, when it is still
        the file the last build wrote (``written``: its size, modification time and
        inode, as the manifest holds them) and a plain file with a new file's mode:
        linked ahead already (``link_ahead``), or hard-linked now. False (make the file
        instead) on any doubt; the caller knows the file holds what this build would
        write."""
        if self.previous is None:
            return False
        relative = path if path in self._ahead else _plain_relative(path)  # ahead: plain
        old = os.path.join(self.previous, relative)
        target = os.path.join(self.root, relative)
        if relative in self._ahead and is_written(target, written, self.file_mode):
            return True  # the link made ahead is that very file
        if not is_written(old, written, self.file_mode):
            return False
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)  # a link made ahead to what is there now: not ours
            try:
                os.link(old, target)
            except FileNotFoundError:  # its folder is not made yet
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.link(old, target)
        except OSError:
            return False
        return True

    def publish(self, paths: Iterable[str], record: Sequence[str] = ()) -> int:
        """Swap the folder in as ``output``; ``paths`` are every file ``put`` wrote, in
        any process. ``record``: lines for the marker file (the build day). Returns how
        many files there are."""
        seen: set[str] = set()
        for path in paths:
            relative = _plain_relative(path)
            if relative in seen:
                raise StorySiteError(f"two pages want the same path {path!r}")
            seen.add(relative)
        self.folders_made()
        for relative in self._ahead - seen:  # linked ahead, and not part of the new site
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(self.root, relative))
        self._remove_unused_folders(seen)
        root = str(self.root)
        missing = [r for r in seen if not os.path.isfile(os.path.join(root, r))]
        if missing:  # something removed part of the new site: never publish a half site
            raise StorySiteError(
                f"{len(missing)} files of the new site went missing before it was "
                f"published (first: {sorted(missing)[0]}) — nothing was changed; build again"
            )
        (self.root / MARKER).write_text(MARKER_TEXT + "".join(f"{r}\n" for r in record))
        _swap_in(self.root, self.output, self.keep_previous)
        self._published = True
        return len(seen)


class InPlace(Staging):
    """Writes a site straight into ``output``, for the local preview only (``storysite
    serve``): a file whose bytes change is replaced in one step, a file no longer
    made is removed, the rest is left alone. No web host serves a preview, and making
    a whole new tree of folders for every saved story costs more than its rebuild."""

    def __init__(self, output: Path) -> None:
        self.output = output.absolute()
        self.keep_previous = False
        self.file_mode = 0o666 & ~current_umask()
        try:
            self.output.mkdir(parents=True, exist_ok=True)
            self._lock = _BuildLock(self.output)
        except OSError as error:
            raise _cannot_write(self.output, error) from None
        self.root = self.previous = self.output
        self._published = False

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def link_ahead(self, files: Iterable[str]) -> None:
        """Nothing to make ahead: the preview's folders and files are there already."""

    def put(self, file: OutputFile) -> str:
        target = os.path.join(self.root, _plain_relative(file.path))
        with contextlib.suppress(OSError):
            if os.path.getsize(target) == len(file.content):
                with open(target, "rb") as old:
                    if old.read() == file.content:
                        return file.path  # the same: its file (and time) stay
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temporary = f"{target}.{os.getpid()}.new"
        with open(temporary, "wb") as out:
            out.write(file.content)
        os.chmod(temporary, self.file_mode)
        os.replace(temporary, target)
        return file.path

    def keep(self, path: str, written: tuple[int, int, int]) -> bool:
        return is_written(os.path.join(self.root, _plain_relative(path)), written, self.file_mode)

    def publish(self, paths: Iterable[str], record: Sequence[str] = ()) -> int:
        made = {_plain_relative(p) for p in paths}
        for root, _dirs, files in os.walk(self.root, topdown=False):
            for name in files:
                relative = os.path.relpath(os.path.join(root, name), self.root)
                if relative not in made and relative != MARKER:
                    os.unlink(os.path.join(root, name))
            if root != str(self.root):
                with contextlib.suppress(OSError):
                    os.rmdir(root)  # only when it is empty now
        (self.root / MARKER).write_text(MARKER_TEXT + "".join(f"{r}\n" for r in record))
        self._published = True
        return len(made)


def folders_of(path: str) -> Iterator[str]:
    """The folders ``path`` is in: ``a/b/c.html`` -> ``a``, ``a/b``."""
    parts = path.split("/")
    for end in range(1, len(parts)):
        yield "/".join(parts[:end])


def is_written(path: str, written: tuple[int, int, int], mode: int) -> bool:
    """Whether ``path`` is still the plain file a build wrote (``written``: its size,
    modification time and inode then), with the ``mode`` a new file gets: not edited,
    swapped or given another mode since."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    seen = (info.st_size, info.st_mtime_ns, info.st_ino)
    return stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == mode and seen == written


def _link_plain(old: str, target: str, mode: int) -> None:
    """Hard-link ``old`` to ``target`` when it is a plain file with the ``mode`` a new
    file would get; raises OSError otherwise, or when it cannot be linked."""
    status = os.lstat(old)
    if not stat.S_ISREG(status.st_mode) or stat.S_IMODE(status.st_mode) != mode:
        raise OSError(f"{old} is not a plain file with a new file's mode")
    os.link(old, target)


def _link_unchanged(old: Path, target: Path, content: bytes, mode: int) -> bool:
    """Hard-link ``old`` to ``target`` when it is a plain file holding ``content`` with
    the ``mode`` a new file would get. False (write the file instead) on any doubt or
    error, such as another file system, or a file an earlier umask made unreadable."""
    try:
        status = old.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(content):
            return False
        if stat.S_IMODE(status.st_mode) != mode:
            return False
        if old.read_bytes() != content:
            return False
        os.link(old, target)
    except OSError:
        return False
    return True


class _BuildLock:
    """A lock file beside ``output`` (``.storysite-lock-NAME``), held for the whole
    build: a second build into the same output stops at once instead of clearing the
    first one's staging folder. Builds into other folders are not held up. The file
    is removed when the build ends; after a kill the system still drops the lock,
    and the next build takes the file over."""

    def __init__(self, output: Path) -> None:
        self.path = output.parent / f"{_LOCK_PREFIX}{output.name}"
        self.descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            # A build that just ended may have removed the file after this one opened
            # it: then this lock is on a file nobody else can find. Refuse it.
            if os.stat(self.path).st_ino != os.fstat(self.descriptor).st_ino:
                raise BlockingIOError
        except (BlockingIOError, FileNotFoundError):
            os.close(self.descriptor)
            raise StorySiteError(
                f"another storysite build is writing {output} now — wait for it to "
                "finish, then build again"
            ) from None
        except OSError:
            pass  # a file system without locks (some network shares): build unlocked

    def release(self) -> None:
        """Remove the file while still holding the lock, then let go of it."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self.descriptor)


def built_at(output: Path) -> Path:
    """Where a build into ``output`` writes: an output named by a link (a web root
    pointing at it, say) is built where the link points, so the link goes on showing
    the new site."""
    return output.resolve() if output.is_symlink() else output.absolute()


def hold_build_lock(output: Path) -> _BuildLock:
    """``output``'s build lock, as a build takes it (``release()`` it): StorySiteError
    when another build holds it; OSError when it cannot be made (its folder gone)."""
    return _BuildLock(built_at(output))


def _cannot_write(output: Path, error: OSError) -> StorySiteError:
    return StorySiteError(
        f"{output.parent}: cannot write the new site beside {output.name} "
        f"({error.strerror or error}) — build into a folder you can write to"
    )


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
    """Clear what a killed build left: staging folders, and restore an output it moved.

    Only this output's: the random part of their names holds no '-', so a name with one after
    ``NAME-`` is another output's (``out-2`` beside ``out``), whose build may be
    running now (its own lock, not this one, is held)."""
    for trash in output.parent.glob(f"{_TRASH_PREFIX}{output.name}-*"):
        _remove_in_background(trash)
    for prefix in (_TEMP_PREFIX, _OLD_PREFIX):
        for leftover in output.parent.glob(f"{prefix}{output.name}-*"):
            if "-" in leftover.name[len(prefix) + len(output.name) + 1 :]:
                continue
            if prefix == _OLD_PREFIX and not output.exists():
                leftover.rename(output)
            else:
                shutil.rmtree(leftover, ignore_errors=True)


def current_umask() -> int:
    """The process's umask (reading it means setting it: put it straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _new_folder(output: Path, prefix: str) -> Path:
    """A new, empty folder beside ``output`` with the mode the umask gives any folder
    (tempfile.mkdtemp would make it 0700, and a web server could not read the site)."""
    while True:
        # A random part without '-': see _remove_leftovers.
        folder = output.parent / f"{prefix}{output.name}-{secrets.token_hex(6)}"
        try:
            folder.mkdir(0o777)
        except FileExistsError:
            continue
        return folder


def _swap_in(staging: Path, output: Path, keep_previous: bool) -> None:
    """Put ``staging`` in the place of ``output``, in one step where the system can.
    The replaced site then goes to ``output.previous`` (or is removed)."""
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        old = staging  # the exchange left the replaced site here
    else:
        old = _new_folder(output, _OLD_PREFIX)
        old.rmdir()
        output.rename(old)
        staging.rename(output)
    if keep_previous:
        try:  # the new site is in place: keeping the old one must not fail the build
            _replace(old, previous_of(output))
        except OSError:
            remove_later(old, output)
    else:
        remove_later(old, output)


def _replace(folder: Path, target: Path) -> None:
    """Move ``folder`` to ``target``, removing the folder that was there."""
    if target.exists():
        if _exchange(folder, target):
            remove_later(folder, target)
            return
        shutil.rmtree(target)
    folder.rename(target)


def remove_later(folder: Path, output: Path) -> None:
    """Remove a replaced site without making the build wait for it (removing tens of
    thousands of files takes seconds on some disks): it is renamed out of the way at
    once, and a detached ``rm -rf`` removes it. Any that remain (the machine stopped)
    are removed the same way by the next build of the same output."""
    try:
        trash = _new_folder(output, _TRASH_PREFIX)
        trash.rmdir()
        folder.rename(trash)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    _remove_in_background(trash)


def _remove_in_background(folder: Path) -> None:
    remover = shutil.which("rm")
    try:
        if remover is None:
            raise OSError("no rm")
        subprocess.Popen(
            [remover, "-rf", "--", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def swap_back(output: Path, check: Callable[[Path], None]) -> None:
    """Exchange ``output`` and ``output.previous`` in one step, under the build lock,
    once ``check(previous)`` has returned (it raises to refuse)."""
    output = built_at(output)
    previous = previous_of(output)
    for folder in (output, previous):
        if not (folder / MARKER).is_file():
            raise StorySiteError(
                f"{folder}: there is no site here that storysite built — nothing to roll "
                "back to (a build keeps the site it replaces; build twice first)"
            )
    try:
        lock = _BuildLock(output)
    except OSError as error:
        raise _cannot_write(output, error) from None
    try:
        _remove_leftovers(output)
        check(previous)
        if not _exchange(previous, output):
            _replace_by_renames(previous, output)
    except OSError as error:
        raise _cannot_write(output, error) from None
    finally:
        lock.release()


def _replace_by_renames(previous: Path, output: Path) -> None:
    """Swap two folders without renameat2: three renames, output missing for an instant."""
    old = _new_folder(output, _OLD_PREFIX)
    old.rmdir()
    output.rename(old)
    previous.rename(output)
    old.rename(previous)


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
