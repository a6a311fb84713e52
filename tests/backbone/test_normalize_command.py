"""`scrapy normalize`: re-runs the normalizers over staged cases and never touches reviewer edits."""

from pathlib import Path

from sqlalchemy import select

from db.models import FieldValue, ReviewEvent
from db.session import open_database, session_scope
from ingest.eurorad import parse_eurorad_case
from staging.service import stage_case

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "eurorad" / "case_16672_like.html"


def field_value(session, name):
    return session.scalar(select(FieldValue).where(FieldValue.field == name, FieldValue.image_id.is_(None)))


def test_normalize_restores_stale_values_and_keeps_overrides(scrapy_inproc, project_env):
    engine = open_database(project_env["STAGING_DB_URL"])
    [record] = parse_eurorad_case(FIXTURE.read_text(encoding="utf-8"), "https://www.eurorad.org/case/16672")
    with session_scope(engine) as session:
        stage_case(session, record, [])
    with session_scope(engine) as session:
        sex, age = field_value(session, "sex"), field_value(session, "age")
        expected_sex, expected_age = sex.value, age.value
        assert expected_sex in ("M", "F") and expected_age
        sex.value, sex.rule = "stale", "sex.old"  # what an older normalizer had written
        age.override, age.override_by = "61", "reviewer"  # a reviewer's edit
        age.value = "stale"

    result = scrapy_inproc("normalize", check=True)
    assert "1 staged case(s) re-normalized; 1 value(s) changed in 1 case(s)" in result.stdout
    assert "sex" in result.stdout

    with session_scope(engine) as session:
        sex, age = field_value(session, "sex"), field_value(session, "age")
        assert sex.value == expected_sex and sex.rule != "sex.old"
        assert sex.evidence and sex.evidence in (record.sex_text or record.history)
        assert (age.override, age.value, age.effective) == ("61", "stale", "61")

        [event] = session.scalars(select(ReviewEvent)).all()
        assert (event.action, event.field, event.before, event.after) == ("normalize", "sex", "stale", expected_sex)
        assert event.actor.startswith("normalize")

    again = scrapy_inproc("normalize", check=True)
    assert "0 value(s) changed" in again.stdout


def test_normalize_with_nothing_staged(scrapy_inproc):
    result = scrapy_inproc("normalize", check=True)
    assert "0 staged case(s) re-normalized" in result.stdout


def test_a_restaged_case_keeps_the_thumbnails_of_its_known_images(project_env):
    """A re-crawl reuses known images without downloading them, and without their thumbnail in
    memory (staging.service.known_images): staging takes it back from the kept image with those bytes."""
    import dataclasses

    from db.models import Image
    from media.imaging import describe_image
    from staging.service import StoredImage, known_images
    from tests.conftest import png_bytes

    engine = open_database(project_env["STAGING_DB_URL"])
    [record] = parse_eurorad_case(FIXTURE.read_text(encoding="utf-8"), "https://www.eurorad.org/case/16672")
    facts = describe_image(png_bytes(seed=9))
    url = "https://www.eurorad.org/sites/default/files/images/16672/figure-1.jpg"
    first = StoredImage(source_url=url, label="Figure 1", position=0, sha256=facts.sha256, media_path="m/x",
                        format="png", phash=facts.phash, chash=facts.chash, thumb=facts.thumb)
    with session_scope(engine) as session:
        stage_case(session, record, [first])
    with session_scope(engine) as session:
        known = known_images(session, "eurorad")[url]
    assert "thumb" not in known
    again = StoredImage(source_url=url, label="Figure 1", position=0,
                        **{k: known[k] for k in ("sha256", "media_path", "format", "phash", "chash")})
    changed = dataclasses.replace(record, history=record.history + " Follow-up added.")
    with session_scope(engine) as session:
        assert stage_case(session, changed, [again])[1] == "updated"
    with session_scope(engine) as session:
        assert session.scalar(select(Image.thumb)) == facts.thumb
