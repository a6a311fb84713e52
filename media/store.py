"""The content-addressed media store: every file kept once, named by the SHA-256 of its bytes.

Layout: ``<store>/<sha[:2]>/<sha>``. The bytes are never changed, so a file in a release can always
be traced back to (and re-verified against) what was fetched or imported. Writes go to a temporary
name in the same folder and are renamed into place, so a crash never leaves a half-written file
under a valid name.

``MEDIA_STORE`` is that folder (a local path, or one mounted at the same path on every machine), or
a store URI of the kinds Scrapy's FilesPipeline takes: ``ftp://`` and ``s3://`` (built on Scrapy's
``FTPFilesStore`` and ``S3FilesStore``) keep the same layout under the URI. ``open_media_store``
picks the backend; every user of the store goes through the one ``MediaStore`` interface
(``put_bytes``, ``put_file``, ``has``, ``read``, ``copy_to``; ``path`` only where ``local``).
"""

from __future__ import annotations

import ftplib
import hashlib
import io
import os
import posixpath
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from schema import IngestError

_CHUNK = 1 << 20


def process_umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux); ``os.umask``
    would set it for a moment, racing the threads of a crawl that create files meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def umask_mode(directory: bool = False) -> int:
    """The mode ``open``/``mkdir`` would give a new file (directory): tempfile's 0600 (0700) for a
    private temporary is wrong once it is renamed into place as the real file."""
    return (0o777 if directory else 0o666) & ~process_umask()


class MediaStoreError(IngestError):
    """A ``MEDIA_STORE`` that cannot be used (unknown scheme, unreachable server, refused login):
    one line saying what to do."""


class MediaStore:
    """The store's one interface, and its local backend: a folder on this machine (or a mount)."""

    #: a local folder: ``path()`` names each file; a store URI has no path to hand out
    local = True

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def __str__(self) -> str:
        return str(self.root)

    def check(self) -> None:
        """Raise :class:`MediaStoreError` when the store cannot be used. A local folder is made here
        if it does not exist yet (as the first write would), so that a path nobody can make or
        write is one line before any work, not a traceback in Scrapy's engine."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MediaStoreError(f"MEDIA_STORE {self.root}: cannot make the folder ({exc.strerror}); give a "
                                  "folder this user can write") from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise MediaStoreError(f"MEDIA_STORE {self.root}: this user cannot write in it; give a folder this user "
                                  "can write")

    def relpath(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256}"

    def path(self, sha256: str) -> Path:
        return self.root / self.relpath(sha256)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put_bytes(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data``; returns its SHA-256. A file already present is not rewritten."""
        sha256 = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if not target.exists():
            try:
                write_atomically(target, data)
            except FileNotFoundError:  # the folder's first file: made then (not a mkdir call per file)
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomically(target, data)
        return sha256

    def put_file(self, source: str | Path, sha256: str) -> str:
        """Copy a file whose SHA-256 is already known into the store."""
        target = self.path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            os.fchmod(fd, umask_mode())
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def copy_to(self, sha256: str, target: str | Path) -> None:
        """Write the stored bytes to the local file ``target`` (a release, a checkout)."""
        shutil.copyfile(self.path(sha256), target)

    def source(self, sha256: str) -> str | IO[bytes]:
        """The file to serve: its path here (ranges, sendfile), an open copy from a URI store."""
        return str(self.path(sha256))

    def close(self) -> None:
        """Let go of connections (a URI store); a folder holds none."""


class UriMediaStore(MediaStore):
    """A store URI: the same layout under the URI's base, through a connection per thread.

    Present files are remembered (content-addressed: a file once stored never changes), so asking
    again costs nothing."""

    local = False

    def __init__(self, uri: str, shown: str):
        self.uri, self.shown = uri, shown
        self._present: set[str] = set()
        self._guard = threading.Lock()

    def __str__(self) -> str:
        return self.shown

    def path(self, sha256: str) -> Path:
        raise MediaStoreError(f"MEDIA_STORE {self.shown} is not a folder on this machine: no path to hand out")

    def has(self, sha256: str) -> bool:
        if sha256 in self._present:
            return True
        if self._exists(self.relpath(sha256)):
            with self._guard:
                self._present.add(sha256)
            return True
        return False

    def put_bytes(self, data: bytes, sha256: str | None = None) -> str:
        sha256 = sha256 or hashlib.sha256(data).hexdigest()
        if not self.has(sha256):
            self._upload(self.relpath(sha256), io.BytesIO(data))
            with self._guard:
                self._present.add(sha256)
        return sha256

    def put_file(self, source: str | Path, sha256: str) -> str:
        if not self.has(sha256):
            with open(source, "rb") as fh:
                self._upload(self.relpath(sha256), fh)
            with self._guard:
                self._present.add(sha256)
        return sha256

    def read(self, sha256: str) -> bytes:
        out = io.BytesIO()
        self._download(self.relpath(sha256), out)
        return out.getvalue()

    def copy_to(self, sha256: str, target: str | Path) -> None:
        with open(target, "wb") as fh:
            self._download(self.relpath(sha256), fh)

    def source(self, sha256: str) -> str | IO[bytes]:
        return io.BytesIO(self.read(sha256))

    # one backend each
    def _exists(self, relpath: str) -> bool:
        raise NotImplementedError

    def _upload(self, relpath: str, fh: IO[bytes]) -> None:
        raise NotImplementedError

    def _download(self, relpath: str, out: IO[bytes]) -> None:
        raise NotImplementedError


class FtpMediaStore(UriMediaStore):
    """``ftp://USER:PASSWORD@HOST:PORT/BASE``, read by Scrapy's ``FTPFilesStore`` (the URI, ``FTP_USER``,
    ``FTP_PASSWORD``, ``FEED_STORAGE_FTP_ACTIVE``). Each file is written under a temporary name in
    its folder and renamed into place (RNFR/RNTO), as a local write is: a reader never sees half a file."""

    def __init__(self, uri: str, settings=None):
        from scrapy.pipelines.files import FTPFilesStore  # noqa: PLC0415 (Scrapy's store, only when a URI asks for it)

        store_class = type("FTPFilesStore", (FTPFilesStore,), {
            "FTP_USERNAME": _setting(settings, "FTP_USER", "anonymous"),
            "FTP_PASSWORD": _setting(settings, "FTP_PASSWORD", "guest"),
            "USE_ACTIVE_MODE": settings is not None and settings.getbool("FEED_STORAGE_FTP_ACTIVE")})
        parts = urlsplit(uri)
        shown = parts._replace(
            netloc=f"{parts.username + '@' if parts.username else ''}{parts.hostname}:{parts.port or 21}").geturl()
        try:
            if parts.port is None:  # Scrapy's store wants the port spelled out
                uri = parts._replace(netloc=f"{parts.netloc}:21").geturl()
            self.store = store_class(uri)
        except (AssertionError, ValueError):
            raise MediaStoreError(f"MEDIA_STORE {shown}: expected ftp://USER:PASSWORD@HOST:PORT/FOLDER") from None
        super().__init__(uri, shown)
        self._local = threading.local()
        self._connections: list[ftplib.FTP] = []
        self._made: set[str] = set()

    def _full(self, relpath: str) -> str:
        return f"{self.store.basedir}/{relpath}"

    def _connect(self) -> ftplib.FTP:
        ftp = ftplib.FTP(timeout=30)
        try:
            ftp.connect(self.store.host, self.store.port)
            ftp.login(self.store.username, self.store.password)
            if self.store.USE_ACTIVE_MODE:
                ftp.set_pasv(False)
            ftp.voidcmd("TYPE I")  # binary: SIZE is refused in ASCII mode
        except (OSError, EOFError, ftplib.Error) as exc:
            ftp.close()
            raise MediaStoreError(f"MEDIA_STORE {self.shown}: cannot use the FTP server ({_reason(exc)}); "
                                  "start it, or fix the host, port, user or password") from None
        with self._guard:
            self._connections.append(ftp)
        return ftp

    def _run(self, action):
        """``action(ftp)`` on this thread's connection; once more on a new one when it was dropped."""
        for attempt in (1, 2):
            ftp = getattr(self._local, "ftp", None)
            if ftp is None:
                ftp = self._local.ftp = self._connect()
            try:
                return action(ftp)
            except FileNotFoundError:
                raise
            except (OSError, EOFError, ftplib.error_temp, ftplib.error_reply) as exc:
                self._local.ftp = None
                ftp.close()
                if attempt == 2:
                    raise MediaStoreError(
                        f"MEDIA_STORE {self.shown}: the FTP server failed ({_reason(exc)})") from None
        return None

    def check(self) -> None:
        self._run(lambda ftp: self._makedirs(ftp, self.store.basedir or "/"))

    def _makedirs(self, ftp: ftplib.FTP, folder: str) -> None:
        if folder in self._made:
            return
        try:
            ftp.cwd(folder)
        except ftplib.error_perm:
            parent = posixpath.dirname(folder.rstrip("/"))
            if parent and parent != folder:
                self._makedirs(ftp, parent)
            try:
                ftp.mkd(folder)
            except ftplib.error_perm:  # made meanwhile by another worker
                ftp.cwd(folder)
        with self._guard:
            self._made.add(folder)

    def _exists(self, relpath: str) -> bool:
        def size(ftp: ftplib.FTP) -> bool:
            try:
                return ftp.size(self._full(relpath)) is not None
            except ftplib.error_perm:  # 550: no such file
                return False
        return self._run(size)

    def _upload(self, relpath: str, fh: IO[bytes]) -> None:
        target = self._full(relpath)
        folder = posixpath.dirname(target)

        def store(ftp: ftplib.FTP) -> None:
            fh.seek(0)
            self._makedirs(ftp, folder)
            tmp = f"{folder}/.tmp-{uuid.uuid4().hex}"
            ftp.storbinary(f"STOR {tmp}", fh)
            ftp.rename(tmp, target)
        self._run(store)

    def _download(self, relpath: str, out: IO[bytes]) -> None:
        def fetch(ftp: ftplib.FTP) -> None:
            out.seek(0)
            out.truncate()
            try:
                ftp.retrbinary(f"RETR {self._full(relpath)}", out.write)
            except ftplib.error_perm:
                raise FileNotFoundError(f"{self.shown}/{relpath}") from None
        self._run(fetch)

    def close(self) -> None:
        with self._guard:
            connections, self._connections = self._connections, []
        for ftp in connections:
            try:
                ftp.quit()
            except (OSError, EOFError, ftplib.Error):
                ftp.close()


class S3MediaStore(UriMediaStore):
    """``s3://BUCKET/PREFIX/`` through Scrapy's ``S3FilesStore`` (its botocore client, configured by
    the ``AWS_*`` settings: ``AWS_ENDPOINT_URL`` for an S3-compatible server). A PUT is atomic."""

    def __init__(self, uri: str, settings=None):
        from scrapy.exceptions import NotConfigured  # noqa: PLC0415
        from scrapy.pipelines.files import S3FilesStore  # noqa: PLC0415

        if not uri.endswith("/"):
            uri += "/"
        names = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL",
                 "AWS_REGION_NAME", "AWS_USE_SSL", "AWS_VERIFY")
        store_class = type("S3FilesStore", (S3FilesStore,), {n: _setting(settings, n, None) for n in names}
                           | {"POLICY": _setting(settings, "FILES_STORE_S3_ACL", "private") or "private"})
        try:
            self.store = store_class(uri)
        except NotConfigured:
            raise MediaStoreError(f"MEDIA_STORE {uri}: s3:// needs botocore, which is not installed here") from None
        super().__init__(uri, uri)

    def _key(self, relpath: str) -> str:
        return f"{self.store.prefix}{relpath}"

    def _call(self, name: str, **kwargs):
        from botocore.exceptions import BotoCoreError, ClientError  # noqa: PLC0415

        try:
            return getattr(self.store.s3_client, name)(Bucket=self.store.bucket, **kwargs)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(f"{self.shown}{kwargs.get('Key', '')}") from None
            raise MediaStoreError(f"MEDIA_STORE {self.shown}: the S3 server refused {name} ({exc})") from None
        except BotoCoreError as exc:
            raise MediaStoreError(f"MEDIA_STORE {self.shown}: cannot use the S3 server ({exc}); start it, or fix "
                                  "AWS_ENDPOINT_URL and the credentials") from None

    def check(self) -> None:
        try:
            self._call("list_objects_v2", Prefix=self.store.prefix, MaxKeys=1)
        except FileNotFoundError:
            raise MediaStoreError(f"MEDIA_STORE {self.shown}: no such bucket") from None

    def _exists(self, relpath: str) -> bool:
        try:
            self._call("head_object", Key=self._key(relpath))
        except FileNotFoundError:
            return False
        return True

    def _upload(self, relpath: str, fh: IO[bytes]) -> None:
        fh.seek(0)
        self._call("put_object", Key=self._key(relpath), Body=fh, ACL=self.store.POLICY)

    def _download(self, relpath: str, out: IO[bytes]) -> None:
        body = self._call("get_object", Key=self._key(relpath))["Body"]
        while chunk := body.read(_CHUNK):
            out.write(chunk)


#: the store URIs of Scrapy's FilesPipeline this store speaks; gs:// is not tried (no GCS server here)
URI_STORES = {"ftp": FtpMediaStore, "s3": S3MediaStore}


def open_media_store(value: str | Path | MediaStore, settings=None) -> MediaStore:
    """The store ``MEDIA_STORE`` names: a local path (or ``file://``), or an ``ftp://`` / ``s3://`` URI.
    ``settings`` (Scrapy's) carry the URI stores' credentials (``FTP_USER``, ``AWS_*``)."""
    if isinstance(value, MediaStore):
        return value
    text = str(value)
    scheme = urlsplit(text).scheme.lower() if "://" in text else ""
    if scheme == "":
        return MediaStore(text)
    if scheme == "file":
        return MediaStore(urlsplit(text).path)
    if scheme in URI_STORES:
        return URI_STORES[scheme](text, settings)
    known = "a folder, file://, " + ", ".join(f"{s}://" for s in URI_STORES)
    if scheme == "gs":
        raise MediaStoreError(f"MEDIA_STORE {text}: gs:// (Google Cloud Storage) is not supported yet; use {known}")
    raise MediaStoreError(f"MEDIA_STORE {text}: unknown scheme {scheme}://; use {known}")


def _setting(settings, name: str, default):
    if settings is None:
        return default
    value = settings.get(name)
    return default if value is None else value


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).strip() or type(exc).__name__


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so a
    crash never leaves a half-written file under the final name."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp-{uuid.uuid4().hex[:12]}"
    # Created with open()'s mode (0666 less the umask: the file others read, a release, a backfilled
    # CSV), not mkstemp's private 0600; O_EXCL as mkstemp: never someone else's file.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
