"""parindex: the Public Administration Reform (PAR) Index platform for Vietnamese provinces."""

__version__ = "0.1.0"
