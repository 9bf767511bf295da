"""The search index's DDL as migrations 0010 and 0012 installed it, frozen here so that those
migrations keep doing what they did however annotator/models/search.py changes later (0017 moved
the index on to stemming by language)."""

# ruff: noqa: E501, S608

INSTALL_SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_index', content_rowid='id', "
    "tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')",
    "CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN INSERT INTO search_fts(rowid, "
    "body) VALUES (NEW.id, NEW.body); END",
    "CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN INSERT INTO "
    "search_fts(search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); END",
    "CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN INSERT INTO "
    "search_fts(search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); INSERT INTO "
    "search_fts(rowid, body) VALUES (NEW.id, NEW.body); END",
    "CREATE TRIGGER articles_search_ai AFTER INSERT ON articles BEGIN INSERT INTO search_index (kind, "
    "ref_id, article_id, body) VALUES ('article', NEW.id, NEW.id, NEW.title || ' ' || "
    "coalesce(NEW.outlet, '') || ' ' || coalesce(NEW.author, '')); END",
    "CREATE TRIGGER articles_search_au AFTER UPDATE ON articles BEGIN UPDATE search_index SET body = "
    "NEW.title || ' ' || coalesce(NEW.outlet, '') || ' ' || coalesce(NEW.author, '') WHERE kind = "
    "'article' AND ref_id = NEW.id; UPDATE search_index SET body = (SELECT substr(NEW.text, "
    "s.start_offset + 1, s.end_offset - s.start_offset) FROM sentences s WHERE s.id = "
    "search_index.ref_id) WHERE kind = 'sentence' AND article_id = NEW.id; END",
    "CREATE TRIGGER articles_search_ad AFTER DELETE ON articles BEGIN DELETE FROM search_index WHERE "
    "article_id = OLD.id; END",
    "CREATE TRIGGER sentences_search_ai AFTER INSERT ON sentences BEGIN INSERT INTO search_index "
    "(kind, ref_id, article_id, sentence_id, body) VALUES ('sentence', NEW.id, NEW.article_id, "
    "NEW.id, coalesce((SELECT substr(a.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) "
    "FROM articles a WHERE a.id = NEW.article_id), '')); END",
    "CREATE TRIGGER sentences_search_au AFTER UPDATE ON sentences BEGIN UPDATE search_index SET body "
    "= coalesce((SELECT substr(a.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) FROM "
    "articles a WHERE a.id = NEW.article_id), ''), article_id = NEW.article_id WHERE kind = "
    "'sentence' AND ref_id = NEW.id; END",
    "CREATE TRIGGER sentences_search_ad AFTER DELETE ON sentences BEGIN DELETE FROM search_index "
    "WHERE kind = 'sentence' AND ref_id = OLD.id; END",
    "CREATE TRIGGER annotations_search_ai AFTER INSERT ON annotations BEGIN INSERT INTO search_index "
    "(kind, ref_id, article_id, sentence_id, reviewer_id, body) VALUES ('annotation', NEW.id, (SELECT "
    "article_id FROM sentences WHERE id = NEW.sentence_id), NEW.sentence_id, NEW.reviewer_id, "
    "NEW.verdict || ' ' || NEW.attributed_to || ' ' || NEW.note); END",
    "CREATE TRIGGER annotations_search_au AFTER UPDATE ON annotations BEGIN UPDATE search_index SET "
    "body = NEW.verdict || ' ' || NEW.attributed_to || ' ' || NEW.note, article_id = (SELECT "
    "article_id FROM sentences WHERE id = NEW.sentence_id), sentence_id = NEW.sentence_id, "
    "reviewer_id = NEW.reviewer_id WHERE kind = 'annotation' AND ref_id = NEW.id; UPDATE search_index "
    "SET article_id = (SELECT article_id FROM sentences WHERE id = NEW.sentence_id), sentence_id = "
    "NEW.sentence_id, reviewer_id = NEW.reviewer_id WHERE kind = 'link' AND ref_id IN (SELECT id FROM "
    "evidence_links WHERE annotation_id = NEW.id); END",
    "CREATE TRIGGER annotations_search_ad AFTER DELETE ON annotations BEGIN DELETE FROM search_index "
    "WHERE kind = 'annotation' AND ref_id = OLD.id; END",
    "CREATE TRIGGER evidence_links_search_ai AFTER INSERT ON evidence_links BEGIN INSERT INTO "
    "search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) SELECT 'link', NEW.id, "
    "s.article_id, n.sentence_id, n.reviewer_id, NEW.url || ' ' || NEW.title FROM annotations n JOIN "
    "sentences s ON s.id = n.sentence_id WHERE n.id = NEW.annotation_id; END",
    "CREATE TRIGGER evidence_links_search_au AFTER UPDATE ON evidence_links BEGIN UPDATE search_index "
    "SET body = NEW.url || ' ' || NEW.title WHERE kind = 'link' AND ref_id = NEW.id; END",
    "CREATE TRIGGER evidence_links_search_ad AFTER DELETE ON evidence_links BEGIN DELETE FROM "
    "search_index WHERE kind = 'link' AND ref_id = OLD.id; END",
    "CREATE TRIGGER sources_search_ai AFTER INSERT ON sources BEGIN INSERT INTO search_index (kind, "
    "ref_id, body) VALUES ('source', NEW.id, NEW.name || ' ' || NEW.rationale || ' ' || "
    "coalesce((SELECT group_concat(d.domain, ' ') FROM source_domains d WHERE d.source_id = NEW.id), "
    "'')); END",
    "CREATE TRIGGER sources_search_au AFTER UPDATE ON sources BEGIN UPDATE search_index SET body = "
    "NEW.name || ' ' || NEW.rationale || ' ' || coalesce((SELECT group_concat(d.domain, ' ') FROM "
    "source_domains d WHERE d.source_id = NEW.id), '') WHERE kind = 'source' AND ref_id = NEW.id; END",
    "CREATE TRIGGER sources_search_ad AFTER DELETE ON sources BEGIN DELETE FROM search_index WHERE "
    "kind = 'source' AND ref_id = OLD.id; END",
    "CREATE TRIGGER source_domains_search_ai AFTER INSERT ON source_domains BEGIN UPDATE search_index "
    "SET body = (SELECT r.name || ' ' || r.rationale || ' ' || coalesce((SELECT "
    "group_concat(d.domain, ' ') FROM source_domains d WHERE d.source_id = r.id), '') FROM sources r "
    "WHERE r.id = NEW.source_id) WHERE kind = 'source' AND ref_id = NEW.source_id; END",
    "CREATE TRIGGER source_domains_search_ad AFTER DELETE ON source_domains BEGIN UPDATE search_index "
    "SET body = (SELECT r.name || ' ' || r.rationale || ' ' || coalesce((SELECT "
    "group_concat(d.domain, ' ') FROM source_domains d WHERE d.source_id = r.id), '') FROM sources r "
    "WHERE r.id = OLD.source_id) WHERE kind = 'source' AND ref_id = OLD.source_id; END",
]
REBUILD_SQLITE = [
    "DROP TRIGGER search_index_ai",
    "DROP TRIGGER search_index_ad",
    "DROP TRIGGER search_index_au",
    "DELETE FROM search_index",
    "INSERT INTO search_index (kind, ref_id, article_id, body) SELECT 'article', a.id, a.id, a.title "
    "|| ' ' || coalesce(a.outlet, '') || ' ' || coalesce(a.author, '') FROM articles a",
    "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, body) SELECT 'sentence', s.id, "
    "s.article_id, s.id, substr(a.text, s.start_offset + 1, s.end_offset - s.start_offset) FROM "
    "sentences s JOIN articles a ON a.id = s.article_id",
    "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) SELECT "
    "'annotation', n.id, s.article_id, n.sentence_id, n.reviewer_id, n.verdict || ' ' || "
    "n.attributed_to || ' ' || n.note FROM annotations n JOIN sentences s ON s.id = n.sentence_id",
    "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) SELECT "
    "'link', l.id, s.article_id, n.sentence_id, n.reviewer_id, l.url || ' ' || l.title FROM "
    "evidence_links l JOIN annotations n ON n.id = l.annotation_id JOIN sentences s ON s.id = "
    "n.sentence_id",
    "INSERT INTO search_index (kind, ref_id, body) SELECT 'source', r.id, r.name || ' ' || "
    "r.rationale || ' ' || coalesce((SELECT group_concat(d.domain, ' ') FROM source_domains d WHERE "
    "d.source_id = r.id), '') FROM sources r",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
    "CREATE TRIGGER search_index_ai AFTER INSERT ON search_index BEGIN INSERT INTO search_fts(rowid, "
    "body) VALUES (NEW.id, NEW.body); END",
    "CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN INSERT INTO "
    "search_fts(search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); END",
    "CREATE TRIGGER search_index_au AFTER UPDATE ON search_index BEGIN INSERT INTO "
    "search_fts(search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body); INSERT INTO "
    "search_fts(rowid, body) VALUES (NEW.id, NEW.body); END",
]
UNINSTALL_SQLITE = [
    "DROP TRIGGER IF EXISTS articles_search_ai",
    "DROP TRIGGER IF EXISTS articles_search_au",
    "DROP TRIGGER IF EXISTS articles_search_ad",
    "DROP TRIGGER IF EXISTS sentences_search_ai",
    "DROP TRIGGER IF EXISTS sentences_search_au",
    "DROP TRIGGER IF EXISTS sentences_search_ad",
    "DROP TRIGGER IF EXISTS annotations_search_ai",
    "DROP TRIGGER IF EXISTS annotations_search_au",
    "DROP TRIGGER IF EXISTS annotations_search_ad",
    "DROP TRIGGER IF EXISTS evidence_links_search_ai",
    "DROP TRIGGER IF EXISTS evidence_links_search_au",
    "DROP TRIGGER IF EXISTS evidence_links_search_ad",
    "DROP TRIGGER IF EXISTS sources_search_ai",
    "DROP TRIGGER IF EXISTS sources_search_au",
    "DROP TRIGGER IF EXISTS sources_search_ad",
    "DROP TRIGGER IF EXISTS source_domains_search_ai",
    "DROP TRIGGER IF EXISTS source_domains_search_ad",
    "DROP TRIGGER IF EXISTS search_index_ai",
    "DROP TRIGGER IF EXISTS search_index_ad",
    "DROP TRIGGER IF EXISTS search_index_au",
    "DROP TABLE IF EXISTS search_fts",
]
INSTALL_POSTGRESQL = [
    "ALTER TABLE search_index ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
    "regexp_replace(body, '[./:@_-]+', ' ', 'g'))) STORED",
    "CREATE INDEX ix_search_index_tsv ON search_index USING gin (tsv)",
    "CREATE FUNCTION articles_search_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
    "search_index (kind, ref_id, article_id, body) VALUES ('article', NEW.id, NEW.id, NEW.title || ' "
    "' || coalesce(NEW.outlet, '') || ' ' || coalesce(NEW.author, '')); RETURN NEW; END $$",
    "CREATE TRIGGER articles_search_ai AFTER INSERT ON articles FOR EACH ROW EXECUTE FUNCTION "
    "articles_search_ai()",
    "CREATE FUNCTION articles_search_au() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = NEW.title || ' ' || coalesce(NEW.outlet, '') || ' ' || "
    "coalesce(NEW.author, '') WHERE kind = 'article' AND ref_id = NEW.id;\n"
    "UPDATE search_index SET body = (SELECT substr(NEW.text, s.start_offset + 1, s.end_offset - "
    "s.start_offset) FROM sentences s WHERE s.id = search_index.ref_id) WHERE kind = 'sentence' AND "
    "article_id = NEW.id; RETURN NEW; END $$",
    "CREATE TRIGGER articles_search_au AFTER UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION "
    "articles_search_au()",
    "CREATE FUNCTION articles_search_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "
    "search_index WHERE article_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER articles_search_ad AFTER DELETE ON articles FOR EACH ROW EXECUTE FUNCTION "
    "articles_search_ad()",
    "CREATE FUNCTION sentences_search_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
    "search_index (kind, ref_id, article_id, sentence_id, body) VALUES ('sentence', NEW.id, "
    "NEW.article_id, NEW.id, coalesce((SELECT substr(a.text, NEW.start_offset + 1, NEW.end_offset - "
    "NEW.start_offset) FROM articles a WHERE a.id = NEW.article_id), '')); RETURN NEW; END $$",
    "CREATE TRIGGER sentences_search_ai AFTER INSERT ON sentences FOR EACH ROW EXECUTE FUNCTION "
    "sentences_search_ai()",
    "CREATE FUNCTION sentences_search_au() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = coalesce((SELECT substr(a.text, NEW.start_offset + 1, NEW.end_offset - "
    "NEW.start_offset) FROM articles a WHERE a.id = NEW.article_id), ''), article_id = NEW.article_id "
    "WHERE kind = 'sentence' AND ref_id = NEW.id; RETURN NEW; END $$",
    "CREATE TRIGGER sentences_search_au AFTER UPDATE ON sentences FOR EACH ROW EXECUTE FUNCTION "
    "sentences_search_au()",
    "CREATE FUNCTION sentences_search_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "
    "search_index WHERE kind = 'sentence' AND ref_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER sentences_search_ad AFTER DELETE ON sentences FOR EACH ROW EXECUTE FUNCTION "
    "sentences_search_ad()",
    "CREATE FUNCTION annotations_search_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
    "search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) VALUES ('annotation', "
    "NEW.id, (SELECT article_id FROM sentences WHERE id = NEW.sentence_id), NEW.sentence_id, "
    "NEW.reviewer_id, NEW.verdict || ' ' || NEW.attributed_to || ' ' || NEW.note); RETURN NEW; END $$",
    "CREATE TRIGGER annotations_search_ai AFTER INSERT ON annotations FOR EACH ROW EXECUTE FUNCTION "
    "annotations_search_ai()",
    "CREATE FUNCTION annotations_search_au() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = NEW.verdict || ' ' || NEW.attributed_to || ' ' || NEW.note, article_id = "
    "(SELECT article_id FROM sentences WHERE id = NEW.sentence_id), sentence_id = NEW.sentence_id, "
    "reviewer_id = NEW.reviewer_id WHERE kind = 'annotation' AND ref_id = NEW.id;\n"
    "UPDATE search_index SET article_id = (SELECT article_id FROM sentences WHERE id = "
    "NEW.sentence_id), sentence_id = NEW.sentence_id, reviewer_id = NEW.reviewer_id WHERE kind = "
    "'link' AND ref_id IN (SELECT id FROM evidence_links WHERE annotation_id = NEW.id); RETURN NEW; "
    "END $$",
    "CREATE TRIGGER annotations_search_au AFTER UPDATE ON annotations FOR EACH ROW EXECUTE FUNCTION "
    "annotations_search_au()",
    "CREATE FUNCTION annotations_search_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "
    "search_index WHERE kind = 'annotation' AND ref_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER annotations_search_ad AFTER DELETE ON annotations FOR EACH ROW EXECUTE FUNCTION "
    "annotations_search_ad()",
    "CREATE FUNCTION evidence_links_search_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT "
    "INTO search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) SELECT 'link', "
    "NEW.id, s.article_id, n.sentence_id, n.reviewer_id, NEW.url || ' ' || NEW.title FROM annotations "
    "n JOIN sentences s ON s.id = n.sentence_id WHERE n.id = NEW.annotation_id; RETURN NEW; END $$",
    "CREATE TRIGGER evidence_links_search_ai AFTER INSERT ON evidence_links FOR EACH ROW EXECUTE "
    "FUNCTION evidence_links_search_ai()",
    "CREATE FUNCTION evidence_links_search_au() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = NEW.url || ' ' || NEW.title WHERE kind = 'link' AND ref_id = NEW.id; "
    "RETURN NEW; END $$",
    "CREATE TRIGGER evidence_links_search_au AFTER UPDATE ON evidence_links FOR EACH ROW EXECUTE "
    "FUNCTION evidence_links_search_au()",
    "CREATE FUNCTION evidence_links_search_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE "
    "FROM search_index WHERE kind = 'link' AND ref_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER evidence_links_search_ad AFTER DELETE ON evidence_links FOR EACH ROW EXECUTE "
    "FUNCTION evidence_links_search_ad()",
    "CREATE FUNCTION sources_search_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO "
    "search_index (kind, ref_id, body) VALUES ('source', NEW.id, NEW.name || ' ' || NEW.rationale || "
    "' ' || coalesce((SELECT string_agg(d.domain, ' ') FROM source_domains d WHERE d.source_id = "
    "NEW.id), '')); RETURN NEW; END $$",
    "CREATE TRIGGER sources_search_ai AFTER INSERT ON sources FOR EACH ROW EXECUTE FUNCTION "
    "sources_search_ai()",
    "CREATE FUNCTION sources_search_au() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = NEW.name || ' ' || NEW.rationale || ' ' || coalesce((SELECT "
    "string_agg(d.domain, ' ') FROM source_domains d WHERE d.source_id = NEW.id), '') WHERE kind = "
    "'source' AND ref_id = NEW.id; RETURN NEW; END $$",
    "CREATE TRIGGER sources_search_au AFTER UPDATE ON sources FOR EACH ROW EXECUTE FUNCTION "
    "sources_search_au()",
    "CREATE FUNCTION sources_search_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM "
    "search_index WHERE kind = 'source' AND ref_id = OLD.id; RETURN OLD; END $$",
    "CREATE TRIGGER sources_search_ad AFTER DELETE ON sources FOR EACH ROW EXECUTE FUNCTION "
    "sources_search_ad()",
    "CREATE FUNCTION source_domains_search_ai() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = (SELECT r.name || ' ' || r.rationale || ' ' || coalesce((SELECT "
    "string_agg(d.domain, ' ') FROM source_domains d WHERE d.source_id = r.id), '') FROM sources r "
    "WHERE r.id = NEW.source_id) WHERE kind = 'source' AND ref_id = NEW.source_id; RETURN NEW; END $$",
    "CREATE TRIGGER source_domains_search_ai AFTER INSERT ON source_domains FOR EACH ROW EXECUTE "
    "FUNCTION source_domains_search_ai()",
    "CREATE FUNCTION source_domains_search_ad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE "
    "search_index SET body = (SELECT r.name || ' ' || r.rationale || ' ' || coalesce((SELECT "
    "string_agg(d.domain, ' ') FROM source_domains d WHERE d.source_id = r.id), '') FROM sources r "
    "WHERE r.id = OLD.source_id) WHERE kind = 'source' AND ref_id = OLD.source_id; RETURN OLD; END $$",
    "CREATE TRIGGER source_domains_search_ad AFTER DELETE ON source_domains FOR EACH ROW EXECUTE "
    "FUNCTION source_domains_search_ad()",
]
REBUILD_POSTGRESQL = [
    "DELETE FROM search_index",
    "INSERT INTO search_index (kind, ref_id, article_id, body) SELECT 'article', a.id, a.id, a.title "
    "|| ' ' || coalesce(a.outlet, '') || ' ' || coalesce(a.author, '') FROM articles a",
    "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, body) SELECT 'sentence', s.id, "
    "s.article_id, s.id, substr(a.text, s.start_offset + 1, s.end_offset - s.start_offset) FROM "
    "sentences s JOIN articles a ON a.id = s.article_id",
    "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) SELECT "
    "'annotation', n.id, s.article_id, n.sentence_id, n.reviewer_id, n.verdict || ' ' || "
    "n.attributed_to || ' ' || n.note FROM annotations n JOIN sentences s ON s.id = n.sentence_id",
    "INSERT INTO search_index (kind, ref_id, article_id, sentence_id, reviewer_id, body) SELECT "
    "'link', l.id, s.article_id, n.sentence_id, n.reviewer_id, l.url || ' ' || l.title FROM "
    "evidence_links l JOIN annotations n ON n.id = l.annotation_id JOIN sentences s ON s.id = "
    "n.sentence_id",
    "INSERT INTO search_index (kind, ref_id, body) SELECT 'source', r.id, r.name || ' ' || "
    "r.rationale || ' ' || coalesce((SELECT string_agg(d.domain, ' ') FROM source_domains d WHERE "
    "d.source_id = r.id), '') FROM sources r",
    "ANALYZE search_index",
]
UNINSTALL_POSTGRESQL = [
    "DROP TRIGGER IF EXISTS articles_search_ai ON articles",
    "DROP FUNCTION IF EXISTS articles_search_ai()",
    "DROP TRIGGER IF EXISTS articles_search_au ON articles",
    "DROP FUNCTION IF EXISTS articles_search_au()",
    "DROP TRIGGER IF EXISTS articles_search_ad ON articles",
    "DROP FUNCTION IF EXISTS articles_search_ad()",
    "DROP TRIGGER IF EXISTS sentences_search_ai ON sentences",
    "DROP FUNCTION IF EXISTS sentences_search_ai()",
    "DROP TRIGGER IF EXISTS sentences_search_au ON sentences",
    "DROP FUNCTION IF EXISTS sentences_search_au()",
    "DROP TRIGGER IF EXISTS sentences_search_ad ON sentences",
    "DROP FUNCTION IF EXISTS sentences_search_ad()",
    "DROP TRIGGER IF EXISTS annotations_search_ai ON annotations",
    "DROP FUNCTION IF EXISTS annotations_search_ai()",
    "DROP TRIGGER IF EXISTS annotations_search_au ON annotations",
    "DROP FUNCTION IF EXISTS annotations_search_au()",
    "DROP TRIGGER IF EXISTS annotations_search_ad ON annotations",
    "DROP FUNCTION IF EXISTS annotations_search_ad()",
    "DROP TRIGGER IF EXISTS evidence_links_search_ai ON evidence_links",
    "DROP FUNCTION IF EXISTS evidence_links_search_ai()",
    "DROP TRIGGER IF EXISTS evidence_links_search_au ON evidence_links",
    "DROP FUNCTION IF EXISTS evidence_links_search_au()",
    "DROP TRIGGER IF EXISTS evidence_links_search_ad ON evidence_links",
    "DROP FUNCTION IF EXISTS evidence_links_search_ad()",
    "DROP TRIGGER IF EXISTS sources_search_ai ON sources",
    "DROP FUNCTION IF EXISTS sources_search_ai()",
    "DROP TRIGGER IF EXISTS sources_search_au ON sources",
    "DROP FUNCTION IF EXISTS sources_search_au()",
    "DROP TRIGGER IF EXISTS sources_search_ad ON sources",
    "DROP FUNCTION IF EXISTS sources_search_ad()",
    "DROP TRIGGER IF EXISTS source_domains_search_ai ON source_domains",
    "DROP FUNCTION IF EXISTS source_domains_search_ai()",
    "DROP TRIGGER IF EXISTS source_domains_search_ad ON source_domains",
    "DROP FUNCTION IF EXISTS source_domains_search_ad()",
]
SQLITE_FTS = "CREATE VIRTUAL TABLE search_fts USING fts5(body, content='search_index', content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\", prefix='2 3 4')"


def install_statements(dialect: str) -> list[str]:
    return INSTALL_SQLITE if dialect == "sqlite" else INSTALL_POSTGRESQL


def rebuild_statements(dialect: str) -> list[str]:
    return REBUILD_SQLITE if dialect == "sqlite" else REBUILD_POSTGRESQL


def uninstall_statements(dialect: str) -> list[str]:
    return UNINSTALL_SQLITE if dialect == "sqlite" else UNINSTALL_POSTGRESQL
