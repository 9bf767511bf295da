"""claim matching: annotations.matched_from_id and a trigger-maintained claims index

The index holds each annotation's claim words (its span of the article text, or its whole
sentence) and attribution. The words live in articles.text, so no generated column can hold
them: triggers on annotations, sentences and articles keep the index right in the same
transaction as every write, whichever service makes it (annotate, edit, re-segment, merge,
split, text edit, restore). SQLite: an FTS5 table keyed by the annotation's id. PostgreSQL: a
table of tsvectors with a GIN index. annotator.services.annotations.similar.rebuild_index() refills it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 05:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Keep in step with annotator.text.similarity.FTS5_TOKENIZE and PG_CONFIG.
FTS5_TOKENIZE = "porter unicode61 remove_diacritics 2"
PG_CONFIG = "english"

# One annotation's claim words, for the row aliased `a` (annotations), `s` (sentences) and
# `ar` (articles). SQLite's substr counts characters from 1; PostgreSQL's too.
CLAIM = (
    "substr(ar.text, coalesce(a.span_start, s.start_offset) + 1, "
    "coalesce(a.span_end, s.end_offset) - coalesce(a.span_start, s.start_offset))"
)
SOURCE = "FROM annotations a JOIN sentences s ON s.id = a.sentence_id JOIN articles ar ON ar.id = s.article_id"

SQLITE = [  # DDL built from the constants above only
    "CREATE VIRTUAL TABLE claim_index USING fts5(claim, attributed_to, "
    f"tokenize='{FTS5_TOKENIZE}')",
    f"""CREATE TRIGGER claim_index_insert AFTER INSERT ON annotations BEGIN
        INSERT INTO claim_index(rowid, claim, attributed_to)
        SELECT a.id, {CLAIM}, a.attributed_to {SOURCE} WHERE a.id = new.id;
    END""",
    f"""CREATE TRIGGER claim_index_update
        AFTER UPDATE OF sentence_id, span_start, span_end, attributed_to ON annotations BEGIN
        DELETE FROM claim_index WHERE rowid = old.id;
        INSERT INTO claim_index(rowid, claim, attributed_to)
        SELECT a.id, {CLAIM}, a.attributed_to {SOURCE} WHERE a.id = new.id;
    END""",  # noqa: S608
    """CREATE TRIGGER claim_index_delete AFTER DELETE ON annotations BEGIN
        DELETE FROM claim_index WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER claim_index_sentence
        AFTER UPDATE OF start_offset, end_offset, article_id ON sentences BEGIN
        DELETE FROM claim_index WHERE rowid IN (SELECT id FROM annotations WHERE sentence_id = new.id);
        INSERT INTO claim_index(rowid, claim, attributed_to)
        SELECT a.id, {CLAIM}, a.attributed_to {SOURCE} WHERE a.sentence_id = new.id;
    END""",  # noqa: S608
    f"""CREATE TRIGGER claim_index_article AFTER UPDATE OF text ON articles BEGIN
        DELETE FROM claim_index WHERE rowid IN (
            SELECT a.id FROM annotations a JOIN sentences s ON s.id = a.sentence_id
            WHERE s.article_id = new.id);
        INSERT INTO claim_index(rowid, claim, attributed_to)
        SELECT a.id, {CLAIM}, a.attributed_to {SOURCE} WHERE s.article_id = new.id;
    END""",  # noqa: S608
    f"INSERT INTO claim_index(rowid, claim, attributed_to) SELECT a.id, {CLAIM}, a.attributed_to {SOURCE}",
]
SQLITE_DOWN = [
    "DROP TRIGGER claim_index_article",
    "DROP TRIGGER claim_index_sentence",
    "DROP TRIGGER claim_index_delete",
    "DROP TRIGGER claim_index_update",
    "DROP TRIGGER claim_index_insert",
    "DROP TABLE claim_index",
]

DOCUMENT = f"to_tsvector('{PG_CONFIG}', {CLAIM} || ' ' || a.attributed_to)"
UPSERT = (
    f"INSERT INTO claim_index(annotation_id, document) SELECT a.id, {DOCUMENT} {SOURCE} WHERE {{}} "
    "ON CONFLICT (annotation_id) DO UPDATE SET document = excluded.document"
)
POSTGRESQL = [
    """CREATE TABLE claim_index (
        annotation_id integer PRIMARY KEY REFERENCES annotations(id) ON DELETE CASCADE,
        document tsvector NOT NULL)""",
    "CREATE INDEX ix_claim_index_document ON claim_index USING gin (document)",
    f"""CREATE FUNCTION claim_index_annotation() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {UPSERT.format("a.id = NEW.id")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION claim_index_sentence() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {UPSERT.format("a.sentence_id = NEW.id")}; RETURN NULL; END $$""",
    f"""CREATE FUNCTION claim_index_article() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN {UPSERT.format("s.article_id = NEW.id")}; RETURN NULL; END $$""",
    """CREATE TRIGGER claim_index_annotation
        AFTER INSERT OR UPDATE OF sentence_id, span_start, span_end, attributed_to ON annotations
        FOR EACH ROW EXECUTE FUNCTION claim_index_annotation()""",
    """CREATE TRIGGER claim_index_sentence
        AFTER UPDATE OF start_offset, end_offset, article_id ON sentences
        FOR EACH ROW EXECUTE FUNCTION claim_index_sentence()""",
    """CREATE TRIGGER claim_index_article AFTER UPDATE OF text ON articles
        FOR EACH ROW EXECUTE FUNCTION claim_index_article()""",
    UPSERT.format("TRUE"),
]
POSTGRESQL_DOWN = [
    "DROP TRIGGER claim_index_article ON articles",
    "DROP TRIGGER claim_index_sentence ON sentences",
    "DROP TRIGGER claim_index_annotation ON annotations",
    "DROP FUNCTION claim_index_article()",
    "DROP FUNCTION claim_index_sentence()",
    "DROP FUNCTION claim_index_annotation()",
    "DROP TABLE claim_index",
]


def upgrade():
    # Provenance, not a reference to keep alive: no foreign key, so deleting or purging the
    # earlier annotation never fails and never rewrites the record of where a verdict came from
    # (and a JSON restore may insert the two in either order).
    op.add_column("annotations", sa.Column("matched_from_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_annotations_matched_from_id"), "annotations", ["matched_from_id"])
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRESQL:
        op.execute(statement)


def downgrade():
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_DOWN:
        op.execute(statement)
    op.drop_index(op.f("ix_annotations_matched_from_id"), table_name="annotations")
    op.execute("ALTER TABLE annotations DROP COLUMN matched_from_id")  # no batch copy: see 0003
