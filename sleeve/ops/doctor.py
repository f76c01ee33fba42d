"""``sleeve doctor``: everything Sleeve depends on, one finding per line, with the fix.

``CHECKS`` is a list of small functions, each taking the settings and returning findings;
a new dependency adds a function to it. A check that crashes is reported as a failing row,
never as a traceback. Nothing here imports torch or loads a model: the GPU check asks
``nvidia-smi`` and reads torch's version file.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from sleeve.config import Settings
from sleeve.ops import probes
from sleeve.ops.probes import MACOS, Finding, Status, ok
from sleeve.ops.redact import mask_url, where
from sleeve.version import __version__

Check = Callable[[Settings], Iterable[Finding]]
PROBE_TIMEOUT_S = 3.0


def _install(debian: str, homebrew: str) -> str:
    return homebrew if MACOS else debian


def _run(*command: str, timeout: float = 10) -> str:
    """The command's stdout (stderr when stdout is empty); raises OSError when it fails."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"{command[0]} did not answer in {timeout:g} s") from exc
    if done.returncode != 0:
        raise OSError(f"{command[0]} exited with {done.returncode}")
    return done.stdout.strip() or done.stderr.strip()


# --- settings, Python and packages -----------------------------------------------------------

def settings_check(settings: Settings) -> Iterator[Finding]:
    from sleeve.config import setting_sources, unknown_variables

    counts = Counter(setting_sources().values())
    yield ok("settings", f"valid: {counts['environment']} from the environment, "
             f"{counts['.env']} from .env, the rest default")
    strays = unknown_variables()
    if strays:
        yield Finding("settings", "warn", f"not Sleeve settings (ignored): {', '.join(strays)}",
                      "sleeve config show")


# The distributions behind each extra; another extra adds its own group here.
PACKAGES: dict[str, tuple[str, ...]] = {
    "core": ("numpy", "pillow", "pydantic", "pydantic-settings", "typer", "rich", "fonttools",
             "kiwipiepy"),
    "server": ("fastapi", "uvicorn", "sqlalchemy", "alembic", "celery", "psycopg", "fsspec",
               "authlib", "httpx2", "prometheus-client"),
    "diffusion": ("torch", "diffusers", "transformers", "peft", "accelerate"),
}
REQUIRED_EXTRAS = ("core", "server")


def python(settings: Settings) -> Iterator[Finding]:
    version = sys.version_info
    status: Status = "ok" if version >= (3, 11) else "fail"
    yield Finding("python", status, f"{platform.python_implementation()} "
                  f"{platform.python_version()}, sleeve {__version__}",
                  "" if status == "ok" else "install Python 3.11 or newer")


def packages(settings: Settings) -> Iterator[Finding]:
    for extra, names in PACKAGES.items():
        found, missing = [], []
        for name in names:
            try:
                found.append(f"{name} {importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                missing.append(name)
        install = "pip install sleeve" if extra == "core" else f"pip install 'sleeve[{extra}]'"
        check = f"packages: {extra}"
        if not missing:
            yield ok(check, ", ".join(found))
        elif extra in REQUIRED_EXTRAS:
            yield Finding(check, "fail", f"missing {', '.join(missing)}", install)
        elif extra == "diffusion" and settings.engine == "diffusion":
            yield Finding(check, "warn", f"missing {', '.join(missing)} (SLEEVE_ENGINE=diffusion)",
                          install)
        else:
            yield ok(check, f"not installed (optional: {install})")


# --- fonts ----------------------------------------------------------------------------------

def fonts(settings: Settings) -> Iterator[Finding]:
    yield probes.fonts_finding(settings)
    yield from probes.script_findings(settings)


# --- database, storage, queue -----------------------------------------------------------------

def database(settings: Settings) -> Iterator[Finding]:
    from sqlalchemy.exc import SQLAlchemyError

    url = settings.database_url
    problem = probes.database_problem(url)
    if problem is not None:
        yield problem
        return
    path = probes.sqlite_path(url) if probes.is_sqlite(url) else None
    if path is not None and not path.exists():
        yield ok("database", f"{path} does not exist yet: `sleeve serve` creates and migrates it")
        return
    try:
        state = probes.schema_state(url)
    except SQLAlchemyError as exc:
        yield probes.unreachable(url, exc)
        return
    yield ok("database", f"{mask_url(url)} answers")
    migrations = probes.schema_finding(state)
    if migrations.failed and path is not None and not state.unknown:
        # The embedded SQLite database is migrated by `sleeve serve` itself.
        yield Finding("migrations", "warn", migrations.detail.split(":")[0] +
                      ": `sleeve serve` migrates it on start", probes.DB_UPGRADE)
    else:
        yield migrations


def storage(settings: Settings) -> Iterator[Finding]:
    yield probes.storage_finding(settings.storage_url, create=False,
                                   options=settings.storage_options_dict())


def queue(settings: Settings) -> Iterator[Finding]:
    if settings.queue != "celery":
        yield ok("queue", "local: jobs run beside `sleeve serve`")
        return
    broker = probes.broker_finding(settings.broker_url)
    yield broker
    if broker.failed:
        return
    try:
        yield workers_seen(settings)
    except Exception as exc:  # the broker answered; only the broadcast did not
        yield Finding("workers", "warn", f"could not ask the workers: {type(exc).__name__}: "
                      f"{exc}", "")


def workers_seen(settings: Settings) -> Finding:
    """Celery workers consuming this deployment's queues (their names carry the prefix)."""
    from sleeve.jobs.celery_app import make_celery, queue_name
    from sleeve.jobs.queue import CPU_QUEUE, GPU_QUEUE

    wanted = {queue_name(settings, q) for q in (CPU_QUEUE, GPU_QUEUE)}
    replies = make_celery(settings).control.inspect(timeout=1.0).active_queues() or {}
    seen: dict[str, list[str]] = {}
    for worker, consumed in replies.items():
        for name in {q.get("name") for q in consumed} & wanted:
            seen.setdefault(name, []).append(worker)
    fix = "sleeve worker --queues cpu,gpu (SLEEVE_QUEUE=celery)"
    if not seen:
        return Finding("workers", "warn", f"no worker consumes {', '.join(sorted(wanted))}: "
                       "jobs wait in the queue", fix)
    listed = "; ".join(f"{name}: {len(hosts)}" for name, hosts in sorted(seen.items()))
    idle = sorted(wanted - set(seen))
    if idle:
        return Finding("workers", "warn", f"{listed}; none on {', '.join(idle)}", fix)
    return ok("workers", listed)


# --- engines, GPU, memory -------------------------------------------------------------------

def engines(settings: Settings) -> Iterator[Finding]:
    from sleeve.engines import ENGINE_NAMES, engine_status

    if settings.engine not in ENGINE_NAMES:
        yield Finding("engines", "fail", f"SLEEVE_ENGINE={settings.engine!r} is not an engine",
                      f"set SLEEVE_ENGINE to one of {', '.join(ENGINE_NAMES)}")
    for name, status in engine_status(settings).items():
        check = f"engine: {name}"
        if status.available:
            yield ok(check, status.reason)
        else:
            chosen = name == settings.engine
            # The reason says what is missing; the extra is the one step it may not spell out.
            fix = "pip install 'sleeve[diffusion]'" if "not installed" in status.reason else ""
            yield Finding(check, "fail" if chosen else "warn", status.reason, fix)


def _torch_build() -> str | None:
    """``torch 2.13.0 (CUDA 12.8)`` from its metadata and version file, without importing it."""
    spec = importlib.util.find_spec("torch")
    if spec is None or not spec.submodule_search_locations:
        return None
    version = importlib.metadata.version("torch")
    text = (Path(next(iter(spec.submodule_search_locations))) / "version.py")
    cuda = re.search(r"^cuda(?:\s*:[^=]*)?=\s*['\"]([^'\"]+)['\"]", text.read_text()
                     if text.is_file() else "", re.MULTILINE)
    return f"torch {version} ({'CUDA ' + cuda.group(1) if cuda else 'no CUDA'})"


def gpu(settings: Settings) -> Iterator[Finding]:
    wants_gpu = settings.engine == "diffusion" or settings.sdxl_device == "cuda"
    torch = _torch_build()
    smi = shutil.which("nvidia-smi")
    cards: list[str] = []
    if smi:
        try:
            rows = _run(smi, "--query-gpu=name,memory.total,memory.used",
                        "--format=csv,noheader,nounits")
            for row in rows.splitlines():
                name, total, used = (part.strip() for part in row.split(","))
                cards.append(f"{name} ({int(total) / 1024:.0f} GiB, "
                             f"{int(used) / 1024:.1f} GiB used)")
        except (OSError, ValueError) as exc:
            yield Finding("gpu", "warn" if wants_gpu else "ok", f"nvidia-smi failed: {exc}",
                          "check the NVIDIA driver")
            return
    build = f"; {torch}" if torch else ""
    if cards:
        cpu_torch = torch is not None and "no CUDA" in torch
        status: Status = "warn" if cpu_torch and wants_gpu else "ok"
        yield Finding("gpu", status, "; ".join(cards) + build,
                      "install the CUDA build of torch" if status == "warn" else "")
    elif MACOS and platform.machine() == "arm64":
        yield ok("gpu", "Apple silicon (MPS)" + build)
    else:
        yield Finding("gpu", "warn" if wants_gpu else "ok",
                      "no CUDA GPU: the procedural engine needs none" + build,
                      "SDXL wants an NVIDIA GPU with ≥ 12 GiB" if wants_gpu else "")


def memory(settings: Settings) -> Iterator[Finding]:
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    detail = f"{total / 2**30:.1f} GiB"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        found = re.search(r"^MemAvailable:\s+(\d+) kB", meminfo.read_text(), re.MULTILINE)
        if found:
            detail += f", {int(found.group(1)) / 2**20:.1f} GiB available"
    yield ok("memory", detail + f"; {os.cpu_count()} CPU cores")


# --- tools ----------------------------------------------------------------------------------

OCR_LANGUAGES = {"eng": "eng", "kor": "kor", "jpn": "jpn", "rus": "rus"}


def tesseract(settings: Settings) -> Iterator[Finding]:
    """OCR for `sleeve check` (text on the cover against the release metadata)."""
    binary = shutil.which("tesseract")
    langs = " ".join(f"tesseract-ocr-{lang}" for lang in OCR_LANGUAGES)
    fix = _install(f"sudo apt-get install tesseract-ocr {langs}",
                   "brew install tesseract tesseract-lang")
    if binary is None:
        yield Finding("tesseract", "warn", "not installed: `sleeve check` cannot read text", fix)
        return
    try:
        version = _run(binary, "--version").splitlines()[0]
        listed = set(_run(binary, "--list-langs").splitlines()[1:])
    except OSError as exc:
        yield Finding("tesseract", "warn", str(exc), fix)
        return
    missing = [lang for lang in OCR_LANGUAGES if lang not in listed]
    if missing:
        yield Finding("tesseract", "warn", f"{version}; missing languages {', '.join(missing)}",
                      _install("sudo apt-get install " + " ".join(
                          f"tesseract-ocr-{lang}" for lang in missing),
                          "brew install tesseract-lang"))
    else:
        yield ok("tesseract", f"{version}; {', '.join(OCR_LANGUAGES)}")


def _answers(url: str, headers: dict[str, str] | None = None) -> int:
    """The HTTP status ``url`` answers a GET with; raises OSError when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_S) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code


def llm(settings: Settings) -> Iterator[Finding]:
    if not settings.llm_url:
        yield ok("llm", "not configured: the built-in art director plans every cover")
        return
    base = settings.llm_url.rstrip("/").removesuffix("/chat/completions")
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else ""
    fallback = "; covers fall back to the built-in art director"
    try:
        status = _answers(base + "/models", {"Authorization": f"Bearer {key}"} if key else {})
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        yield Finding("llm", "warn", f"{mask_url(base)} unreachable: {reason}{fallback}",
                      "check SLEEVE_LLM_URL and the network")
        return
    if status in (401, 403):
        yield Finding("llm", "warn", f"{mask_url(base)} refused the key (HTTP {status})"
                      f"{fallback}", "check SLEEVE_LLM_API_KEY")
    else:
        yield ok("llm", f"{mask_url(base)} answers (HTTP {status}), model "
                 f"{settings.llm_model}")


def slack(settings: Settings) -> Iterator[Finding]:
    if settings.slack_webhook_url is None or not settings.slack_webhook_url.get_secret_value():
        yield ok("slack", "not configured: weekly reports are not posted")
        return
    url = settings.slack_webhook_url.get_secret_value()
    # The webhook URL is itself the secret: name only its host. A GET posts nothing.
    try:
        _answers(url)
    except (OSError, ValueError) as exc:
        yield Finding("slack", "warn", f"webhook at {where(url)} unreachable: "
                      f"{getattr(exc, 'reason', exc)}", "check SLEEVE_SLACK_WEBHOOK_URL")
        return
    yield ok("slack", f"webhook at {where(url)} answers")


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium(settings: Settings) -> Iterator[Finding]:
    """Only the browser tests need it (Playwright drives the system Chromium)."""
    binary = next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    fix = _install("sudo apt-get install chromium", "brew install --cask chromium")
    if binary is None:
        yield Finding("chromium", "warn", "not found: the browser tests cannot run", fix)
        return
    try:
        version = _run(binary, "--version")
    except OSError as exc:
        yield Finding("chromium", "warn", f"{binary}: {exc}", fix)
        return
    playwright = importlib.util.find_spec("playwright") is not None
    yield Finding("chromium", "ok" if playwright else "warn",
                  f"{version} ({binary})" + ("" if playwright else "; playwright not installed"),
                  "" if playwright else "pip install 'sleeve[dev]'")


CHECKS: list[Check] = [
    settings_check, python, packages, fonts, database, storage, queue, engines, gpu, memory,
    tesseract, llm, slack, chromium,
]


def diagnose(settings: Settings, checks: Iterable[Check] = CHECKS) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks:
        try:
            findings.extend(check(settings))
        except Exception as exc:  # a broken check is one failing row, not a traceback
            findings.append(Finding(check.__name__, "fail",
                                    f"the check itself failed: {type(exc).__name__}: {exc}"))
    return findings
