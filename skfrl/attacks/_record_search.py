"""Greedy field edits on records, ranked by a first-order estimate (HotFlip).

A straight-through estimator moves a relaxed point and reads the loss at
its nearest record, so a one-hot level flips only once the relaxed
coordinates cross; most of the gain a different level would give is never
tried. :class:`RecordSearch` searches the records themselves: for every
poison and every field (a one-hot group, a discrete column, a continuous
one) it scores each value the field can take by the gradient of the
objective at the current record, ``<grad_x, x_new - x>`` per unit of
distance moved, and proposes the best edit per poison.
:func:`greedy_record_search` applies the proposals with a backtracking
line search on their number (twice as many as the last round kept, then
half of those, ...), keeping a round only when the objective falls, as in
Ebrahimi et al.'s HotFlip and its coordinate-descent uses in discrete
attacks.
"""

import numpy as np
import torch

__all__ = ["RecordSearch", "greedy_record_search"]

#: Continuous columns move by this fraction of their range per edit.
_CONTINUOUS_STEP = 0.05


class RecordSearch:
    """The edits a record can make, one field at a time.

    Parameters
    ----------
    domain : FeatureDomain
        The records' domain.
    dtype, device
        Those of the poisons.
    """

    def __init__(self, domain, dtype, device):
        def as_tensor(values):
            return torch.as_tensor(values, dtype=dtype, device=device)

        # discrete fields: (columns, table of the values a record can hold)
        self.tables = []
        grouped = set()
        for group in domain.groups:
            cols = list(group)
            grouped |= set(cols)
            lo = np.array([domain.values[c][0] for c in cols])
            hi = np.array([domain.values[c][-1] for c in cols])
            levels = np.where(np.eye(len(cols), dtype=bool), hi, lo)  # row l: level l
            self.tables.append(
                (torch.as_tensor(cols, device=device), as_tensor(levels))
            )
        continuous = []
        for j in range(domain.n_features):
            if j in grouped:
                continue
            if domain.values[j] is not None:
                values = as_tensor(domain.values[j][:, None])
                self.tables.append((torch.as_tensor([j], device=device), values))
            elif domain.high[j] > domain.low[j]:
                continuous.append(j)
        self.continuous = torch.as_tensor(continuous, dtype=torch.long, device=device)
        step = (domain.high - domain.low)[continuous] * _CONTINUOUS_STEP
        self.continuous_step = as_tensor(np.maximum(step, domain.steps[continuous]))
        self.domain = domain

    def propose(self, x, grad):
        """Return each row's best edit: its predicted slope and the edited row.

        Edits are ranked by the first-order change of the objective per unit
        of distance moved, ``<grad, x_new - x> / |x_new - x|``: ranked by the
        change alone, the largest jumps (rare one-hot levels, several
        standardised units away) win and are those the gradient predicts
        worst.

        Parameters
        ----------
        x : torch.Tensor of shape (n_poison, n_features)
            Current records.
        grad : torch.Tensor of the same shape
            Gradient of the objective at ``x``.

        Returns
        -------
        slope : torch.Tensor of shape (n_poison,)
            Predicted change per unit distance of the best edit (negative:
            predicted to lower the objective); 0 where no edit is.
        x_new : torch.Tensor of shape (n_poison, n_features)
            ``x`` with each row's best edit applied (a record).
        """
        best = torch.zeros(len(x), dtype=x.dtype, device=x.device)
        x_new = x.clone()
        for cols, table in self.tables:
            change = table[None, :, :] - x[:, None, cols]  # (n, values, cols)
            slopes = (change * grad[:, None, cols]).sum(-1) / change.norm(
                dim=-1
            ).clamp_min(1e-12)
            slope, choice = slopes.min(1)
            self._keep(best, x_new, x, slope, cols, table[choice])
        if len(self.continuous):
            cols = self.continuous
            stepped = x.clone()
            stepped[:, cols] -= torch.sign(grad[:, cols]) * self.continuous_step
            change = self._project(stepped)[:, cols] - x[:, cols]
            slopes = torch.sign(change) * grad[:, cols]
            for k in range(len(cols)):
                value = (x[:, cols[k]] + change[:, k])[:, None]
                self._keep(best, x_new, x, slopes[:, k], cols[k : k + 1], value)
        return best, x_new

    @staticmethod
    def _keep(best, x_new, x, slope, cols, values):
        """Where ``slope`` beats ``best``, make ``x_new`` ``x`` with ``values``."""
        better = slope < best
        best[better] = slope[better]
        edited = x[better].clone()
        edited[:, cols] = values[better]
        x_new[better] = edited

    def _project(self, x):
        projected = self.domain.project(x.detach().cpu().numpy())
        return torch.as_tensor(projected, dtype=x.dtype, device=x.device)


def greedy_record_search(search, x, evaluate, n_rounds, on_round=None):
    """Lower ``evaluate`` over records by greedy field edits.

    Parameters
    ----------
    search : RecordSearch
    x : torch.Tensor of shape (n_poison, n_features)
        Starting records.
    evaluate : callable
        ``evaluate(x)`` returns ``(objective, stats, gradient)``: the
        objective as a float, the stats of the round's record keeping, and
        a callable giving the objective's gradient at ``x`` (called only for
        the records a round keeps, so rejected trials skip the backward).
    n_rounds : int
        Most rounds; each applies the best edit of a subset of the poisons.
        The search stops early when no subset lowers the objective.
    on_round : callable, default=None
        Called as ``on_round(stats, x)`` after each round that kept an edit.

    Returns
    -------
    x : torch.Tensor
        The best records found (never worse than the start).
    """
    objective, stats, gradient = evaluate(x)
    n_kept = len(x)
    for _ in range(n_rounds):
        slope, proposal = search.propose(x, gradient())
        order = torch.argsort(slope)
        # first-order estimates hold for few edits at once: start from twice
        # the number the last round kept
        n_edits = min(int((slope < 0).sum()), 2 * n_kept)
        while n_edits >= 1:
            candidate = x.clone()
            chosen = order[:n_edits]
            candidate[chosen] = proposal[chosen]
            value, candidate_stats, candidate_gradient = evaluate(candidate)
            if value < objective:
                break
            n_edits //= 2
        if n_edits < 1:
            break
        x, objective, n_kept = candidate, value, n_edits
        stats, gradient = candidate_stats, candidate_gradient
        if on_round is not None:
            on_round(stats, x)
    return x
