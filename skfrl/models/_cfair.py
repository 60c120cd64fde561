"""CFair: fair representations with class-conditional adversaries."""

from numbers import Real

from ..nn import AdversarialLoss, AdversarialNet
from ..utils._param_validation import Interval, StrOptions
from ._base import PRIVACY_CONSTRAINTS, BaseTorchRepresentation
from ._docstrings import fill_docstring

__all__ = ["CFair"]


class CFair(BaseTorchRepresentation):
    r"""Conditional fair representations (CFair, and CFair-EO without balancing).

    An encoder maps ``X`` to a post-ReLU ``Z`` read by a linear task head and
    by one adversary per class, each predicting ``s`` from the ``Z`` of its
    class through a gradient reversal layer. ``class_weight="balanced"`` is
    the paper's CFair (balanced task error, which targets accuracy parity
    and equalised odds together); ``class_weight=None`` is CFair-EO.

    Parameters
    ----------
    n_components : int, default=60
        Width of the representation ``Z``. 60, not the 8 of the other
        models, is the width of Zhao et al.'s Adult network, and every CFair
        number in skfrl's docs was measured with it; compare models at equal
        widths (``benchmarks/bench_models.py`` does).
    hidden_layer_sizes : tuple of int, default=(60,)
        Hidden widths of the encoder before the post-ReLU ``Z`` layer. The
        official code's Adult network has none: its one hidden layer of 60
        ReLU units is ``Z`` itself, ``hidden_layer_sizes=()`` here (13,206
        parameters on Adult against the default's 16,866). skfrl keeps the
        extra layer because every CFair number in its docs was measured
        with it; see Notes for the other differences and the results page
        for the attack on both.
    adversary_layer_sizes : tuple of int, default=(50,)
        Hidden widths of each adversary.
    fairness_weight : float, default=10.0
        μ, the weight of the adversaries' loss.
    class_weight : {"balanced"} or None, default="balanced"
        ``"balanced"`` weighs the task loss by ``1 / p_y`` (CFair); None
        leaves it unweighted (CFair-EO).
    {privacy_parameters}
    {training_parameters}

    Attributes
    ----------
    {classes_attribute}
    {fitted_attributes}

    See Also
    --------
    AdvFRL : One adversary, LAFTR's fairness criteria.
    ICVAE : Invariance without adversaries.

    Notes
    -----
    With class weights :math:`w` and, for class :math:`j`, group weights
    :math:`w_j` balancing ``s`` within the class, the loss is

    .. math:: \mathrm{CE}_w(y \mid z) + \mu \cdot \frac{1}{|Y|} \sum_j
              \mathrm{CE}_{w_j}(s \mid z, y = j)

    and the encoder receives :math:`-\mu` times the adversaries' gradient.

    **Against the official code** (Zhao et al.'s ``main_adult.py``): the
    task weights (``1 / p_y``), μ = 10, the adversaries' widths, Adadelta
    with learning rate 1.0 and batches of 512 are the same. Three things
    differ: the extra encoder layer (``hidden_layer_sizes`` above); 30
    epochs instead of 100; and the adversaries' weights. skfrl gives group
    ``a`` in the adversary of class ``j`` the weight ``1 / P(s = a | y =
    j)``, the balanced error the paper's objective conditions on; the
    official script gives it ``1 / P(y = a | s = j)``, computed from the
    rates of ``y`` within the groups and indexed by the class, which does
    not balance ``s`` within a class. On Adult (6 paired seeds, θ0
    fine-tuned 10 more epochs on clean data) the official architecture is
    less fair at the same μ (probe BCE 0.549 against 0.576, H(s) = 0.630)
    at the same accuracy (0.844 and 0.843), and ENG raises its leakage by
    less: +0.008 nats at 10 % poisons against +0.022 on the same seeds
    (hgb probe +0.011 against +0.017; see the results page, "CFair as in
    the official code").

    **Fair to a strong probe?** On Adult (3 seeds, ``benchmarks/README.md``)
    ``Z`` leaks more to strong probes than to the default linear one (probe
    BCE 0.529 logistic, 0.482 ``"mlp"``, 0.449 ``"hgb"``, with H(s) = 0.631),
    but less than a task-only encoder of the same widths under every probe.

    References
    ----------
    Zhao, Coston, Adel and Gordon, "Conditional Learning of Fair
    Representations", ICLR 2020.

    Examples
    --------
    >>> from skfrl.datasets import make_biased_classification
    >>> from skfrl.models import CFair
    >>> X, y, s = make_biased_classification(n_samples=200, random_state=0)
    >>> frl = CFair(max_epochs=2, random_state=0)
    >>> Z = frl.fit_transform(X, y, sensitive_features=s)
    >>> Z.shape
    (200, 60)
    """

    _parameter_constraints: dict = {
        **BaseTorchRepresentation._parameter_constraints,
        **PRIVACY_CONSTRAINTS,
        "adversary_layer_sizes": [tuple, list],
        "fairness_weight": [Interval(Real, 0, None, closed="left")],
        "class_weight": [StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        n_components=60,
        *,
        hidden_layer_sizes=(60,),
        adversary_layer_sizes=(50,),
        fairness_weight=10.0,
        class_weight="balanced",
        activation="relu",
        max_epochs=30,
        batch_size=512,
        lr=1.0,
        optimizer="adadelta",
        device="cpu",
        callbacks=None,
        validation_fraction=None,
        per_sample_clip_norm=None,
        noise_multiplier=0.0,
        sensitive_feature_ids=None,
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.adversary_layer_sizes = adversary_layer_sizes
        self.fairness_weight = fairness_weight
        self.class_weight = class_weight
        self.activation = activation
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.device = device
        self.callbacks = callbacks
        self.validation_fraction = validation_fraction
        self.per_sample_clip_norm = per_sample_clip_norm
        self.noise_multiplier = noise_multiplier
        self.sensitive_feature_ids = sensitive_feature_ids
        self.verbose = verbose
        self.random_state = random_state

    def _build_module(self, n_features, n_classes):
        return AdversarialNet(
            n_features=n_features,
            n_components=self.n_components,
            n_classes=n_classes,
            hidden_layer_sizes=self.hidden_layer_sizes,
            adversary_layer_sizes=self.adversary_layer_sizes,
            n_adversaries=n_classes,
            activation=self.activation,
            activate_output=True,
        )

    def _build_criterion(self, n_classes):
        return AdversarialLoss(
            n_classes=n_classes,
            fairness_weight=self.fairness_weight,
            balanced_task=self.class_weight == "balanced",
            conditioning="class",
        )


fill_docstring(CFair, max_epochs=30, batch_size=512, lr=1.0, optimizer="adadelta")
