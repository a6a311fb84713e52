"""A dataset checkout with annotations, as the real repository lays them out.

``annotations/covid-severity-scores.csv`` is the published file (``tests/fixtures/annotations``,
a byte-for-byte copy of the dataset repository's ``annotations/``) cut to the rows whose image the
checkout holds: its ``##`` comment lines, header and rows keep their bytes. The metadata rows are
the real sample's rows of those images; the images are generated at assorted sizes in the format
their extension names. Masks follow ``annotations/lungVAE-masks/<stem>_mask.png``; boxes are a
COCO file keyed by ``file_name`` (as the GeneralBlockchain annotations are published).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from db.session import open_database
from exports.baseline import import_dataset
from exports.csvio import read_metadata
from media.store import MediaStore
from tests.conftest import SAMPLE_CSV

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "annotations"
SEVERITY = FIXTURES / "covid-severity-scores.csv"
MASKED = ("nejmc2001573_f1a.jpeg", "1-s2.0-S0140673620303706-fx1_lrg.jpg")
BOXED = {"nejmc2001573_f1a.jpeg": [(10, 12, 20, 15, "consolidation")],
         "1-s2.0-S0140673620303706-fx1_lrg.jpg": [(5, 6, 30, 20, "ground-glass opacity"), (40, 8, 12, 10, "effusion")]}


def image_bytes(name: str, seed: int) -> tuple[bytes, tuple[int, int]]:
    rng = np.random.default_rng(seed)
    size = (64 + seed % 5 * 8, 48 + seed % 3 * 8)
    img = Image.fromarray(rng.integers(0, 255, (size[1], size[0]), dtype=np.uint8), "L")
    out = io.BytesIO()
    img.save(out, "PNG" if name.lower().endswith(".png") else "JPEG")
    return out.getvalue(), size


def mask_bytes(size: tuple[int, int], values=(0, 255)) -> bytes:
    arr = np.full((size[1], size[0]), values[0], dtype=np.uint8)
    arr[size[1] // 4: size[1] * 3 // 4, size[0] // 6: size[0] // 2] = values[1]
    out = io.BytesIO()
    Image.fromarray(arr, "L").save(out, "PNG")
    return out.getvalue()


def severity_lines(keep: set[str]) -> bytes:
    """The published file's bytes, keeping its comments, header and the rows of ``keep``."""
    lines = SEVERITY.read_bytes().splitlines(keepends=True)
    out = [l for l in lines if l.startswith(b"#") or l.startswith(b"filename,") or l.split(b",")[0].decode() in keep]
    return b"".join(out)


def coco(boxes: dict, sizes: dict, license_name="CC BY 4.0") -> bytes:
    names = sorted(boxes)
    labels = sorted({b[4] for bs in boxes.values() for b in bs})
    doc = {"info": {"description": "boxes"}, "licenses": [{"id": 1, "name": license_name}],
           "categories": [{"id": i + 1, "name": label} for i, label in enumerate(labels)],
           "images": [{"id": i + 1, "file_name": n, "width": sizes[n][0], "height": sizes[n][1]}
                      for i, n in enumerate(names)],
           "annotations": []}
    for i, name in enumerate(names):
        for x, y, w, h, label in boxes[name]:
            doc["annotations"].append({"id": len(doc["annotations"]) + 1, "image_id": i + 1, "bbox": [x, y, w, h],
                                       "category_id": labels.index(label) + 1, "area": w * h, "iscrowd": 0})
    return json.dumps(doc, indent=1).encode()


@dataclass
class Checkout:
    root: Path
    filenames: list[str]
    sizes: dict[str, tuple[int, int]]


def write_annotated_checkout(root: Path) -> Checkout:
    sample = read_metadata(SAMPLE_CSV)
    scored = {l.split(b",")[0].decode() for l in SEVERITY.read_bytes().splitlines() if not l.startswith(b"#")}
    file_i = sample.columns.index("filename")
    records = [r for r in sample.records if r.cells[file_i] in scored]
    root.mkdir(parents=True)
    (root / "images").mkdir()
    header = sample.header.raw
    (root / "metadata.csv").write_bytes("".join(f"{line}\n" for line in [header] + [r.raw for r in records]).encode())
    sizes = {}
    for seed, record in enumerate(records):
        name = record.cells[file_i]
        data, sizes[name] = image_bytes(name, seed)
        (root / "images" / name).write_bytes(data)
    filenames = [r.cells[file_i] for r in records]
    ann = root / "annotations"
    (ann / "lungVAE-masks").mkdir(parents=True)
    (ann / "covid-severity-scores.csv").write_bytes(severity_lines(set(filenames)))
    for name in MASKED:
        (ann / "lungVAE-masks" / f"{Path(name).stem}_mask.png").write_bytes(mask_bytes(sizes[name]))
    (ann / "lungVAE-masks" / "README.md").write_text("Lung masks predicted by lungVAE. License: CC BY-SA 4.0\n")
    (ann / "generalblockchain-boxes.json").write_bytes(coco(BOXED, sizes))
    return Checkout(root, filenames, sizes)


@pytest.fixture
def checkout(tmp_path) -> Checkout:
    return write_annotated_checkout(tmp_path / "dataset")


@pytest.fixture
def imported(project_env, checkout):
    engine = open_database(project_env["STAGING_DB_URL"])
    store = MediaStore(project_env["MEDIA_STORE"])
    report = import_dataset(checkout.root, engine, store)
    return engine, store, checkout, report


def tree(root: Path, under: str = "annotations") -> dict[str, bytes]:
    base = root / under
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}
