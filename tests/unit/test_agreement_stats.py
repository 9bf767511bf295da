"""Agreement figures equal the reference implementations' on random and edge-case data.

References (test-only dependencies): the ``krippendorff`` package for alpha with missing data,
statsmodels for Cohen's and Fleiss' kappa, NLTK's AnnotationTask for alpha and kappa on complete
data and its ConfusionMatrix for the pair tables.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.stats.agreement import (
    cohen_kappa,
    confusion_matrix,
    fleiss_kappa,
    krippendorff_alpha,
    pairwise,
)

krippendorff = pytest.importorskip("krippendorff", reason="krippendorff is a test dependency")
inter_rater = pytest.importorskip(
    "statsmodels.stats.inter_rater", reason="statsmodels is a test dependency"
)
nltk_agreement = pytest.importorskip("nltk.metrics.agreement", reason="nltk is a test dependency")
nltk_confusion = pytest.importorskip(
    "nltk.metrics.confusionmatrix", reason="nltk is a test dependency"
)

LABELS = ["verified", "unproven", "disputed"]
CODE = {label: i for i, label in enumerate(LABELS)}

# A reliability matrix: coders x units, None where a coder did not judge the unit.
matrices = st.integers(2, 5).flatmap(
    lambda coders: st.integers(1, 25).flatmap(
        lambda units: st.lists(
            st.lists(st.sampled_from([*LABELS, None]), min_size=units, max_size=units),
            min_size=coders,
            max_size=coders,
        )
    )
)
complete = st.integers(2, 4).flatmap(
    lambda coders: st.integers(1, 25).flatmap(
        lambda units: st.lists(
            st.lists(st.sampled_from(LABELS), min_size=units, max_size=units),
            min_size=coders,
            max_size=coders,
        )
    )
)
pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
        st.lists(st.sampled_from(LABELS), min_size=n, max_size=n),
    )
)


def units_of(matrix: list[list[str | None]]) -> list[list[str]]:
    return [[row[u] for row in matrix if row[u] is not None] for u in range(len(matrix[0]))]


def reference_alpha(matrix: list[list[str | None]]) -> float | None:
    data = np.array(
        [[np.nan if v is None else CODE[v] for v in row] for row in matrix], dtype=float
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 0/0 on degenerate data is the reference's "undefined"
            value = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    except ValueError:
        return None  # "more than one value in the domain" / "at least one pairable unit"
    return None if math.isnan(value) else float(value)


def statsmodels_kappa(table: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # its standard errors on tiny tables
        return float(inter_rater.cohens_kappa(table).kappa)


def nltk_task(matrix: list[list[str]]):
    data = [
        (f"c{c}", f"u{u}", label) for c, row in enumerate(matrix) for u, label in enumerate(row)
    ]
    return nltk_agreement.AnnotationTask(data=data)


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_alpha_equals_the_krippendorff_package_with_missing_data(matrix) -> None:
    ours, theirs = krippendorff_alpha(units_of(matrix)), reference_alpha(matrix)
    if theirs is None:
        assert ours is None
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(complete)
def test_alpha_equals_nltk_on_complete_data(matrix) -> None:
    ours = krippendorff_alpha(units_of(matrix))
    if ours is None:  # every value the same: NLTK divides by zero, the package refuses
        assert len({v for row in matrix for v in row}) == 1
        return
    assert ours == pytest.approx(nltk_task(matrix).alpha(), abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_cohen_kappa_equals_statsmodels_and_nltk(pair) -> None:
    first, second = pair
    table = np.array(confusion_matrix(first, second, LABELS), dtype=float)
    ours = cohen_kappa(first, second)
    if ours is None:  # chance agreement total: both gave one and the same label throughout
        assert len(set(first) | set(second)) == 1
        return
    assert ours == pytest.approx(statsmodels_kappa(table), abs=1e-9)
    assert ours == pytest.approx(nltk_task([first, second]).kappa(), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(complete)
def test_fleiss_kappa_equals_statsmodels(matrix) -> None:
    items = units_of(matrix)
    counts = np.array([[item.count(label) for label in LABELS] for item in items])
    ours = fleiss_kappa(items)
    if ours is None:
        assert len({v for item in items for v in item}) == 1
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        theirs = inter_rater.fleiss_kappa(counts, method="fleiss")
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_confusion_matrix_equals_nltk(pair) -> None:
    first, second = pair
    reference = nltk_confusion.ConfusionMatrix(first, second)
    ours = confusion_matrix(first, second, LABELS)
    for i, a in enumerate(LABELS):
        for j, b in enumerate(LABELS):
            expected = reference[a, b] if a in reference._indices and b in reference._indices else 0
            assert ours[i][j] == expected


@settings(max_examples=150, deadline=None)
@given(matrices)
def test_pairwise_compares_every_pair_over_the_units_both_judged(matrix) -> None:
    units = [
        {f"c{c}": row[u] for c, row in enumerate(matrix) if row[u] is not None}
        for u in range(len(matrix[0]))
    ]
    result = pairwise(units, LABELS)
    coders = sorted({c for unit in units for c in unit})
    assert [(p.first, p.second) for p in result] == [
        (a, b) for i, a in enumerate(coders) for b in coders[i + 1 :]
    ]
    for pair in result:
        a, b = int(pair.first[1:]), int(pair.second[1:])
        both = [(x, y) for x, y in zip(matrix[a], matrix[b], strict=True) if x and y]
        assert pair.items == len(both) == sum(map(sum, pair.matrix))
        assert pair.agreed == sum(pair.matrix[i][i] for i in range(len(LABELS)))
        if both and len({v for xy in both for v in xy}) > 1:
            table = np.array(pair.matrix, dtype=float)
            assert pair.kappa == pytest.approx(statsmodels_kappa(table), abs=1e-9)


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ([], None),  # nothing judged
        ([["verified"], ["disputed"]], None),  # nothing pairable: each unit has one value
        ([["verified", "verified"], ["verified", "verified"]], None),  # one value only: D_e = 0
        ([["verified", "verified"], ["disputed", "disputed"]], 1.0),  # perfect agreement
        ([["verified", "disputed"], ["disputed", "verified"]], -0.5),  # systematic disagreement
        # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal example with
        # missing data: 4 coders, 12 units (values 1-5 written as labels).
        (
            [
                ["1", "1", "1"],
                ["2", "2", "3", "2"],
                ["3", "3", "3", "3"],
                ["3", "3", "3", "3"],
                ["2", "2", "2", "2"],
                ["1", "2", "3", "4"],
                ["4", "4", "4", "4"],
                ["1", "1", "2", "1"],
                ["2", "2", "2", "2"],
                ["5", "5", "5"],
                ["1", "1"],
                ["3"],
            ],
            0.743,
        ),
    ],
)
def test_alpha_edge_cases(units, expected) -> None:
    value = krippendorff_alpha(units)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, abs=5e-4)


def test_kappa_is_undefined_without_items_or_variety() -> None:
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["verified"] * 3, ["verified"] * 3) is None
    assert fleiss_kappa([["verified"], ["disputed"]]) is None
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa(["verified"], [])


def test_a_pair_with_nothing_in_common_has_no_kappa() -> None:
    [pair] = pairwise([{"ann": "verified"}, {"bob": "disputed"}], LABELS)
    assert (pair.items, pair.kappa, pair.percent_agreement) == (0, None, None)
    assert pair.matrix == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
