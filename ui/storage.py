"""Chat elements (charts, files) kept on the local disk, under the data dir, and served back to their owner.

Chainlit's data layer stores an element's content through a ``BaseStorageClient`` and keeps only its key and
URL in SQL; without one, a reopened conversation loses its charts. ``LocalFileStorage`` writes each element to
``<root>/<key>``; ``read`` gives it back to the HTTP route (``chainlit_app.py``) that serves
``<url_prefix>/<key>`` to the user who owns the key (its first segment is the owner's data-layer user id).
"""

from __future__ import annotations

import asyncio
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import quote

from chainlit.data.storage_clients.base import BaseStorageClient

URL_PREFIX = "/bassin/files"
_MIME_SUFFIX = ".mime"


class LocalFileStorage(BaseStorageClient):
    """Element contents as files under ``root``; read URLs are ``url_prefix/<key>`` on the UI's own origin."""

    def __init__(self, root: Path, url_prefix: str = URL_PREFIX) -> None:
        self.root = Path(root).resolve()
        self.url_prefix = url_prefix.rstrip("/")

    def path_of(self, object_key: str) -> Path:
        """The file of ``object_key``; a key that would leave ``root`` (``..``, absolute) is refused."""
        path = (self.root / object_key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"clé de fichier invalide : {object_key!r}")
        return path

    def url_of(self, object_key: str) -> str:
        return f"{self.url_prefix}/{quote(object_key)}"

    async def upload_file(
        self,
        object_key: str,
        data: bytes | str,
        mime: str = "application/octet-stream",
        overwrite: bool = True,
        content_disposition: str | None = None,
    ) -> dict[str, Any]:
        path = self.path_of(object_key)
        if path.exists() and not overwrite:
            return {"object_key": object_key, "url": self.url_of(object_key)}
        content = data.encode() if isinstance(data, str) else data
        await asyncio.to_thread(_write, path, content, mime)
        return {"object_key": object_key, "url": self.url_of(object_key)}

    async def delete_file(self, object_key: str) -> bool:
        path = self.path_of(object_key)
        existed = path.exists()
        await asyncio.to_thread(path.unlink, missing_ok=True)
        await asyncio.to_thread(path.with_name(path.name + _MIME_SUFFIX).unlink, missing_ok=True)
        return existed

    async def get_read_url(self, object_key: str) -> str:
        return self.url_of(object_key)

    async def close(self) -> None:
        return None

    def read(self, object_key: str) -> tuple[Path, str] | None:
        """The file of ``object_key`` and its MIME type, or None when there is none."""
        path = self.path_of(object_key)
        if not path.is_file():
            return None
        mime_file = path.with_name(path.name + _MIME_SUFFIX)
        if mime_file.is_file():
            mime = mime_file.read_text().strip()
        else:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return path, mime


def owner_of(object_key: str) -> str:
    """The data-layer user id a key belongs to (Chainlit keys are ``<user id>/<element id>[/<name>]``)."""
    return object_key.split("/", 1)[0]


def _write(path: Path, content: bytes, mime: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)
    path.with_name(path.name + _MIME_SUFFIX).write_text(mime)
