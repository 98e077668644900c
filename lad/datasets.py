"""Synthetic regression problems with sparse truth, correlated features and outliers,
and Engel's classic data set (a small file shipped with the package)."""

from importlib import resources

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["load_engel", "make_sparse_regression"]


def load_engel():
    """Load Engel's food expenditure data: 235 households' income and food spending.

    The data of Koenker and Bassett's quantile regressions (Engel, 1857), as
    distributed with R's quantreg and statsmodels: annual household income and
    food expenditure of Belgian working-class households, in Belgian francs.

    Returns
    -------
    X : ndarray of shape (235, 1)
        Household income.
    y : ndarray of shape (235,)
        Food expenditure.

    Examples
    --------
    >>> from lad.datasets import load_engel
    >>> X, y = load_engel()
    >>> X.shape, y.shape
    ((235, 1), (235,))
    """
    text = resources.files("lad").joinpath("data/engel.csv").read_text()
    data = _read_csv(text)
    return data[:, :1].copy(), data[:, 1].copy()


def _read_csv(text):
    # A header line after the comments; plain floats, no quoting.
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return np.array([[float(v) for v in line.split(",")] for line in rows[1:]])


def make_sparse_regression(
    n_samples=100,
    n_features=20,
    *,
    n_informative=None,
    correlation=0.0,
    noise=1.0,
    noise_df=None,
    outliers=0.0,
    outlier_scale=20.0,
    bias=0.0,
    random_state=None,
):
    """Generate a linear regression problem with a sparse true coefficient vector.

    Rows of ``X`` are Gaussian with Toeplitz covariance ``correlation**|i-j|``; the
    ``n_informative`` non-zero coefficients are spread evenly over the columns with
    alternating signs and magnitudes in [1, 2]. The noise is Gaussian, or Student-t
    with ``noise_df`` degrees of freedom; a fraction ``outliers`` of the targets is
    shifted by ``outlier_scale`` times the noise level (gross errors in ``y``).

    Parameters
    ----------
    n_samples : int, default=100
        Number of rows.
    n_features : int, default=20
        Number of columns.
    n_informative : int, default=None
        Number of non-zero true coefficients (at most ``n_features``); ``None``
        means ``min(5, n_features)``.
    correlation : float, default=0.0
        Toeplitz correlation between neighbouring features, in [0, 1).
    noise : float, default=1.0
        Scale of the noise.
    noise_df : float or None, default=None
        Degrees of freedom of Student-t noise; ``None`` means Gaussian.
    outliers : float, default=0.0
        Fraction of samples whose target gets a gross error, in [0, 1].
    outlier_scale : float, default=20.0
        Size of the gross errors, in units of ``noise``.
    bias : float, default=0.0
        Intercept of the true model.
    random_state : int, RandomState instance or None, default=None
        Seed for reproducible data.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Design matrix.
    y : ndarray of shape (n_samples,)
        Target.
    coef : ndarray of shape (n_features,)
        The true coefficients.

    Examples
    --------
    >>> from lad.datasets import make_sparse_regression
    >>> X, y, coef = make_sparse_regression(n_samples=50, n_features=10,
    ...                                     n_informative=2, random_state=0)
    >>> X.shape, int((coef != 0).sum())
    ((50, 10), 2)
    """
    if n_samples < 1 or n_features < 1:
        raise ValueError("n_samples and n_features must be at least 1.")
    if n_informative is None:
        n_informative = min(5, n_features)
    if not 0 <= n_informative <= n_features:
        raise ValueError("n_informative must be in [0, n_features].")
    if not 0.0 <= correlation < 1.0:
        raise ValueError("correlation must be in [0, 1).")
    if not 0.0 <= outliers <= 1.0:
        raise ValueError("outliers must be in [0, 1].")
    rng = check_random_state(random_state)
    X = rng.standard_normal((n_samples, n_features))
    if correlation > 0:
        # AR(1) recursion across columns gives the Toeplitz covariance rho^|i-j|
        # without forming a p x p matrix.
        scale = np.sqrt(1.0 - correlation**2)
        for j in range(1, n_features):
            X[:, j] = correlation * X[:, j - 1] + scale * X[:, j]
    coef = np.zeros(n_features)
    if n_informative:
        idx = np.linspace(0, n_features - 1, n_informative).round().astype(int)
        signs = np.where(np.arange(n_informative) % 2 == 0, 1.0, -1.0)
        coef[idx] = signs * rng.uniform(1.0, 2.0, n_informative)
    if noise_df is None:
        eps = rng.standard_normal(n_samples)
    else:
        eps = rng.standard_t(noise_df, n_samples)
    y = X @ coef + bias + noise * eps
    n_out = int(round(outliers * n_samples))
    if n_out:
        rows = rng.choice(n_samples, n_out, replace=False)
        y[rows] += outlier_scale * noise * rng.choice([-1.0, 1.0], n_out)
    return X, y, coef
