"""A release loads and iterates in torchxrayvision's COVID19_Dataset, masks included, and the
severity scores join its rows by filename (as ``torchxrayvision.datasets`` reads them)."""

from __future__ import annotations

import io
import os
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from exports.baseline import import_dataset
from exports.release import export_into_dataset, export_release
from tests.annotations.conftest import write_annotated_checkout
from tests.conftest import jpeg_bytes, png_bytes
from tests.release.test_release import add_case

VIEWS = (["PA", "AP"], ["AP Supine"], ["PA", "AP", "AP Supine"], ["L"])
#: Entries of the v7labs lung masks torchxrayvision ships (exact, case-sensitive names).
V7LABS = ("case_76_1-3.png", "16745_2_2.PNG")


def v7labs_masks(xrv) -> dict[str, np.ndarray]:
    path = os.path.join(os.path.dirname(xrv.datasets.__file__), "data", "semantic_masks_v7labs_lungs.zip")
    with zipfile.ZipFile(path) as archive:
        return {name: np.asarray(Image.open(io.BytesIO(archive.read(f"semantic_masks_v7labs_lungs/{name}"))))
                for name in V7LABS}


@pytest.fixture(scope="module")
def release(tmp_path_factory, xrv):
    """An annotated checkout holding two images the shipped masks name (at the masks' size),
    imported, with staged cases of every awkward format added by a release into it."""
    from db.session import open_database
    from media.store import MediaStore

    tmp_path = tmp_path_factory.mktemp("consumer")
    checkout = write_annotated_checkout(tmp_path / "dataset")
    header = (checkout.root / "metadata.csv").read_text().splitlines()[0].split(",")
    rows = []
    for i, (name, mask) in enumerate(v7labs_masks(xrv).items()):
        rng = np.random.default_rng(i)
        img = Image.fromarray(rng.integers(0, 255, mask.shape[:2], dtype=np.uint8), "L")
        img.save(checkout.root / "images" / name, "PNG")
        cells = dict.fromkeys(header, "")
        cells.update(patientid=str(900 + i), sex="M", age="60", finding="Pneumonia/Viral/COVID-19", view="PA",
                     modality="X-ray", folder="images", filename=name, license="CC BY 4.0", url="https://example.org/c")
        rows.append(",".join(cells[c] for c in header))
    with open(checkout.root / "metadata.csv", "a", encoding="utf-8") as fh:
        fh.write("".join(row + "\n" for row in rows))
    engine, store = open_database(f"sqlite:///{tmp_path / 'staging.sqlite3'}"), MediaStore(str(tmp_path / "media"))
    import_dataset(checkout.root, engine, store)
    add_case(engine, store, "c1", images=[png_bytes(seed=201, mode="I;16"), jpeg_bytes(seed=202)], view="AP Supine")
    add_case(engine, store, "c2", images=[jpeg_bytes(seed=203, mode="CMYK")],
             finding="Pneumonia/Bacterial/Streptococcus")
    add_case(engine, store, "c3", images=[png_bytes(seed=204, mode="RGBA")], view="L")
    export_into_dataset(engine, store, checkout.root)
    out = tmp_path / "release"
    export_release(engine, store, out)
    return out


@pytest.mark.parametrize("views", VIEWS, ids="+".join)
def test_release_iterates_in_covid19_dataset(xrv, release, views):
    dataset = xrv.datasets.COVID19_Dataset(imgpath=str(release / "images"), csvpath=str(release / "metadata.csv"),
                                           views=views)
    expected = pd.read_csv(release / "metadata.csv")
    expected = expected[expected["view"].isin(views) & ~expected["finding"].isin(["todo", "Unknown"])]
    assert len(dataset) == len(expected) > 0
    for i in range(len(dataset)):
        sample = dataset[i]
        assert sample["img"].ndim == 3 and sample["img"].shape[0] == 1
        assert sample["lab"].sum() >= 1  # every finding segment became a label


def test_shipped_lung_masks_lie_on_the_released_images(xrv, release):
    dataset = xrv.datasets.COVID19_Dataset(imgpath=str(release / "images"), csvpath=str(release / "metadata.csv"),
                                           views=["PA", "AP", "AP Supine"], semantic_masks=True)
    masks = v7labs_masks(xrv)
    found = {}
    for i in range(len(dataset)):
        sample = dataset[i]
        name = dataset.csv["filename"].iloc[i]
        if sample["semantic_masks"]:
            found[name] = sample
    # looked up by exact, case-sensitive filename (the sample's real names have shipped masks too,
    # but the fixture's pictures of them are not the real ones: only these two have the masks' size)
    assert set(V7LABS) <= set(found)
    for name in V7LABS:
        sample = found[name]
        lungs = sample["semantic_masks"]["Lungs"]
        assert lungs.shape == sample["img"].shape  # same pixel size: the file was not resized
        assert (lungs[0] == 1).sum() == (masks[name] == 255).sum()


def test_severity_scores_join_by_filename_with_comment_hash(xrv, release):
    dataset = xrv.datasets.COVID19_Dataset(imgpath=str(release / "images"), csvpath=str(release / "metadata.csv"),
                                           views=["PA", "AP", "AP Supine", "L"])
    scores = pd.read_csv(release / "annotations" / "covid-severity-scores.csv", comment="#")
    assert list(scores.columns) == ["filename", "geographic_mean", "opacity_mean"]
    joined = dataset.csv.merge(scores, on="filename", how="inner", validate="one_to_one")
    assert len(joined) == len(scores) > 0  # every score names a row the loader keeps
    assert joined["geographic_mean"].between(0, 8).all() and joined["opacity_mean"].between(0, 6).all()
