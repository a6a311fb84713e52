"""Files a maintainer shares follow the umask (issue 16): a release is not forced to 0700, a
backfilled CSV not to 0600 (tempfile's private modes stay private to the temporaries)."""

from __future__ import annotations

import os
import stat

import pytest

from exports.backfill import backfill_file
from exports.release import ExportOptions, export_into_dataset, export_release
from tests.conftest import SAMPLE_CSV, png_bytes
from tests.release.test_release import add_case, env  # noqa: F401 - the fixture


@pytest.fixture
def umask():
    previous = os.umask(0o022)

    def set_to(mask: int) -> None:
        os.umask(mask)

    yield set_to
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask, directory, file", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_a_release_and_a_backfill_follow_the_umask(env, tmp_path, umask, mask, directory, file):
    engine, store, checkout = env
    umask(mask)
    add_case(engine, store, "9400", images=[png_bytes(seed=81)])
    out = tmp_path / "release"
    export_release(engine, store, out)
    assert mode(out) == directory
    for name in ("metadata.csv", "CHANGELOG.md", "manifest.json", "report/index.html", "images/p2-a.png"):
        assert mode(out / name) == file, name
    assert mode(out / "images") == directory and mode(out / "report") == directory
    add_case(engine, store, "9401", images=[png_bytes(seed=82)])
    export_into_dataset(engine, store, checkout, ExportOptions(reports=tmp_path / "reports"))
    assert mode(checkout / "metadata.csv") == file
    assert mode(tmp_path / "reports" / "CHANGELOG.md") == file
    filled = tmp_path / "filled.csv"
    backfill_file(str(SAMPLE_CSV), str(filled), ["sex"], str(tmp_path / "evidence.csv"))
    assert mode(filled) == file and mode(tmp_path / "evidence.csv") == file
