"""PostgreSQL sessions run without the JIT compiler, and the URL's own settings still apply."""

from annotator.db import postgresql_engine_options


def test_the_urls_options_are_kept_beside_jit_off() -> None:
    # psycopg lets connect_args replace the URL's "options": a search_path given in the URL (a
    # schema of its own) was lost and the app wrote to the public schema.
    uri = "postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dmigrate_1"
    options = postgresql_engine_options({}, uri)["connect_args"]["options"]
    assert "-c jit=off" in options
    assert "-csearch_path=migrate_1" in options


def test_connect_args_options_still_come_last() -> None:
    given = {"connect_args": {"options": "-c jit=on"}}
    options = postgresql_engine_options(given, "postgresql://h/db")["connect_args"]["options"]
    assert options.endswith("-c jit=on")
