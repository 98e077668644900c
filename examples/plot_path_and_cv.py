"""
===========================================
Regularization paths and cross-validation
===========================================

On scikit-learn's bundled diabetes data: the Lasso path of :func:`lad.lasso_path`,
then :class:`lad.LassoL1CV` and :class:`lad.LADRegressorCV` choosing ``alpha`` by
5-fold cross-validation, with the minimum-error and one-standard-error rules.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from lad import LADRegressorCV, LassoL1CV, lasso_path, plot_cv, plot_path

data = load_diabetes()
X = StandardScaler().fit_transform(data.data)
y = data.target
names = data.feature_names

# %%
# The path: features enter one by one as alpha decreases.
path = lasso_path(X, y, n_alphas=60)
order = path.entry_alphas.argsort()[::-1]
print("order of entry:", ", ".join(names[j] for j in order))

# %%
# ``verbose=1`` prints a line per fold and one for the final refit, so a long
# cross-validation shows its progress; in a notebook, ``verbose="progress"`` draws a
# progress bar instead (with tqdm installed).
lasso_cv = LassoL1CV(n_alphas=60, cv=5).fit(X, y)
lad_cv = LADRegressorCV(n_alphas=30, cv=5, verbose=1).fit(X, y)

# %%
for est in (lasso_cv, lad_cv):
    print(f"{type(est).__name__}: alpha_min = {est.alpha_min_:.4g}, "
          f"alpha_1se = {est.alpha_1se_:.4g}, "
          f"non-zeros at alpha_ = {int((est.coef_ != 0).sum())}")  # fmt: skip

# %%
fig, axes = plt.subplots(2, 2, figsize=(11, 8), layout="constrained")
plot_path(path, ax=axes[0, 0], feature_names=names, alpha=lasso_cv.alpha_)
plot_cv(lasso_cv, ax=axes[0, 1])
plot_path(lad_cv, ax=axes[1, 0], feature_names=names)
axes[1, 0].set_title("LAD-Lasso path (exact)")
plot_cv(lad_cv, ax=axes[1, 1])
plt.show()
