"""The work directory of an export is removed by several threads (exports.journal.remove_tree):
everything under it goes, nothing a link inside it points at does."""

from __future__ import annotations

from exports.journal import remove_tree


def test_a_tree_of_many_files_goes_and_what_its_links_point_at_stays(tmp_path):
    work = tmp_path / ".dataset.export-1"
    for folder in ("new/images", "new/volumes", "artefacts/report"):
        (work / folder).mkdir(parents=True)
    for n in range(40):  # more files than threads: the threaded path
        (work / "new" / "images" / f"bench-{n:03d}-1.png").write_bytes(b"\x89PNG" + bytes([n]))
    (work / "artefacts" / "report" / "index.html").write_text("<html></html>")
    outside = tmp_path / "dataset" / "images"
    outside.mkdir(parents=True)
    (outside / "kept.png").write_bytes(b"\x89PNG")
    (work / "new" / "linked-folder").symlink_to(outside, target_is_directory=True)
    (work / "new" / "images" / "linked-file.png").symlink_to(outside / "kept.png")

    remove_tree(work)

    assert not work.exists()
    assert (outside / "kept.png").read_bytes() == b"\x89PNG"


def test_a_missing_tree_or_a_link_to_one_is_left_as_it_is(tmp_path):
    remove_tree(tmp_path / "never-made")  # as rmtree's ignore_errors: nothing to do, no error
    target = tmp_path / "target"
    target.mkdir()
    for n in range(20):
        (target / f"{n}.png").write_bytes(b"x")
    link = tmp_path / "link"
    link.symlink_to(target, target_is_directory=True)
    remove_tree(link)  # rmtree refuses a link itself; its files are not walked into either
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{n}.png" for n in range(20))

