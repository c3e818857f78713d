"""Errors the model raises for bad input and for blow-ups."""


class ModelError(RuntimeError):
    """The run cannot go on (NaN, CFL violation, solver failure).

    ``collective``: every MPI rank raises this error together (found by a collective
    check), so no rank is left waiting and the job need not be aborted.
    """

    def __init__(self, message, collective: bool = False):
        super().__init__(message)
        self.collective = collective


class SetupError(ValueError):
    """A setup file, restart or option that the model cannot use."""
