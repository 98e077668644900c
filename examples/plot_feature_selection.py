"""
=================================================
Feature selection with the sparsity report
=================================================

Twenty-five features, five of them informative, heavy-tailed noise and 10 % gross
outliers in ``y``. :class:`lad.LADRegressorCV` picks ``alpha`` with the
one-standard-error rule; its sparsity report tells which features survive, where
they entered the path, how stable the choice is across folds, and that the solution
is certified optimal. :class:`lad.LassoL1CV` on the same data is shown for contrast.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from lad import LADRegressorCV, LassoL1CV, plot_path
from lad.datasets import make_sparse_regression

X, y, coef_true = make_sparse_regression(
    n_samples=300, n_features=25, n_informative=5, correlation=0.3, noise_df=2,
    outliers=0.1, outlier_scale=30, random_state=1,
)  # fmt: skip
truth = set(np.flatnonzero(coef_true).tolist())
print("true support:", sorted(truth))

# %%
lad_cv = LADRegressorCV(n_alphas=30, cv=5, alpha_rule="1se").fit(X, y)
report = lad_cv.sparsity_report()
print(report)

# %%
# Reading the report programmatically: the support, and the features chosen in
# every fold (stability 1.0).
support = set(report.support.tolist())
stable = np.flatnonzero(lad_cv.selection_frequency_ == 1.0)
print("LAD selected   :", sorted(support))
print("stable in folds:", stable.tolist())
print(f"true positives {len(support & truth)}, false positives {len(support - truth)}")

# %%
lasso_cv = LassoL1CV(n_alphas=30, cv=5, alpha_rule="1se").fit(X, y)
lasso_support = set(np.flatnonzero(lasso_cv.coef_).tolist())
print(f"Lasso selected : {sorted(lasso_support)} "
      f"(true positives {len(lasso_support & truth)}, "
      f"false positives {len(lasso_support - truth)})")  # fmt: skip

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
plot_path(lad_cv, ax=axes[0])
axes[0].set_title("LAD-Lasso path")
plot_path(lasso_cv, ax=axes[1])
axes[1].set_title("Lasso path")
fig.tight_layout()
plt.show()
