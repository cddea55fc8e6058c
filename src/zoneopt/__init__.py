"""zoneopt: allocate planning resources across development zones with LP and MIP."""

__version__ = "0.1.0"
