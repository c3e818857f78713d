"""The ``Setup`` base class: hooks a model configuration overrides (as in Veros)."""

from __future__ import annotations


class Setup:
    """Subclass and override the hooks you need. Hooks set what they own, by coordinates.

    Under MPI each rank runs the hooks for its own block: ``set_grid`` sees the global
    ``nx, ny`` and gives global widths; the later hooks see the block (``grid.nx, ny`` and
    ``grid.coords`` are the block's, in global coordinates; ``grid.xt_global`` etc. span the
    whole domain). Fields may also be given on the global interior: each block takes its part.

    - ``set_parameter(settings)``: grid size, time steps, physics switches.
    - ``set_grid(grid)``: interior cell widths ``grid.dxt``, ``grid.dyt`` (deg or m) and
      ``grid.dzt`` (m, bottom to top).
    - ``set_coriolis(grid)``: ``grid.coriolis_t`` [s-1] on the interior or with halo
      (``grid.coords("T", halo=True)``); grid coordinates exist by then.
    - ``set_topography(grid)``: ``grid.kbot`` (1 = full depth, 0 = land) or
      ``grid.kbot = grid.kbot_from_depth(depth)``.
    - ``set_initial_conditions(state)``: ``state.set("temp", ...)`` etc.
    - ``set_forcing(state)``: wind stress, surface restoring/fluxes, sponges (static).
    - ``after_timestep(state)``: called after every step (keep it cheap).
    """

    #: name used for output files; defaults to the class name in lower case
    name: str | None = None

    #: the setup's own settings, {name: ocean.settings.Setting}; set with ``-s`` like any other
    extra_settings: dict = {}

    def set_parameter(self, settings):
        pass

    def set_grid(self, grid):
        pass

    def set_coriolis(self, grid):
        pass

    def set_topography(self, grid):
        pass

    def set_initial_conditions(self, state):
        pass

    def set_forcing(self, state):
        pass

    def after_timestep(self, state):
        pass
