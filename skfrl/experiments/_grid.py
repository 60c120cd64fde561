"""The grid: one cell per dataset × victim × surrogate × protocol × ratio × seed.

A *cell* is the unit the runner schedules and the result store keys. Every
attack of the grid runs inside each cell against one shared clean victim
θ0, next to the ``"duplicate"`` control, which is therefore always part of
the grid.
"""

from itertools import product

from ._config import cell_epochs, check_config, victim_params

__all__ = ["expand_grid"]


def expand_grid(config):
    """Return the cells of a configuration, each a JSON-serialisable dict.

    Parameters
    ----------
    config : ExperimentConfig or dict
        A configuration; a dict is validated first (see
        :func:`check_config`).

    Returns
    -------
    cells : list of dict
        One per dataset × victim × surrogate × protocol × poison ratio ×
        seed, with everything that determines its results: the victim's and
        the attacks' parameters, the epochs, the target fraction, the
        feature domain, the strong probes and, when the grid has any, the
        defences and the surrogate (its name and parameters; absent for
        white-box cells, surrogate ``"none"``).

    Examples
    --------
    >>> from skfrl.experiments import expand_grid, get_preset
    >>> cells = expand_grid(get_preset("paper"))
    >>> len(cells), cells[0]["attacks"][0]
    (120, 'duplicate')
    """
    config = check_config(config)
    attack_params = config["attack_params"]
    cells = []
    for dataset in config["datasets"]:
        for victim, surrogate in product(config["victims"], config["surrogates"]):
            params = victim_params(config, victim)
            # absent for white-box cells: cells without surrogates keep their ids
            transfer = (
                {}
                if surrogate == "none"
                else {
                    "surrogate": surrogate,
                    "surrogate_params": victim_params(config, surrogate),
                }
            )
            for protocol in config["protocols"]:
                n_epochs, n_average = cell_epochs(config, victim, params, protocol)
                for ratio in config["poison_ratios"]:
                    for seed in config["seeds"]:
                        cells.append(
                            {
                                "dataset": dataset,
                                "victim": victim,
                                "victim_params": params,
                                **transfer,
                                "attacks": config["attacks"],
                                "attack_params": {
                                    name: dict(attack_params[name])
                                    for name in config["attacks"]
                                    if attack_params.get(name)
                                },
                                "protocol": protocol,
                                "poison_ratio": ratio,
                                "seed": seed,
                                "n_epochs": n_epochs,
                                "n_average": n_average,
                                "target_fraction": config["target_fraction"],
                                "feature_domain": config["feature_domain"],
                                "strong_probes": config["strong_probes"],
                                # absent without defences: old cells keep their ids
                                **(
                                    {"defences": config["defences"]}
                                    if config["defences"]
                                    else {}
                                ),
                            }
                        )
    return cells
