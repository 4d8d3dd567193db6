"""vccap: knowledge capitalisation and transfer kit for rural development networks."""

__version__ = "0.1.0"
