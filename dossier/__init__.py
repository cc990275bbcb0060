"""dossier: a static site generator for conflict-coverage dossiers."""
__version__ = "0.1.0"

__all__ = ["__version__"]
