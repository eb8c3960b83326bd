"""A faithful local HTTP simulator of the Nyne Social Interactions API (see README.md)."""

from simulator.config import SimulatorConfig
from simulator.server import SimulatorServer

__all__ = ["SimulatorConfig", "SimulatorServer"]
