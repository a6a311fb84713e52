"""The near-duplicate gate's verdicts on rows and known images without thumbnails (identical bytes
and the hash rule; the crop part is tested through releases in test_release.py): which pairs are
refused, which are excused by a reviewer's mark, and the order of the failures."""

from __future__ import annotations

from exports.gates import KnownImage, duplicate_failures
from exports.rows import NewRow

ZERO = "0" * 16


def row(image_id: int, phash: str | None = ZERO, sha: str | None = None, chash: str | None = None,
        duplicate_of: int | None = None) -> NewRow:
    return NewRow(case_id=image_id, image_id=image_id, source="test", source_key=f"k{image_id}", position=0,
                  folder="images", media_sha256=sha, phash=phash, duplicate_of=duplicate_of, cells={},
                  filename=f"{image_id}.png", chash=chash)


#: pHashes 32 bits or more from ZERO and from each other: never near-duplicates.
FAR = {1: "ffffffff00000000", 2: "00000000ffffffff", 3: "ffff0000ffff0000", 5: "0000ffff0000ffff"}
ASK = "; remove one or have a reviewer mark the pair distinct"


def verdicts(rows, known, marked=frozenset()) -> list[tuple[str, str, str]]:
    return [(f.rule, f.subject, f.message) for f in duplicate_failures(rows, known, set(marked))]


def test_identical_bytes_and_close_hashes_of_released_images_are_refused_in_row_order():
    known = [KnownImage("images/a.png", FAR[1], "s-a", released_file_id=10),
             KnownImage("images/b.png", "0" * 15 + "1", None, released_file_id=11)]
    rows = [row(1, phash=FAR[3], sha="s-a"), row(2)]
    assert verdicts(rows, known) == [
        ("duplicate.released", "1.png (test/k1 image 1)",
         "near-duplicate of released images/a.png (identical bytes)" + ASK),
        ("duplicate.released", "2.png (test/k2 image 1)",
         "near-duplicate of released images/b.png (pHash distance 1 <= 2)" + ASK),
    ]


def test_a_marked_pair_and_the_image_itself_are_excused():
    known = [KnownImage("images/a.png", ZERO, None, released_file_id=10),
             KnownImage("staged", ZERO, None, image_id=3),
             KnownImage("itself", ZERO, None, image_id=1)]
    rows = [row(1)]
    assert [v[2] for v in verdicts(rows, known)] == [
        "near-duplicate of released images/a.png (pHash distance 0 <= 2)" + ASK,
        "near-duplicate of released staged (pHash distance 0 <= 2)" + ASK]
    assert verdicts(rows, known, {("file", 1, 10), ("image", 1, 3)}) == []


def test_pairs_within_the_release_and_the_staging_record():
    rows = [row(1, phash=FAR[1], sha="same"), row(2, phash=FAR[2], sha="same"), row(3), row(4, chash=ZERO),
            row(5, phash=FAR[5], duplicate_of=1)]
    assert verdicts(rows, []) == [
        ("duplicate.in-release", "1.png (test/k1 image 1)",
         "near-duplicate of 2.png (test/k2 image 1) in this release (identical bytes)" + ASK),
        ("duplicate.staging", "5.png (test/k5 image 1)", "staging recorded this image as a duplicate of image 1"),
        ("duplicate.in-release", "3.png (test/k3 image 1)",
         "near-duplicate of 4.png (test/k4 image 1) in this release (pHash distance 0 <= 2)" + ASK),
    ]
    assert [f.rule for f in duplicate_failures(rows, [], {("image", 1, 2), ("image", 3, 4)})] == ["duplicate.staging"]


def test_far_hashes_and_unknown_hashes_pass():
    known = [KnownImage("images/a.png", FAR[1], "s-a"), KnownImage("images/none.png", None, None)]
    rows = [row(1, phash=FAR[2], sha="s-b"), row(2, phash=None), row(3, phash=FAR[3])]
    assert verdicts(rows, known) == []
