"""The ``zb2020`` closure: Zanna & Bolton (2020) equation-discovered mesoscale momentum
forcing, as implemented in MOM6 (``MOM_Zanna_Bolton.F90``: full trace, no sharpening,
no stress smoothing, no Klower attenuation).

Select it with the setting ``closures = ("zb2020",)``; ``zb2020_scaling`` is gamma [1]
(MOM6 ``ZB_SCALING``, default 1). With zeta = v_x - u_y, D = u_y + v_x (corners) and
D~ = u_x - v_y (T points) [s-1], and kappa = -gamma * (cell area) [m2] (< 0):

    Txx = kappa (-zeta D + 0.5 (zeta^2 + D^2 + D~^2))     [m2 s-2], T points
    Tyy = kappa ( zeta D + 0.5 (zeta^2 + D^2 + D~^2))     [m2 s-2], T points
    Txy = kappa zeta D~                                   [m2 s-2], corners
    du = d_x Txx + d_y Txy,   dv = d_x Txy + d_y Tyy      [m s-2]

Corner products are averaged to T points and D~ to corners by 4-point means; the
divergence is the metric flux form of ``ocean.kernels.viscosity`` (Cartesian when
cos(lat) = 1). kappa is masked (T mask at T points, the product of the 4 T masks at
corners), so the forcing vanishes on land and no stress acts along coasts.

ZB2020 alone injects energy (backscatter): MOM6 runs pair it with a dissipative closure
(biharmonic Smagorinsky); here combine it with ``smagorinsky`` or the model's A_h/A_hbi.
The stresses of the last call are kept as ``sxx`` (the deviatoric Txx), ``trace`` (the
isotropic part, 0.5 kappa (zeta^2 + D^2 + D~^2)) and ``sxy`` (Txy).
"""

from __future__ import annotations

from ocean.kernels import viscosity as KV
from ocean.kernels import zanna_bolton as KZ

from .closure import Closure
from .registry import register_closure


@register_closure("zb2020")
class ZannaBolton2020(Closure):
    """Momentum tendency div(T) of the Zanna-Bolton stress, kappa = -gamma * area."""

    inputs = ("u", "v")
    outputs = ("u", "v")
    halo = KZ.zb2020_stress.radius + KV.lateral_stress_divergence.radius

    def __init__(self, settings):
        self.gamma = float(settings.zb2020_scaling)
        self.sxx = self.sxy = self.trace = self.du = self.dv = None

    def bind(self, model):
        zeros, shape = model.backend.zeros, model.grid.shape3
        self.sxx, self.sxy, self.trace = zeros(shape), zeros(shape), zeros(shape)
        self.du, self.dv = zeros(shape), zeros(shape)

    def __call__(self, view):
        d, g, b = view.dev, view.grid, view.backend
        # stresses on the interior and one ring (the divergence reads one cell around)
        b.launch(
            KZ.zb2020_stress, g.box(1),
            view["u"], view["v"], d.maskT, d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu,
            self.gamma, self.sxx, self.sxy, self.trace,
        )  # fmt: skip
        b.launch(
            KV.lateral_stress_divergence, g.box(),
            self.sxx, self.sxy, self.trace, d.maskU, d.maskV,
            d.dxt, d.dxu, d.dyt, d.dyu, d.cost, d.cosu, True, self.du, self.dv,
        )  # fmt: skip
        return {"u": self.du, "v": self.dv}
