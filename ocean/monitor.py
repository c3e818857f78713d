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
        m = self.model
        st = m.state
        for name in ("u", "v", "w", "psi", *st.tracers):
            field = st.arrays[name][st.tau]
            box = m.grid.box() if field.ndim == 3 else m.grid.box(k1=1)
            if not m.backend.all_finite(field, box):
                self._fail(name, "is not finite", lambda a: ~np.isfinite(a))
        cfl = self.courant()
        if cfl > m.settings.cfl_max:
            self._fail(
                "u/v/w",
                f"violates the CFL limit (Courant number {cfl:.3f} > cfl_max "
                f"{m.settings.cfl_max}); reduce dt_tracer",
                lambda a: a >= cfl * (1 - 1e-12),
                field=st.column_work,
            )
        return cfl

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

    def _fail(self, name, what, select, field=None):
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
            where = f" at {kpart}j={j}, i={i} (x={x:.4g} {unit}, y={y:.4g} {unit})"
        raise ModelError(
            f"{name} {what}{where} at step {st.itt}, model time {st.time:.0f} s "
            f"({st.time / 86400:.2f} days)"
        )
