"""What a subgrid closure is: the inputs it reads, the outputs it returns, its halo.

A closure maps the model state at time level ``tau`` to tendencies (or mixing
coefficients) that the model adds in its own step:

- an output named after a prognostic field (``"u"``, ``"v"``, ``"temp"``, ``"salt"`` or a
  passive tracer) is a tendency of that field, [field units] s-1, at the field's grid
  location. Momentum tendencies join the friction terms (``du_mix``), tracer tendencies
  the explicit lateral terms: both are stepped forward from ``tau`` like friction;
- ``"kappaM"`` / ``"kappaH"`` [m2 s-1] at W points are added to the vertical viscosity and
  diffusivity before momentum and tracers use them.

``halo`` is the receptive field in cells: the closure reads at most ``halo`` cells beyond
the interior cell whose output it computes. The model's halo grows to the widest closure,
so a closure sees exactly what it would see on the whole domain.
"""

from __future__ import annotations

MIXING_OUTPUTS = {"kappaM": "W", "kappaH": "W"}


class Closure:
    """Subclass, declare ``inputs``, ``outputs`` and ``halo``, implement ``__call__``.

    ``bind(model)`` runs once when the model is built (check the grid, allocate buffers on
    ``model.backend``); ``__call__(view)`` runs every step and returns ``{output: array}``
    with arrays of the full (halo) shape on the model's backend, of which the interior is
    used.
    """

    #: registry name (set by ``register_closure``)
    name: str = ""
    #: state variables read at time level tau
    inputs: tuple[str, ...] = ()
    #: fields whose tendency it returns, or kappaM / kappaH
    outputs: tuple[str, ...] = ()
    #: receptive field [cells]
    halo: int = 1

    def bind(self, model) -> None:
        """Check the model and allocate; the default does nothing."""

    def __call__(self, view) -> dict:
        raise NotImplementedError(f"closure {self.describe()} does not implement __call__")

    def describe(self) -> str:
        return self.name or type(self).__name__

    def locations(self, state) -> dict[str, str]:
        """Grid location (T, U, V, W) of every output."""
        out = {}
        for name in self.outputs:
            if name in MIXING_OUTPUTS:
                out[name] = MIXING_OUTPUTS[name]
            else:
                out[name] = state.variables[name].loc
        return out


class ClosureView:
    """What a closure sees: the state at ``tau`` by name, the grid and the backend.

    ``view["u"]`` is the full array (halo included) of u at tau; ``view.dev`` holds the
    metrics and masks on the backend (``dxt, dyu, maskU, area_t ...``), ``view.grid`` the
    host grid (``box()``, ``h``, ``nx``...), ``view.settings`` the run's settings.
    """

    def __init__(self, model):
        self.model = model
        self.grid, self.dev, self.backend = model.grid, model.dev, model.backend
        self.settings, self.comm, self.timers = model.settings, model.comm, model.timers

    def __getitem__(self, name):
        st = self.model.state
        arr = st.arrays[name]
        return arr[st.tau] if st.variables[name].levels > 1 else arr

    @property
    def dt(self) -> float:
        return self.settings.dt_mom
