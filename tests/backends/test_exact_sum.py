"""Exact sums: correctly rounded whatever the order or grouping of the terms."""

from fractions import Fraction

import numpy as np
import pytest

from ocean.backends.exact_sum import (
    LIMB_BITS,
    accumulate,
    box_dot_exact,
    box_products_exact,
    new_accumulator,
    normalise,
    to_float,
    to_floats,
)


def to_float_reference(acc):
    """The accumulator's value with Python integers, rounded once by Fraction -> float."""
    total = 0
    for m in range(acc.size - 1, -1, -1):
        total = (total << LIMB_BITS) + int(acc[m])
    return float(Fraction(total, 1 << 1074))


def exact(values):
    return float(sum(Fraction(float(v)) for v in values))


def terms(seed):
    """Terms over the whole double range, subnormals, and cancelling pairs."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(60) * 10.0 ** rng.integers(-300, 300, 60)
    x[:4] = 5e-324 * rng.integers(-5, 5, 4)
    return np.concatenate([x, -x[10:30], rng.standard_normal(20)])


@pytest.mark.parametrize("seed", range(20))
def test_sum_is_correctly_rounded_and_independent_of_grouping(seed):
    x = terms(seed)
    whole = to_float(accumulate(new_accumulator(), x))
    assert whole == exact(x) == to_float_reference(accumulate(new_accumulator(), x))
    rng = np.random.default_rng(seed)
    shuffled = rng.permutation(x)
    cut = int(rng.integers(1, x.size))
    parts = accumulate(new_accumulator(), shuffled[:cut]) + accumulate(
        new_accumulator(), shuffled[cut:]
    )  # what an integer Allreduce of two blocks does
    assert to_float(normalise(parts)) == whole


def test_ties_round_to_even():
    for a, b in [(1.0, 2.0**-53), (1.0 + 2.0**-52, 2.0**-53), (1.0, 2.0**-53 + 2.0**-105)]:
        assert to_float(accumulate(new_accumulator(), np.array([a, b]))) == exact([a, b])
    assert to_float(accumulate(new_accumulator(), np.array([1.0, 2.0**-53]))) == 1.0


def test_dot_and_row_rounding_match_the_exact_values():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((7, 9)), rng.standard_normal((7, 9))
    box = (1, 6, 2, 8)
    products = (a * b)[1:6, 2:8]
    assert to_float(box_dot_exact(a, b, box)) == exact(products.ravel())
    rows = [a[2], b[5], a[3] * b[4]]
    sums = to_floats(np.stack([accumulate(new_accumulator(), row) for row in rows]))
    assert sums.tolist() == [exact(row) for row in rows]


def test_box_of_products_by_levels_is_the_exact_sum():
    """The 3-D box's products, summed level by level in parallel, are the one exact sum
    (terms over the whole range, each level's cancelling the next's), bit for bit the
    accumulator of all of them in one."""
    rng = np.random.default_rng(4)
    a = rng.standard_normal((5, 6, 7)) * 10.0 ** rng.integers(-150, 150, (5, 6, 7))
    a[2] = -a[1]
    w = rng.uniform(0.5, 2.0, (5, 6, 7))
    w[2] = w[1]
    box = (1, 5, 1, 6, 0, 5)
    products = (a * w)[1:5, 1:6, 0:5]
    acc = box_products_exact(a, w, box)
    assert np.array_equal(acc, accumulate(new_accumulator(), products))
    assert to_float(acc) == exact(products.ravel())
    assert to_float(box_products_exact(a, w, (2, 2, 0, 6, 0, 7))) == 0.0


def test_non_finite_terms_are_refused():
    with pytest.raises(FloatingPointError, match="not finite"):
        accumulate(new_accumulator(), np.array([1.0, np.nan]))
    with pytest.raises(FloatingPointError, match="not finite"):
        box_products_exact(np.full((2, 2, 2), np.inf), np.ones((2, 2, 2)), (0, 2, 0, 2, 0, 2))
