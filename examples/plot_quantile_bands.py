"""
=====================================
Quantile regression bands
=====================================

With ``quantile=q``, :class:`lad.LADRegressor` estimates the conditional
``q``-quantile of ``y`` instead of its median: the absolute loss becomes the pinball
loss. Fitting several quantiles on heteroscedastic data (the noise grows with ``x``)
gives prediction bands that widen where the data spread out, something a single
least-squares line with a constant error bar cannot show.

Each quantile line leaves close to a fraction ``q`` of the points below it, on the
training data (an exact property of the optimum) and on fresh data. Finally the fit
is checked against :class:`sklearn.linear_model.QuantileRegressor`, which solves the
same problem with an objective half as large, so its ``alpha`` is ``lad``'s
``alpha / 2``.
"""

# %%
# Heteroscedastic data
# --------------------
# ``y = 1 + 0.5 x + (0.2 + 0.3 x) e`` with Gaussian ``e``: the spread of ``y`` grows
# linearly with ``x``, so every conditional quantile is a straight line,
# ``1 + 0.5 x + (0.2 + 0.3 x) z_q`` with ``z_q`` the standard normal quantile.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import norm
from sklearn.linear_model import QuantileRegressor

from lad import LADRegressor
from lad.diagnostics import objective


def make_data(n, rng):
    x = rng.uniform(0, 10, n)
    y = 1.0 + 0.5 * x + (0.2 + 0.3 * x) * rng.standard_normal(n)
    return x[:, None], y


def true_quantile(x, q):
    return 1.0 + 0.5 * x + (0.2 + 0.3 * x) * norm.ppf(q)


rng = np.random.default_rng(2)
X, y = make_data(500, rng)
X_new, y_new = make_data(5000, rng)  # fresh data, to check coverage out of sample
quantiles = [0.05, 0.25, 0.5, 0.75, 0.95]

# %%
# One model per quantile
# ----------------------
# The coverage of a quantile line is the fraction of points below it. On the
# training data it is within ``(n_features + 1) / n_samples`` of ``q`` at the exact
# optimum; on fresh data it varies with sampling error only.
models = {q: LADRegressor(quantile=q).fit(X, y) for q in quantiles}
print("quantile   slope (true)   intercept (true)   coverage: train    new")
for q, m in models.items():
    train_cov = np.mean(y < m.predict(X))
    new_cov = np.mean(y_new < m.predict(X_new))
    slope, intercept = 0.5 + 0.3 * norm.ppf(q), 1.0 + 0.2 * norm.ppf(q)
    print(
        f"  {q:4.2f}   {m.coef_[0]:6.3f} ({slope:6.3f})   "
        f"{m.intercept_:6.3f} ({intercept:6.3f})   {train_cov:14.3f}  {new_cov:5.3f}"
    )

inside = np.mean((y_new >= models[0.05].predict(X_new))
                 & (y_new <= models[0.95].predict(X_new)))  # fmt: skip
print(f"fresh points inside the 5%-95% band: {inside:.3f} (target 0.90)")

# %%
# Same optimum as scikit-learn's QuantileRegressor
# ------------------------------------------------
# ``QuantileRegressor`` minimises ``(1/n) sum rho_q(r) + alpha ||w||_1``; ``lad``
# minimises ``(1/n) sum 2 rho_q(r) + alpha ||w||_1``. Without a penalty the two have
# the same minimiser; with one, ``QuantileRegressor(alpha=a / 2)`` matches
# ``LADRegressor(alpha=a)``. Both solutions are evaluated with the same function,
# :func:`lad.diagnostics.objective`.
q = 0.75
for alpha in (0.0, 0.2):
    ours = LADRegressor(alpha=alpha, quantile=q).fit(X, y)
    ref = QuantileRegressor(quantile=q, alpha=alpha / 2, solver="highs").fit(X, y)
    p_ours = objective(X, y, ours.coef_, ours.intercept_, alpha=alpha,
                       loss="absolute", quantile=q)  # fmt: skip
    p_ref = objective(X, y, ref.coef_, ref.intercept_, alpha=alpha,
                      loss="absolute", quantile=q)  # fmt: skip
    print(f"q={q}, alpha={alpha}: objective lad {p_ours:.10f}, "
          f"QuantileRegressor(alpha={alpha / 2}) {p_ref:.10f}, "
          f"max |coef diff| {np.abs(ours.coef_ - ref.coef_).max():.1e}, "
          f"certified gap {ours.dual_gap_:.1e}")  # fmt: skip

# %%
# The bands
# ---------
# Solid lines are the fitted quantiles, dotted lines the true ones. The band
# between the 5 % and 95 % lines widens with ``x`` as the noise does.
grid = np.linspace(0, 10, 100)
colors = plt.cm.plasma(np.linspace(0.0, 0.85, len(quantiles)))
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.scatter(X[:, 0], y, s=6, color="0.6", label="data")
ax.fill_between(grid, models[0.05].predict(grid[:, None]),
                models[0.95].predict(grid[:, None]), color="tab:blue", alpha=0.1,
                label="5 %-95 % band")  # fmt: skip
for color, (q, m) in zip(colors, models.items(), strict=True):
    ax.plot(grid, m.predict(grid[:, None]), color=color, label=f"q = {q}")
    ax.plot(grid, true_quantile(grid, q), color=color, linestyle=":")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("LADRegressor(quantile=q): fitted (solid) and true (dotted) quantiles")
ax.legend(fontsize="small", loc="upper left")
fig.tight_layout()
plt.show()
