"""The staging database: migrations match the models, old revisions upgrade keeping their rows."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from db.models import Base, Case, FieldValue, Image
from db.session import current_revision, head_revision, make_engine, open_database, session_scope, upgrade_database
from tests.databases import drop_database, new_database

pytestmark = pytest.mark.database


@pytest.fixture
def url(tmp_path):
    """An empty database of the backend under test (SQLite: in a directory not made yet)."""
    url = new_database(tmp_path / "sub", migrated=False)
    yield url
    drop_database(url)


def test_open_database_creates_and_upgrades_to_head(url):
    engine = open_database(url)
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"fetched_documents", "cases", "images", "field_values", "released_rows", "dataset_imports",
            "released_files", "releases", "release_items", "patient_ids"} <= tables


def test_migrations_and_models_agree(url):
    engine = open_database(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_pragmas(tmp_path):
    """SQLite only, whatever the backend under test: the engine settings of a SQLite database."""
    engine = open_database(f"sqlite:///{tmp_path / 'staging.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_foreign_keys_are_enforced(url):
    engine = open_database(url)
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Image(case_id=999, source_url="http://x/1.png"))


def test_natural_key_is_unique(url):
    engine = open_database(url)
    with session_scope(engine) as session:
        session.add(Case(source="eurorad", source_key="16672", canonical_url="https://www.eurorad.org/case/16672"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Case(source="eurorad", source_key="16672", canonical_url="https://www.eurorad.org/case/16672"))


def test_old_revision_database_upgrades_without_losing_rows(url):
    """A real database at revision 0001 (rows written in plain SQL, as an old install would have)."""
    engine = make_engine(url)
    upgrade_database(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.execute(text("insert into cases (id, source, source_key, canonical_url, review_state, warnings, extra,"
                          " created_at, updated_at)"
                          " values (1, 'radiopaedia', '75189', 'https://radiopaedia.org/cases/75189', 'approved',"
                          " '[]', '{}', '2020-04-01', '2020-04-01')"))
        conn.execute(text("insert into images (id, case_id, source_url, position, label, included, provenance)"
                          " values (1, 1, 'https://prod-images-static.radiopaedia.org/images/1/a.jpeg', 0, '', :yes,"
                          " '{}')"), {"yes": True})
        conn.execute(text("insert into field_values (case_id, image_id, field, raw, value, rule, rule_version,"
                          " updated_at)"
                          " values (1, 1, 'view', 'Frontal', 'PA', 'view.plane', 1, '2020-04-01')"))
    engine.dispose()
    engine = open_database(url)
    assert current_revision(engine) == head_revision() != "0001"
    with session_scope(engine) as session:
        case = session.scalars(select(Case)).one()
        assert (case.source, case.source_key, case.review_state) == ("radiopaedia", "75189", "approved")
        assert [i.source_url for i in case.images] == ["https://prod-images-static.radiopaedia.org/images/1/a.jpeg"]
        value = session.scalars(select(FieldValue)).one()
        assert (value.field, value.value, value.effective) == ("view", "PA", "PA")


def test_reviewer_override_wins(url):
    engine = open_database(url)
    with session_scope(engine) as session:
        case = Case(source="sirm", source_key="caso-40", canonical_url="https://sirm.org/x")
        case.field_values.append(FieldValue(field="sex", value="M", override="F"))
        session.add(case)
    with session_scope(engine) as session:
        assert session.scalars(select(FieldValue)).one().effective == "F"


@pytest.mark.empty_database
def test_migrate_describes_images_stored_before_thumbnails(tmp_path, project_env, scrapy_inproc):
    """A database at revision 0006 (no thumbnails): `scrapy migrate` upgrades it and fills the
    thumbnail of every image it can read from the media store, reporting the one it cannot."""
    from media.imaging import describe_image
    from media.store import MediaStore
    from tests.conftest import png_bytes

    url = project_env["STAGING_DB_URL"]
    engine = make_engine(url)
    upgrade_database(engine, "0006")
    data = png_bytes(seed=5)
    facts = describe_image(data)
    MediaStore(project_env["MEDIA_STORE"]).put_bytes(data, facts.sha256)
    with engine.begin() as conn:
        conn.execute(text("insert into cases (id, source, source_key, canonical_url, review_state, warnings, extra,"
                          " created_at, updated_at)"
                          " values (1, 'eurorad', '16660', 'https://www.eurorad.org/case/16660', 'staged', '[]', '{}',"
                          " '2020-04-01', '2020-04-01')"))
        for image_id, sha in ((1, facts.sha256), (2, "0" * 64)):
            conn.execute(text("insert into images (id, case_id, source_url, sha256, phash, position, label, included,"
                              " provenance)"
                              " values (:id, 1, :url, :sha, :phash, :id, '', :yes, '{}')"),
                         {"id": image_id, "url": f"https://www.eurorad.org/{image_id}.jpg", "sha": sha,
                          "phash": facts.phash, "yes": True})
    engine.dispose()
    first = scrapy_inproc("migrate", check=True)
    assert "upgraded from revision 0006" in first.stdout
    assert "1 images described again; 1 could not be read from the media store" in first.stdout
    with session_scope(open_database(url)) as session:
        thumbs = dict(session.execute(select(Image.id, Image.thumb)).all())
        assert thumbs[1] == facts.thumb and len(thumbs[1]) == 64 * 64
        assert thumbs[2] is None
    again = scrapy_inproc("migrate", check=True)
    assert "already at revision" in again.stdout and "0 images described again; 1 could not" in again.stdout

