"""The centred weighted Gram matrix ``Xc' S Xc`` (covariance mode) and when to build it.

Covariance mode trades one BLAS product (about ``n p^2`` flops, some ``p / 40``
passes over ``X`` at BLAS speed) for coordinate steps that cost O(p) per changed
coordinate and never touch ``X`` again. The matrix is built from ``X`` in whatever
layout it arrives in, so covariance mode never copies ``X``.
"""

import warnings

import numpy as np
from scipy.linalg.blas import dsyrk

# precompute="auto": a path (many solves) amortises the Gram whenever n > p, as in
# scikit-learn's lasso_path; a single fit only when it is cheap next to the handful
# of passes a working-set solve makes. Above GRAM_MAX_FEATURES the matrix itself
# (8 p^2 bytes) would dominate memory.
GRAM_MAX_FEATURES = 4096
GRAM_SINGLE_MAX_FEATURES = 400
GRAM_SINGLE_MIN_RATIO = 4
# Rows per block when centring block by block, to bound the scratch memory.
_GRAM_BLOCK = 4096
# Centring after the product is exact to ~eps * m^2 / var; allow m^2 <= 100 var.
_MAX_MEAN_TO_VAR = 100.0
_EPS = float(np.finfo(np.float64).eps)


def gram_pays(n_samples, n_features, *, n_solves=1):
    """Whether ``precompute="auto"`` builds the Gram matrix for a dense design."""
    if n_features > GRAM_MAX_FEATURES or n_samples <= n_features:
        return False
    if n_solves > 1:
        return True
    return (
        n_features <= GRAM_SINGLE_MAX_FEATURES
        and n_samples >= GRAM_SINGLE_MIN_RATIO * n_features
    )


def gram_stats(X, sw, fit_intercept):
    """``(xmean, col_sq, gram)`` of ``X`` in any layout, without copying it.

    Unit weights take one product ``X'X`` and centre afterwards when that is exact
    enough (:func:`centre_products`); weights or large column offsets take the
    blocked centred product.
    """
    n_samples = X.shape[0]
    if not sw.shape[0]:
        stats = centre_products(
            np.ascontiguousarray(X.T @ X), X.T @ np.ones(n_samples), X, fit_intercept
        )
        if stats is not None:
            return stats
    if not fit_intercept:
        xmean = np.zeros(X.shape[1])
    elif sw.shape[0]:
        xmean = (sw @ X) / n_samples
    else:
        xmean = (X.T @ np.ones(n_samples)) / n_samples
    gram = centred_gram(X, sw, xmean)
    col_sq = np.diag(gram).copy()
    if fit_intercept:
        # A constant column c keeps n (c - mean)^2 of rounding in its centred norm
        # (the summed mean is off by at most ~n eps |c|); the few columns that small
        # get the exact test.
        bound = n_samples * (4.0 * n_samples * _EPS * np.abs(xmean)) ** 2
        _zero_constant_columns(X, col_sq, col_sq <= bound)
    return xmean, col_sq, gram


def centre_products(gram, col_sums, X, fit_intercept):
    """Centre an uncentred ``gram = X'X`` (modified in place) given ``X'1``.

    ``X`` (the same rows) serves only the exact test of near-constant columns.
    Centring after the product cancels ``n m_j^2`` against ``x_j'x_j``; the
    rounding left is about ``eps * m_j^2 / var_j`` relative, so the result is
    returned only when every non-constant column has ``m_j^2 <= 100 var_j``
    (error ~1e-14). Returns ``(xmean, col_sq, gram)`` or None.
    """
    n_samples = X.shape[0]
    if not fit_intercept:
        return np.zeros(gram.shape[0]), np.diag(gram).copy(), gram
    xmean = col_sums / n_samples
    msq = n_samples * xmean * xmean
    col_sq = np.diag(gram) - msq
    _zero_constant_columns(X, col_sq, col_sq <= 64.0 * n_samples * _EPS * msq)
    if np.any((col_sq != 0.0) & (msq > _MAX_MEAN_TO_VAR * col_sq)):
        return None
    gram -= n_samples * np.outer(xmean, xmean)
    np.fill_diagonal(gram, col_sq)
    return xmean, col_sq, gram


class FoldGrams:
    """Gram matrices of many row subsets (CV folds) from one product over all rows.

    ``X'X`` and ``X'1`` are computed once; a fold's training Gram is the total minus
    the product over its held-out rows, ``n_test p^2`` flops instead of
    ``n_train p^2``. Unit weights only (the caller falls back otherwise).
    """

    def __init__(self, X):
        self.X = X
        self.gram = np.ascontiguousarray(X.T @ X)
        self.col_sums = X.T @ np.ones(X.shape[0])

    def stats(self, train, test, fit_intercept):
        """``(X[train], (xmean, col_sq, gram))``; an empty ``test`` means all rows."""
        if test.size == 0:
            stats = centre_products(
                self.gram.copy(), self.col_sums, self.X, fit_intercept
            )
            return self.X, stats or gram_stats(self.X, np.empty(0), fit_intercept)
        X_tr = self.X[train]
        X_te = self.X[test]
        gram = self.gram - X_te.T @ X_te
        col_sums = self.col_sums - X_te.T @ np.ones(X_te.shape[0])
        stats = centre_products(gram, col_sums, X_tr, fit_intercept)
        if stats is None:
            stats = gram_stats(X_tr, np.empty(0), fit_intercept)
        return X_tr, stats


def _zero_constant_columns(X, col_sq, candidates):
    for j in np.flatnonzero(candidates):
        col = X[:, j]
        if np.all(col == col[0]):
            col_sq[j] = 0.0


def centred_gram(X, sw, xmean, block_rows=_GRAM_BLOCK):
    """``(X - xmean)' S (X - xmean)`` by blocks of ``block_rows`` rows."""
    # Rank-k updates on the upper triangle (BLAS syrk, half the flops of X'X),
    # block by block so centring never copies all of X.
    n_samples, n_features = X.shape
    gram = np.zeros((n_features, n_features), order="F")
    for start in range(0, n_samples, block_rows):
        block = X[start : start + block_rows] - xmean  # keeps X's layout
        if sw.shape[0]:
            block *= np.sqrt(sw[start : start + block_rows])[:, None]
        if block.flags.f_contiguous:
            gram = dsyrk(1.0, block, beta=1.0, c=gram, trans=1, overwrite_c=1)
        else:  # a C-ordered block is the F-ordered transpose: syrk without trans
            gram = dsyrk(1.0, block.T, beta=1.0, c=gram, trans=0, overwrite_c=1)
    upper = np.triu(gram)
    return np.ascontiguousarray(upper + np.triu(upper, 1).T)


def user_gram(design, sw, xmean, precompute):
    """Check a user's Gram matrix as scikit-learn does; recompute it if X is centred."""
    gram = np.array(precompute, dtype=np.float64, order="C")
    p = design.shape[1]
    if gram.shape != (p, p):
        raise ValueError(
            f"precompute should be a Gram matrix of shape ({p}, {p}); "
            f"got shape {gram.shape}."
        )
    if not np.all(np.isfinite(gram)):
        raise ValueError("The precomputed Gram matrix contains NaN or infinity.")
    if np.any(xmean != 0.0):
        warnings.warn(
            "Gram matrix was provided but X was centered to fit intercept: "
            "recomputing Gram matrix.",
            UserWarning,
            stacklevel=4,
        )
        return centred_gram(design.X, sw, xmean)
    # A cheap sanity check of one column, as scikit-learn does.
    X = design.X
    xs = X * np.sqrt(sw)[:, None] if sw.shape[0] else X
    j = p - 1
    expected = xs.T @ xs[:, j]
    atol = 1e-10 * (1.0 + np.abs(expected).max())
    if not np.allclose(gram[:, j], expected, rtol=1e-4, atol=atol):
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass "
            f"validation when a single column was checked (column {j})."
        )
    return gram
