"""Running notebooks with papermill on warm kernels.

Starting a kernel and importing pandas, plotly and vccap in it costs more than running a
report. A worker process therefore keeps one kernel alive between notebooks, registered as
the papermill engine ``vccap-warm``, and **resets** it before each notebook:

- the user namespace is cleared (``InteractiveShell.reset(new_session=True)``: variables,
  ``Out``, ``_``, history; the execution counter starts again at 1),
- the working directory is set to the job's,
- pandas options and warning filters are restored to their defaults,
- what survives (modules, content-keyed caches) is moved out of the cyclic garbage
  collector's reach (``gc.freeze()``): the next reset's collection then walks only what the
  last notebook made (measured 0.2 s -> 0.065 s per reset with the kit loaded). Frozen
  objects are still freed when nothing refers to them; the last notebook's unreachable
  cycles are collected just before, so they are not frozen with the rest.

Imported modules stay loaded (that is the point); the kit keeps no report state in its
modules, only content-keyed caches (see ``tests/test_kernels.py``, which runs reports one after
the other in one kernel and compares them with fresh-kernel runs).

Kernels speak over IPC sockets with a unique path, so parallel workers never race for ports.
"""

from __future__ import annotations

import atexit
import os
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

KERNEL_NAME = "python3"
EXECUTION_TIMEOUT = 900  # seconds per cell
START_TIMEOUT = 120
#: Seconds to wait for the reset's idle status on a new client's IOPub channel.
IOPUB_CHECK = 2.0
ENGINE_NAME = "vccap-warm"
#: The kernel's environment variable holding the build's token (see :func:`execute`).
SNAPSHOT_ENV = "VCCAP_BUILD_SNAPSHOT"

RESET_CODE = """\
get_ipython().reset(new_session=True, aggressive=False)
import os as _vccap_os, warnings as _vccap_warnings
_vccap_os.chdir({cwd!r})
if {snapshot!r}:  # the build's token: one workspace load per kernel and build
    _vccap_os.environ[{env!r}] = {snapshot!r}
else:
    _vccap_os.environ.pop({env!r}, None)
_vccap_warnings.resetwarnings()
try:  # pandas options back to their defaults (only those that were changed)
    from pandas._config import config as _vccap_cfg
    for _vccap_k, _vccap_o in list(_vccap_cfg._registered_options.items()):
        try:
            if _vccap_cfg.get_option(_vccap_k) != _vccap_o.defval:
                _vccap_cfg.set_option(_vccap_k, _vccap_o.defval)
        except Exception:
            pass
except Exception:
    pass
del _vccap_os, _vccap_warnings
_vccap_names = [n for n in list(globals()) if n.startswith("_vccap_")]
for _vccap_n in _vccap_names:
    globals().pop(_vccap_n, None)
globals().pop("_vccap_n", None)
__import__("gc").collect()  # the last notebook's cycles, freed before the freeze
__import__("gc").freeze()
"""


def _ipc_manager_class():
    """A kernel manager speaking over local sockets (IPC) with a unique path."""
    from jupyter_client import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.transport = "ipc"
            self.ip = os.path.join(tempfile.gettempdir(), f"vccap-{uuid.uuid4().hex[:12]}-ipc")

        async def _async_pre_start_kernel(self, **kw: Any):
            kw["env"] = kernel_env(kw.get("env"))
            return await super()._async_pre_start_kernel(**kw)

    return IpcKernelManager


def kernel_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a page's kernel: ``env`` (default: this process's), with the
    folder holding the kit first on ``PYTHONPATH`` when the kit is not installed in a
    site-packages folder (an editable install, as ``make`` does).

    The kernel runs in the workspace's parent folder, which IPython puts on ``sys.path``;
    a folder named ``vccap`` there (the kit's own clone, next to the workspace) would
    otherwise be imported instead of the kit, as an empty namespace package."""
    import vccap

    out = dict(os.environ if env is None else env)
    home = str(Path(vccap.__file__).resolve().parent.parent)
    if Path(home).name not in ("site-packages", "dist-packages"):
        paths = [home, *[p for p in out.get("PYTHONPATH", "").split(os.pathsep) if p]]
        out["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return out


class WarmKernel:
    """One kernel kept alive across notebooks; each notebook gets a new client (``kc``),
    opened by the reset that runs through it."""

    def __init__(self, kernel_name: str = KERNEL_NAME) -> None:
        self.kernel_name = kernel_name
        self.km = None
        self.kc = None
        self.runs = 0

    def _sync(self, coro_fn, *args, **kwargs):
        from jupyter_core.utils import run_sync

        return run_sync(coro_fn)(*args, **kwargs)

    def alive(self) -> bool:
        return self.km is not None and bool(self._sync(self.km.is_alive))

    def start(self, cwd: str) -> None:
        began = time.perf_counter()
        self.km = _ipc_manager_class()(kernel_name=self.kernel_name)
        self._sync(self.km.start_kernel, cwd=cwd)
        self.kc = self._open_client()
        try:
            self._sync(self.kc.wait_for_ready, timeout=START_TIMEOUT)
        except BaseException:
            self.close_client()
            raise
        self.runs = 0
        STARTS.append(time.perf_counter() - began)

    def _open_client(self):
        kc = self.km.client()
        kc.allow_stdin = False
        kc.start_channels()
        return kc

    def close_client(self) -> None:
        """Close the notebook's client (each notebook gets a new one: a client reused after
        nbclient has run a notebook may lose messages)."""
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:  # noqa: BLE001 - best effort
                pass
            self.kc = None

    async def _run_reset(self, code: str) -> str:
        """Run the reset code through a new client and wait until its IOPub channel is
        connected; the reply's status ("ok" when reset). jupyter_client's ``wait_for_ready``
        would spend 0.2 s per notebook listening for stray messages: here the reset's own
        messages prove the channel is live (measured 0.2 s -> 0.02 s per page)."""
        kc = self.kc
        msg_id = kc.execute(code, silent=False, store_history=False, allow_stdin=False)
        reply = await kc._async_recv_reply(msg_id, timeout=START_TIMEOUT)
        try:
            while True:  # the reset's busy/idle status, once the subscription is live
                msg = await kc.iopub_channel.get_msg(timeout=IOPUB_CHECK)
                if (
                    msg["parent_header"].get("msg_id") == msg_id
                    and msg["header"]["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"
                ):
                    break
        except Empty:  # published before the channel connected: the usual, slower check
            await kc._async_wait_for_ready(timeout=START_TIMEOUT)
        return str(reply["content"].get("status"))

    def reset(self, cwd: str, snapshot: str = "", *, again: bool = True) -> None:
        """Clear the kernel's state before a new notebook (see the module docstring), and
        set the build's ``snapshot`` token (see :func:`execute`). A kernel that does not
        reset is started again; the token is then set by one more reset (``again``), and
        when that one fails too the new kernel goes without it (it reads the files' stats,
        as outside a build): a reset that always fails never loops."""
        self.close_client()
        if not self.alive():
            self._restart(cwd, snapshot, again)
            return
        self.kc = self._open_client()
        try:
            code = RESET_CODE.format(cwd=cwd, snapshot=snapshot, env=SNAPSHOT_ENV)
            status = self._sync(self._run_reset, code)
        except Exception:  # noqa: BLE001 - a kernel that does not answer is started again
            status = "error"
        if status != "ok":
            self._restart(cwd, snapshot, again)

    def _restart(self, cwd: str, snapshot: str, again: bool) -> None:
        self.shutdown()
        self.start(cwd)
        if snapshot and again:
            self.reset(cwd, snapshot, again=False)

    def shutdown(self) -> None:
        self.close_client()
        if self.km is None:
            return
        try:
            if self.alive():
                self._sync(self.km.shutdown_kernel, now=True)
            self._sync(self.km.cleanup_resources)
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
        self.km = None


_WARM: dict[str, WarmKernel] = {}
#: Seconds spent starting kernels since the caller last cleared it (for the build's timings).
STARTS: list[float] = []


def warm_kernel(kernel_name: str, cwd: str, snapshot: str = "") -> WarmKernel:
    kernel = _WARM.get(kernel_name)
    if kernel is None:
        kernel = _WARM[kernel_name] = WarmKernel(kernel_name)
    if kernel.km is None:
        kernel.start(cwd)
        if snapshot:  # the token is set by a reset
            kernel.reset(cwd, snapshot, again=False)
    else:
        kernel.reset(cwd, snapshot)
    return kernel


def shutdown_all() -> None:
    for kernel in list(_WARM.values()):
        kernel.shutdown()
    _WARM.clear()


atexit.register(shutdown_all)


def _register_engine() -> None:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import Engine, papermill_engines
    from papermill.log import logger

    class WarmEngine(Engine):
        """papermill engine running notebooks on this process's warm kernel."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            cwd = kwargs.pop("vccap_cwd", None) or os.getcwd()
            snapshot = kwargs.pop("vccap_snapshot", "")
            kernel = warm_kernel(kernel_name, cwd, snapshot)
            client = PapermillNotebookClient(
                nb_man,
                km=kernel.km,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client.kc = kernel.kc  # opened by the reset, ready (nbclient's __init__ clears it)
            try:
                return client.execute(cleanup_kc=False)
            finally:
                kernel.runs += 1
                atexit.unregister(client._cleanup_kernel)
                client.kc = None
                kernel.close_client()

    papermill_engines.register(ENGINE_NAME, WarmEngine)


def execute(
    template: str | Path,
    output: str | Path,
    parameters: dict[str, Any],
    *,
    cwd: str,
    warm: bool = True,
    snapshot: str = "",
):
    """Run a notebook template with papermill (real kernel), writing the executed copy.

    Returns the executed notebook. Raises papermill's ``PapermillExecutionError`` when a cell
    fails; the executed notebook, with papermill's error banner, is written all the same.

    ``snapshot`` (warm kernels): a token the build gives every page it runs, set in the
    kernel as :data:`SNAPSHOT_ENV`. The kernel's workspace snapshot
    (:func:`vccap.loading.scrubbed_workspace`) is then keyed by the token instead of the
    stats of every action folder's files (0.1 s per page at 1,000 actions): each kernel
    loads the workspace once per build, at its first page, and an edit made while a build
    runs may reach none, some or all of its pages (the next build sees it). Empty: no
    token (the stats are the key, as in JupyterLab). A token that is the path of a folder is
    also the build's folder of reads: the kernel loads from it the tables another process of
    the build has read (:class:`vccap.workspace.TableCache`).
    """
    import papermill as pm

    options: dict[str, Any] = {}
    if warm:
        if ENGINE_NAME not in pm.engines.papermill_engines._engines:
            _register_engine()
        options.update(engine_name=ENGINE_NAME, vccap_cwd=cwd, vccap_snapshot=snapshot)
    else:
        options["kernel_manager_class"] = _ipc_manager_class()
    return pm.execute_notebook(
        str(template),
        str(output),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        cwd=cwd,
        progress_bar=False,
        log_output=False,
        report_mode=False,
        start_timeout=START_TIMEOUT,
        execution_timeout=EXECUTION_TIMEOUT,
        request_save_on_cell_execute=False,
        **options,
    )
