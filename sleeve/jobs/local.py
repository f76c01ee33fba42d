"""The embedded queue: worker processes beside the API that take work from the database.

Renders never run in the API's process: each worker is a process of its own (forked from a
forkserver that has already imported the renderer, so starting one takes milliseconds), at a
lower CPU priority, so the API's threads get the cores first when both want them. A process
holds no state that matters: ``submit`` only wakes a worker, and workers claim queued image
variants and jobs from the DB. The supervisor (a thread of the owning process) restarts a
worker that dies and hands the job it held back at once; jobs left ``running`` by a killed
server are re-queued once their heartbeat is older than the lease, on start-up and then
periodically, so every job finishes eventually. Workers die with the process that owns them.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from dataclasses import dataclass
from multiprocessing.context import ForkServerProcess
from multiprocessing.synchronize import Semaphore
from typing import Any, Final

from sleeve.config import Settings
from sleeve.db.engine import transaction
from sleeve.jobs import lifecycle, variants
from sleeve.jobs.context import JobContext
from sleeve.jobs.dispatch import run_claimed
from sleeve.jobs.queue import CPU_QUEUE, GPU_QUEUE
from sleeve.logs import configure_logging

log = logging.getLogger("sleeve.jobs")

_MP = multiprocessing.get_context("forkserver")
# The forkserver imports the renderer once; every worker forked from it starts warm.
_MP.set_forkserver_preload([__name__])
_ID_BYTES: Final = 32  # new_id(): 32 hex characters
_PR_SET_PDEATHSIG: Final = 1
SUPERVISE_S: Final = 0.2  # how often the supervisor looks for dead workers
RESTART_BACKOFF_S: Final = 1.0  # a worker that keeps dying is restarted at most this often


@dataclass(frozen=True)
class _Shared:
    """What the supervisor and its workers share: a slot per worker naming the job it runs,
    a counter of pending wake-ups and the stop flag.

    Slots and flag are lock-free shared memory: a worker killed while holding a lock would
    hang the supervisor for ever (a torn read of a slot only names no job).
    """

    slots: tuple[Any, ...]  # ctypes char[32] each
    wake: Semaphore
    stop: Any  # ctypes c_bool
    warming: Any  # ctypes c_bool: the GPU worker is loading and compiling its engine

    def stopping(self) -> bool:
        return bool(self.stop.value)


class LocalQueue:
    def __init__(self, ctx: JobContext, concurrency: int,
                 queues: tuple[str, ...] = (CPU_QUEUE, GPU_QUEUE)) -> None:
        self.ctx = ctx
        self.concurrency = concurrency
        self.queues = queues
        self._shared: _Shared | None = None
        self._workers: list[ForkServerProcess | None] = []
        self._started_at: list[float] = []
        self._supervisor: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def lease_s(self) -> float:
        return self.ctx.settings.job_lease_s

    def submit(self, job_id: str, queue: str) -> None:
        self._wake_one()

    def submit_variant(self, variant_id: str) -> None:
        self._wake_one()

    def _wake_one(self) -> None:
        if self._shared is not None:
            self._shared.wake.release()

    def ping(self) -> None:
        if self.concurrency == 0:
            return
        if self._supervisor is None or not self._supervisor.is_alive():
            raise RuntimeError("the worker supervisor is not running")
        if not any(p is not None and p.is_alive() for p in self._workers):
            raise RuntimeError("no worker process is running")

    def warming_engines(self) -> frozenset[str]:
        """Engines a worker is still loading and compiling (``/readyz`` says "warming")."""
        shared = self._shared
        return frozenset({"diffusion"}) if shared is not None and shared.warming.value \
            else frozenset()

    def worker_queues(self, index: int) -> tuple[str, ...]:
        """Only the first worker takes GPU jobs: each process that did would hold its own copy
        of SDXL on the card, and compiled graphs must not be shared between processes."""
        if index == 0 or self.queues == (GPU_QUEUE,):
            return self.queues
        return tuple(q for q in self.queues if q != GPU_QUEUE)

    def worker_pids(self) -> list[int]:
        """The live worker processes (for tests and operators)."""
        return [p.pid for p in self._workers if p is not None and p.is_alive() and p.pid]

    def start(self) -> None:
        if self.concurrency == 0:
            return
        with transaction(self.ctx.sessions) as session:
            requeued = lifecycle.requeue_stale(session, self.lease_s)
        if requeued:
            log.info("re-queued jobs left running by a stopped worker", extra={"count": requeued})
        self._stopping.clear()
        self._shared = _Shared(
            slots=tuple(_MP.Array("c", _ID_BYTES, lock=False) for _ in range(self.concurrency)),
            wake=_MP.Semaphore(0), stop=_MP.Value("b", 0, lock=False),
            warming=_MP.Value("b", 0, lock=False))
        self._workers = [None] * self.concurrency
        self._started_at = [0.0] * self.concurrency
        for index in range(self.concurrency):
            self._spawn(index)
        self._supervisor = threading.Thread(target=self._supervise, name="sleeve-supervisor",
                                            daemon=True)
        self._supervisor.start()

    def _spawn(self, index: int) -> None:
        assert self._shared is not None
        self._shared.slots[index].value = b""
        process = _MP.Process(
            target=work, name=f"sleeve-worker-{index}", daemon=True,
            args=(self.ctx.settings, self.worker_queues(index), index, self._shared,
                  os.getpid()),
        )
        process.start()
        self._workers[index] = process
        self._started_at[index] = time.monotonic()

    def stop(self, timeout: float = 2.0) -> None:
        shared = self._shared
        if shared is None:
            return
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout)
        shared.stop.value = 1
        for _ in self._workers:
            shared.wake.release()
        deadline = time.monotonic() + timeout
        for process in self._workers:
            if process is not None:
                process.join(max(0.0, deadline - time.monotonic()))
        for process in self._workers:
            if process is not None and process.is_alive():
                process.kill()  # mid-job: its covers so far are stored; the rest resumes later
                process.join(5)
        unfinished = sorted(job for job in (self._slot(i) for i in range(len(self._workers)))
                            if job)
        self._workers = []
        self._shared = None
        if unfinished:
            # A clean shutdown hands its unfinished jobs back now rather than after the lease;
            # covers already stored are kept and the next run resumes after them.
            with transaction(self.ctx.sessions) as session:
                lifecycle.release(session, unfinished)
            log.info("handed back unfinished jobs", extra={"count": len(unfinished)})

    def _slot(self, index: int) -> str:
        assert self._shared is not None
        return self._shared.slots[index].value.decode()

    def _supervise(self) -> None:
        next_sweep = 0.0
        while not self._stopping.wait(SUPERVISE_S):
            try:
                for index, process in enumerate(self._workers):
                    if process is not None and not process.is_alive():
                        self._replace(index, process)
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + max(0.1, self.lease_s / 3)
                    with transaction(self.ctx.sessions) as session:
                        lifecycle.requeue_stale(session, self.lease_s)
            except Exception:
                log.exception("supervising the workers failed")

    def _replace(self, index: int, dead: ForkServerProcess) -> None:
        """A worker died (killed, out of memory): hand its job back now and start another."""
        if time.monotonic() - self._started_at[index] < RESTART_BACKOFF_S:
            return
        job_id = self._slot(index)
        log.warning("worker process died; starting another",
                    extra={"pid": dead.pid, "exitcode": dead.exitcode, "job_id": job_id or None})
        dead.join(0)
        if job_id:
            # The supervisor lives on: the process died under this job (memory, a native
            # crash) and the job is the likely cause.
            with transaction(self.ctx.sessions) as session:
                lifecycle.record_crash(session, job_id)
        self._spawn(index)
        self._wake_one()


# --- inside a worker process ---------------------------------------------------------------

def work(settings: Settings, queues: tuple[str, ...], index: int, shared: _Shared,
         owner: int) -> None:
    """A worker process's life: claim image variants first (they are short and someone is
    waiting for each), then jobs; sleep until woken or the poll interval passes."""
    _die_with_owner(owner)
    os.nice(settings.worker_nice)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the owner, which stops us
    # A fresh interpreter (forkserver): it logs as the server does, in the same format.
    configure_logging(settings.log_level, settings.log_format)
    ctx = JobContext.from_settings(settings)
    slot = shared.slots[index]
    beat = threading.Thread(target=_heartbeat, args=(ctx, slot, shared), daemon=True)
    beat.start()
    if GPU_QUEUE in queues:
        _warm_up_diffusion(settings, shared)
    while not shared.stopping():
        try:
            if variants.run_next_variant(ctx) is not None:
                continue
            siblings = frozenset(s.value.decode() for s in shared.slots if s.value)
            with transaction(ctx.sessions) as session:
                job_id = lifecycle.claim_next(session, ctx.settings.job_lease_s, queues,
                                              siblings)
        except Exception:
            log.exception("could not claim work")
            job_id = None
        if job_id is None:
            shared.wake.acquire(timeout=ctx.settings.job_poll_s)
            while shared.wake.acquire(block=False):  # wake-ups that piled up while busy
                pass
            continue
        slot.value = job_id.encode()
        try:
            run_claimed(ctx, job_id, between_covers=lambda: _serve_variants(ctx),
                        between_stages=lambda _stage: _serve_variants(ctx, most=1))
        except Exception:  # run_claimed records failures itself; this is a last resort
            log.exception("worker error", extra={"job_id": job_id})
        finally:
            slot.value = b""


def _warm_up_diffusion(settings: Settings, shared: _Shared) -> None:
    """Load and compile SDXL before taking GPU jobs, so no user's job pays for it (minutes with
    ``max-autotune``); a host without the engine skips this at once."""
    from sleeve.engines import engine_status, warm_up_engine

    if not engine_status(settings)["diffusion"].available:
        return
    shared.warming.value = 1
    try:
        warm_up_engine("diffusion", settings)
    except Exception:  # jobs will fail with the real reason; the worker still serves CPU work
        log.exception("diffusion warm-up failed")
    finally:
        shared.warming.value = 0


def _serve_variants(ctx: JobContext, most: int = 4) -> None:
    """Between a job's covers: make a few waiting variants (someone's request waits on each)."""
    for _ in range(most):
        try:
            if variants.run_next_variant(ctx) is None:
                return
        except Exception:
            log.exception("could not make a variant")
            return


def _heartbeat(ctx: JobContext, slot: Any, shared: _Shared) -> None:
    interval = max(0.1, ctx.settings.job_lease_s / 3)
    while not shared.stopping():
        time.sleep(interval)
        job_id = slot.value.decode()
        if not job_id:
            continue
        try:
            with transaction(ctx.sessions) as session:
                lifecycle.heartbeat(session, [job_id])
        except Exception:
            log.exception("heartbeat failed")


def _die_with_owner(owner: int) -> None:
    """A killed server leaves no rendering orphans: this worker dies with the process that
    owns the queue. Its parent is the forkserver, and the kernel kills the worker when that
    dies (PDEATHSIG); but every forkserver child holds the owner's end of the forkserver's
    "alive" pipe (so that it could start processes too), so the forkserver outlives a killed
    owner for as long as its workers do, and they would poll for jobs for ever. So the worker
    also watches the owner itself: a thread waits on a pidfd of it (no reuse of the number
    can fool it) and ends the worker when it exits."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        handle = os.pidfd_open(owner)
    except ProcessLookupError:  # gone before this worker started
        os.kill(os.getpid(), signal.SIGKILL)
        return

    def watch() -> None:
        select.select([handle], [], [])  # readable once the owner has exited
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="sleeve-owner-watch", daemon=True).start()
