"""chromedriver processes that end with the process that started them, even after SIGKILL.

A worker killed with SIGKILL runs no clean-up code, so its chromedriver
would keep running, and the Chromium behind it too. On Linux, chromedriver
is therefore started with a parent-death signal: the kernel sends it SIGTERM
when its parent goes away. Chromium talks to chromedriver over a pipe
(``--remote-debugging-pipe``, see ``cxaudit.browser``) and exits when that
pipe closes.

The kernel ties the parent-death signal to the thread that started the
child, not to the process. Browsers are started in pool threads that end
with each scan, so every chromedriver is started from one launcher thread
that lives as long as the process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from selenium.webdriver.chrome.service import Service

logger = logging.getLogger(__name__)

# From <linux/prctl.h>.
PR_SET_PDEATHSIG = 1

_launcher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cxaudit-chromedriver-launcher")


def _load_libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError as error:
        logger.warning("chromedriver may outlive a killed worker: libc not loaded (%s)", error)
        return None


# Loaded here, in the parent: the child between fork and exec must not import or look anything up.
_libc = _load_libc()


def _die_with_parent(parent_pid: int) -> None:
    """Run in the child before exec: ask for SIGTERM when the launcher thread ends."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    # The parent may have died between fork and prctl; then no signal would ever come.
    if os.getppid() != parent_pid:
        os._exit(1)


class OrphanProofService(Service):
    """A chromedriver ``Service`` whose process ends when the process that started it ends."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if _libc is not None:
            parent_pid = os.getpid()
            kwargs["popen_kw"] = {**kwargs.get("popen_kw", {}), "preexec_fn": lambda: _die_with_parent(parent_pid)}
        super().__init__(*args, **kwargs)

    def start(self) -> None:
        """Start chromedriver from the launcher thread, so its parent-death signal follows the process."""
        _launcher.submit(super().start).result()
