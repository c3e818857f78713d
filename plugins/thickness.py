"""The ``gm`` closure: Gent & McWilliams (1990) eddy-induced advection of every tracer.

Select it with the setting ``closures = ("gm",)``. Settings read:

- ``gm_diffusivity`` K_gm [m2 s-1] (constant);
- ``gm_slope_max`` S_max: the streamfunction is tapered by the Veros (Danabasoglu &
  McWilliams 1995) tanh taper f = (1 + tanh((S_max - |S|) / S_d)) / 2 with
  S_d = ``slope_width_fraction`` * S_max = S_max / 2 (the ratio of Veros's ACC,
  iso_dslope / iso_slopec = 0.005 / 0.01). f = 0.98 for flat isopycnals, 0.5 at S_max,
  0.018 at 2 S_max, 3e-4 at 3 S_max, and psi = 0 beyond S_max + 20 S_d.
  ``gm_slope_max = 0`` turns GM off.
- ``passive_tracers``: the tracers advected are temp, salt and these.

Slopes come from ``rho`` (horizontal gradient on a level) and ``Nsqr`` (vertical
gradient, locally referenced) at tau; where N^2 <= ``n2_min`` = 1e-12 s-2 (unstable or
unstratified) psi is zero. The derivation of the sign and the discretisation are in
``ocean.kernels.thickness``. The tendency -div(u* T) is returned for the model to add
forward in time (t_new += dt_tracer * tendency), like the other lateral tracer terms;
GM alone is a skew (non-dissipative) operator for a passive tracer, so long runs pair it
with isoneutral or lateral diffusion as models do.
"""

from __future__ import annotations

from ocean.errors import SetupError
from ocean.kernels import thickness as KT

from .closure import Closure
from .registry import register_closure


@register_closure("gm")
class GentMcWilliams(Closure):
    """Eddy-induced (bolus) advection of temp, salt and the passive tracers."""

    #: S_d / S_max of the tanh taper
    slope_width_fraction = 0.5
    #: N^2 [s-2] at or below which the isopycnal slope is not defined (psi = 0)
    n2_min = 1e-12
    #: the widest kernel: the composite field is 1 too (the staggered stencils are
    #: one-sided: a T cell needs psi at i-1..i, j-1..j, which read rho at i-1..i+1)
    halo = max(KT.gm_streamfunction.radius, KT.gm_tracer_tendency.radius)

    def __init__(self, settings):
        self.K_gm = float(settings.gm_diffusivity)
        self.slope_max = float(settings.gm_slope_max)
        self.slope_width = self.slope_width_fraction * self.slope_max
        self.tracers = ("temp", "salt", *settings.passive_tracers)
        self.outputs = self.tracers
        self.inputs = ("rho", "Nsqr", *self.tracers)
        self.psi_x = self.psi_y = None
        self.u_star = self.v_star = self.w_star = None

    def bind(self, model):
        if tuple(model.state.tracers) != self.tracers:
            raise SetupError(
                f"closure 'gm' was made for the tracers {list(self.tracers)} but the model "
                f"has {list(model.state.tracers)}; build it with the model's settings"
            )
        self.grav, self.rho_0 = float(model.settings.grav), float(model.settings.rho_0)
        zeros, shape = model.backend.zeros, model.grid.shape3
        self.psi_x, self.psi_y = zeros(shape), zeros(shape)
        self.tendency = {name: zeros(shape) for name in self.tracers}

    def columns(self, grid):
        """Columns where psi is needed: the interior and one row/column to the west and
        south (a T cell's west and south faces)."""
        h = grid.h
        return (h - 1, h + grid.ny, h - 1, h + grid.nx)

    def streamfunction(self, view):
        """psi_x, psi_y [m2 s-1] at tau (also kept as ``self.psi_x``, ``self.psi_y``)."""
        d = view.dev
        view.backend.launch(
            KT.gm_streamfunction, self.columns(view.grid),
            view["rho"], view["Nsqr"], d.maskU, d.maskV, d.dxu, d.dyu, d.cost,
            self.K_gm, self.grav, self.rho_0, self.n2_min, self.slope_max, self.slope_width,
            self.psi_x, self.psi_y,
        )  # fmt: skip
        return self.psi_x, self.psi_y

    def velocities(self, view):
        """(u*, v*, w*) [m s-1] on the interior columns, from the state at tau."""
        self.streamfunction(view)
        if self.u_star is None:
            b, shape = view.backend, view.grid.shape3
            self.u_star, self.v_star, self.w_star = b.zeros(shape), b.zeros(shape), b.zeros(shape)
        d = view.dev
        view.backend.launch(
            KT.gm_velocity, view.grid.box2(),
            self.psi_x, self.psi_y, d.dxt, d.dyt, d.dzt, d.cost, d.cosu,
            self.u_star, self.v_star, self.w_star,
        )  # fmt: skip
        return self.u_star, self.v_star, self.w_star

    def __call__(self, view):
        self.streamfunction(view)
        d, box = view.dev, view.grid.box()
        for name in self.tracers:
            view.backend.launch(
                KT.gm_tracer_tendency, box,
                view[name], self.psi_x, self.psi_y, d.maskT, d.dxt, d.dyt, d.dzt, d.cost,
                d.cosu, self.tendency[name],
            )  # fmt: skip
        return dict(self.tendency)
