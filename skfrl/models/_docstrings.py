"""Parameter descriptions shared by the docstrings of all models."""

TRAINING_PARAMETERS = """\
activation : {{"relu", "tanh", "elu", "leaky_relu"}}, default="relu"
        Activation of the hidden layers.
    max_epochs : int, default={max_epochs}
        Epochs run by ``fit``; ``partial_fit`` runs one.
    batch_size : int, default={batch_size}
        Rows per mini-batch.
    lr : float, default={lr}
        Learning rate.
    optimizer : {{"adam", "adamw", "adadelta", "sgd"}} or class, default="{optimizer}"
        A ``torch.optim`` optimizer, by name or class.
    device : str or torch.device, default="cpu"
        Where the network trains, e.g. ``"cuda"``. Results are bit-identical
        for one ``random_state`` on CPU only.
    callbacks : list of skorch callbacks, default=None
        Passed to the skorch net (copied), e.g. ``EarlyStopping``,
        ``ProgressBar`` or ``Checkpoint``. ``EpochScoring("accuracy")``
        scores the task head's predictions (recomputed in eval mode, not
        cached); a callback monitoring a ``valid_*`` score needs
        ``validation_fraction``.
    validation_fraction : float in (0, 1), default=None
        Fraction of the training rows held out as skorch's validation split
        (needed by ``EarlyStopping``); None trains on every row.
    sensitive_feature_ids : int, str or list, default=None
        Column mode: the columns of ``X`` that hold ``s``. ``fit`` reads ``s``
        from them and the encoder never sees them (``transform`` drops them),
        so the model works in pipelines that cannot route
        ``sensitive_features``, e.g. after a poisoner in column mode.
    verbose : int, default=0
        0 is silent; 1 prints skorch's table of epoch losses.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and shuffling through local generators;
        the global numpy and torch generators are never touched."""

FITTED_ATTRIBUTES = """\
net_ : skfrl.nn.FRLNet
        The fitted skorch net; ``net_.module_`` is the torch module.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features, when ``X`` had string column names.
    sensitive_groups_ : ndarray of shape (2,) or None
        The two groups of ``sensitive_features``; code 1 is the second.
    n_iter_ : int
        Epochs trained so far (``fit`` resets it)."""

PRIVACY_PARAMETERS = """\
per_sample_clip_norm : float, default=None
        DP-SGD (Abadi et al. 2016), a training-time defence against
        poisoning: each row's gradient is clipped to this norm before the
        batch's are summed, so no row (no poison) pulls harder than it. None
        trains with the plain batch gradient. An epoch costs 9 to 15 plain
        ones (``torch.func`` per-sample gradients; CFair on Adult). It may be set on a
        fitted model, e.g. to fine-tune θ0 privately.
    noise_multiplier : float, default=0.0
        DP-SGD: Gaussian noise of standard deviation ``noise_multiplier *
        per_sample_clip_norm`` is added to the clipped sum (needs
        ``per_sample_clip_norm``); drawn from the model's own generator,
        seeded by ``random_state``."""

CLASSES_ATTRIBUTE = """\
classes_ : ndarray of shape (n_classes,)
        Task labels seen during ``fit``."""


def fill_docstring(cls, **defaults):
    """Insert the shared parameter and attribute text into ``cls.__doc__``.

    Plain replacement of ``{training_parameters}``, ``{privacy_parameters}``,
    ``{classes_attribute}`` and ``{fitted_attributes}``, so the LaTeX braces
    of ``Notes`` stay intact.
    ``defaults`` fills the default values of the training parameters.
    """
    sections = {
        "{training_parameters}": TRAINING_PARAMETERS.format(**defaults),
        "{privacy_parameters}": PRIVACY_PARAMETERS,
        "{classes_attribute}": CLASSES_ATTRIBUTE,
        "{fitted_attributes}": FITTED_ATTRIBUTES,
    }
    doc = cls.__doc__
    for marker, text in sections.items():
        doc = doc.replace(marker, text)
    cls.__doc__ = doc
    return cls
