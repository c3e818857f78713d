"""ocean-hybrid: a Veros/pyOM2-style ocean model with kernels written once for CPU and GPU."""

from .model import Model
from .settings import SETTINGS, Settings
from .setup import Setup

__all__ = ["Model", "Setup", "Settings", "SETTINGS"]
__version__ = "0.1.0"
