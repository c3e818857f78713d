"""Run-time checks: NaN in the prognostic fields and the advective CFL number.

A failed check raises :class:`ModelError` naming the variable, the place (indices and
coordinates), the step and the model time.
"""

from __future__ import annotations

import numpy as np

from ocean.errors import ModelError
from ocean.kernels import vertical as KV


class Monitor:
    def __init__(self, model):
        self.model = model

    def check(self):
        """Raise ``ModelError`` on every rank if any rank has a NaN or too large a Courant
        number; the message names the place in global indices (collective: all ranks)."""
        m = self.model
        st = m.state
        problem = None
        for name in ("u", "v", "w", "psi", *st.tracers):
            field = st.arrays[name][st.tau]
            box = m.grid.box() if field.ndim == 3 else m.grid.box(k1=1)
            if not m.backend.all_finite(field, box):
                problem, _ = self._describe(name, "is not finite", lambda a: ~np.isfinite(a))
                break
        self._raise_if_any(problem)
        cfl = self.courant()
        if cfl > m.settings.cfl_max:
            problem, found_here = self._describe(
                "u/v/w",
                f"violates the CFL limit (Courant number {cfl:.3f} > cfl_max "
                f"{m.settings.cfl_max}); reduce dt_tracer",
                lambda a: a >= cfl * (1 - 1e-12),
                field=st.column_work,
            )
            # the rank holding the largest Courant number names the place
            self._raise_if_any(problem if found_here else None, fallback=problem)
        return cfl

    def _raise_if_any(self, problem, fallback=None):
        message = self.model.comm.first_message(problem)
        if message is None and fallback is not None:
            message = fallback
        if message is not None:
            raise ModelError(message, collective=True)

    def courant(self) -> float:
        m = self.model
        st, d = m.state, m.dev
        m.backend.launch(
            KV.courant_number, m.grid.box(),
            st.u[st.tau], st.v[st.tau], st.w[st.tau], d.dxt, d.dyt, d.dzt, d.cost, d.cosu,
            m.settings.dt_tracer, st.column_work,
        )  # fmt: skip
        local = m.backend.masked_max_abs(st.column_work, d.maskT, m.grid.box())
        return m.comm.allreduce_max(local)

    def _describe(self, name, what, select, field=None):
        """(message, found): the message names the first offending cell of this block in
        global indices, if this block has one (``found``)."""
        m = self.model
        st, g = m.state, m.grid
        arr = field if field is not None else st.arrays[name][st.tau]
        host = m.backend.to_host(arr)
        host = host[(Ellipsis,) + g.interior]
        bad = np.argwhere(select(host))
        where = ""
        if bad.size:
            idx = tuple(int(x) for x in bad[0])
            j, i = idx[-2], idx[-1]
            x, y = g.xt[g.h + i], g.yt[g.h + j]
            unit = "deg" if g.coord_degree else "m"
            kpart = f"k={idx[0]} (z={g.zt[idx[0]]:.1f} m), " if len(idx) == 3 else ""
            where = f" at {kpart}j={g.j0 + j}, i={g.i0 + i} (x={x:.4g} {unit}, y={y:.4g} {unit})"
        text = (
            f"{name} {what}{where} at step {st.itt}, model time {st.time:.0f} s "
            f"({st.time / 86400:.2f} days)"
        )
        return text, bool(bad.size)
