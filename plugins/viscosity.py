"""The ``smagorinsky`` and ``leith`` closures: lateral eddy viscosities from the resolved
flow, applied in the symmetric tension-strain stress form.

Select them with the setting ``closures = ("smagorinsky",)`` or ``("leith",)``:

- ``smagorinsky``: nu = (C_s Delta)^2 sqrt(D~^2 + D^2) [m2 s-1], C_s =
  ``smagorinsky_constant`` (default 0.1; pyqg's normalisation, MITgcm's viscC2smag is
  pi C_s), Delta = sqrt(cell area) [m], tension D~ = u_x - v_y, strain D = u_y + v_x [s-1];
- ``leith``: nu = (C_L Delta / pi)^3 |grad_h zeta| [m2 s-1] (MITgcm's viscC2leith
  normalisation), C_L = ``leith_constant`` (default 1), zeta = v_x - u_y [s-1].

The stress is sigma_xx = -sigma_yy = nu D~ at T points and sigma_xy = nu D at corners; the
tendency [m s-2] is du = d_x sigma_xx + d_y sigma_xy, dv = d_x sigma_xy - d_y sigma_xx in
the metric flux form of ``ocean.kernels.viscosity`` (spherical metric terms included).
It only dissipates: sum(u du area_u + v dv area_v) = -sum_T nu D~^2 area_t -
sum_q nu D^2 area_q <= 0, exactly in the discrete form.
nu is computed at T points and at corners from the invariants there (MOM6), not averaged
from one to the other: the stencils stay compact (halo 2 for Smagorinsky, 3 for Leith,
whose |grad zeta| at a corner reaches the neighbouring corners).

Walls are **free slip**: strain and vorticity are zero at corners touching land, so no
stress acts along a coast. Stability cap: the friction step is forward in time, stable
for nu dt (dx^-2 + dy^-2) <= 1/2; nu is capped at ``cap_fraction`` (default 0.25) of that
limit per cell, i.e. nu <= Delta^2 / (16 dt) on square cells (dt = ``dt_mom``; set
``cap_fraction = 0`` on the closure to switch the cap off). The model's own A_h and
A_hbi add to these viscosities and are not part of the cap.

The viscosities of the last call are kept as ``visc_t`` (T points) and ``visc_q``
(corners) [m2 s-1] for diagnostics.
"""

from __future__ import annotations

from ocean.kernels import viscosity as KV

from .closure import Closure
from .registry import register_closure


class EddyViscosity(Closure):
    """Tension-strain eddy viscosity; subclasses set ``stress_kernel`` and the constant."""

    inputs = ("u", "v")
    outputs = ("u", "v")
    stress_kernel = None
    #: fraction of the forward-Euler stability limit at which nu is capped (0: no cap)
    cap_fraction = 0.25

    def __init__(self, constant: float):
        self.constant = float(constant)
        self.sxx = self.sxy = self.visc_t = self.visc_q = self.du = self.dv = None

    def bind(self, model):
        zeros, shape = model.backend.zeros, model.grid.shape3
        self.sxx, self.sxy, self.visc_t, self.visc_q = (zeros(shape) for _ in range(4))
        self.du, self.dv = zeros(shape), zeros(shape)

    def visc_cap(self, dt: float) -> float:
        """The ``visc_cap`` argument [s-1] of the stress kernels (0: no cap)."""
        return self.cap_fraction / (2.0 * dt) if self.cap_fraction > 0 else 0.0

    def __call__(self, view):
        d, g, b = view.dev, view.grid, view.backend
        # stresses on the interior and one ring (the divergence reads one cell around)
        b.launch(
            self.stress_kernel, g.box(1),
            view["u"], view["v"], d.maskT, d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu,
            self.constant, self.visc_cap(view.dt), self.sxx, self.sxy, self.visc_t, self.visc_q,
        )  # fmt: skip
        b.launch(
            KV.lateral_stress_divergence, g.box(),
            self.sxx, self.sxy, self.sxx, d.maskU, d.maskV,
            d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu, False, self.du, self.dv,
        )  # fmt: skip
        return {"u": self.du, "v": self.dv}


@register_closure("smagorinsky")
class Smagorinsky(EddyViscosity):
    """nu = (C_s Delta)^2 sqrt(D~^2 + D^2), C_s = ``smagorinsky_constant``."""

    stress_kernel = KV.smagorinsky_stress
    halo = KV.smagorinsky_stress.radius + KV.lateral_stress_divergence.radius

    def __init__(self, settings):
        super().__init__(settings.smagorinsky_constant)


@register_closure("leith")
class Leith(EddyViscosity):
    """nu = (C_L Delta / pi)^3 |grad_h zeta|, C_L = ``leith_constant``."""

    stress_kernel = KV.leith_stress
    halo = KV.leith_stress.radius + KV.lateral_stress_divergence.radius

    def __init__(self, settings):
        super().__init__(settings.leith_constant)
