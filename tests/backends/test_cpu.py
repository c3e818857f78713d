"""CPU backend primitives: reductions, NaN detection, the periodic halo fill."""

import numpy as np

from ocean.backends import get_backend
from ocean.kernels.halo import periodic_x_halo


def test_reductions_over_a_box():
    b = get_backend("cpu")
    rng = np.random.default_rng(0)
    a, w = rng.normal(size=(3, 6, 7)), rng.uniform(size=(3, 6, 7))
    box = (0, 3, 1, 5, 2, 6)
    sl = (slice(0, 3), slice(1, 5), slice(2, 6))
    assert np.isclose(b.weighted_sum(a, w, box), (a * w)[sl].sum(), rtol=1e-14)
    assert np.isclose(b.dot2(a[0], w[0], box[2:]), (a[0] * w[0])[sl[1:]].sum(), rtol=1e-14)
    mask = (rng.uniform(size=a.shape) > 0.5).astype(float)
    assert b.masked_max_abs(a, mask, box) == np.abs(a * mask)[sl].max()
    a[1, 2, 3] = np.nan
    assert np.isnan(b.masked_max_abs(a, np.ones_like(a), box))
    assert not b.all_finite(a, box) and b.all_finite(a, (0, 1, 0, 6, 0, 7))


def test_periodic_halo_fill_of_any_width():
    b = get_backend("cpu")
    for h in (1, 2, 3):
        nx = 5
        field = np.arange(2 * 4 * (nx + 2 * h), dtype=float).reshape(2, 4, nx + 2 * h)
        b.launch(periodic_x_halo, (0, 2, 0, 4, 0, h), field, nx, h)
        assert np.array_equal(field[..., :h], field[..., nx : nx + h])
        assert np.array_equal(field[..., nx + h :], field[..., h : 2 * h])
