"""The first minutes of a new user, measured on a fresh clone: ``make demo`` to the UI, then cold commands.

    python -m bench.first_minutes                      # clone HEAD into a temp dir, empty uv and Bassin caches
    python -m bench.first_minutes --warm-uv-cache      # reuse this machine's uv cache (no downloads)
    python -m bench.first_minutes --keep /tmp/fm       # keep the clone for a look afterwards
    python -m bench.first_minutes --keep /tmp/fm --commands-only   # that clone, updated to HEAD: step 4 only

Steps, each timed by wall clock (and the children's CPU time, which contention changes less):

1. ``git clone`` of this repository's HEAD into a temp dir; ``UV_CACHE_DIR`` and ``XDG_CACHE_HOME`` point at
   empty folders unless ``--warm-uv-cache``, so wheels come from PyPI as on a new machine.
2. ``make demo`` until its chat UI answers HTTP (install, ingestion of the sample offers and CVs, the example
   searches, Chainlit start); the install alone is timed from the ``.venv/.installed-lean`` stamp.
3. The installed virtualenv's size, and whether torch is in it.
4. Cold commands, each a new process, median of ``--runs``: ``bassin --help``, ``bassin search``,
   ``bassin ask`` (offline planner), and ``bassin ask`` through a running ``bassin serve``.

Results go to ``bench/results/first_minutes.json`` and are printed as the README table.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "first_minutes.json"
SEARCH = "cariste en intérim près de Lille"
QUESTION = "cariste à Lille"
TARGETS_S = {"help": 0.5, "search": 2.0, "ask": 3.0}
STEP_LIMIT_S = 1800


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wait_http(url: str, proc: subprocess.Popen[bytes], limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the process ended ({proc.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {limit_s:.0f} s")
        time.sleep(0.25)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started in its own session, and its children (make → chainlit)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def venv_size_mb(venv: Path) -> float:
    total = 0
    for dirpath, _dirs, files in os.walk(venv):
        for name in files:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total / 1e6


def timed_runs(cmd: list[str], env: dict[str, str], cwd: Path, runs: int) -> dict[str, Any]:
    """Wall and CPU seconds of ``runs`` fresh processes running ``cmd``; fails if one fails."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu0, t0 = children_cpu_s(), time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t0)
        cpus.append(children_cpu_s() - cpu0)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {
        "median_s": round(statistics.median(walls), 3),
        "min_s": round(min(walls), 3),
        "max_s": round(max(walls), 3),
        "cpu_median_s": round(statistics.median(cpus), 3),
        "runs": runs,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bassin-first-minutes-"))
    work.mkdir(parents=True, exist_ok=True)
    clone = work / "bassin"
    if clone.exists() and not args.commands_only:
        shutil.rmtree(clone)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASSIN_") and k != "VIRTUAL_ENV"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's default: Python keeps the bytecode it compiles
    if not args.warm_uv_cache:
        env["UV_CACHE_DIR"] = str(work / "uv-cache")
    env["XDG_CACHE_HOME"] = str(work / "cache")  # Bassin's referential cache starts empty too
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    result: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="minutes"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "uv_cache": "warm (this machine's)" if args.warm_uv_cache else "empty (wheels from PyPI)",
    }

    if args.commands_only:
        previous = json.loads(args.out.read_text()) if args.out.exists() else {}
        subprocess.run(["git", "fetch", "--quiet", str(ROOT), "HEAD"], cwd=clone, check=True, env=env)
        subprocess.run(["git", "checkout", "--quiet", "FETCH_HEAD"], cwd=clone, check=True, env=env)
        for key in ("make_demo_to_ui_s", "make_demo_cpu_s", "install_s", "venv_mb", "torch_installed"):
            result[key] = previous.get(key)
        result["demo_commit"] = previous.get("commit")
        result["uv_cache"] = previous.get("uv_cache", result["uv_cache"])
        return measure_commands(result, clone, env, args.runs, work, keep=True)

    t0 = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, env=env)
    result["clone_s"] = round(time.perf_counter() - t0, 1)

    port = free_port()
    log = (work / "make-demo.log").open("wb")
    cpu0, t0 = children_cpu_s(), time.perf_counter()
    demo = subprocess.Popen(
        ["make", "demo", f"UI_PORT={port}"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    stamp = clone / ".venv" / ".installed-lean"
    installed_s = None
    try:
        deadline = time.monotonic() + STEP_LIMIT_S
        while installed_s is None and time.monotonic() < deadline and demo.poll() is None:
            if stamp.exists():
                installed_s = time.perf_counter() - t0
            time.sleep(0.2)
        wait_http(f"http://127.0.0.1:{port}/", demo, STEP_LIMIT_S)
        result["make_demo_to_ui_s"] = round(time.perf_counter() - t0, 1)
    finally:
        stop(demo)
        log.close()
    result["make_demo_cpu_s"] = round(children_cpu_s() - cpu0, 1)
    result["install_s"] = round(installed_s, 1) if installed_s is not None else None
    venv = clone / ".venv"
    result["venv_mb"] = round(venv_size_mb(venv), 0)
    result["torch_installed"] = any(venv.glob("lib/python*/site-packages/torch"))
    return measure_commands(result, clone, env, args.runs, work, keep=bool(args.keep))


def measure_commands(
    result: dict[str, Any], clone: Path, env: dict[str, str], runs: int, work: Path, *, keep: bool
) -> dict[str, Any]:
    """Step 4: cold commands in the clone's virtualenv, over the data ``make demo`` ingested."""
    load_before = os.getloadavg()
    bassin = str(clone / ".venv" / "bin" / "bassin")
    run_env = {**env, "BASSIN_DATA_DIR": str(clone / "var" / "demo"), "BASSIN_LLM_PROVIDER": "offline"}
    result["help"] = timed_runs([bassin, "--help"], run_env, clone, runs)
    result["search"] = timed_runs([bassin, "search", SEARCH], run_env, clone, runs)
    result["ask"] = timed_runs([bassin, "ask", QUESTION], run_env, clone, runs)

    port = free_port()
    serve_env = {**run_env, "BASSIN_API_KEYS": "first-minutes-key"}
    server = subprocess.Popen(
        [bassin, "serve", "--port", str(port)], cwd=clone, env=serve_env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/health", server, 300)
        client_env = {**serve_env, "BASSIN_SERVER_URL": f"http://127.0.0.1:{port}"}
        timed_runs([bassin, "ask", QUESTION], client_env, clone, 1)  # the server's warm-up, not measured
        result["ask_via_serve"] = timed_runs([bassin, "ask", QUESTION], client_env, clone, runs)
    finally:
        stop(server)
    result["load_average"] = {
        "before": [round(x, 1) for x in load_before],
        "after": [round(x, 1) for x in os.getloadavg()],
    }
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return result


def table(r: dict[str, Any]) -> str:
    def cmd(key: str, target: float | None) -> str:
        m = r[key]
        goal = f"≤ {target:g} s" if target is not None else "—"
        return f"{m['median_s']:.2f} s (min {m['min_s']:.2f}, CPU {m['cpu_median_s']:.2f} s) | {goal}"

    torch = "yes" if r["torch_installed"] else "no"
    return "\n".join(
        [
            "| Step | Measured | Target |",
            "|---|---|---|",
            f"| `make demo` → chat UI answers (fresh clone, uv cache {r['uv_cache']}) | "
            f"{r['make_demo_to_ui_s']:.0f} s (install {r['install_s']:.0f} s) | ≤ 180 s |",
            f"| Installed virtualenv (`make demo`, lean set; torch: {torch}) | {r['venv_mb'] / 1000:.2f} GB | ≤ 1.5 GB |",
            f"| `bassin --help` | {cmd('help', TARGETS_S['help'])} |",
            f'| `bassin search "{SEARCH}"` (cold process) | {cmd("search", TARGETS_S["search"])} |',
            f'| `bassin ask "{QUESTION}"` (cold process, offline planner) | {cmd("ask", TARGETS_S["ask"])} |',
            f"| `bassin ask` through a running `bassin serve` (`BASSIN_SERVER_URL`) | {cmd('ask_via_serve', TARGETS_S['ask'])} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="processes per command (median reported)")
    parser.add_argument("--warm-uv-cache", action="store_true", help="reuse this machine's uv cache")
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--commands-only",
        action="store_true",
        help="with --keep: update that clone to HEAD, time the commands",
    )
    args = parser.parse_args(argv)
    result = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
