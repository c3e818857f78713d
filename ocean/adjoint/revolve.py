"""Binomial checkpointing (Griewank & Walther 2000, "revolve"): reverse n time steps
keeping at most s snapshots of the state, recomputing the rest.

Convention: one snapshot holds the initial state; every step is re-advanced with
recording just before its adjoint (those n recorded advances are not counted). The
fewest extra forward steps are p(n, s) = min over 0 < m < n of m + p(m, s) + p(n - m, s - 1),
with p(1, s) = 0 and p(n, 1) = n (n - 1) / 2, in closed form r n - beta(s + 1, r - 1)
where beta(s, r) = C(s + r, s) and beta(s, r - 1) < n <= beta(s, r).

:func:`schedule` yields the actions; a driver (``ocean.adjoint.rollout``) carries them out:

- ``("advance", a, b)``: run steps a .. b-1 without recording (the state is at a);
- ``("store", a)``: keep the current state, at step a, in a free snapshot slot;
- ``("restore", a)``: copy the snapshot of step a back into the state;
- ``("free", a)``: give up the snapshot of step a;
- ``("reverse", a)``: record step a (state at a) and run its adjoint.
"""

from __future__ import annotations

from math import comb

__all__ = ["extra_steps", "best_split", "schedule"]


def _beta(s: int, r: int) -> int:
    return comb(s + r, s)


def extra_steps(n: int, s: int) -> int:
    """p(n, s): the fewest unrecorded forward steps that reverse n steps with s snapshots."""
    if n < 1 or s < 1:
        raise ValueError(f"need n >= 1 steps and s >= 1 snapshots, got n={n}, s={s}")
    if n == 1:
        return 0
    if s == 1:
        return n * (n - 1) // 2
    r = 0
    while _beta(s, r) < n:
        r += 1
    return r * n - _beta(s + 1, r - 1)


def best_split(n: int, s: int) -> int:
    """The step m (0 < m < n) at which to take the next snapshot: the largest m attaining
    p(n, s) = min over m of f(m) = m + p(m, s) + p(n - m, s - 1).

    p(., s) is convex and piecewise linear in the steps (slope r on each binomial range),
    so f is convex: f(m + 1) - f(m) is non-decreasing in m, and the largest minimiser is
    the first m where it turns positive (or n - 1). A bisection finds it in O(log n)
    closed-form evaluations, with no memo table (memory independent of n)."""
    if s == 1:
        return n - 1  # no snapshot to spare: advance to the last step from the start

    def f(m):
        return m + extra_steps(m, s) + extra_steps(n - m, s - 1)

    lo, hi = 1, n - 1  # the answer lies in [lo, hi]
    while lo < hi:
        mid = (lo + hi) // 2
        if f(mid + 1) > f(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def schedule(n: int, s: int):
    """The actions that reverse steps 0 .. n-1 with ``s`` snapshots (the initial state is
    stored by the first action). Extra advances total :func:`extra_steps` (n, s)."""
    if n < 1 or s < 1:
        raise ValueError(f"need at least one step and one snapshot, got {n} steps, {s} snapshots")
    yield ("store", 0)
    yield from _reverse(0, n, s, first=True)
    yield ("free", 0)


def _reverse(start: int, n: int, s: int, first: bool = False):
    """Reverse steps start .. start+n-1; the state of ``start`` is in a snapshot (and is the
    current state when ``first``)."""
    if n == 1:
        if not first:
            yield ("restore", start)
        yield ("reverse", start)
        return
    if s == 1:
        for last in range(start + n - 1, start - 1, -1):
            if not first or last != start + n - 1:
                yield ("restore", start)
            first = False
            if last > start:
                yield ("advance", start, last)
            yield ("reverse", last)
        return
    m = best_split(n, s)
    if not first:
        yield ("restore", start)
    yield ("advance", start, start + m)
    yield ("store", start + m)
    yield from _reverse(start + m, n - m, s - 1, first=True)
    yield ("free", start + m)
    yield from _reverse(start, m, s)
