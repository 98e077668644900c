"""Input validation and kernel-input normalisation.

This is the only module that imports private scikit-learn helpers, so a change in
scikit-learn's internals touches one file. Everything that reaches a kernel passes
through :func:`as_kernel_inputs`: float64, a fixed layout, int32 sparse indices and
read-only views, so each kernel compiles exactly one signature.
"""

import functools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import (  # noqa: F401  (re-exported)
    Interval,
    StrOptions,
)
from sklearn.utils.validation import _check_sample_weight, check_array, validate_data

__all__ = [
    "Interval",
    "StrOptions",
    "DenseDesign",
    "CSCDesign",
    "check_params",
    "validate_fit_data",
    "validate_predict_data",
    "validate_path_data",
    "as_kernel_inputs",
    "normalized_weights",
    "full_weights",
    "readonly",
]


@dataclass(frozen=True)
class DenseDesign:
    """A dense design matrix ready for the kernels (float64, F-ordered, read-only)."""

    X: np.ndarray

    @property
    def shape(self):
        """Return ``(n_samples, n_features)``."""
        return self.X.shape

    def matvec(self, w):
        """Return ``X @ w``."""
        return self.X @ w

    def rmatvec(self, v):
        """Return ``X.T @ v``."""
        return self.X.T @ v


@dataclass(frozen=True)
class CSCDesign:
    """A canonical CSC matrix as read-only arrays (float64 data, int32 indices)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple

    @functools.cached_property
    def matrix(self):
        """The SciPy CSC matrix over the same arrays (built once: a small fit asks
        for it a few dozen times, and each construction checks its indices)."""
        return sp.csc_matrix(
            (self.data, self.indices, self.indptr), shape=self.shape, copy=False
        )

    def matvec(self, w):
        """Return ``X @ w``."""
        return self.matrix @ w

    def rmatvec(self, v):
        """Return ``X.T @ v``."""
        return self.matrix.T @ v


def check_params(estimator):
    """Validate constructor parameters against ``estimator._parameter_constraints``."""
    estimator._validate_params()


def readonly(a):
    """A read-only view of ``a``: kernels then see one fixed array type."""
    view = a.view()
    view.flags.writeable = False
    return view


def validate_fit_data(estimator, X, y, sample_weight=None, *, multi_output=True):
    """Validate ``X``, ``y`` and ``sample_weight`` for ``fit``, in scikit-learn's style.

    Returns ``(X, y, sample_weight)``: X as a float32/float64 array or CSC/CSR matrix
    (its dtype is the dtype of the fitted attributes), ``y`` as float64 of shape
    (n_samples,) or (n_samples, n_targets), and ``sample_weight`` as float64 or None.
    Raises ``ValueError`` for non-finite, complex, empty or misshaped input, and for
    negative weights or weights that sum to zero.
    """
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse=["csc", "csr"],
        dtype=[np.float64, np.float32],
        multi_output=multi_output,
        y_numeric=True,
    )
    y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    if y.ndim == 2 and y.shape[1] == 0:
        raise ValueError("y has 0 target columns; at least one is required.")
    if sample_weight is not None:
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        total = sample_weight.sum()
        if not total > 0:
            raise ValueError(
                "The sample weights sum to zero: at least one sample needs a "
                "positive weight."
            )
    return X, y, sample_weight


def validate_path_data(X, y, sample_weight=None):
    """Validate inputs of the path functions (no estimator): X, 1-D y, weights."""
    X = check_array(X, accept_sparse=["csc", "csr"], dtype=[np.float64, np.float32])
    y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D; got shape {y.shape}.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X and y have inconsistent numbers of samples: {X.shape[0]} and "
            f"{y.shape[0]}."
        )
    if sample_weight is not None:
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
    return X, y, sample_weight


def validate_predict_data(estimator, X):
    """Validate ``X`` for ``predict`` (no reset of ``n_features_in_``)."""
    return validate_data(
        estimator,
        X,
        accept_sparse=["csr", "csc"],
        dtype=[np.float64, np.float32],
        reset=False,
    )


def full_weights(sample_weight, n_samples):
    """Weights rescaled to sum to ``n_samples``, as a full float64 vector."""
    if sample_weight is None:
        return np.ones(n_samples)
    sw = np.asarray(sample_weight, dtype=np.float64)
    return np.ascontiguousarray(sw * (n_samples / sw.sum()))


def normalized_weights(sample_weight, n_samples):
    """Weights rescaled to sum to ``n_samples`` as a read-only float64 array.

    ``None`` becomes an empty array, which the kernels read as unit weights.
    """
    if sample_weight is None:
        return readonly(np.empty(0))
    sw = np.asarray(sample_weight, dtype=np.float64)
    sw = sw * (n_samples / sw.sum())
    return readonly(np.ascontiguousarray(sw))


def as_kernel_inputs(X, *, fortran=True):
    """Return a :class:`DenseDesign` or :class:`CSCDesign` for a validated ``X``.

    Copies only when the dtype or layout must change (one copy at most). With
    ``fortran=False`` a contiguous dense float64 ``X`` is kept in its layout, for
    callers that defer the choice (covariance mode never needs F order). Sparse input
    becomes canonical CSC (duplicates summed) with int32 indices; a matrix whose
    indices do not fit int32 gets a clear ``ValueError``.

    A dense ``X`` of one row or one column is C- and F-contiguous at once, which
    Numba types as another layout (a second compiled signature of every dense
    kernel): such a matrix goes to the CSC kernels instead, where its size makes
    the layout irrelevant.
    """
    if not sp.issparse(X) and (X.shape[0] == 1 or X.shape[1] == 1):
        X = sp.csc_matrix(np.asarray(X, dtype=np.float64))
    if sp.issparse(X):
        X = X.tocsc()
        if not X.has_canonical_format:
            X = X.copy()
            X.sum_duplicates()
        limit = np.iinfo(np.int32).max
        if X.nnz > limit or max(X.shape) > limit:
            raise ValueError(
                "Sparse X is too large for 32-bit indices "
                f"(nnz={X.nnz}, shape={X.shape}); lad supports up to {limit}."
            )
        data = np.ascontiguousarray(X.data, dtype=np.float64)
        indices = np.ascontiguousarray(X.indices, dtype=np.int32)
        indptr = np.ascontiguousarray(X.indptr, dtype=np.int32)
        return CSCDesign(
            readonly(data), readonly(indices), readonly(indptr), tuple(X.shape)
        )
    if (
        fortran
        or X.dtype != np.float64
        or not (X.flags.c_contiguous or X.flags.f_contiguous)
    ):
        # A copy is needed anyway: make it the F-ordered one the kernels use, so a
        # later layout change cannot add a second copy.
        X = _fortran_float64(X)
    else:
        X = np.asarray(X, dtype=np.float64)
    return DenseDesign(readonly(X))


# A C -> F copy of a tall matrix by np.asfortranarray strides through memory one
# column at a time; copying blocks of rows that fit in cache is 3-10x faster.
_COPY_BLOCK_BYTES = 2**22


def _fortran_float64(X):
    """An F-ordered float64 version of ``X`` (``X`` itself when it already is one)."""
    X = np.asarray(X)
    if X.dtype == np.float64 and X.flags.f_contiguous:
        return X
    n, p = X.shape
    if not X.flags.c_contiguous or n * p < 2**20:
        return np.asfortranarray(X, dtype=np.float64)
    out = np.empty((n, p), dtype=np.float64, order="F")
    rows = max(256, _COPY_BLOCK_BYTES // (8 * max(p, 1)))
    for start in range(0, n, rows):
        out[start : start + rows] = X[start : start + rows]
    return out
