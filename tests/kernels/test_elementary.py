"""Elementary functions in arithmetic alone, against the C library."""

import math

import numpy as np

from ocean.kernels.elementary import (
    EXP_SQUARINGS,
    acosh_at_least_one,
    asin_unit,
    exp_bounded,
    inverse_two_thirds_power,
    log_at_least_one,
    log_one_plus,
)


def test_exp_bounded_matches_the_library_over_its_range():
    """Relative error at most 1e-13 on |x| <= 44: the Taylor polynomial's round-off
    (~1e-16) doubles with each of the 2^8 = 256 squarings' worth of powers, to a few
    1e-14 (5e-14 measured), with margin; exact at 0."""
    assert EXP_SQUARINGS == 8
    assert exp_bounded(0.0) == 1.0
    points = np.linspace(-44.0, 44.0, 20001)
    errors = [abs(exp_bounded(x) / math.exp(x) - 1.0) for x in points]
    assert max(errors) <= 1e-13
    assert max(errors) > 1e-16  # the bound above is not met trivially: it is not libm


def relative_errors(ours, library, points):
    return np.array([abs(ours(x) - library(x)) / abs(library(x)) for x in points])


def test_log_one_plus_matches_the_library():
    """ln(1 + u) from u = 1e-15 (where 1 + u loses the digits of u, and the series takes
    u itself) to 1e300: within 1e-15 relative; exact at 0."""
    assert log_one_plus(0.0) == 0.0
    points = np.concatenate([np.geomspace(1e-15, 1.0, 3000), np.geomspace(1.0, 1e300, 3000)])
    errors = relative_errors(log_one_plus, math.log1p, points)
    assert errors.max() <= 1e-15
    assert errors.max() > 0.0  # not the library itself
    assert abs(log_at_least_one(10.0) - math.log(10.0)) <= 1e-15 * math.log(10.0)


def test_acosh_and_asin_match_the_library():
    """acosh on [1, 1e150] (near 1, where acosh x ~ sqrt(2(x - 1)), included) and asin on
    [0, 1] (both sides of the switch at 1/2, and up to 1): within 1e-15 relative."""
    near_one = 1.0 + np.geomspace(1e-15, 1.0, 2000)
    points = np.concatenate([near_one, np.geomspace(2.0, 1e150, 2000)])
    assert acosh_at_least_one(1.0) == 0.0
    assert relative_errors(acosh_at_least_one, math.acosh, points).max() <= 1e-15
    ys = np.concatenate([np.geomspace(1e-300, 1.0, 2000), np.linspace(0.4, 1.0, 2001)])
    assert asin_unit(0.0) == 0.0 and asin_unit(1.0) == math.pi / 2
    assert relative_errors(asin_unit, math.asin, ys).max() <= 1e-15


def test_inverse_two_thirds_power_matches_the_library():
    """x^(-2/3) on [1, 2^479], across the exact rescalings at 2^96, 2^192, ...: within
    1e-13 relative (exp_bounded's error, with the log's over arguments up to 44)."""
    points = np.concatenate([np.geomspace(1.0, 2.0**479, 6000), 2.0 ** np.arange(90, 300, 6)])
    errors = relative_errors(inverse_two_thirds_power, lambda x: x ** (-2.0 / 3.0), points)
    assert errors.max() <= 1e-13
