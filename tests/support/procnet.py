"""Which server process holds a given TCP connection (Linux /proc), for multi-worker tests.

A connection from a local client port to the app's port is a socket inode listed in
/proc/net/tcp (or tcp6) with local port = the app's port and remote port = the client's port;
the worker that serves it is the process with a file descriptor pointing at that inode.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["child_pids", "serving_pid"]


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid` (e.g. Granian's workers)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children.extend(int(c) for c in text)
    return sorted(set(children))


def _inodes(server_port: int, client_port: int) -> set[str]:
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if (
                int(local.rsplit(":", 1)[1], 16) == server_port
                and int(remote.rsplit(":", 1)[1], 16) == client_port
            ):
                found.add(inode)
    return found


def serving_pid(candidates: list[int], server_port: int, client_port: int) -> int | None:
    """The pid among `candidates` owning the server side of client_port -> server_port."""
    inodes = {f"socket:[{i}]" for i in _inodes(server_port, client_port)}
    if not inodes:
        return None
    for pid in candidates:
        fd_dir = f"/proc/{pid}/fd"
        try:
            names = os.listdir(fd_dir)
        except OSError:
            continue
        for name in names:
            try:
                if os.readlink(f"{fd_dir}/{name}") in inodes:
                    return pid
            except OSError:
                continue
    return None
