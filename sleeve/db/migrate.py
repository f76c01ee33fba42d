"""``sleeve db upgrade`` without an alembic.ini: the migration scripts ship inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from sleeve.config import Settings, get_settings
from sleeve.db.engine import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would treat % in passwords or options as syntax.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(settings: Settings | None = None, revision: str = "head") -> None:
    """Bring the database named by ``SLEEVE_DATABASE_URL`` to the latest schema."""
    settings = settings or get_settings()
    config = alembic_config(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def head_revision() -> str:
    """The newest migration shipped with this version (the one ``upgrade`` goes to)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head
