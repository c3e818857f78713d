"""The model: builds grid and state from a ``Setup`` and advances them in time.

Step order follows pyOM2/Veros (pressure method): vertical mixing coefficients from N^2,
momentum (tendencies, friction, Adams-Bashforth predictor), external mode (surface
pressure), tracers (advection, diffusion, forcing, implicit vertical mixing), equation of
state, vertical velocity, then the time levels rotate.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ocean.backends import get_backend
from ocean.kernels import vertical as KV

from .comm import SerialComm, threads_per_rank
from .decomposition import Decomposition
from .dynamics.closures import ClosureSet, make_closures, widen_halo
from .dynamics.eddy_energy import EddyKineticEnergy
from .dynamics.energy import EnergyTransfers
from .dynamics.external import SurfacePressure
from .dynamics.momentum import Momentum
from .dynamics.streamfunction import StreamFunction
from .dynamics.tracers import Tracers
from .dynamics.turbulence import VerticalMixing
from .grid import Grid
from .halo import HaloExchange
from .monitor import Monitor
from .settings import Settings
from .state import State
from .timers import Timers

DEVICE_METRICS_1D = (
    "dxt", "dxu", "dyt", "dyu", "dzt", "dzw", "zt", "zw", "cost", "cosu", "tantr",
)  # fmt: skip


def gpu_aware_mpi() -> bool:
    """Whether the MPI library reads device memory (``OCEAN_GPU_AWARE_MPI=1``); otherwise
    halo buffers of device arrays are staged through host memory."""
    import os

    return os.environ.get("OCEAN_GPU_AWARE_MPI", "0") == "1"


class Model:
    """A configured model. ``Model(setup, backend="cpu", settings={"nx": 60})``.

    ``closures``: closure objects, classes, names or ``.onnx`` paths, beside those of the
    setting ``closures``.
    """

    def __init__(self, setup, backend=None, settings=None, comm=None, closures=()):
        self.setup = setup
        self.name = setup.name or type(setup).__name__.lower()
        self.comm = comm or SerialComm()
        self.settings = Settings(extra=setup.extra_settings, overrides=settings)
        self.settings.identifier = self.name
        setup.set_parameter(self.settings)
        chosen = make_closures(self.settings, closures)
        widen_halo(self.settings, chosen)
        self.backend = backend if hasattr(backend, "launch") else get_backend(backend)
        if self.comm.size > 1 and hasattr(self.backend, "set_threads"):
            self.backend.set_threads(threads_per_rank(self.comm))
        self.timers = Timers()
        self.decomp = Decomposition.build(self.settings, self.comm.size, self.comm.rank)
        self.grid = Grid(self.settings, self.decomp, self.comm)
        setup.set_grid(self.grid)
        self.grid.build_coordinates()
        setup.set_coriolis(self.grid)
        setup.set_topography(self.grid)
        self.grid.build()
        self.dev = self._device_grid()
        self.halo = HaloExchange(self.decomp, self.comm, self.backend, gpu_aware_mpi())
        self.state = State(self.settings, self.grid, self.backend)
        setup.set_initial_conditions(self.state)
        setup.set_forcing(self.state)
        self.closures = ClosureSet(self, chosen)
        self.energy = EnergyTransfers(self)
        self.eddies = EddyKineticEnergy(self)
        self.mixing = VerticalMixing(self)
        self.momentum = Momentum(self)
        streamfunction = self.settings.external_mode == "streamfunction"
        self.external = (StreamFunction if streamfunction else SurfacePressure)(self)
        self.tracers = Tracers(self)
        self.monitor = Monitor(self)
        self._initialise_diagnostics()

    # -- set-up -----------------------------------------------------------------------
    def _device_grid(self):
        g, b = self.grid, self.backend
        d = SimpleNamespace()
        for name in DEVICE_METRICS_1D:
            src = {"dxt": g.dxt_m, "dxu": g.dxu_m, "dyt": g.dyt_m, "dyu": g.dyu_m}.get(name)
            d.__dict__[name] = b.asarray(getattr(g, name) if src is None else src)
        for name in ("area_t", "area_u", "area_v", "coriolis_t", "ht"):
            d.__dict__[name] = b.asarray(getattr(g, name))
        for name in ("maskT", "maskU", "maskV", "maskW"):
            d.__dict__[name] = b.asarray(getattr(g, name))
        d.kbot = b.asarray(g.kbot, dtype=np.int32)
        d.volume_t = b.asarray(g.maskT * g.dzt[:, None, None] * g.area_t[None])
        return d

    def _initialise_diagnostics(self):
        """Halos, density and N^2 at every level, w from the initial velocity (Veros)."""
        st = self.state
        names = ("u", "v", "w", "psi", *st.tracers)
        for level in range(3):
            self.fill_halo(*(st.arrays[name][level] for name in names))
        for level in range(3):
            self.tracers.equation_of_state(level)
            self.vertical_velocity(level)

    # -- building blocks used by the physics modules -----------------------------------
    def fill_halo(self, *fields):
        """Fill the halos of ``fields`` from the neighbouring blocks (periodic in x where
        the grid is); halos beyond a closed edge of the domain are left as they are."""
        with self.timers("halo"):
            self.halo.exchange(*fields)

    def vertical_velocity(self, level):
        st, d = self.state, self.dev
        self.backend.launch(
            KV.vertical_velocity, self.grid.box2(1),
            st.u[level], st.v[level], d.maskW, d.dxt, d.dyt, d.dzt, d.cost, d.cosu,
            st.w[level],
        )  # fmt: skip

    # -- time stepping ----------------------------------------------------------------
    def step(self):
        with self.timers("step"):
            self._step()

    def _step(self):
        st, s, b = self.state, self.settings, self.backend
        tau, taup1 = st.tau, st.taup1
        self.eddies.diffusivities()
        self.mixing.coefficients()
        if self.closures:
            self.closures.compute()
        if s.prescribed_velocity:
            b.copy(st.u[taup1], st.u[tau])
            b.copy(st.v[taup1], st.v[tau])
        else:
            self.momentum.step()
            self.external.step()
        self.tracers.step()
        self.tracers.equation_of_state(taup1)
        self.mixing.velocity_on_wgrid()
        self.eddies.integrate(self.mixing.advect)
        self.mixing.integrate()
        self.vertical_velocity(taup1)
        st.itt += 1
        st.time += s.dt_tracer
        self.setup.after_timestep(st)
        st.rotate()
        if st.itt % s.check_interval == 0:
            self.monitor.check()

    def run(self, steps: int, callback=None):
        for _ in range(steps):
            self.step()
            if callback is not None:
                callback(self)
        self.backend.synchronize()
