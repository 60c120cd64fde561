"""The named configurations of ``skfrl run --preset``."""

import copy

__all__ = ["PRESETS", "preset"]

PRESETS = {
    "quick": {
        "name": "quick",
        "datasets": ["german"],
        "victims": ["cfair"],
        "attacks": ["duplicate", "eng", "sensitive_flip"],
        "poison_ratios": [0.1],
        "seeds": 3,
        "protocols": ["finetune"],
        "victim_params": {"max_epochs": 20},
    },
    "paper": {
        "name": "paper",
        "datasets": ["adult", "german"],
        "victims": ["cfair", "cfair_eo", "icvae_s", "icvae_us"],
        "attacks": ["duplicate", "eng", "raa", "nraa", "sensitive_flip", "random"],
        "poison_ratios": [0.05, 0.1, 0.15],
        "seeds": 5,
        "protocols": ["finetune"],
    },
}


def preset(name):
    """Return a fresh, unvalidated copy of the preset ``name``."""
    if name not in PRESETS:
        raise ValueError(f"Unknown preset {name!r}; choose one of {sorted(PRESETS)}.")
    return copy.deepcopy(PRESETS[name])
