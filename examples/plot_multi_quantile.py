"""
=========================================================
Several quantiles at once, without crossing
=========================================================

:class:`lad.MultiQuantileRegressor` fits several quantiles of one linear model,
each the exact :class:`lad.LADRegressor` optimum. Fitted independently on few rows,
neighbouring quantile lines can cross: a 0.3-quantile above the 0.35-quantile,
which no distribution allows. Two remedies:

- ``non_crossing="rearrange"`` (Chernozhukov, Fernández-Val and Galichon 2010)
  keeps the fits and sorts each row's predictions across the quantiles, on any
  ``X``;
- ``non_crossing="constrain"`` (Bondell, Reich and Wang 2010) fits all quantiles
  together, subject to not crossing at the training rows: one linear program,
  solved exactly, with a certificate.
"""

# %%
# Heteroscedastic data, close quantiles, few rows
# ------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from lad import MultiQuantileRegressor, plot_quantile_process

rng = np.random.default_rng(3)
n = 60
x = rng.uniform(0, 10, n)
y = 1.0 + 0.5 * x + (0.2 + 0.3 * x) * rng.standard_normal(n)
X = x[:, None]
quantiles = [0.1, 0.3, 0.35, 0.5, 0.9]
order = np.argsort(quantiles)

free = MultiQuantileRegressor(quantiles).fit(X, y)
sorted_ = MultiQuantileRegressor(quantiles, non_crossing="rearrange").fit(X, y)
joint = MultiQuantileRegressor(quantiles, non_crossing="constrain").fit(X, y)

grid = np.linspace(-5, 15, 400)[:, None]  # beyond the data on both sides
for name, model in [("independent", free), ("rearrange", sorted_),
                    ("constrain", joint)]:  # fmt: skip
    P = model.predict(grid)[:, order]
    train = model.predict(X)[:, order]
    print(
        f"{name:12s} crossings on the grid: {int(np.sum(np.diff(P, axis=1) < 0)):4d}"
        f", at the training rows: {int(np.sum(np.diff(train, axis=1) < -1e-9))}"
    )
print(
    f"joint fit: certified gap {joint.dual_gap_[0]:.1e}; pinball skill "
    f"{joint.score(X, y):.3f} against {free.score(X, y):.3f} independent"
)

# %%
# The bands
# ---------
# The independent 0.3 and 0.35 lines cross inside the data; sorted predictions
# never cross; the constrained fit does not cross at the training rows, but its
# lines may still cross beyond the data (the constraint holds where it was
# imposed): extrapolate with ``"rearrange"``.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True, layout="constrained")
colors = plt.cm.plasma(np.linspace(0.0, 0.85, len(quantiles)))
for ax, (name, model) in zip(axes, [("independent", free), ("rearrange", sorted_),
                                    ("constrain", joint)], strict=True):  # fmt: skip
    P = model.predict(grid)
    ax.scatter(x, y, s=8, color="0.6")
    for k in order:
        ax.plot(grid[:, 0], P[:, k], color=colors[k], label=f"q = {quantiles[k]}")
    ax.set_title(f"non_crossing = {name!r}" if name != "independent" else "None")
    ax.set_xlabel("x")
axes[0].set_ylabel("y")
axes[0].legend(fontsize="small", loc="upper left")

# %%
# The quantile process
# --------------------
# :func:`lad.plot_quantile_process` takes the fitted model and draws each
# coefficient against the quantile with its 95 % rank-inversion band.
many = MultiQuantileRegressor(np.round(np.arange(0.1, 0.91, 0.1), 2)).fit(X, y)
plot_quantile_process(X, y, model=many, se="rank")
plt.show()
