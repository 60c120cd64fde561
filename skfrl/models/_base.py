"""The base class of every skfrl representation learner.

A plain scikit-learn transformer that builds a skorch :class:`~skfrl.nn.FRLNet`
as ``net_`` inside ``fit``. Subclasses only say which module and criterion to
build (``_build_module``, ``_build_criterion``); fitting, seeding, transform,
``partial_fit`` and the :class:`~skfrl.base.DifferentiableEncoder` protocol
live here.
"""

import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback, EpochScoring
from skorch.dataset import ValidSplit

from ..nn import FRLNet, TensorBatchIterator
from ..utils import check_X_y_s, draw_seed, forked_torch_rng
from ..utils._param_validation import Interval, StrOptions, _fit_context
from ..utils.validation import split_sensitive_columns

__all__ = ["BaseTorchRepresentation"]

#: constraints of the DP-SGD parameters, for the models that have them
PRIVACY_CONSTRAINTS = {
    "per_sample_clip_norm": [Interval(Real, 0, None, closed="neither"), None],
    "noise_multiplier": [Interval(Real, 0, None, closed="left")],
}

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adadelta": torch.optim.Adadelta,
    "sgd": torch.optim.SGD,
}
_TRANSFORM_CHUNK = 8192


class BaseTorchRepresentation(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator, metaclass=ABCMeta
):
    """Shared machinery of the skorch-backed fair representation learners.

    Not meant to be used directly: see :class:`~skfrl.models.AdvFRL`,
    :class:`~skfrl.models.CFair` and :class:`~skfrl.models.ICVAE`.
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [tuple, list],
        "activation": [StrOptions({"relu", "tanh", "elu", "leaky_relu"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS)), type],
        "device": [str, torch.device],
        "callbacks": [list, None],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
        "sensitive_feature_ids": [Integral, str, list, tuple, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }
    #: Whether the model has a task head and so needs ``y`` (else y is ignored).
    _requires_y = True
    #: Whether the model has fairness terms that need ``sensitive_features``.
    _uses_sensitive_features = True
    #: Whether the encoder samples ``z`` in training (``training_loss`` takes noise).
    _stochastic_encoder = False

    # -- what subclasses provide ------------------------------------------------
    @abstractmethod
    def _build_module(self, n_features, n_classes):
        """Return the network, with ``encoder``, ``encode(X)``, ``forward(X, s)``."""

    @abstractmethod
    def _build_criterion(self, n_classes):
        """Return the criterion module ``(y_pred, y, s) -> scalar``."""

    # -- fitting ------------------------------------------------------------------
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, sensitive_features=None):
        """Train the representation from scratch for ``max_epochs`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features, ideally standardised.
        y : array-like of shape (n_samples,), default=None
            Task labels (required by models with a task head).
        sensitive_features : array-like of shape (n_samples,) or (n_samples, k), \
            default=None
            The binary sensitive attribute s. Without it the fairness terms
            are off and a ``UserWarning`` says so.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        data = self._validate_training_data(X, y, sensitive_features, reset=True)
        self._initialize(data, check_random_state(self.random_state))
        return self._train(data, self.max_epochs)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, *, sensitive_features=None):
        """Train one more epoch from the current state (optimizer state kept).

        The first call initialises the model. This is what the fine-tuning
        threat model uses to continue a fitted victim on poisoned data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features.
        y : array-like of shape (n_samples,), default=None
            Task labels; must be among ``classes_`` after the first call.
        sensitive_features : array-like of shape (n_samples,) or (n_samples, k), \
            default=None
            The binary sensitive attribute s.

        Returns
        -------
        self : object
            The transformer, trained one epoch further.
        """
        first_call = not hasattr(self, "net_")
        data = self._validate_training_data(X, y, sensitive_features, reset=first_call)
        if first_call:
            self._initialize(data, check_random_state(self.random_state))
        return self._train(data, 1)

    def _validate_training_data(self, X, y, sensitive_features, *, reset):
        if not self._requires_y:
            y = None
        elif y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None; pass the task labels."
            )
        X, sensitive_features, _ = split_sensitive_columns(
            X, self.sensitive_feature_ids, sensitive_features
        )
        if not self._uses_sensitive_features:
            sensitive_features = None
        X, y, s_codes, groups = check_X_y_s(
            X, y, sensitive_features, estimator=self, reset=reset
        )
        if s_codes is None and self._uses_sensitive_features:
            warnings.warn(
                f"{type(self).__name__} was fitted without sensitive_features: the "
                "fairness terms are off and the representation is not made fair.",
                UserWarning,
                stacklevel=3,
            )
        elif not reset and not np.array_equal(groups, self.sensitive_groups_):
            raise ValueError(
                f"sensitive_features has groups {groups.tolist()} but the model was "
                f"fitted with {self.sensitive_groups_.tolist()}."
            )
        if reset:
            self.sensitive_groups_ = groups
        y_codes = None if y is None else self._encode_y(y, reset=reset)
        return X, y_codes, s_codes

    def _encode_y(self, y, *, reset):
        if reset:
            try:
                check_classification_targets(y)
                self.classes_ = np.unique(y)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"y must hold class labels of one type (all ints, or all "
                    f"strings); {exc}"
                ) from exc
        y_codes = np.searchsorted(self.classes_, y)
        unknown = (y_codes >= len(self.classes_)) | (
            self.classes_[np.minimum(y_codes, len(self.classes_) - 1)] != y
        )
        if np.any(unknown):
            raise ValueError(
                f"y contains labels {np.unique(np.asarray(y)[unknown])[:5].tolist()} "
                f"unseen when the model was first fitted (classes_={self.classes_})."
            )
        return y_codes

    def _check_training_params(self, n_samples):
        """Check what the parameter constraints cannot say, before torch does.

        Layer widths are positive ints, counts are ints and not bools, the
        optimizer is a torch optimizer class, callbacks are skorch
        callbacks, the device exists, and a validation split leaves rows on
        both sides.
        """
        for name in ("hidden_layer_sizes", "adversary_layer_sizes"):
            sizes = getattr(self, name, ())
            if not all(_is_positive_int(size) for size in sizes):
                raise ValueError(
                    f"{name} must hold positive ints (layer widths); got {sizes!r}."
                )
        for name in ("n_components", "max_epochs", "batch_size"):
            if not _is_positive_int(getattr(self, name)):
                raise TypeError(
                    f"{name} must be a positive int; got {getattr(self, name)!r}."
                )
        optimizer = self.optimizer
        if isinstance(optimizer, type) and not issubclass(
            optimizer, torch.optim.Optimizer
        ):
            raise TypeError(
                f"optimizer must be one of {sorted(_OPTIMIZERS)} or a subclass of "
                f"torch.optim.Optimizer; got {optimizer!r}."
            )
        for callback in self.callbacks or []:
            named = isinstance(callback, tuple) and len(callback) == 2
            if not isinstance(callback[1] if named else callback, Callback):
                raise TypeError(
                    "callbacks must hold skorch callbacks (or (name, callback) "
                    f"pairs); got {callback!r}."
                )
        try:
            device = torch.device(self.device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(
                f"device must name a torch device, e.g. 'cpu' or 'cuda'; got "
                f"{self.device!r}."
            ) from exc
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                f"device={self.device!r}, but this torch has no CUDA device "
                f"(torch {torch.__version__}); use device='cpu' or install a CUDA "
                "build of torch."
            )
        if self.validation_fraction is not None:
            n_valid = int(np.ceil(self.validation_fraction * n_samples))
            if not 1 <= n_valid < n_samples:
                raise ValueError(
                    f"validation_fraction={self.validation_fraction} of "
                    f"{n_samples} rows leaves {n_samples - n_valid} for training "
                    f"and {n_valid} for validation; each side needs at least one."
                )
        self._check_callbacks()

    def _check_callbacks(self):
        """Reject callbacks that watch a validation score no split will give."""
        if self.validation_fraction is not None:
            return
        for callback in self.callbacks or []:
            if isinstance(callback, tuple):
                callback = callback[1]
            monitor = getattr(callback, "monitor", None)
            if isinstance(monitor, str) and monitor.startswith("valid"):
                raise ValueError(
                    f"callbacks: {type(callback).__name__} monitors {monitor!r}, "
                    "which only exists with a validation split; pass "
                    "validation_fraction (e.g. 0.1), or monitor a training "
                    "score (e.g. monitor='train_loss')."
                )

    def _initialize(self, data, rng):
        """Build ``net_`` with seeded weights and a private shuffling generator."""
        X, _, _ = data
        self._check_training_params(len(X))
        self._build_net(X.shape[1], rng)

    def _build_net(self, n_features, rng):
        """Build and initialise ``net_`` for ``n_features`` inputs."""
        n_classes = len(self.classes_) if hasattr(self, "classes_") else 0
        with forked_torch_rng(draw_seed(rng)):
            module = self._build_module(n_features, n_classes)
        shuffle_seed = draw_seed(rng)
        shuffle_generator = torch.Generator().manual_seed(shuffle_seed)
        train_split = None
        if self.validation_fraction is not None:
            train_split = ValidSplit(
                self.validation_fraction, stratified=False, random_state=draw_seed(rng)
            )
        optimizer = _OPTIMIZERS.get(self.optimizer, self.optimizer)
        self.net_ = FRLNet(
            module=module,
            criterion=self._build_criterion(n_classes),
            optimizer=optimizer,
            lr=self.lr,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            device=self.device,
            callbacks=[_training_copy(cb) for cb in self.callbacks or []],
            train_split=train_split,
            iterator_train=TensorBatchIterator,
            iterator_train__shuffle=True,
            iterator_train__generator=shuffle_generator,
            iterator_valid=TensorBatchIterator,
            verbose=self.verbose,
        )
        self.net_.initialize()
        # DP-SGD noise: its own stream, without drawing from rng again
        self.net_.noise_generator = torch.Generator().manual_seed(shuffle_seed + 1)
        self.n_iter_ = 0

    def _train(self, data, epochs):
        X, y_codes, s_codes = data
        self._set_privacy()
        Xd = {"X": self._to_tensor(X)}
        if s_codes is not None:
            Xd["s"] = torch.as_tensor(s_codes, device=self.net_.device)
        y_t = (
            None
            if y_codes is None
            else torch.as_tensor(y_codes, device=self.net_.device)
        )
        n_before = len(self.net_.history)
        self.net_.partial_fit(Xd, y_t, epochs=epochs)
        # Callbacks such as EarlyStopping may end training before ``epochs``.
        self.n_iter_ += len(self.net_.history) - n_before
        return self

    def _set_privacy(self):
        """Give the net this call's DP-SGD settings (``set_params`` may change them).

        Only models with ``per_sample_clip_norm`` have them; their criterion
        must split its batch loss into per-row terms.
        """
        clip_norm = getattr(self, "per_sample_clip_norm", None)
        noise_multiplier = getattr(self, "noise_multiplier", 0.0)
        if clip_norm is None and noise_multiplier > 0:
            raise ValueError(
                f"noise_multiplier={noise_multiplier} needs per_sample_clip_norm: "
                "DP-SGD adds noise in units of the clipping norm."
            )
        self.net_.per_sample_clip_norm = clip_norm
        self.net_.noise_multiplier = noise_multiplier

    def _to_tensor(self, X):
        if isinstance(X, torch.Tensor):
            return X.to(device=self.net_.device, dtype=torch.float32)
        # np.require copies read-only views (pandas copy-on-write) that torch rejects
        X = np.require(X, dtype=np.float32, requirements="W")
        return torch.as_tensor(X, device=self.net_.device)

    # -- transform ----------------------------------------------------------------
    def transform(self, X):
        """Encode ``X`` into the learned representation.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features to encode; ``s`` is never needed (in column mode its
            columns are dropped).

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components), dtype=float32
            The representation.
        """
        check_is_fitted(self, "net_")
        X, _, _ = split_sensitive_columns(X, self.sensitive_feature_ids)
        X, *_ = check_X_y_s(X, estimator=self, reset=False)
        module = self.net_.module_
        was_training = module.training
        module.eval()
        encode = self._transform_encoder()
        with torch.no_grad():
            chunks = [
                encode(self._to_tensor(X[i : i + _TRANSFORM_CHUNK])).cpu()
                for i in range(0, X.shape[0], _TRANSFORM_CHUNK)
            ]
        module.train(was_training)
        Z = torch.cat(chunks).numpy()
        if not np.isfinite(Z).all():
            raise FloatingPointError(
                f"{type(self).__name__} encodes X into non-finite values (the "
                "network overflowed: X has huge values, or training diverged); "
                "standardise X, e.g. with a StandardScaler."
            )
        return Z

    def _transform_encoder(self):
        """Return the tensor map ``transform`` applies to each chunk of rows."""
        return self.net_.module_.encode

    @property
    def _n_features_out(self):
        return self.n_components

    # -- the DifferentiableEncoder protocol ----------------------------------------
    def encoder_parameters(self):
        """Return the encoder parameters θ that shape the representation.

        Returns
        -------
        params : list of torch.nn.Parameter
            The encoder's weights and biases, in module order.
        """
        check_is_fitted(self, "net_")
        return list(self.net_.module_.encoder.parameters())

    def encode_tensor(self, X):
        """Return the differentiable representation ``f_θ(X)``.

        Parameters
        ----------
        X : torch.Tensor or array-like of shape (n_samples, n_features)
            Features; gradients flow back to ``X`` if it requires grad.

        Returns
        -------
        Z : torch.Tensor of shape (n_samples, n_components)
            Float32 on the model's device.
        """
        check_is_fitted(self, "net_")
        return self.net_.module_.encode(self._to_tensor(X))

    def training_loss(self, X, y, s, *, noise=None):
        """Return the scalar training loss of the victim on ``(X, y, s)``.

        Computed by the same module and criterion as ``fit``, with the loss
        weights of the last ``fit``/``partial_fit`` call. Stochastic encoders
        (ICVAE) use their posterior mean instead of a sample, or the sample
        given by ``noise``, so the loss is deterministic and no random state
        is consumed.

        Parameters
        ----------
        X : torch.Tensor or array-like of shape (n_samples, n_features)
            Features; gradients flow back to ``X`` if it requires grad.
        y : torch.Tensor or array-like of int of shape (n_samples,), or None
            Task label codes: ``0, ..., len(classes_) - 1``, the index of
            each label in ``classes_``.
        s : torch.Tensor or array-like of int of shape (n_samples,), or None
            Sensitive group codes: the index of each group in
            ``sensitive_groups_`` (0/1 for a binary attribute).
        noise : torch.Tensor or array-like of shape (n_samples, n_components), \
                default=None
            Stochastic encoders only: the standard normal draws of the
            reparameterised sample ``z = mean + σ · noise`` the loss is
            computed at; None: at the posterior mean.

        Returns
        -------
        loss : torch.Tensor
            A scalar, differentiable with respect to ``X`` and the parameters.

        Raises
        ------
        TypeError
            If ``noise`` is given to a model whose encoder is deterministic.
        ValueError
            If ``noise`` does not have one row of ``n_components`` per sample.
        """
        check_is_fitted(self, "net_")
        extra = {}
        if noise is not None:
            if not self._stochastic_encoder:
                raise TypeError(
                    f"noise applies to stochastic encoders (ICVAE); "
                    f"{type(self).__name__}'s encoder is deterministic."
                )
            extra["noise"] = self._to_tensor(noise)
            if extra["noise"].shape != (len(X), self.n_components):
                raise ValueError(
                    f"noise must have shape (n_samples, n_components) = "
                    f"({len(X)}, {self.n_components}); got "
                    f"{tuple(extra['noise'].shape)}."
                )
        s_t = None
        if s is not None and self.sensitive_groups_ is not None:
            s_t = self._codes_tensor(s, len(self.sensitive_groups_), "s")
        y_t = None
        if y is not None and self._requires_y:
            y_t = self._codes_tensor(y, len(self.classes_), "y")
        module = self.net_.module_
        was_training = module.training
        module.eval()  # stochastic encoders use their posterior mean: no RNG draw
        try:
            y_pred = module(self._to_tensor(X), s_t, **extra)
        finally:
            module.train(was_training)
        return self.net_.criterion_(y_pred, y_t, s_t)

    def _codes_tensor(self, codes, n_codes, name):
        """Return integer codes ``0, ..., n_codes - 1`` as a long tensor.

        Tensors are taken as they are (the attacks' hot loop); arrays are
        checked.
        """
        device = self.net_.device
        if isinstance(codes, torch.Tensor):
            return codes.to(device=device, dtype=torch.long)
        codes = np.asarray(codes)
        if (
            codes.ndim != 1
            or codes.dtype.kind not in "iub"
            or (codes.size and (codes.min() < 0 or codes.max() >= n_codes))
        ):
            raise ValueError(
                f"{name} must be a 1-D array of integer codes in 0..{n_codes - 1} "
                f"(indices into {'classes_' if name == 'y' else 'sensitive_groups_'});"
                f" got {codes[:5].tolist()} (dtype {codes.dtype})."
            )
        return torch.as_tensor(codes, dtype=torch.long, device=device)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.target_tags.required = self._requires_y
        return tags


def _training_copy(callback):
    """Return the copy of a user's callback that the net trains with.

    ``EpochScoring`` recomputes its predictions instead of reusing the
    outputs it cached in training: skorch moves every cached output to the
    device, and the outputs a model leaves None (no adversary without ``s``,
    no task head) cannot move.
    """
    callback = copy.deepcopy(callback)
    if isinstance(callback, EpochScoring):
        callback.use_caching = False
    return callback


def _is_positive_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value > 0
