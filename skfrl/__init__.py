"""skfrl: attack and audit fair representation learning with scikit-learn."""

__version__ = "0.1.0.dev0"

__all__ = [
    "__version__",
    "attacks",
    "datasets",
    "defences",
    "experiments",
    "metrics",
    "models",
    "nn",
    "persistence",
    "theory",
    "utils",
]
