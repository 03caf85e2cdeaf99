"""What the walk needs to know of the platform: identities, junctions, special files, mounts.

The walk (``_walk``) asks this module and nothing else about the system it runs on:
how a directory is identified, whether an entry is a Windows junction or a mount
point, which files are FIFOs, sockets or devices, and which mounted file systems
are the kernel's own views of itself, never to be walked.

Kernel file systems. Their contents are the kernel's objects, not files anyone
packages: sysfs reaches a few thousand real directories through an astronomical
number of link paths, proc holds a link to ``/`` in every process, debugfs and
tracefs files block or change the system when read. The list below is the kernel's
virtual ("nodev") file systems that expose kernel state, as documented under
``Documentation/filesystems/`` and ``Documentation/admin-guide/`` of the Linux
sources and in ``filesystems(5)``, ``proc(5)``, ``sysfs(5)``, ``cgroups(7)``;
file systems that hold files people store (tmpfs, ramfs, overlay, fuse, NFS, 9p,
virtiofs) are not on it. On Linux each mount's type and device number come from
``/proc/self/mountinfo``, read once per process; a directory on such a device is
not entered, by whatever path or link the walk reaches it. Elsewhere there is no
mount table to read without a system library: the places where macOS and the BSDs
mount their kernel file systems (devfs at ``/dev``; procfs, fdescfs, linprocfs and
linsysfs where mounted) are looked at instead, and a devfs mounted anywhere else
is not known. Windows has none that a directory walk can reach (its device
namespace, ``\\\\.\\``, is not part of any directory tree).
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator, Mapping
from typing import NamedTuple, Union

# (st_dev, st_ino); (st_dev, resolved path) where the file system has no inode numbers.
Identity = tuple[int, Union[int, str]]

JUNCTIONS = sys.platform == "win32"
"""Whether directories may be junctions, which os.walk enters even with followlinks=False."""
STAT_FOR_IDENTITY = sys.platform == "win32"
"""On Windows ``DirEntry.stat()`` carries no st_ino or st_dev: identities need os.stat."""
CASE_INSENSITIVE = sys.platform in ("darwin", "win32", "cygwin")
"""Where a name found by ``stat`` may be listed under another spelling."""

_IO_REPARSE_TAG_MOUNT_POINT = 0xA0000003  # stat.IO_REPARSE_TAG_MOUNT_POINT, which typeshed has on Windows only

KERNEL_FILE_SYSTEMS = frozenset(
    {
        # Linux: process, device and kernel-object views.
        "proc", "sysfs", "devtmpfs", "devpts", "mqueue", "binfmt_misc", "configfs", "efivarfs",
        # Linux: control groups, tracing, debugging, security modules.
        "cgroup", "cgroup2", "cpuset", "debugfs", "tracefs", "securityfs", "selinuxfs", "smackfs", "pstore",
        "bpf", "resctrl", "nsfs",
        # Linux: control files of other subsystems (FUSE, automounter, huge pages, NFS, Xen, Android).
        "fusectl", "autofs", "hugetlbfs", "rpc_pipefs", "nfsd", "xenfs", "binder",
        # macOS and the BSDs.
        "devfs", "procfs", "fdescfs", "linprocfs", "linsysfs",
    }
)  # fmt: skip
"""File system types that are the kernel's views of itself (see the module's docstring)."""

# Where macOS and the BSDs mount their kernel file systems, for want of a mount table.
_FIXED_KERNEL_MOUNTS: tuple[tuple[str, str], ...] = (
    (("/dev", "devfs"),)
    if sys.platform == "darwin"
    else (
        ("/dev", "devfs"),
        ("/dev/fd", "fdescfs"),
        ("/proc", "procfs"),
        ("/compat/linux/proc", "linprocfs"),
        ("/compat/linux/sys", "linsysfs"),
    )
    if sys.platform.startswith(("freebsd", "openbsd", "netbsd", "dragonfly"))
    else ()
)


def identity_of(st: os.stat_result, path: str) -> Identity:
    """A directory's identity; its resolved path where the file system gives every
    file inode number 0 (some FUSE and network file systems), so that it stays unique."""
    return (st.st_dev, st.st_ino) if st.st_ino else (st.st_dev, os.path.realpath(path))


def real_ancestors(path: str) -> Iterator[tuple[Identity, str]]:
    """The identity and path of each real directory above ``path``, nearest first."""
    real = os.path.realpath(path)
    while True:
        parent = os.path.dirname(real)
        if parent == real:
            return
        real = parent
        try:
            st = os.stat(real)
        except OSError:
            continue
        yield identity_of(st, real), real


def link_target(path: str) -> str:
    """What the link (or junction) at ``path`` says, as a report shows it; "?" if it is
    gone or says nothing readable."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def is_junction(entry: os.DirEntry[str]) -> bool:
    """Whether ``entry`` is a Windows junction: a directory, not a link, to ``is_symlink``."""
    is_junction = getattr(entry, "is_junction", None)  # Python 3.12+
    if is_junction is not None:
        return bool(is_junction())
    try:
        tag = entry.stat(follow_symlinks=False).st_reparse_tag  # type: ignore[attr-defined]  # Windows only
    except (OSError, AttributeError):
        return False
    return bool(tag == _IO_REPARSE_TAG_MOUNT_POINT)


def is_mount_point(entry: os.DirEntry[str]) -> bool:
    """Whether a directory ``entry`` is a mount point: ``readdir`` gives the inode of the
    directory it covers, ``stat`` the root of what is mounted there; or it is on the
    device of a kernel file system. (The ``stat`` is kept by the entry, for its identity.)"""
    try:
        st = entry.stat()
        return st.st_ino != entry.inode() or st.st_dev in mounts().kernel
    except OSError:
        return False


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _special_mode(mode: int) -> str | None:
    return next((what for test, what in _SPECIAL_KINDS if test(mode)), None)


def special_entry(entry: os.DirEntry[str]) -> str | None:
    """What ``entry`` is if it is, or leads to, a FIFO, a socket or a device (for an entry
    that is neither a regular file nor a directory: a dangling link is none of them)."""
    try:
        return _special_mode(entry.stat().st_mode)
    except OSError:
        return None


def special_file(path: str) -> str | None:
    """What ``path`` is if it is, or leads to, a FIFO, a socket or a device."""
    try:
        return _special_mode(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


class Mounts(NamedTuple):
    """What the walk needs of the mount table, read once per process."""

    names: frozenset[str]
    """The last parts of the paths where something is mounted: a directory so named is
    asked whether it is a mount point."""
    kernel: Mapping[int, str]
    """The device numbers of the mounted kernel file systems, and each one's type."""


_MOUNTS: Mounts | None = None
_MOUNT_ESCAPES = ((b"\\040", b" "), (b"\\011", b"\t"), (b"\\012", b"\n"), (b"\\134", b"\\"))


def unescape_mount_point(field: bytes) -> bytes:
    """A mount point as /proc/self/mountinfo writes it, with its octal escapes undone."""
    for escaped, plain in _MOUNT_ESCAPES:
        field = field.replace(escaped, plain)
    return field


def mounts() -> Mounts:
    """The mount table of this process (Linux), or the fixed kernel mounts (macOS, BSD)."""
    global _MOUNTS
    if _MOUNTS is None:
        try:
            with open("/proc/self/mountinfo", "rb") as table:
                _MOUNTS = parse_mountinfo(table.read())
        except OSError:
            _MOUNTS = _fixed_kernel_mounts()
    return _MOUNTS


def parse_mountinfo(text: bytes) -> Mounts:
    """The ``Mounts`` of a ``/proc/self/mountinfo`` text (``proc(5)``): per line, the
    fifth field is the mount point, the third ``major:minor`` (the ``st_dev`` of what
    is mounted), and the first field after the `` - `` separator the file system type."""
    names = set()
    kernel = {}
    for line in text.splitlines():
        fields = line.split(b" ", 5)
        if len(fields) < 6:
            continue
        names.add(os.path.basename(os.fsdecode(unescape_mount_point(fields[4]))))
        _, separator, rest = fields[5].partition(b" - ")
        kind = os.fsdecode(rest.split(b" ", 1)[0]) if separator else ""
        if kind in KERNEL_FILE_SYSTEMS:
            major, _, minor = fields[2].partition(b":")
            try:
                kernel[os.makedev(int(major), int(minor))] = kind
            except ValueError:
                continue
    names.discard("")
    return Mounts(frozenset(names), kernel)


def _fixed_kernel_mounts() -> Mounts:
    """The kernel file systems at their fixed places, where something is mounted there."""
    names = set()
    kernel = {}
    for path, kind in _FIXED_KERNEL_MOUNTS:
        try:
            device = os.stat(path).st_dev
            if device == os.stat(os.path.dirname(path)).st_dev:
                continue  # nothing mounted there
        except OSError:
            continue
        names.add(os.path.basename(path))
        kernel[device] = kind
    return Mounts(frozenset(names), kernel)
