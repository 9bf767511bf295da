"""Inter-rater agreement on nominal labels, the way methodologists define it.

Ratings are given as units (sentences), each mapping a coder (reviewer) to the label they gave;
a coder who did not judge a unit is simply absent from it (missing data).

- Krippendorff's alpha (nominal): 1 - D_o / D_e from the coincidence matrix. Only units with at
  least two values are pairable; each contributes its ordered pairs of values from different coders
  weighted 1 / (m_u - 1). Missing values are thereby handled as alpha defines them. None when no
  unit is pairable or every pairable value is the same (D_e = 0).
- Cohen's kappa of two coders over the units both judged, with their confusion matrix.
- Fleiss' kappa of any number of coders (units may have different numbers of coders).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Generic, TypeVar

Coder = TypeVar("Coder", bound=Hashable)
Label = str


def krippendorff_alpha(units: Iterable[Iterable[Label]]) -> float | None:
    """Krippendorff's alpha for nominal data; each unit is the list of values it received."""
    coincidence: Counter[tuple[Label, Label]] = Counter()
    for unit in units:
        counts = Counter(unit)
        m = sum(counts.values())
        if m < 2:
            continue  # not pairable: a lone value says nothing about agreement
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidence[c, k] += pairs / (m - 1)
    margins: Counter[Label] = Counter()
    for (c, _k), weight in coincidence.items():
        margins[c] += weight
    n = sum(margins.values())
    if n <= 1:
        return None
    observed = sum(w for (c, k), w in coincidence.items() if c != k)
    expected = (n * n - sum(v * v for v in margins.values())) / (n - 1)
    if expected <= 1e-12:
        return None
    return 1 - observed / expected


def cohen_kappa(first: Sequence[Label], second: Sequence[Label]) -> float | None:
    """Cohen's kappa of two raters' labels for the same items (in the same order).

    kappa = (p_o - p_e) / (1 - p_e), p_o the share of items with equal labels, p_e the chance
    agreement from each rater's own label frequencies. None if there are no items or p_e == 1.
    """
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    n = len(first)
    if n == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_a, counts_b = Counter(first), Counter(second)
    expected = sum(counts_a[label] * counts_b[label] for label in counts_a) / (n * n)
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[Label]]) -> float | None:
    """Fleiss' kappa of several raters' labels; each item is the list of labels it received.

    P_i = sum_j n_ij (n_ij - 1) / (n_i (n_i - 1)) per item, P-bar their mean, p_j the share of all
    labels in category j, P_e = sum_j p_j^2, kappa = (P-bar - P_e) / (1 - P_e). Items with fewer
    than two labels are skipped; items may have different numbers of raters.
    """
    rated = [labels for labels in items if len(labels) >= 2]
    if not rated:
        return None
    agreement = 0.0
    totals: Counter[Label] = Counter()
    for labels in rated:
        n = len(labels)
        counts = Counter(labels)
        agreement += sum(c * (c - 1) for c in counts.values()) / (n * (n - 1))
        totals.update(counts)
    observed = agreement / len(rated)
    all_labels = sum(totals.values())
    expected = sum((c / all_labels) ** 2 for c in totals.values())
    if expected >= 1:
        return None
    return (observed - expected) / (1 - expected)


def confusion_matrix(
    first: Sequence[Label], second: Sequence[Label], labels: Sequence[Label]
) -> list[list[int]]:
    """Counts of (first's label, second's label): row i is labels[i] for first, column j for second."""
    if len(first) != len(second):
        raise ValueError("both raters must label the same items")
    position = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for a, b in zip(first, second, strict=True):
        matrix[position[a]][position[b]] += 1
    return matrix


@dataclass
class PairAgreement(Generic[Coder]):
    """Two coders compared over the units both judged."""

    first: Coder
    second: Coder
    labels: list[Label]
    items: int = 0
    agreed: int = 0
    kappa: float | None = None
    matrix: list[list[int]] = field(default_factory=list)

    @property
    def percent_agreement(self) -> float | None:
        return round(100 * self.agreed / self.items, 1) if self.items else None


def pairwise(
    units: Iterable[Mapping[Coder, Label]],
    labels: Sequence[Label],
    *,
    key=None,
) -> list[PairAgreement[Coder]]:
    """Cohen's kappa and a confusion matrix for every pair of coders who appear in ``units``.

    Pairs are ordered by ``key`` (default: the coders' own order); a pair with no unit in common
    is listed with items = 0 and kappa None.
    """
    units = list(units)
    coders = sorted({coder for unit in units for coder in unit}, key=key)
    result = []
    for a, b in combinations(coders, 2):
        both = [(unit[a], unit[b]) for unit in units if a in unit and b in unit]
        firsts, seconds = [x for x, _ in both], [y for _, y in both]
        result.append(
            PairAgreement(
                first=a,
                second=b,
                labels=list(labels),
                items=len(both),
                agreed=sum(x == y for x, y in both),
                kappa=cohen_kappa(firsts, seconds),
                matrix=confusion_matrix(firsts, seconds, labels),
            )
        )
    return result
