"""2-D domain decomposition: which block of the global grid each rank owns.

The global interior (ny, nx) is cut into ``py`` rows and ``px`` columns of blocks; where
a size does not divide, the first ``n % p`` blocks get one cell more. Rank ``r`` owns the
block in row ``r // px`` and column ``r % px``. Every block keeps a halo of width ``h``;
the halo exchange (``ocean/halo.py``) fills it from the neighbours, periodic in x where
the grid is. A block must be at least ``h`` cells wide so that its halo comes from its
direct neighbours only.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SetupError

#: the 8 neighbour directions (dj, di): south, north, west, east, then the corners
DIRECTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1), (-1, -1), (-1, 1), (1, -1), (1, 1))


def split(n: int, parts: int) -> list[int]:
    """Start offsets of ``parts`` near-equal pieces of ``n`` cells, plus ``n`` at the end."""
    base, extra = divmod(n, parts)
    starts = [0]
    for p in range(parts):
        starts.append(starts[-1] + base + (1 if p < extra else 0))
    return starts


def automatic_layout(size: int, nx: int, ny: int) -> tuple[int, int]:
    """(px, py) with px * py = size whose blocks have the shortest total halo boundary."""
    best = None
    for px in range(1, size + 1):
        if size % px:
            continue
        py = size // px
        boundary = px * ny + py * nx  # cut length, proportional to the halo traffic
        if best is None or boundary < best[0]:
            best = (boundary, px, py)
    return best[1], best[2]


@dataclass(frozen=True)
class Decomposition:
    """The layout of ``px x py`` blocks and the block of one ``rank``."""

    nx: int
    ny: int
    px: int
    py: int
    rank: int
    halo: int
    periodic_x: bool

    @classmethod
    def build(cls, settings, size: int, rank: int):
        """The decomposition from the settings ``decomp_x, decomp_y`` (0, 0: automatic)."""
        s = settings
        px, py = s.decomp_x, s.decomp_y
        if px == 0 and py == 0:
            px, py = automatic_layout(size, s.nx, s.ny)
        elif px == 0 or py == 0:
            raise SetupError(
                f"decomp_x and decomp_y must both be set or both be 0 (automatic); got "
                f"{s.decomp_x} x {s.decomp_y}"
            )
        if px * py != size:
            raise SetupError(
                f"the decomposition {px} x {py} needs {px * py} MPI ranks, but {size} are "
                f"running; start {px * py} ranks or choose PX x PY = {size}"
            )
        d = cls(s.nx, s.ny, px, py, rank, s.halo, s.enable_cyclic_x)
        d.check()
        return d

    def check(self):
        for name, n, p in (("x", self.nx, self.px), ("y", self.ny, self.py)):
            smallest = n // p
            if smallest < self.halo:
                raise SetupError(
                    f"{p} blocks in {name} leave blocks of {smallest} cells, fewer than the "
                    f"halo width {self.halo}; use at most {max(n // self.halo, 1)} blocks in "
                    f"{name} for n{name} = {n}"
                )
        if self.periodic_x and self.nx < self.halo:
            raise SetupError(
                f"a periodic grid needs nx >= halo; got nx = {self.nx} with halo {self.halo}"
            )

    # -- this rank's block ------------------------------------------------------------
    @property
    def block_x(self) -> int:
        return self.rank % self.px

    @property
    def block_y(self) -> int:
        return self.rank // self.px

    @property
    def i0(self) -> int:
        """Global index of the first interior column of this block."""
        return split(self.nx, self.px)[self.block_x]

    @property
    def j0(self) -> int:
        return split(self.ny, self.py)[self.block_y]

    @property
    def local_nx(self) -> int:
        starts = split(self.nx, self.px)
        return starts[self.block_x + 1] - starts[self.block_x]

    @property
    def local_ny(self) -> int:
        starts = split(self.ny, self.py)
        return starts[self.block_y + 1] - starts[self.block_y]

    def rank_of(self, bx: int, by: int) -> int | None:
        """Rank of the block in column ``bx``, row ``by``; None outside a closed domain."""
        if self.periodic_x:
            bx %= self.px
        if not (0 <= bx < self.px and 0 <= by < self.py):
            return None
        return by * self.px + bx

    def neighbour(self, dj: int, di: int) -> int | None:
        return self.rank_of(self.block_x + di, self.block_y + dj)

    def block_of(self, rank: int):
        """(j0, j1, i0, i1): the global interior index range of ``rank``'s block."""
        xs, ys = split(self.nx, self.px), split(self.ny, self.py)
        bx, by = rank % self.px, rank // self.px
        return ys[by], ys[by + 1], xs[bx], xs[bx + 1]

    def owned_box(self, rank: int):
        """(j0, j1, i0, i1) in global-with-halo indices that ``rank`` contributes to a global
        array with halo: its interior, plus the outer halo where its block touches the edge
        of the domain (its own halo there is not a copy of any other block's interior)."""
        j0, j1, i0, i1 = self.block_of(rank)
        h = self.halo
        bx, by = rank % self.px, rank // self.px
        lo_j = 0 if by == 0 else j0 + h
        hi_j = self.ny + 2 * h if by == self.py - 1 else j1 + h
        lo_i = 0 if bx == 0 else i0 + h
        hi_i = self.nx + 2 * h if bx == self.px - 1 else i1 + h
        return lo_j, hi_j, lo_i, hi_i
