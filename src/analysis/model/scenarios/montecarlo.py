"""Monte Carlo of funding scenarios: draws of the uncertain inputs, run through the allocation.

CSR realisation, DBH Sawit allocation and worker counts are drawn with a seeded
``numpy.random.Generator(PCG64(seed))`` on arrays of shape (regencies, draws, years)
(``simulate``, ``simulate_batch``); ``SimulationResult`` gives probabilities and percentile bands.
The same seed gives the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.errors import UserError
from analysis.model.scenarios.allocation import _allocate, _Arrays, _arrays, _envelope
from analysis.model.scenarios.spec import DEFAULT_SEED, Scenario


@dataclass
class _Draws:
    target: np.ndarray  # (R, D, Y)
    alloc: np.ndarray  # (R, D, Y)
    csr_rp: np.ndarray  # (R, D, Y)
    share: np.ndarray  # (R, D, 1) multiplier of the DBH share for contributions


def _triangular(u: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Inverse CDF of a triangular law with mode 1 on [low, high]; degenerate ranges give 1."""
    width = np.maximum(high - low, 1e-12)
    cut = (1.0 - low) / width
    left = low + np.sqrt(u * width * (1.0 - low))
    right = high - np.sqrt((1.0 - u) * width * (high - 1.0))
    return np.where(high - low < 1e-12, 1.0, np.where(u < cut, left, right))


def _draw(a: _Arrays, draws: int, rng: np.random.Generator) -> _Draws:
    """Draw target, DBH allocation and CSR payments for every scenario, draw and year."""
    r, y = a.target.shape
    # Worker counts: one multiplier per draw, kept over the years (a count that is off is off
    # every year).
    mult = _triangular(rng.random((r, draws, 1)), a.t_low[:, :, None], a.t_high[:, :, None])
    target = np.round(a.target[:, None, :] * mult)
    alloc = np.broadcast_to(a.dbh_alloc[:, None, :], (r, draws, y))
    kind = a.dbh_kind[:, :, None]
    if (kind == 1).any():
        z = rng.standard_normal((r, draws, y))
        # Median on the path: P50 of the allocation is the path itself.
        alloc = np.where(kind == 1, alloc * np.exp(a.dbh_sigma[:, :, None] * z), alloc)
    if (kind == 2).any():
        u = rng.random((r, draws, y))
        tri = _triangular(u, a.dbh_low[:, :, None], a.dbh_high[:, :, None])
        alloc = np.where(kind == 2, alloc * tri, alloc)
    u = rng.random((r, draws, a.csr_prob.shape[1]))
    paid = np.where(a.csr_range[:, None, :],
                    a.csr_lo[:, None, :] + (a.csr_hi - a.csr_lo)[:, None, :] * u,
                    (u < a.csr_prob[:, None, :]).astype(float))
    csr_rp = np.matmul(paid, a.csr_amount)
    # The share of DBH Sawit a regency gives to contributions (A13's range): one choice per
    # draw, kept over the years. Drawn last, so scenarios without it keep their earlier draws.
    share = np.ones((r, draws, 1))
    if (a.share_high > a.share_low).any():
        share = _triangular(rng.random((r, draws, 1)), a.share_low[:, :, None],
                            a.share_high[:, :, None])
    return _Draws(target=target, alloc=np.asarray(alloc), csr_rp=csr_rp, share=share)


def _run(a: _Arrays, d: _Draws, apbd: np.ndarray) -> dict[str, np.ndarray]:
    envelope = _envelope(d.alloc, a.dbh_share[:, :, None] * d.share)
    return _allocate(d.target, a.cost[:, None, :], envelope, a.eligible[:, None, :],
                     a.province[:, None, :], a.dana_desa[:, None, :], d.csr_rp, apbd)


def fan_metric(s: Scenario) -> str:
    """The metric a fan chart of ``s`` should show.

    Parameters
    ----------
    s : Scenario

    Returns
    -------
    str
        ``"apbd_rp"`` (the APBD needed) when the scenario leaves the APBD open, so that it fills
        every gap and coverage is 100% by construction; otherwise ``"coverage"``.
    """
    return "apbd_rp" if s.solve_apbd else "coverage"


@dataclass
class SimulationResult:
    """Monte Carlo results for R scenarios: arrays of shape (R, draws, years).

    Attributes
    ----------
    regencies : list of str
        Regency code of each scenario.
    years : numpy.ndarray
        (R, Y) budget years.
    cost : numpy.ndarray
        (R, Y) contribution per worker-year.
    workers : dict of str to numpy.ndarray
        ``target``, ``covered``, ``gap`` and each source of ``SOURCES``: int32 (R, D, Y).
    seed, draws : int
    budgeted : numpy.ndarray
        (R, Y) True where the APBD had a budget; elsewhere it filled every gap, so the target
        is met by construction and no probability is given.
    """

    regencies: list[str]
    years: np.ndarray
    cost: np.ndarray
    workers: dict[str, np.ndarray]
    seed: int
    draws: int
    budgeted: np.ndarray | None = None

    def probability_of_target(self, i: int = 0) -> pd.Series:
        """Share of draws in which the target is met, per year, for scenario ``i``.

        NaN in the years without an APBD budget: there the APBD fills every gap and a
        probability of 100% would say nothing.
        """
        met = (self.workers["gap"][i] <= 0).mean(axis=0)
        if self.budgeted is not None:
            met = np.where(self.budgeted[i], met, np.nan)
        return pd.Series(met, index=self.years[i], name="probability")

    def bands(self, metric: str = "coverage", i: int = 0,
              q: tuple[float, ...] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Percentiles of a metric per year for scenario ``i``.

        Parameters
        ----------
        metric : str
            ``coverage`` (covered / target), ``gap_rp``, ``apbd_rp`` or any key of
            ``workers``.
        i : int
            Scenario index.
        q : tuple of float
            Quantiles.

        Returns
        -------
        pandas.DataFrame
            Index year; columns ``p10``, ``p50``, ``p90`` (one per quantile) and ``mean``.
        """
        values = self.metric(metric, i)
        qs = np.quantile(values, q, axis=0)
        out = pd.DataFrame({f"p{round(x * 100)}": qs[j] for j, x in enumerate(q)},
                           index=pd.Index(self.years[i], name="year"))
        out["mean"] = values.mean(axis=0)
        return out

    def metric(self, metric: str, i: int = 0) -> np.ndarray:
        """(draws, years) values of ``metric`` for scenario ``i``."""
        w = self.workers
        if metric == "coverage":
            return w["covered"][i] / np.maximum(w["target"][i], 1)
        if metric.endswith("_rp"):
            name = metric[:-3]
            return w[name][i].astype(float) * self.cost[i]
        return w[metric][i]


def simulate_batch(
    scenarios: list[Scenario], draws: int = 10_000, seed: int = DEFAULT_SEED,
    apbd: np.ndarray | None = None
) -> SimulationResult:
    """Monte Carlo of many scenarios at once (same horizon), vectorised over (R, draws, Y).

    Uncertain inputs: CSR pledges (Bernoulli on ``probability`` or a uniform share in
    ``realised_share``, independent per pledge and year), the DBH allocation (lognormal with
    median on the path, or triangular with mode on the path, independent per year), the DBH
    share for contributions (one triangular multiplier per draw on ``dbh_share_range``, e.g.
    A13) and the target (one triangular multiplier per draw with mode 1).

    Parameters
    ----------
    scenarios : list of Scenario
    draws : int
        Draws per scenario.
    seed : int
        Seed of ``numpy.random.Generator(PCG64(seed))``: same seed, same numbers.
    apbd : numpy.ndarray, optional
        (R, Y) APBD rupiah overriding the scenarios' budgets (``inf`` = unlimited).

    Returns
    -------
    SimulationResult
    """
    if draws < 1:
        raise UserError(f"draws must be 1 or more, got {draws}")
    a = _arrays(scenarios)
    rng = np.random.Generator(np.random.PCG64(seed))
    d = _draw(a, draws, rng)
    budget = a.apbd if apbd is None else np.asarray(apbd, dtype=float)
    res = _run(a, d, budget[:, None, :])
    workers = {k: v.astype(np.int32) for k, v in res.items()}
    workers["target"] = d.target.astype(np.int32)
    return SimulationResult(
        regencies=[s.regency_code for s in scenarios],
        years=np.array([s.year_list for s in scenarios]),
        cost=a.cost,
        workers=workers,
        seed=seed,
        draws=draws,
        budgeted=np.isfinite(budget),
    )


def simulate(s: Scenario, draws: int = 10_000, seed: int = DEFAULT_SEED) -> SimulationResult:
    """Monte Carlo of one scenario (see ``simulate_batch``); results at index 0."""
    return simulate_batch([s], draws, seed)
