"""
=======================================
LAD against least squares with outliers
=======================================

Gross errors in ``y`` drag a least-squares line towards them; the least absolute
deviations fit (:class:`lad.LADRegressor`) is unaffected as long as the outliers stay
on the same side of it. Both fits below use the same data: a line with heavy-tailed
noise and 10 % of the targets shifted far upwards.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression

from lad import LADRegressor

rng = np.random.default_rng(0)
n = 200
x = rng.uniform(0, 10, n)
y = 1.5 * x + 2.0 + rng.standard_t(3, n)
outliers = rng.choice(n, n // 10, replace=False)
y[outliers] += rng.uniform(20, 40, outliers.size)
X = x[:, None]

ols = LinearRegression().fit(X, y)
lad = LADRegressor().fit(X, y)
print("true line      : slope 1.500, intercept 2.000")
print(f"least squares  : slope {ols.coef_[0]:.3f}, intercept {ols.intercept_:.3f}")
print(f"LAD            : slope {lad.coef_[0]:.3f}, intercept {lad.intercept_:.3f}")
print(f"LAD certified duality gap: {lad.dual_gap_:.2e}")

# %%
# Moving the outliers further away changes nothing in the LAD fit: only the signs of
# their residuals enter its optimality conditions.
y_far = y.copy()
y_far[outliers] += 1000.0
lad_far = LADRegressor().fit(X, y_far)
ols_far = LinearRegression().fit(X, y_far)
print(f"outliers +1000 : LAD slope {lad_far.coef_[0]:.3f}, "
      f"least-squares slope {ols_far.coef_[0]:.3f}")  # fmt: skip

# %%
grid = np.linspace(0, 10, 100)[:, None]
fig, ax = plt.subplots(figsize=(6, 4))
inliers = np.setdiff1d(np.arange(n), outliers)
ax.scatter(x[inliers], y[inliers], s=10, color="0.6", label="data")
ax.scatter(x[outliers], y[outliers], s=14, color="tab:red", label="outliers")
ax.plot(grid, 1.5 * grid + 2.0, "k:", label="true line")
ax.plot(grid, ols.predict(grid), color="tab:orange", label="least squares")
ax.plot(grid, lad.predict(grid), color="tab:blue", label="LAD")
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend()
ax.set_title("LAD is not pulled by outliers in y")
fig.tight_layout()
plt.show()
