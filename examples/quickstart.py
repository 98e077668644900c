"""
==========
Quickstart
==========

Fit :class:`lad.LassoL1` and :class:`lad.LADRegressor` on scikit-learn's bundled
diabetes data, read their sparsity reports, and check that ``LassoL1`` reaches the
optimum of :class:`sklearn.linear_model.Lasso` with the same ``alpha``.

The two losses put ``alpha`` on different scales: :func:`lad.alpha_max` gives, for
each, the smallest ``alpha`` at which every coefficient is zero. Choose ``alpha`` as
a fraction of it.
"""

# %%
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso

import lad
from lad import LADRegressor, LassoL1
from lad.diagnostics import objective


def heading(text):
    """Print a section heading, so the script's output reads in parts."""
    print(f"\n{text}\n{'=' * len(text)}")


data = load_diabetes()
X, y, names = data.data, data.target, data.feature_names

# %%
# Where alpha starts to matter
# ----------------------------
# At and above ``alpha_max`` the fit is all zeros. The squared loss's scale follows
# the target's (here about 150), the absolute loss's does not: 2.15 against 0.0226
# on these data, so an alpha that suits one loss can zero the other.
heading("alpha_max: the smallest alpha giving all zeros")
for loss in ("squared", "absolute"):
    print(f"  {loss:>8} loss: {lad.alpha_max(X, y, loss=loss):.4g}")

# %%
# The Lasso
# ---------
heading("LassoL1(alpha=0.5): the Lasso")
alpha = 0.5
model = LassoL1(alpha=alpha, tol=1e-10).fit(X, y)
print(f"intercept: {model.intercept_:.4f}")
for name, c in zip(names, model.coef_, strict=True):
    print(f"  {name:>4}  {c:9.3f}")

# %%
# The sparsity report: support, certificate (duality gap) and an independent KKT
# check. ``feature_names`` labels the coefficients (a DataFrame ``X`` does it alone).
heading("Its sparsity report")
print(model.sparsity_report(feature_names=names))

# %%
# Same alpha, same optimum as scikit-learn's Lasso.
heading("Against scikit-learn's Lasso at the same alpha")
reference = Lasso(alpha=alpha, tol=1e-10).fit(X, y)
ours = objective(X, y, model.coef_, model.intercept_, alpha=alpha)
theirs = objective(X, y, reference.coef_, reference.intercept_, alpha=alpha)
print(f"objective  lad: {ours:.10f}   scikit-learn: {theirs:.10f}")
print(f"max |coef difference|: {np.abs(model.coef_ - reference.coef_).max():.2e}")

# %%
# LAD-Lasso
# ---------
# Mean absolute error plus the same penalty, robust to outliers in y. Its
# certificate is exact: the duality gap comes from an explicit dual LP point.
heading("LADRegressor(alpha=0.002): the LAD-Lasso")
lad_model = LADRegressor(alpha=0.002).fit(X, y)
print(lad_model.sparsity_report(feature_names=names))

# %%
# What the report's lines mean: ``explain()`` glosses each one.
heading("What each line of the report means")
print(lad_model.sparsity_report().explain())
