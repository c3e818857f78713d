"""ocean/adjoint/revolve.py: the binomial schedule is valid and attains p(n, s)."""

import pytest

from ocean.adjoint.revolve import best_split, extra_steps, schedule

#: p(n, s) of Griewank & Walther (2000), checked numerically in the fact sheet
PUBLISHED = [(10, 2, 20), (20, 3, 45), (50, 4, 144), (100, 5, 316), (200, 10, 522)]


def play(n, s):
    """Carry out the schedule on an abstract state; return (extra advances, most snapshots)."""
    position, snapshots, reversed_steps, extra, most = 0, set(), [], 0, 0
    for action in schedule(n, s):
        kind, a = action[0], action[1]
        if kind == "store":
            assert position == a and a not in snapshots
            snapshots.add(a)
            most = max(most, len(snapshots))
        elif kind == "restore":
            assert a in snapshots
            position = a
        elif kind == "free":
            snapshots.remove(a)
        elif kind == "advance":
            assert position == a and action[2] > a
            extra += action[2] - a
            position = action[2]
        elif kind == "reverse":
            assert position == a
            reversed_steps.append(a)
            position = a + 1  # the recorded advance
    assert reversed_steps == list(range(n - 1, -1, -1)), "every step reversed once, last first"
    assert not snapshots
    return extra, most


@pytest.mark.parametrize("n, s, p", PUBLISHED)
def test_closed_form_matches_published_counts(n, s, p):
    assert extra_steps(n, s) == p


def test_closed_form_equals_the_recursion():
    best = {}
    for s in range(1, 5):
        for n in range(1, 40):
            if n == 1:
                best[n, s] = 0
            elif s == 1:
                best[n, s] = n * (n - 1) // 2
            else:
                best[n, s] = min(m + best[m, s] + best[n - m, s - 1] for m in range(1, n))
            assert extra_steps(n, s) == best[n, s], (n, s)


def test_bisected_split_is_the_largest_minimiser():
    """The bisection over the convex cost finds what a scan of every split finds."""
    for s in range(2, 6):
        for n in range(2, 120):
            cost = [m + extra_steps(m, s) + extra_steps(n - m, s - 1) for m in range(1, n)]
            largest = max(m for m, c in zip(range(1, n), cost, strict=True) if c == min(cost))
            assert min(cost) == extra_steps(n, s), (n, s)
            assert best_split(n, s) == largest, (n, s)


SCHEDULES = [(1, 1), (7, 1), (10, 2), (20, 3), (50, 4), (100, 5), (200, 10), (1000, 10)]


@pytest.mark.parametrize("n, s", SCHEDULES)
def test_schedule_is_valid_and_optimal(n, s):
    extra, most = play(n, s)
    assert extra == extra_steps(n, s)
    assert most <= s


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="snapshot"):
        list(schedule(10, 0))
