"""Passes over the rows of a design: all that the globbed solves ask of ``X``.

The preprocessing of :mod:`lad._solvers._globs` touches the full data only
through the methods of :class:`ArrayRows`: gather a few rows, compute the
residuals of a candidate fit (or its residuals over each row's prediction
spread) in one pass, and sum the weighted rows on either side of the band in
another. No pass allocates more than a block of rows beside its ``n``-vector
results, so an out-of-core or chunked array (dask) can serve the same methods
chunk by chunk.
"""

import numpy as np
import scipy.sparse as sp

# Bytes per block of a pass that needs a temporary as wide as X (the scores).
_BLOCK_BYTES = 2**23


class ArrayRows:
    """The rows of an in-memory design (ndarray or CSC/CSR), target and weights."""

    def __init__(self, X, y, sw):
        self.X = X
        self.y = y
        self.sw = sw
        self._csr = None

    @property
    def n(self):
        """Number of rows."""
        return self.X.shape[0]

    def _row_major(self):
        # Row gathers from CSC scan every column: convert once (nnz-sized).
        if sp.issparse(self.X) and self._csr is None:
            self._csr = self.X.tocsr()
        return self._csr if self._csr is not None else self.X

    def take(self, idx):
        """``(X[idx], y[idx], sw[idx])`` for sorted row indices ``idx``."""
        return self._row_major()[idx], self.y[idx], self.sw[idx]

    def residuals(self, coef, intercept):
        """``(y - X coef - intercept, X coef)``: one pass."""
        fitted = np.asarray(self.X @ coef).ravel()
        return self.y - fitted - intercept, fitted

    def scores(self, coef, intercept, root, offset):
        """``r_i / ||x_i' root + offset||`` for every row: the residual of a fit
        over the scale of its prediction error at row ``i`` (one pass: the fit
        and the spread come from one product per block)."""
        X = self._row_major()
        n = X.shape[0]
        k = root.shape[1]
        both = np.column_stack([root, coef])
        out = np.empty(n)
        step = max(1024, _BLOCK_BYTES // (8 * (k + 1)))
        for start in range(0, n, step):
            Z = np.asarray(X[start : start + step] @ both)
            Z[:, :k] += offset
            spread = np.sqrt(np.einsum("ij,ij->i", Z[:, :k], Z[:, :k]))
            r = self.y[start : start + step] - Z[:, k] - intercept
            out[start : start + step] = r / np.maximum(spread, 1e-300)
        return out

    def side_sums(self, sides):
        """``[(sum sw x, sum sw y, sum sw)]`` over the rows of each boolean mask in
        ``sides``, all in one pass over ``X``."""
        V = np.empty((len(sides), self.n))
        for k, mask in enumerate(sides):
            np.multiply(self.sw, mask, out=V[k])
        # V @ X (rows times a row-major or column-major X) is one BLAS product;
        # X.T @ V.T was twice as slow on a C-ordered X.
        xs = np.asarray(V @ self.X) if not sp.issparse(self.X) else (self.X.T @ V.T).T
        return [
            (xs[k], float(V[k] @ self.y), float(V[k].sum())) for k in range(len(sides))
        ]
