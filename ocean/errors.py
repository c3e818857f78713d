"""Errors the model raises for bad input and for blow-ups."""


class ModelError(RuntimeError):
    """The run cannot go on (NaN, CFL violation, solver failure)."""


class SetupError(ValueError):
    """A setup file, restart or option that the model cannot use."""
