from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import lotline
from lotline.store import migrate
from lotline.store.schema import metadata


def test_the_migrations_build_exactly_the_schema_in_schema_py(db_url: str) -> None:
    lotline.open(db_url).close()
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diff == []


def test_an_older_database_is_migrated_on_open(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/old.db"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    engine.dispose()
    with lotline.open(url) as app:
        assert app.locations.get("WH/Stock").usage == "internal"
    engine = create_engine(url)
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        assert "quants" in inspect(conn).get_table_names()
    engine.dispose()
