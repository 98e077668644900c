"""
===============================================
Pipelines, DataFrames and grid search
===============================================

:class:`lad.LADRegressor` and :class:`lad.LassoL1` are ordinary scikit-learn
regressors, so they drop into a :class:`~sklearn.pipeline.Pipeline` behind a
:class:`~sklearn.compose.ColumnTransformer` that scales the numeric columns of a
pandas DataFrame and one-hot encodes its categorical ones, and
:class:`~sklearn.model_selection.GridSearchCV` tunes their ``alpha``.

The data are a generated table of house-price-like records: five numeric and three
categorical columns, of which only some matter, with heavy-tailed noise and 8 % of
grossly wrong targets. The LAD-Lasso is compared on held-out data with a
least-squares pipeline and with the (squared-loss) Lasso, and the features it keeps
are listed by name.
"""

# %%
# A DataFrame with numeric and categorical columns
# ------------------------------------------------
# ``surface``, ``rooms`` and ``age`` and the ``district`` and ``heating`` categories
# drive the target; ``distance_to_park``, ``floor`` and ``facade_colour`` do not.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from lad import LADRegressor, LassoL1, alpha_max

rng = np.random.default_rng(0)
n = 800
df = pd.DataFrame(
    {
        "surface": rng.normal(90, 30, n).clip(20),
        "rooms": rng.integers(1, 7, n).astype(float),
        "age": rng.uniform(0, 80, n),
        "distance_to_park": rng.exponential(1.0, n),
        "floor": rng.integers(0, 10, n).astype(float),
        "district": rng.choice(["north", "south", "east", "west", "centre"], n),
        "heating": rng.choice(["gas", "electric", "heat pump"], n),
        "facade_colour": rng.choice(["white", "grey", "brick", "blue"], n),
    }
)
district_effect = {"north": 0, "south": -20, "east": 0, "west": 0, "centre": 60}
heating_effect = {"gas": 0, "electric": 0, "heat pump": 25}
signal = (
    100
    + 2.0 * df["surface"]
    + 10.0 * df["rooms"]
    - 0.8 * df["age"]
    + df["district"].map(district_effect)
    + df["heating"].map(heating_effect)
)
noise = 10 * rng.standard_t(2, n)
gross = rng.random(n) < 0.08
noise[gross] += rng.uniform(200, 600, gross.sum())  # overpriced listings
df["price"] = signal + noise

X, y = df.drop(columns="price"), df["price"]
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3,
                                                    random_state=0)  # fmt: skip
print(df.head().round(1).to_string())
print(f"{n} rows, {gross.sum()} gross errors in the target")

# %%
# The pipeline
# ------------
# ``set_output(transform="pandas")`` makes the ColumnTransformer return a DataFrame,
# so the regressor records the encoded column names in ``feature_names_in_`` and its
# sparsity report lists features by name. Pandas output needs dense blocks; with
# ``sparse_output=True`` and no ``set_output``, the ColumnTransformer may return a
# SciPy sparse matrix instead, which ``lad`` fits without densifying.
numeric = ["surface", "rooms", "age", "distance_to_park", "floor"]
categorical = ["district", "heating", "facade_colour"]
preprocess = ColumnTransformer(
    [
        ("num", StandardScaler(), numeric),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False),
         categorical),
    ],
    verbose_feature_names_out=False,
).set_output(transform="pandas")  # fmt: skip


def make_pipeline(regressor):
    return Pipeline([("prep", preprocess), ("model", regressor)])


# %%
# Grid search over alpha
# ----------------------
# The two losses put ``alpha`` on different scales, so each grid runs from the
# model's own :func:`lad.alpha_max` (every coefficient zero) down to a thousandth of
# it, computed once on the transformed training data. Both penalised models are
# tuned by 5-fold cross-validation on the mean absolute error, the natural score for
# a median regression and a fair one under gross errors. The least-squares pipeline
# has nothing to tune.
Z_train = preprocess.fit_transform(X_train)
relative = np.geomspace(1.0, 1e-3, 10)
alpha_maxes = {
    "LAD-Lasso": alpha_max(Z_train, y_train, loss="absolute"),
    "Lasso": alpha_max(Z_train, y_train, loss="squared"),
}
search = {}
for name, regressor in [("LAD-Lasso", LADRegressor()), ("Lasso", LassoL1())]:
    grid = {"model__alpha": alpha_maxes[name] * relative}
    search[name] = GridSearchCV(
        make_pipeline(regressor), grid, cv=5, scoring="neg_mean_absolute_error"
    ).fit(X_train, y_train)
ols = make_pipeline(LinearRegression()).fit(X_train, y_train)

# %%
# Held-out error, on all test rows and on the rows without a gross error (how well
# the typical price is predicted).
clean = ~gross[y_test.index]
print("\nheld-out mean absolute error           all rows  clean rows")
for name, model in [*search.items(), ("least squares", ols)]:
    err = np.abs(y_test - model.predict(X_test))
    best_alpha = getattr(model, "best_params_", {}).get("model__alpha")
    label = name
    if best_alpha is not None:
        label += f" (alpha={best_alpha / alpha_maxes[name]:.2g} alpha_max)"
    print(f"  {label:<35}  {err.mean():8.2f}  {err[clean].mean():10.2f}")

# %%
# Which features survive?
# -----------------------
# The best LAD pipeline, refit on the whole training set, keeps every informative
# column with a coefficient close to its true effect per standard deviation
# (surface about 60, rooms 17, age -18.5, centre +60, south -20, heat pump +25).
# The uninformative columns are dropped or get small coefficients: the alpha of
# minimum CV error favours prediction over sparsity. The sparsity report reads the
# names from the DataFrame produced by the ColumnTransformer; the same names come
# from its ``get_feature_names_out()``.
best = search["LAD-Lasso"].best_estimator_
lad_model = best.named_steps["model"]
print(lad_model.sparsity_report(top=20))

names = best.named_steps["prep"].get_feature_names_out()
dropped = [str(c) for c, w in zip(names, lad_model.coef_, strict=True) if w == 0]
print("dropped:", ", ".join(dropped))
lasso_model = search["Lasso"].best_estimator_.named_steps["model"]
print(
    f"Lasso keeps {np.count_nonzero(lasso_model.coef_)} of {names.size} "
    f"encoded features, LAD-Lasso keeps {np.count_nonzero(lad_model.coef_)}"
)

# %%
# Cross-validated error against alpha
# -----------------------------------
# ``cv_results_`` holds the mean and spread of the fold scores for every alpha.
# The outliers inflate the Lasso's error at every alpha; the LAD-Lasso's curve is
# lower and flat around its optimum.
fig, ax = plt.subplots(figsize=(7, 4))
for name, gs in search.items():
    res = gs.cv_results_
    line = ax.errorbar(relative, -res["mean_test_score"], yerr=res["std_test_score"],
                       fmt="o-", markersize=3, capsize=2, label=name)  # fmt: skip
    best = gs.best_params_["model__alpha"] / alpha_maxes[name]
    ax.axvline(best, color=line[0].get_color(), linestyle=":", linewidth=1)
ax.set_xscale("log")
ax.set_xlabel("alpha / alpha_max (dotted: best)")
ax.invert_xaxis()
ax.set_ylabel("CV mean absolute error")
ax.set_title("GridSearchCV over alpha (5 folds, mean +/- std)")
ax.legend()
fig.tight_layout()
plt.show()
