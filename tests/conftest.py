"""Shared fixtures: an app on a migrated database (SQLite, or PostgreSQL with --db-url), clients, factories."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, make_url, text

from annotator import create_app
from annotator.extensions import db
from annotator.models import Article, Role, User
from annotator.services.accounts import users
from annotator.services.annotations import claim_vectors
from annotator.services.articles import articles
from tests.app_cache import TEMPLATES, shared_route_builders

CORPUS = Path(
    os.environ.get("ANNOTATOR_CORPUS")
    or next(
        (
            str(up / "shared" / "corpus")
            for up in Path(__file__).resolve().parents[2:]
            if (up / "shared" / "corpus").is_dir()
        ),
        Path(__file__).resolve().parents[2] / "shared" / "corpus",
    )
)
PASSWORD = "correct horse battery"  # noqa: S105 - the test accounts' password
SAMPLE_TEXT = (
    "Council approves flood barrier\n\n"
    "The council voted 7-2 on Tuesday to build a barrier. Mayor Dana Okafor said it would cost $48 million.\n\n"
    "Critics claimed the real cost would be higher. The vote ended at 11 p.m. on Tuesday."
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db-url", default="", help="Run against this database (PostgreSQL) instead of SQLite."
    )


def corpus_file(name: str) -> Path:
    """A file of the workplace's shared corpus; a test whose data is missing fails, it never skips."""
    path = CORPUS / name
    if not path.exists():
        pytest.fail(
            f"the shared corpus file {path} is missing: these tests read ../shared/corpus beside the "
            "checkout (set ANNOTATOR_CORPUS to its folder elsewhere)."
        )
    return path


def _engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def worker_database_url(url: str, worker: str) -> str:
    """The URL of a parallel worker's own database on the same server: `test` -> `test_gw0`."""
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def _on_server(url: str, statement: str, **params: Any) -> Any:
    """Run one statement outside a transaction (as CREATE/DROP DATABASE need) on url's server."""
    engine = _engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _worker_database(url: str, worker: str) -> str:
    """Make the worker's database beside url's when missing (a crashed run's is reused)."""
    own = worker_database_url(url, worker)
    name = make_url(own).database
    if not _on_server(url, "SELECT 1 FROM pg_database WHERE datname = :name", name=name):
        _on_server(url, f'CREATE DATABASE "{name}"')
    return own


@pytest.fixture(scope="session")
def database_uri(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """SQLite: a file in this session's (or worker's) temporary folder. PostgreSQL: the --db-url
    database, or under pytest-xdist a database per worker beside it (workers sharing one would
    wipe each other's tables), dropped at the end so the server keeps only the one it had."""
    url = request.config.getoption("--db-url")
    if not url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    own = _worker_database(url, worker) if worker else url
    engine = _engine(own)
    with engine.begin() as connection:  # a clean slate: the test database is ours
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    yield own
    if worker:
        _on_server(url, f'DROP DATABASE IF EXISTS "{make_url(own).database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("instance")


def make_test_app(database_uri: str, instance_dir: Path, **overrides: Any) -> Flask:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "INSTANCE_PATH": str(instance_dir),
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_CACHE_SECONDS": 0,  # public pages: a test sees each change at once
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATES  # each template compiled once per test process
    return app


@pytest.fixture(scope="session", autouse=True)
def _shared_route_builders() -> Iterator[None]:
    with shared_route_builders():
        yield


@pytest.fixture(scope="session")
def _migrated(database_uri: str, instance_dir: Path) -> None:
    from flask_migrate import upgrade

    app = make_test_app(database_uri, instance_dir)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    return users.hash_password(PASSWORD)  # hashed once: argon2id is slow on purpose


@pytest.fixture
def app(_migrated: None, database_uri: str, instance_dir: Path) -> Iterator[Flask]:
    app = make_test_app(database_uri, instance_dir)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()
        claim_vectors.forget()  # the process's copy of the claim vectors it just deleted


class IsolatedClient(FlaskClient):
    """Requests reuse the test's app context (Flask does so when one is active), so `g` would
    carry the logged-in user and CSRF token from one request, or one client, to the next.
    Production has a fresh `g` per request: give each request an empty one."""

    def open(self, *args: Any, **kwargs: Any):
        if not has_app_context():  # another thread: Flask makes a fresh context anyway
            return super().open(*args, **kwargs)
        vars(g._get_current_object()).clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            vars(g._get_current_object()).clear()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask, password_hash: str):
    counter = iter(range(1, 10_000))

    def make(role: str = "reviewer", username: str | None = None) -> User:
        user = User(
            username=username or f"{role}{next(counter)}",
            password_hash=password_hash,
            role=Role(role),
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_article(app: Flask):
    def make(
        text: str = SAMPLE_TEXT, title: str = "Council approves flood barrier", **fields: Any
    ) -> Article:
        article = articles.create_article(
            {"title": title, "text": text, **fields}, actor=None, force=True
        )
        db.session.commit()
        return article

    return make


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "page has no CSRF meta tag"
    return match.group(1)


def login(client: FlaskClient, user: User | str, password: str = PASSWORD) -> str:
    """Log in through the real form; returns a CSRF token for later posts (also set as client.csrf)."""
    name = user if isinstance(user, str) else user.username
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, f"login as {name} failed"
    home = client.get("/", follow_redirects=True)  # a reviewer with assignments lands on the queue
    client.csrf = csrf_from(home.get_data(as_text=True))  # type: ignore[attr-defined]
    return client.csrf  # type: ignore[attr-defined]


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin", "boss")


@pytest.fixture
def reviewer(make_user) -> User:
    return make_user("reviewer", "alice")


@pytest.fixture
def token_for(app: Flask):
    def make(user: User) -> dict[str, str]:
        token = users.create_token(user, "tests")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


REUTERS = {
    "name": "Reuters",
    "domains": ["reuters.com"],
    "credibility": "high",
    "rationale": "Wire service.",
}


def count(model) -> int:
    """How many rows a table holds."""
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.fixture
def reuters(admin):
    """A registry entry rating reuters.com high."""
    from annotator.services import sources

    source = sources.create_source(REUTERS, actor=admin)
    db.session.commit()
    return source


@pytest.fixture
def make_annotation(reviewer, make_article):
    """An annotation (committed): by default alice's 'verified' on a new article's first sentence."""
    from annotator.services.annotations.annotations import annotate

    def make(sentence=None, actor: User | None = None, verdict: str = "verified", **fields: Any):
        sentence = sentence if sentence is not None else make_article().sentences[0]
        ann = annotate(sentence, {"verdict": verdict, **fields}, actor=actor or reviewer)
        db.session.commit()
        return ann

    return make


@pytest.fixture
def desk(make_user, make_article, admin):
    """A desk: the admin, three reviewers (ann, bob, cy) and three articles (four sentences each)."""
    people = [make_user("reviewer", name) for name in ("ann", "bob", "cy")]
    stories = [make_article(title=f"Story {i}") for i in range(3)]
    return admin, people, stories


def judge_all(article, reviewer, verdict: str = "verified", overrides=None) -> None:
    """The reviewer judges every sentence of the article: ``verdict``, or overrides[index]."""
    from annotator.services.annotations.annotations import annotate

    for sentence in article.sentences:
        annotate(
            sentence, {"verdict": (overrides or {}).get(sentence.index, verdict)}, actor=reviewer
        )
    db.session.commit()


@pytest.fixture
def judged(make_article, make_user):
    """Judge a new article: {sentence index: (alice's verdict, bob's verdict or None)} -> the
    article, alice and bob."""
    from annotator.services.annotations.annotations import annotate

    def make(verdicts: dict[int, tuple[str, str | None]]) -> tuple[Article, User, User]:
        article = make_article()
        alice, bob = make_user("reviewer", "alice"), make_user("reviewer", "bob")
        for index, (mine, theirs) in verdicts.items():
            sentence = article.sentences[index]
            annotate(sentence, {"verdict": mine}, actor=alice)
            if theirs is not None:
                annotate(sentence, {"verdict": theirs}, actor=bob)
        db.session.commit()
        return article, alice, bob

    return make
