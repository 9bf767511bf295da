# ruff: noqa: S608 - DDL and bulk SQL built from constants in this file, never from input
"""The search index: one row per searchable thing, kept by database triggers.

Every write that changes searchable text (an import, a text edit, a boundary fix, a save, a delete,
a restore, a reload of an export) changes the index in the same transaction, because the database
itself does it: triggers on articles, sentences, annotations, evidence links and the source registry
keep ``search_index`` up to date, and the full-text engine indexes its ``body``:

- SQLite: an FTS5 table over ``search_index`` (external content, through the view
  ``search_content``), kept by three more triggers; it indexes each body twice, word for word
  (``body``) and stemmed in the row's language (``stems``, by the SQL function
  ``annotator_stems`` that annotator/db.py registers on every connection);
- PostgreSQL: two stored generated ``tsvector`` columns with GIN indexes, word for word (``tsv``,
  configuration ``simple``) and stemmed by the configuration of the row's language (``stv``), and
  a GIN index of the word pairs of both (``WORD_PAIRS``): a phrase's pairs find its rows without
  reading every row that holds its words (GIN keeps no positions).

Each row carries its article's language (``language``), kept by the same triggers.

Soft deletes stay in the index; searches join the live rows. ``REBUILD`` fills the index from
scratch (``annotator reindex``).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annotator.extensions import db
from annotator.text.stemming import pg_config_case

KINDS = ("article", "sentence", "annotation", "link", "source")
# Objects of the index the ORM does not know (the model-vs-migration check skips them).
UNMAPPED = frozenset(
    {
        "search_fts",
        "search_content",
        "tsv",
        "ix_search_index_tsv",
        "stv",
        "ix_search_index_stv",
        "ix_search_index_pairs",
    }
)


class SearchEntry(db.Model):
    __tablename__ = "search_index"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id", name="uq_search_index_kind_ref"),
        Index("ix_search_index_article", "article_id"),
        Index("ix_search_index_sentence", "sentence_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    ref_id: Mapped[int]
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE", name="fk_search_index_article_id_articles")
    )
    sentence_id: Mapped[int | None]
    reviewer_id: Mapped[int | None]
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(16))  # the article's: how to stem body


# ----- the body of each kind, as SQL over the table's own row (NEW in a trigger) --------------

_SENTENCE_TEXT = (
    "coalesce((SELECT substr(a.text, {s}.start_offset + 1, {s}.end_offset - {s}.start_offset)"
    " FROM articles a WHERE a.id = {s}.article_id), '')"
)
_ARTICLE_BODY = "{a}.title || ' ' || coalesce({a}.outlet, '') || ' ' || coalesce({a}.author, '')"
_ANNOTATION_BODY = "{n}.verdict || ' ' || {n}.attributed_to || ' ' || {n}.note"
_LINK_BODY = "{l}.url || ' ' || {l}.title"
_SOURCE_BODY = (
    "{r}.name || ' ' || {r}.rationale || ' ' || "
    "coalesce((SELECT {agg} FROM source_domains d WHERE d.source_id = {r}.id), '')"
)


def _source_body(row: str, dialect: str) -> str:
    agg = "group_concat(d.domain, ' ')" if dialect == "sqlite" else "string_agg(d.domain, ' ')"
    return _SOURCE_BODY.format(r=row, agg=agg)


def rebuild_statements(dialect: str) -> list[str]:
    """Empty the index and fill it again from the tables (the same bodies the triggers write).

    On SQLite the full-text table is rebuilt once at the end, so the row-by-row sync triggers are
    set aside meanwhile (in the same transaction: nobody sees the index without them)."""
    sync = _SYNC_TRIGGERS if dialect == "sqlite" else []
    statements = [f"DROP TRIGGER {name}" for name, _ in sync] + [
        "DELETE FROM search_index",
        "INSERT INTO search_index (kind, ref_id, article_id, language, body) "
        f"SELECT 'article', a.id, a.id, a.language, {_ARTICLE_BODY.format(a='a')} FROM articles a",
        "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, language, body) "
        "SELECT 'sentence', s.id, s.article_id, s.id, a.language, "
        "substr(a.text, s.start_offset + 1, s.end_offset - s.start_offset) "
        "FROM sentences s JOIN articles a ON a.id = s.article_id",
        "INSERT INTO search_index "
        "(kind, ref_id, article_id, sentence_id, reviewer_id, language, body) "
        f"SELECT 'annotation', n.id, s.article_id, n.sentence_id, n.reviewer_id, a.language, "
        f"{_ANNOTATION_BODY.format(n='n')} FROM annotations n JOIN sentences s ON s.id = n.sentence_id "
        "JOIN articles a ON a.id = s.article_id",
        "INSERT INTO search_index "
        "(kind, ref_id, article_id, sentence_id, reviewer_id, language, body) "
        f"SELECT 'link', l.id, s.article_id, n.sentence_id, n.reviewer_id, a.language, "
        f"{_LINK_BODY.format(l='l')} "
        "FROM evidence_links l JOIN annotations n ON n.id = l.annotation_id "
        "JOIN sentences s ON s.id = n.sentence_id JOIN articles a ON a.id = s.article_id",
        "INSERT INTO search_index (kind, ref_id, body) "
        f"SELECT 'source', r.id, {_source_body('r', dialect)} FROM sources r",
    ]
    if dialect == "sqlite":
        statements.append("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
        statements += [ddl for _, ddl in sync]
    else:
        # Fresh statistics at once: until autovacuum got to it, the planner kept the old ones and
        # a search after `annotator reindex` of 5 million entries took 860 ms instead of 80.
        statements.append("ANALYZE search_index")
    return statements


# ----- triggers ----------------------------------------------------------------------------

# SQLite: the full-text table follows search_index row by row. The stems are computed again to
# delete what was indexed: ``annotator_stems`` is deterministic.
_STEMS_NEW = "annotator_stems(NEW.body, NEW.language)"
_STEMS_OLD = "annotator_stems(OLD.body, OLD.language)"
_FTS_INSERT = f"INSERT INTO search_fts(rowid, body, stems) VALUES (NEW.id, NEW.body, {_STEMS_NEW})"
_FTS_DELETE = (
    "INSERT INTO search_fts(search_fts, rowid, body, stems) "
    f"VALUES ('delete', OLD.id, OLD.body, {_STEMS_OLD})"
)
_SYNC_TRIGGERS = [
    (
        "search_index_ai",
        f"CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN {_FTS_INSERT}; END",
    ),
    (
        "search_index_ad",
        f"CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN {_FTS_DELETE}; END",
    ),
    (
        "search_index_au",
        "CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN "
        f"{_FTS_DELETE}; {_FTS_INSERT}; END",
    ),
]
# Each entry: (table, event, the statements run for each row). NEW/OLD as in SQL triggers.

_ANNOTATION_PLACE = "(SELECT article_id FROM sentences WHERE id = NEW.sentence_id)"
_ANNOTATION_LANGUAGE = (
    "(SELECT a.language FROM sentences s JOIN articles a ON a.id = s.article_id "
    "WHERE s.id = NEW.sentence_id)"
)
_SENTENCE_LANGUAGE = "(SELECT language FROM articles WHERE id = NEW.article_id)"

_TRIGGERS: list[tuple[str, str, str, list[str]]] = [
    (
        "articles",
        "ai",
        "AFTER INSERT",
        [
            "INSERT INTO search_index (kind, ref_id, article_id, language, body) "
            f"VALUES ('article', NEW.id, NEW.id, NEW.language, {_ARTICLE_BODY.format(a='NEW')})"
        ],
    ),
    (
        "articles",
        "au",
        "AFTER UPDATE",
        [
            f"UPDATE search_index SET body = {_ARTICLE_BODY.format(a='NEW')} "
            "WHERE kind = 'article' AND ref_id = NEW.id",
            "UPDATE search_index SET body = (SELECT substr(NEW.text, s.start_offset + 1, "
            "s.end_offset - s.start_offset) FROM sentences s WHERE s.id = search_index.ref_id) "
            "WHERE kind = 'sentence' AND article_id = NEW.id",
            # A new language re-stems every entry of the article.
            "UPDATE search_index SET language = NEW.language "
            "WHERE article_id = NEW.id AND language IS DISTINCT FROM NEW.language",
        ],
    ),
    ("articles", "ad", "AFTER DELETE", ["DELETE FROM search_index WHERE article_id = OLD.id"]),
    (
        "sentences",
        "ai",
        "AFTER INSERT",
        [
            "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, language, body) "
            f"VALUES ('sentence', NEW.id, NEW.article_id, NEW.id, {_SENTENCE_LANGUAGE}, "
            f"{_SENTENCE_TEXT.format(s='NEW')})"
        ],
    ),
    (
        "sentences",
        "au",
        "AFTER UPDATE",
        [
            f"UPDATE search_index SET body = {_SENTENCE_TEXT.format(s='NEW')}, "
            f"article_id = NEW.article_id, language = {_SENTENCE_LANGUAGE} "
            "WHERE kind = 'sentence' AND ref_id = NEW.id"
        ],
    ),
    (
        "sentences",
        "ad",
        "AFTER DELETE",
        ["DELETE FROM search_index WHERE kind = 'sentence' AND ref_id = OLD.id"],
    ),
    (
        "annotations",
        "ai",
        "AFTER INSERT",
        [
            "INSERT INTO search_index "
            "(kind, ref_id, article_id, sentence_id, reviewer_id, language, body) "
            f"VALUES ('annotation', NEW.id, {_ANNOTATION_PLACE}, NEW.sentence_id, NEW.reviewer_id, "
            f"{_ANNOTATION_LANGUAGE}, {_ANNOTATION_BODY.format(n='NEW')})"
        ],
    ),
    (
        "annotations",
        "au",
        "AFTER UPDATE",
        [
            f"UPDATE search_index SET body = {_ANNOTATION_BODY.format(n='NEW')}, "
            f"article_id = {_ANNOTATION_PLACE}, sentence_id = NEW.sentence_id, "
            f"reviewer_id = NEW.reviewer_id, language = {_ANNOTATION_LANGUAGE} "
            "WHERE kind = 'annotation' AND ref_id = NEW.id",
            f"UPDATE search_index SET article_id = {_ANNOTATION_PLACE}, "
            "sentence_id = NEW.sentence_id, reviewer_id = NEW.reviewer_id, "
            f"language = {_ANNOTATION_LANGUAGE} WHERE kind = 'link' "
            "AND ref_id IN (SELECT id FROM evidence_links WHERE annotation_id = NEW.id)",
        ],
    ),
    (
        "annotations",
        "ad",
        "AFTER DELETE",
        ["DELETE FROM search_index WHERE kind = 'annotation' AND ref_id = OLD.id"],
    ),
    (
        "evidence_links",
        "ai",
        "AFTER INSERT",
        [
            "INSERT INTO search_index "
            "(kind, ref_id, article_id, sentence_id, reviewer_id, language, body) "
            f"SELECT 'link', NEW.id, s.article_id, n.sentence_id, n.reviewer_id, a.language, "
            f"{_LINK_BODY.format(l='NEW')} FROM annotations n JOIN sentences s "
            "ON s.id = n.sentence_id JOIN articles a ON a.id = s.article_id "
            "WHERE n.id = NEW.annotation_id"
        ],
    ),
    (
        "evidence_links",
        "au",
        "AFTER UPDATE",
        [
            f"UPDATE search_index SET body = {_LINK_BODY.format(l='NEW')} "
            "WHERE kind = 'link' AND ref_id = NEW.id"
        ],
    ),
    (
        "evidence_links",
        "ad",
        "AFTER DELETE",
        ["DELETE FROM search_index WHERE kind = 'link' AND ref_id = OLD.id"],
    ),
    (
        "sources",
        "ai",
        "AFTER INSERT",
        ["INSERT INTO search_index (kind, ref_id, body) VALUES ('source', NEW.id, {source_new})"],
    ),
    (
        "sources",
        "au",
        "AFTER UPDATE",
        ["UPDATE search_index SET body = {source_new} WHERE kind = 'source' AND ref_id = NEW.id"],
    ),
    (
        "sources",
        "ad",
        "AFTER DELETE",
        ["DELETE FROM search_index WHERE kind = 'source' AND ref_id = OLD.id"],
    ),
    (
        "source_domains",
        "ai",
        "AFTER INSERT",
        [
            "UPDATE search_index SET body = (SELECT {source_r} FROM sources r "
            "WHERE r.id = NEW.source_id) WHERE kind = 'source' AND ref_id = NEW.source_id"
        ],
    ),
    (
        "source_domains",
        "ad",
        "AFTER DELETE",
        [
            "UPDATE search_index SET body = (SELECT {source_r} FROM sources r "
            "WHERE r.id = OLD.source_id) WHERE kind = 'source' AND ref_id = OLD.source_id"
        ],
    ),
]


def _statements(steps: list[str], dialect: str) -> list[str]:
    return [
        step.replace("{source_new}", _source_body("NEW", dialect)).replace(
            "{source_r}", _source_body("r", dialect)
        )
        for step in steps
    ]


# Prefix indexes for 2, 3 and 4 characters: a prefix search ("minis*" and the like) reads one
# index entry instead of merging every word that starts so (128 ms -> 2.6 ms with 5 million rows).
SQLITE_CONTENT = (
    "CREATE VIEW search_content AS "
    "SELECT id, body, annotator_stems(body, language) AS stems FROM search_index"
)
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, stems, content='search_content', "
    "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')"
)
_CLEAN = "regexp_replace(body, '[./:@_-]+', ' ', 'g')"


def install_statements(dialect: str) -> list[str]:
    """DDL that creates the full-text index and the triggers that keep ``search_index`` current."""
    if dialect == "sqlite":
        return [SQLITE_CONTENT, SQLITE_FTS, *trigger_statements(dialect)]
    return [
        "ALTER TABLE search_index ADD COLUMN tsv tsvector "
        # URLs, hosts and hyphenated words split into plain words, as SQLite's tokenizer splits them.
        f"GENERATED ALWAYS AS (to_tsvector('simple', {_CLEAN})) STORED",
        "CREATE INDEX ix_search_index_tsv ON search_index USING gin (tsv)",
        *pg_stemmed_statements(),
        *pg_pair_statements(),
        *trigger_statements(dialect),
    ]


def trigger_statements(dialect: str) -> list[str]:
    """The triggers that keep ``search_index`` (and on SQLite its full-text table) current."""
    out: list[str] = []
    if dialect == "sqlite":
        out += [ddl for _, ddl in _SYNC_TRIGGERS]
        for table, name, when, steps in _TRIGGERS:
            body = "; ".join(_statements(steps, dialect))
            out.append(f"CREATE TRIGGER {table}_search_{name} {when} ON {table} BEGIN {body}; END")
        return out
    for table, name, when, steps in _TRIGGERS:
        function = f"{table}_search_{name}"
        body = ";\n".join(_statements(steps, dialect))
        returns = "OLD" if "DELETE" in when else "NEW"
        out.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN {returns}; END $$"
        )
        out.append(
            f"CREATE TRIGGER {function} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    return out


def uninstall_statements(dialect: str) -> list[str]:
    out = []
    for table, name, _, _ in _TRIGGERS:
        out.append(
            f"DROP TRIGGER IF EXISTS {table}_search_{name}"
            + ("" if dialect == "sqlite" else f" ON {table}")
        )
        if dialect != "sqlite":
            out.append(f"DROP FUNCTION IF EXISTS {table}_search_{name}()")
    if dialect == "sqlite":
        out += [
            "DROP TRIGGER IF EXISTS search_index_ai",
            "DROP TRIGGER IF EXISTS search_index_ad",
            "DROP TRIGGER IF EXISTS search_index_au",
            "DROP TABLE IF EXISTS search_fts",
            "DROP VIEW IF EXISTS search_content",
        ]
    return out


def pg_stemmed_statements() -> list[str]:
    """PostgreSQL: the stemmed column and its index (migration 0017 adds them to an existing index)."""
    return [
        "ALTER TABLE search_index ADD COLUMN stv tsvector GENERATED ALWAYS AS "
        f"(to_tsvector({pg_config_case('language')}, {_CLEAN})) STORED",
        "CREATE INDEX ix_search_index_stv ON search_index USING gin (stv)",
    ]


# PostgreSQL: the word pairs of a row, "word next" for each two lexemes at positions p and p + 1 of
# its tsvector, word for word and stemmed. GIN stores no positions: for a phrase of two common
# words it found every row holding both (77,000 at scale 1, 6 % of them the phrase) and PostgreSQL
# read each from the table to check the order. A phrase's pairs find about its own rows; the
# phrase itself is still checked on them (annotator/services/search.py), so results are the same.
# Built from the stored positions, the very ones the phrase check reads: whatever the parser did
# (stop words, positions capped at 16,383), a row a phrase matches holds its pairs. A pair longer
# than PAIR_BYTES is left out on both sides (a GIN key has to fit in a page).
PAIR_BYTES = 1_000
WORD_PAIRS = "(annotator_word_pairs(tsv) || annotator_word_pairs(stv))"
_WORD_PAIRS_FUNCTION = (
    "CREATE FUNCTION annotator_word_pairs(tsvector) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(a.lexeme || ' ' || b.lexeme), '{}') "
    "FROM (SELECT lexeme, unnest(positions) AS at FROM unnest($1)) AS a "
    "JOIN (SELECT lexeme, unnest(positions) AS at FROM unnest($1)) AS b ON b.at = a.at + 1 "
    f"WHERE octet_length(a.lexeme) + octet_length(b.lexeme) < {PAIR_BYTES} $$"
)
# The pairs a phrase's rows must hold, stemmed as to_tsquery stems the phrase: word by word, each
# word one place. Only two neighbouring words of one lexeme each make a pair: a stop word (or a
# word the parser drops) leaves a gap that any word may fill ('minist' <2> 'defenc'), and a word
# the parser cuts in two becomes a phrase of its own inside the phrase.
_PHRASE_PAIRS_FUNCTION = (
    "CREATE FUNCTION annotator_phrase_pairs(regconfig, text[]) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "WITH word AS (SELECT w.n, CASE WHEN length(v) = 1 "
    "AND (SELECT u.positions FROM unnest(v) AS u) = '{1}' "
    "THEN (tsvector_to_array(v))[1] END AS lexeme "
    "FROM unnest($2) WITH ORDINALITY AS w(word, n), to_tsvector($1, w.word) AS v) "
    "SELECT coalesce(array_agg(a.lexeme || ' ' || b.lexeme), '{}') "
    "FROM word AS a JOIN word AS b ON b.n = a.n + 1 "
    f"WHERE octet_length(a.lexeme) + octet_length(b.lexeme) < {PAIR_BYTES} $$"
)


def pg_pair_statements() -> list[str]:
    """PostgreSQL: the word-pair functions and their index (migration 0021 adds them)."""
    return [
        _WORD_PAIRS_FUNCTION,
        _PHRASE_PAIRS_FUNCTION,
        f"CREATE INDEX ix_search_index_pairs ON search_index USING gin ({WORD_PAIRS})",
    ]
