"""The import's first pass over the records in a forked process (``exports.baseline.FirstPass``, for
big files) stores what the pass in the import's own process stores, and refuses what it refuses,
in the same words and before any file reaches the media store."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import ReleasedFile, ReleasedRow
from db.session import open_database, session_scope
from exports.baseline import FirstPass, import_dataset
from exports.csvio import MetadataFormatError
from media.store import MediaStore
from tests.backbone.test_bulk import _snapshot
from tests.conftest import SAMPLE_CSV, png_bytes

FORKED, HERE = 0, 1 << 60


def _checkout(root, csv: bytes, images: dict[str, bytes]):
    (root / "images").mkdir(parents=True)
    (root / "metadata.csv").write_bytes(csv)
    for name, data in images.items():
        (root / "images" / name).write_bytes(data)
    return root


def _import(tmp_path, name, checkout, url):
    store = MediaStore(tmp_path / name / "media")
    import_dataset(checkout, open_database(url), store)
    return store


@pytest.mark.parametrize("fork_from", [FORKED, HERE])
def test_a_forked_first_pass_stores_what_the_pass_here_stores(fork_from, staging_db_url, tmp_path, monkeypatch):
    images = {f"img{i}.png": png_bytes(seed=i) for i in range(40)}  # some read while the first pass runs
    checkout = _checkout(tmp_path / "dataset", SAMPLE_CSV.read_bytes(), images)
    monkeypatch.setattr(FirstPass, "FORK_FROM", fork_from)
    store = _import(tmp_path, "a", checkout, staging_db_url)
    with session_scope(open_database(staging_db_url)) as session:
        stored = _snapshot(session)
        files = session.execute(select(ReleasedFile.path, ReleasedFile.sha256).order_by(ReleasedFile.path)).all()
    assert len(stored["rows"]) == 453 and stored["identities"] and len(files) == 40
    assert all(store.path(sha).read_bytes() == images[path.split("/")[1]] for path, sha in files)
    # the other way, in a fresh database: the same rows, changes, identities
    other = tmp_path / "other.sqlite3"
    monkeypatch.setattr(FirstPass, "FORK_FROM", HERE if fork_from == FORKED else FORKED)
    _import(tmp_path, "b", checkout, f"sqlite:///{other}")
    with session_scope(open_database(f"sqlite:///{other}")) as session:
        assert _snapshot(session) == stored


@pytest.mark.parametrize("fork_from", [FORKED, HERE])
def test_a_malformed_record_is_refused_first_and_nothing_is_stored(fork_from, staging_db_url, tmp_path,
                                                                    monkeypatch):
    lines = SAMPLE_CSV.read_bytes().split(b"\n")
    lines[300] += b",one cell too many"
    images = {"good.png": png_bytes(), "bad.png": b"\x89PNG not an image"}  # unreadable: refused too
    checkout = _checkout(tmp_path / "dataset", b"\n".join(lines), images)
    monkeypatch.setattr(FirstPass, "FORK_FROM", fork_from)
    with pytest.raises(MetadataFormatError) as refused:
        _import(tmp_path, "a", checkout, staging_db_url)
    assert str(refused.value) == (f"{checkout / 'metadata.csv'}, line 301: 31 fields where the header has 30 "
                                  "(an unquoted comma or a missing cell)")
    assert (refused.value.path, refused.value.line) == (str(checkout / "metadata.csv"), 301)
    assert not (tmp_path / "a" / "media").exists() or not any((tmp_path / "a" / "media").rglob("*.*"))
    with session_scope(open_database(staging_db_url)) as session:
        assert session.scalar(select(func.count()).select_from(ReleasedRow)) == 0
