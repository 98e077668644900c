"""The synthetic data generator."""

import numpy as np
import pytest

from lad.datasets import make_sparse_regression


def test_shapes_support_and_determinism():
    X, y, coef = make_sparse_regression(40, 12, n_informative=4, random_state=0)
    assert X.shape == (40, 12) and y.shape == (40,) and coef.shape == (12,)
    assert np.count_nonzero(coef) == 4
    X2, y2, _ = make_sparse_regression(40, 12, n_informative=4, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_correlation_and_outliers():
    X, y, coef = make_sparse_regression(
        20000,
        3,
        n_informative=2,
        correlation=0.6,
        noise=0.1,
        outliers=0.1,
        random_state=1,
    )
    assert np.corrcoef(X[:, 0], X[:, 1])[0, 1] == pytest.approx(0.6, abs=0.03)
    gross = np.abs(y - X @ coef) > 1.0
    assert gross.mean() == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(n_informative=30),
        dict(correlation=1.0),
        dict(outliers=1.5),
        dict(n_samples=0),
    ],  # fmt: skip
)
def test_invalid_arguments(kwargs):
    with pytest.raises(ValueError):
        make_sparse_regression(**{"n_samples": 10, "n_features": 5, **kwargs})


def test_engel_data_is_statsmodels_copy():
    from statsmodels.datasets import engel

    from lad.datasets import load_engel

    X, y = load_engel()
    d = engel.load_pandas().data
    np.testing.assert_array_equal(X[:, 0], d["income"].to_numpy())
    np.testing.assert_array_equal(y, d["foodexp"].to_numpy())
