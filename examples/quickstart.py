"""
==========
Quickstart
==========

Fit :class:`lad.LassoL1` and :class:`lad.LADRegressor` on scikit-learn's bundled
diabetes data, read their sparsity reports, and check that ``LassoL1`` reaches the
optimum of :class:`sklearn.linear_model.Lasso` with the same ``alpha``.
"""

# %%
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Lasso

from lad import LADRegressor, LassoL1
from lad.diagnostics import objective

data = load_diabetes()
X, y, names = data.data, data.target, data.feature_names
alpha = 0.5

model = LassoL1(alpha=alpha, tol=1e-10).fit(X, y)
print(model)
print(f"intercept: {model.intercept_:.4f}")
for name, c in zip(names, model.coef_, strict=True):
    print(f"  {name:>4}  {c:9.3f}")

# %%
# The sparsity report: support, certificate (duality gap) and an independent KKT check.
report = model.sparsity_report()
print(report)

# %%
# Same alpha, same optimum as scikit-learn's Lasso.
reference = Lasso(alpha=alpha, tol=1e-10).fit(X, y)
ours = objective(X, y, model.coef_, model.intercept_, alpha=alpha)
theirs = objective(X, y, reference.coef_, reference.intercept_, alpha=alpha)
print(f"objective  lad: {ours:.10f}   scikit-learn: {theirs:.10f}")
print(f"max |coef difference|: {np.abs(model.coef_ - reference.coef_).max():.2e}")

# %%
# LAD-Lasso: mean absolute error plus the same penalty, robust to outliers in y.
# Its certificate is exact: the duality gap comes from an explicit dual LP point.
lad_model = LADRegressor(alpha=0.02).fit(X, y)
print(lad_model)
print(lad_model.sparsity_report())
