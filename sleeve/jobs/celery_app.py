"""The Celery backend: the scale-out queue (Redis or RabbitMQ broker).

A message carries only a job id (or a cover variant's id); the task claims the job in the
database and re-reads everything from there. ``acks_late`` with ``reject_on_worker_lost``
means a worker killed mid-job leaves its message to be delivered again; the claim then
succeeds once the dead worker's lease has expired. Jobs go to the ``cpu`` or ``gpu`` queue by
engine; image variants to ``cpu``. The broker is whatever ``SLEEVE_BROKER_URL`` names: Redis
(``redis://``) or RabbitMQ (``amqp://``); both are tested with the same job tests.

A transient fault (database, broker or storage unreachable, storage refusing writes) that
outlasts the runner's in-place retries hands the job back and retries the task with
exponential backoff; after ``TRANSIENT_RETRIES`` the job fails with the fault's reason. The
soft time limit is the job's timeout plus a grace (the runner stops the job itself at the
timeout, between render stages); the hard limit kills a pool process stuck inside a stage.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from functools import cache
from typing import Any, Final

from billiard.einfo import ExceptionInfo, ExceptionWithTraceback
from billiard.exceptions import WorkerLostError
from celery import Celery, Task, bootsteps, signals
from celery.schedules import crontab
from celery.worker.request import Request
from kombu import Queue

from sleeve.config import Settings, get_settings
from sleeve.dataset.task_names import DATASET_CHUNK_TASK, DATASET_MERGE_TASK
from sleeve.db.engine import transaction
from sleeve.jobs import lifecycle, variants
from sleeve.jobs.context import JobContext
from sleeve.jobs.dispatch import run_claimed
from sleeve.jobs.queue import CPU_QUEUE, GPU_QUEUE
from sleeve.jobs.runner import end, remove_unrecorded_blobs
from sleeve.jobs.schedule import ScheduledTask, run_scheduled, scheduled_tasks
from sleeve.jobs.transient import TransientJobError, describe, is_transient
from sleeve.jobs.worker_engines import EngineHeartbeat, heartbeat_interval_s, runnable_engines

TASK_NAME = "sleeve.run_job"
SCHEDULED_TASK_NAME = "sleeve.scheduled"
TRAIN_TASK_NAME = "sleeve.train_lora"
VARIANT_TASK_NAME = "sleeve.render_variant"
log = logging.getLogger("sleeve.jobs")
# A job's task is retried this often after transient faults (waiting 2, 4, 8 … 30 s between).
TRANSIENT_RETRIES: Final = 6
# How far past the job's timeout Celery's own limits lie: the runner stops a job at its
# timeout between stages; the soft limit interrupts one stuck in a stage, the hard one kills it.
SOFT_LIMIT_GRACE_S: Final = 30.0
HARD_LIMIT_GRACE_S: Final = 60.0


def retry_delay_s(retries: int) -> float:
    return float(min(30, 2 ** (retries + 1)))


def queue_name(settings: Settings, queue: str) -> str:
    return settings.celery_queue_prefix + queue


def make_celery(settings: Settings) -> Celery:
    app = Celery("sleeve", broker=settings.broker_url, set_as_current=False)
    cpu, gpu = queue_name(settings, CPU_QUEUE), queue_name(settings, GPU_QUEUE)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=cpu,
        task_queues=(Queue(cpu), Queue(gpu)),
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # An unreachable broker must not hold an API request for long: the job is stored and
        # the sweeper re-sends it.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0,
                                   "interval_step": 0.2, "interval_max": 0.5},
        broker_connection_timeout=2,
        # RabbitMQ: AMQP heartbeats every few seconds, so a cut link is noticed in seconds (not
        # the default two minutes) and a dead worker's unacked jobs are redelivered soon; the
        # worker's event loop also wakes on them (a stop request is seen without traffic).
        broker_heartbeat=10,
        # Longer than any job (a subject's training too), so a slow job is not redelivered
        # while still running.
        broker_transport_options={"visibility_timeout": int(
            max(settings.job_timeout_s, settings.dreambooth_timeout_s) * 2) + 60},
        # A broker blip must not stop renders: the job goes on and the message redelivered on
        # reconnect finds it running or finished (the claim), so nothing runs twice.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # Celery's own limits back up the job's (checked between stages); training has a longer
        # limit of its own.
        task_soft_time_limit=max(settings.job_timeout_s, settings.dreambooth_timeout_s)
        + SOFT_LIMIT_GRACE_S,
        task_time_limit=max(settings.job_timeout_s, settings.dreambooth_timeout_s)
        + HARD_LIMIT_GRACE_S,
        result_backend=result_backend(settings),
        beat_schedule=beat_schedule(settings),
        timezone="UTC",
    )

    _settings[app] = settings
    app.steps["worker"].add(EngineHeartbeatStep)
    # One module-level function for every app: Celery warns when one task name maps to
    # different callables.
    app.task(name=TASK_NAME, bind=True, acks_late=True, Request=JobRequest)(run_job_task)
    app.task(name=SCHEDULED_TASK_NAME, bind=True, ignore_result=False)(run_scheduled_task)
    # A chord needs its parts' results: these two keep theirs (in the result backend).
    app.task(name=DATASET_CHUNK_TASK, ignore_result=False, acks_late=True)(dataset_chunk)
    app.task(name=DATASET_MERGE_TASK, ignore_result=False, acks_late=True)(dataset_merge)
    app.task(name=TRAIN_TASK_NAME, bind=True, acks_late=True)(train_lora_task)
    app.task(name=VARIANT_TASK_NAME, bind=True, acks_late=True)(render_variant_task)
    return app


def dataset_chunk(items: list[dict[str, Any]], options: dict[str, Any],
                  staging: str) -> list[dict[str, Any]]:
    # Imported here: the dataset extra (imagehash, pyarrow) is only needed by workers using it.
    from sleeve.dataset.process import process_chunk

    return process_chunk(items, options, staging)


def dataset_merge(results: list[list[dict[str, Any]]], out: str, options: dict[str, Any],
                  rejected_before: dict[str, int]) -> dict[str, Any]:
    from sleeve.dataset.build import merge_results

    return merge_results(results, out, options, rejected_before)


def result_backend(settings: Settings) -> str | None:
    if settings.celery_result_backend:
        return settings.celery_result_backend
    return settings.broker_url if settings.broker_url.startswith("redis") else None


def beat_schedule(settings: Settings) -> dict[str, dict[str, object]]:
    """``celery beat`` sends each scheduled task to the cpu queue at its crontab times."""
    schedule: dict[str, dict[str, object]] = {}
    for task in scheduled_tasks(settings):
        minute, hour, day, month, day_of_week = task.cron.split()
        schedule[task.name] = {
            "task": SCHEDULED_TASK_NAME, "args": [task.name],
            "schedule": crontab(minute=minute, hour=hour, day_of_month=day,
                                month_of_year=month, day_of_week=day_of_week),
            "options": {"queue": queue_name(settings, CPU_QUEUE)},
        }
    return schedule


def run_scheduled_task(task: Task, name: str) -> str | None:
    ctx = _context(task.app)
    found: dict[str, ScheduledTask] = {t.name: t for t in scheduled_tasks(ctx.settings)}
    if name not in found:
        log.error("no scheduled task %s", name)
        return None
    return run_scheduled(ctx, found[name], "beat")


_settings: weakref.WeakKeyDictionary[Celery, Settings] = weakref.WeakKeyDictionary()
_contexts: weakref.WeakKeyDictionary[Celery, JobContext] = weakref.WeakKeyDictionary()
_contexts_lock = threading.Lock()


def _context(app: Celery) -> JobContext:
    with _contexts_lock:
        if app not in _contexts:
            _contexts[app] = JobContext.from_settings(_settings[app])
        return _contexts[app]


@signals.worker_process_init.connect
def _own_connections_in_child(**_: Any) -> None:
    """A prefork child inherits the parent's pooled database connections (the engine heartbeat
    opened them before the fork): two processes talking over one socket garble each other's
    transactions ("can't change 'autocommit' now: connection in transaction status INTRANS").
    The child forgets them without closing them (closing would end the parent's) and opens its
    own on first use."""
    for ctx in list(_contexts.values()):
        bind = ctx.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose(close=False)


class JobRequest(Request):
    """A job's task as the worker's main process sees it. When the pool process running the
    job dies (killed for memory, a native crash) while this process lives on, the job is the
    likely cause: the death is counted against it (``lifecycle.MAX_CRASHES``) before Celery
    requeues the message. A worker killed whole records nothing: that is not the job's fault."""

    def on_failure(self, exc_info: ExceptionInfo, send_failed_event: bool = True,
                   return_ok: bool = False) -> None:
        exc = exc_info.exception
        if isinstance(exc, ExceptionWithTraceback):  # how the pool hands exceptions over
            exc = exc.exc
        if isinstance(exc, WorkerLostError) and self.args:
            job_id = str(self.args[0])
            log.warning("the process running a job died", extra={"job_id": job_id})
            try:
                with transaction(_context(self.task.app).sessions) as session:
                    lifecycle.record_crash(session, job_id)
            except Exception as exc:  # the database away: the lease runs out as before
                log.warning("could not record the crash: %s", describe(exc),
                            extra={"job_id": job_id})
        super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)


def run_job_task(task: Task, job_id: str) -> str | None:
    ctx = _context(task.app)
    try:
        with transaction(ctx.sessions) as session:
            claimed = lifecycle.claim_job(session, job_id, ctx.settings.job_lease_s)
            state = lifecycle.state_of(session, job_id)
            attempt, count = lifecycle.attempt_of(session, job_id)
    except Exception as exc:
        if not is_transient(exc):
            raise
        # The database is away: the job is still queued; try again later (and the sweeper
        # re-sends it should this message be lost too).
        raise task.retry(countdown=retry_delay_s(task.request.retries),
                         max_retries=TRANSIENT_RETRIES, exc=exc) from exc
    if not claimed:
        if state == lifecycle.RUNNING:
            # Redelivered after a worker died, before its lease ran out: try again after it.
            raise task.retry(countdown=ctx.settings.job_lease_s, max_retries=10)
        return None  # finished, cancelled or unknown: nothing to do
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(ctx, job_id, stop), daemon=True)
    beat.start()
    try:
        return run_claimed(ctx, job_id, transient_escapes=True)
    except TransientJobError as exc:
        return _after_transient_fault(task, ctx, job_id, attempt, count, exc)
    finally:
        stop.set()
        beat.join(1)


def _after_transient_fault(task: Task, ctx: JobContext, job_id: str, attempt: int, count: int,
                           exc: TransientJobError) -> str:
    retries = task.request.retries
    if retries >= TRANSIENT_RETRIES:
        remove_unrecorded_blobs(ctx, job_id, count, attempt)
        return end(ctx, job_id, lifecycle.FAILED,
                   f"gave up after {retries + 1} tries: {describe(exc.cause)}")
    log.warning("job hit a transient fault; retrying", extra={
        "job_id": job_id, "reason": str(exc), "retries": retries})
    try:
        with transaction(ctx.sessions) as session:
            lifecycle.hand_back(session, job_id, attempt)
    except Exception:  # still away: the lease runs out and the job is claimable again
        log.warning("could not hand the job back; its lease will run out",
                    extra={"job_id": job_id})
    raise task.retry(countdown=retry_delay_s(retries), max_retries=TRANSIENT_RETRIES,
                     exc=exc)


def train_lora_task(task: Task, model_id: str) -> str:
    """A queued LoRA version (sleeve.jobs.training): the claim makes redelivery harmless."""
    from sleeve.jobs.training import run_lora_training

    return run_lora_training(_context(task.app), model_id).outcome


def send_training(settings: Settings, model_id: str) -> None:
    make_celery(settings).send_task(TRAIN_TASK_NAME, args=[model_id],
                                    queue=queue_name(settings, GPU_QUEUE))


def render_variant_task(task: Task, variant_id: str) -> str | None:
    # A duplicate message (a resend by the sweeper) finds the variant claimed and does nothing.
    return variants.run_variant(_context(task.app), variant_id)


def _heartbeat(ctx: JobContext, job_id: str, stop: threading.Event) -> None:
    # A failed beat (the database away for a moment) must not end the thread: the next one
    # renews the lease, and a job whose worker lives is not run a second time.
    while not stop.wait(max(0.1, ctx.settings.job_lease_s / 3)):
        try:
            with transaction(ctx.sessions) as session:
                lifecycle.heartbeat(session, [job_id])
        except Exception as exc:
            log.warning("job heartbeat failed: %s", describe(exc), extra={"job_id": job_id})


class EngineHeartbeatStep(bootsteps.StartStopStep):
    """Every Celery worker records the engines it can run (and keeps them fresh) so the API
    can refuse jobs no live worker could run."""

    def __init__(self, worker: Any, **kwargs: Any) -> None:
        super().__init__(worker, **kwargs)
        self.heartbeat: EngineHeartbeat | None = None

    def start(self, worker: Any) -> None:
        settings = _settings.get(worker.app)
        if settings is None:
            return
        consumed = set(worker.app.amqp.queues.consume_from or worker.app.amqp.queues)
        engines = runnable_engines(settings, consumed, settings.celery_queue_prefix)
        self.heartbeat = EngineHeartbeat(_context(worker.app).sessions, str(worker.hostname),
                                         engines, heartbeat_interval_s(settings))
        self.heartbeat.start()
        log.info("this worker runs engines %s", sorted(engines))

    def stop(self, worker: Any) -> None:
        if self.heartbeat is not None:
            self.heartbeat.stop()
            self.heartbeat = None

    def terminate(self, worker: Any) -> None:
        # A cold shutdown terminates steps instead of stopping them: the rows go either way.
        self.stop(worker)


class CeleryQueue:
    """What the API process uses to hand jobs to Celery workers.

    A sweeper thread re-sends jobs a broker may have lost: a job whose worker was killed
    (Redis would only redeliver it after the visibility timeout) and a job stored while the
    broker was unreachable. Duplicates are harmless: only one claim succeeds.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app = make_celery(settings)
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None
        self._resent: dict[str, float] = {}  # job id → when the sweeper last sent it again

    def submit(self, job_id: str, queue: str) -> None:
        # ignore_result: without it send_task subscribes to the result backend (which, when it
        # is the unreachable broker, would hold the request through its connection retries).
        self.app.send_task(TASK_NAME, args=[job_id], queue=queue_name(self.settings, queue),
                           ignore_result=True)

    def submit_variant(self, variant_id: str) -> None:
        self.app.send_task(VARIANT_TASK_NAME, args=[variant_id],
                           queue=queue_name(self.settings, CPU_QUEUE))

    def start(self) -> None:
        self._stop.clear()
        self._sweeper = threading.Thread(target=self._sweep_forever, name="sleeve-sweeper",
                                         daemon=True)
        self._sweeper.start()

    def stop(self) -> None:
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(5)

    def sweep(self, ctx: JobContext) -> int:
        """Re-sends lost jobs once; returns how many.

        A job whose worker died is sent again at once. A job queued for longer than the job
        timeout may only be waiting its turn behind a long queue (or its message was taken by a
        worker killed before it started): it is sent again at most once per timeout, so a deep
        backlog does not flood the broker with copies every sweep."""
        settings = self.settings
        with transaction(ctx.sessions) as session:
            lost = lifecycle.orphans(session, settings.job_lease_s, settings.job_timeout_s)
        now = time.monotonic()
        self._resent = {job_id: at for job_id, at in self._resent.items()
                        if now - at < settings.job_timeout_s}
        sent = 0
        for job_id, queue, worker_died in lost:
            if not worker_died and job_id in self._resent:
                continue
            self.submit(job_id, queue)
            self._resent[job_id] = now
            sent += 1
        return sent

    def sweep_variants(self, ctx: JobContext) -> int:
        """Re-sends image variants waiting longer than a lease (their message lost, or their
        worker dead) once; returns how many."""
        lease = self.settings.job_lease_s
        with transaction(ctx.sessions) as session:
            lost = variants.orphan_variants(session, lease, lease)
        for variant_id in lost:
            self.submit_variant(variant_id)
        return len(lost)

    def _sweep_forever(self) -> None:
        ctx = JobContext.from_settings(self.settings)
        while not self._stop.wait(self.settings.job_lease_s):
            try:
                self.sweep(ctx)
                self.sweep_variants(ctx)
            except Exception:
                log.exception("sweeping for lost jobs failed")

    def ping(self) -> None:
        with self.app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)

    def warming_engines(self) -> frozenset[str]:
        # A GPU worker warms up before it consumes (run_celery_worker): until then it is not
        # among the live workers, which is what job creation checks.
        return frozenset()


def run_celery_worker(settings: Settings, queues: tuple[str, ...], beat: bool = False) -> None:
    """A Celery worker; with ``beat`` it also sends the scheduled tasks (run one such worker)."""
    app = make_celery(settings)
    names = ",".join(queue_name(settings, q) for q in queues)
    pool: list[str] = []
    if GPU_QUEUE in queues and _warm_up_diffusion(settings):
        # The engine lives in this process, warm and compiled: jobs run here, one at a time
        # (CUDA does not survive a fork, and compiled graphs are not for several threads).
        pool = ["--pool", "solo"]
    # A name of its own per process: several workers on one host must not share the rows
    # that say which engines a live worker runs (nor confuse Celery's own bookkeeping).
    app.worker_main(["worker", "--queues", names, "--concurrency", str(settings.concurrency),
                     "--hostname", f"sleeve-{os.getpid()}@%h", *pool,
                     "--loglevel", settings.log_level.lower(),
                     *(["--beat"] if beat else [])])


def _warm_up_diffusion(settings: Settings) -> bool:
    """Load and compile SDXL before consuming GPU jobs; False when this host cannot run it."""
    from sleeve.engines import engine_status, warm_up_engine

    if not engine_status(settings)["diffusion"].available:
        return False
    warm_up_engine("diffusion", settings)
    return True


def __getattr__(name: str) -> Celery:
    # ``celery -A sleeve.jobs.celery_app worker`` looks up ``app``; built on first use so that
    # importing this module reads no settings.
    if name == "app":
        return _default_app()
    raise AttributeError(name)


@cache
def _default_app() -> Celery:
    return make_celery(get_settings())
