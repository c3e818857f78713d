"""Dot-product cases of kernels/closures.py's adjoint."""

from adjoint_cases import case, random3

from ocean.kernels import closures as KC


def _add_masked(mask, factor):
    def make(m, rng):
        given = {"src": random3(m, rng, 1e-6), "dst": random3(m, rng), "factor": factor}
        given["mask"] = m.backend.to_host(getattr(m.dev, mask)).copy()
        return m.grid.box(), given  # as ocean/dynamics/closures.py

    return make


# a closure's tendency (factor 1) at U points, its increment over a step (factor dt) at T points
case(KC.add_masked, f"{KC.__name__}.add_masked[maskU]")(_add_masked("maskU", 1.0))
case(KC.add_masked, f"{KC.__name__}.add_masked[maskT,dt]")(_add_masked("maskT", 3600.0))
