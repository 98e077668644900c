"""
Engel's food expenditure: coefficient table and quantile process
================================================================

Koenker and Bassett's classic example. Food expenditure rises with income, but
its spread rises too: the upper quantiles of spending grow faster with income
than the lower ones. A least-squares fit reports one slope; quantile regression
reports one per quantile, each with its standard error. The table below is the
one R's ``summary(rq(foodexp ~ income, tau = 0.5), se = "nid")`` prints, and the
figure is quantreg's ``plot(summary(rq(..., tau = 1:19 / 20)))``.
"""

import matplotlib.pyplot as plt
import numpy as np

from lad import LADRegressor, plot_quantile_process
from lad.datasets import load_engel

X, y = load_engel()

median = LADRegressor(quantile=0.5).fit(X, y)
print(median.summary(X, y, se="nid"))
print()
for q in (0.1, 0.9):
    table = LADRegressor(quantile=q).fit(X, y).summary(X, y, se="nid")
    low, high = table.conf_int[1]
    print(f"q = {q}: slope {table.coef[1]:.4f}, 95% interval [{low:.4f}, {high:.4f}]")

axes = plot_quantile_process(X, y, quantiles=np.arange(0.05, 0.96, 0.05))
ols = np.polyfit(X[:, 0], y, 1)
axes[1].axhline(ols[0], color="tab:blue", linewidth=1, label="least squares")
axes[1].legend(fontsize="small", frameon=False)
axes[1].set_title("income (slope)")
plt.show()
