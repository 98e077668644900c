"""Deterministic benchmark problems (fixed seeds), full and ``--quick`` sizes.

Each :class:`Problem` is built lazily (``problem.build()``) so only one large design
matrix is in memory at a time. ``kind`` says how solvers are called and scored:

- ``"fit"``: one alpha; the score is the objective at that alpha.
- ``"path"``: a grid of alphas; the score is the objective at every alpha.
- ``"cv"`` / ``"grid"``: cross-validation end to end; the score is the objective of
  the refitted model at the alpha it selected.

``l1_ratio`` and ``penalty`` (``p -> penalty factors``) give the full penalty
``alpha * sum_j pf_j (l1_ratio |w_j| + (1 - l1_ratio) / 2 w_j^2)``; ``alpha_max`` and
every objective are computed with them.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold

import lad
from lad.datasets import make_sparse_regression

CV = KFold(5)


@dataclass
class Problem:
    name: str
    kind: str  # "fit", "path", "cv", "grid"
    loss: str  # "squared" or "absolute"
    make: object  # () -> (X, y)
    alpha_div: float = 0.0  # alpha = alpha_max / alpha_div (0 means alpha = 0)
    n_alphas: int = 0  # grid kinds: alphas = alpha_max * logspace(0, -log10(eps))
    eps: float = 1e-3
    quantile: float = 0.5
    l1_ratio: float = 1.0
    penalty: object = None  # p -> penalty factors (None: all ones)
    data: dict = field(default_factory=dict)

    def build(self):
        """Generate the data and the alpha (or alphas) of the problem."""
        X, y = self.make()
        pf = None if self.penalty is None else self.penalty(X.shape[1])
        amax = lad.alpha_max(
            X, y, loss=self.loss, l1_ratio=self.l1_ratio, penalty_factor=pf
        )
        self.data = {"X": X, "y": y, "alpha_max": amax}
        self.data.update(l1_ratio=self.l1_ratio, penalty_factor=pf)
        if self.kind == "fit":
            self.data["alpha"] = amax / self.alpha_div if self.alpha_div else 0.0
        else:
            exps = np.linspace(0, np.log10(self.eps), self.n_alphas)
            self.data["alphas"] = amax * 10.0**exps
        return self

    def release(self):
        self.data = {}


def toeplitz(n, p, rho, k, seed):
    X, y, _ = make_sparse_regression(
        n, p, n_informative=k, correlation=rho, random_state=seed
    )
    return X, y


def unit_sd(make):
    """``y`` centred to population sd 1: glmnet divides ``y`` by its sd (1/n)
    internally, which rescales the ridge part of an elastic net unless sd(y) = 1."""

    def made():
        X, y = make()
        return X, (y - y.mean()) / y.std()

    return made


def factors(n_free, share2, seed):
    """Penalty factors: the first ``n_free`` 0 (unpenalised), then 1 except a random
    ``share2`` of the rest at 2."""

    def pf(p):
        rng = np.random.default_rng(seed)
        out = np.ones(p)
        out[:n_free] = 0.0
        rest = np.arange(n_free, p)
        out[rng.choice(rest, int(round(share2 * rest.size)), replace=False)] = 2.0
        return out

    return pf


def sparse_gaussian(n, p, density, k, seed):
    """CSR with standard-normal entries, ``k`` true coefficients, t(2) noise: the
    wide sparse LAD-Lasso a new user tries first."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=seed,
                  data_rvs=rng.standard_normal)  # fmt: skip
    w = np.zeros(p)
    w[:k] = 2.0 * rng.standard_normal(k)
    return X, X @ w + rng.standard_t(2, n)


def diabetes():
    """scikit-learn's bundled diabetes data (442 x 10), as a new user meets it."""
    from sklearn.datasets import load_diabetes

    return load_diabetes(return_X_y=True)


def heavy_tailed(n, p, k, seed):
    """Student-t(2) noise and 5% gross outliers in ``y``."""
    X, y, _ = make_sparse_regression(
        n, p, n_informative=k, noise_df=2, outliers=0.05, random_state=seed
    )
    return X, y


def tfidf_csc(n, p, density, k, seed):
    """Non-negative tf-idf-like CSC matrix with roughly ``density * n * p`` entries.

    ``scipy.sparse.random`` draws from all ``n * p`` positions, which does not fit in
    memory at these sizes; drawing (row, column) per non-zero is equivalent up to
    duplicates (summed). Columns get Zipf-like document frequencies.
    """
    rng = np.random.default_rng(seed)
    nnz = int(n * p * density)
    weights = 1.0 / np.arange(1, p + 1) ** 0.5
    cols = rng.choice(p, nnz, p=weights / weights.sum())
    rows = rng.integers(0, n, nnz)
    vals = rng.exponential(1.0, nnz)
    X = sp.csc_matrix((vals, (rows, cols)), shape=(n, p))
    X.sum_duplicates()
    idf = np.log((1 + n) / (1 + np.diff(X.indptr)))
    X = (X @ sp.diags(idf)).tocsc()
    X.sort_indices()
    w = np.zeros(p)
    support = rng.choice(min(p, 2000), k, replace=False)  # among frequent terms
    w[support] = rng.choice([-1.0, 1.0], k) * rng.uniform(1, 2, k)
    y = X @ w + 0.5 * rng.standard_normal(n)
    return X, np.asarray(y).ravel()


def problems(quick=False):
    """The list of problems; ``quick`` keeps the structure with smaller sizes."""

    def size(full, small):
        return small if quick else full

    out = []
    n, p = size((2000, 5000), (500, 1250))
    for div in (20, 100):
        out.append(
            Problem(
                f"lasso dense {n}x{p} rho=0.5 amax/{div}",
                "fit",
                "squared",
                lambda n=n, p=p: toeplitz(n, p, 0.5, 50, 0),
                alpha_div=div,
            )
        )
    n, p = size((2000, 5000), (500, 1250))
    out.append(
        Problem(
            f"enet dense {n}x{p} rho=0.5 l1_ratio=0.5 amax/20 sd(y)=1",
            "fit",
            "squared",
            unit_sd(lambda n=n, p=p: toeplitz(n, p, 0.5, 50, 10)),
            alpha_div=20,
            l1_ratio=0.5,
        )
    )
    n, p = size((1000, 2000), (250, 500))
    out.append(
        Problem(
            f"lasso penalty_factor dense {n}x{p} rho=0.5 amax/10 pf 0 x5, 2 x10%",
            "fit",
            "squared",
            lambda n=n, p=p: toeplitz(n, p, 0.5, 20, 11),
            alpha_div=10,
            penalty=factors(5, 0.1, 12),
        )
    )
    n, p = size((20000, 200000), (5000, 50000))
    out.append(
        Problem(
            f"lasso csc tf-idf {n}x{p} d=5e-4 amax/20",
            "fit",
            "squared",
            lambda n=n, p=p: tfidf_csc(n, p, 5e-4, 50, 1),
            alpha_div=20,
        )
    )
    n = size(1_000_000, 100_000)
    out.append(
        Problem(
            f"lasso tall {n}x100 amax/100",
            "fit",
            "squared",
            lambda n=n: toeplitz(n, 100, 0.5, 10, 2),
            alpha_div=100,
        )
    )
    n, p = size((5000, 1000), (1000, 200))
    out.append(
        Problem(
            f"lasso path {n}x{p} 100 alphas to amax/1000",
            "path",
            "squared",
            lambda n=n, p=p: toeplitz(n, p, 0.5, 20, 3),
            n_alphas=100,
            eps=1e-3,
        )
    )
    n, p = size((5000, 500), (1000, 100))
    out.append(
        Problem(
            f"lasso 5-fold CV {n}x{p} 100 alphas",
            "cv",
            "squared",
            lambda n=n, p=p: toeplitz(n, p, 0.5, 20, 4),
            n_alphas=100,
            eps=1e-3,
        )
    )
    n, p = size((10000, 50), (2000, 50))
    out.append(
        Problem(
            f"lad t(2)+5% outliers {n}x{p}",
            "fit",
            "absolute",
            lambda n=n, p=p: heavy_tailed(n, p, 10, 5),
        )
    )
    n = size(1_000_000, 20_000)
    out.append(
        Problem(
            f"lad tall t(2)+5% outliers {n}x20",
            "fit",
            "absolute",
            lambda n=n: heavy_tailed(n, 20, 10, 6),
        )
    )
    n = size(10_000_000, 50_000)
    out.append(
        Problem(
            f"lad tall t(2)+5% outliers {n}x20",
            "fit",
            "absolute",
            lambda n=n: heavy_tailed(n, 20, 10, 16),
        )
    )
    n, p = size((2000, 1000), (500, 250))
    out.append(
        Problem(
            f"lad-lasso wide {n}x{p} amax/10",
            "fit",
            "absolute",
            lambda n=n, p=p: heavy_tailed(n, p, 20, 7),
            alpha_div=10,
        )
    )
    n, p = size((2000, 5000), (500, 1250))
    out.append(
        Problem(
            f"lad-lasso sparse wide {n}x{p} csr d=0.01 0.19 amax",
            "fit",
            "absolute",
            lambda n=n, p=p: sparse_gaussian(n, p, 0.01, 20, 17),
            alpha_div=1 / 0.19,
        )
    )
    out.append(
        Problem(
            "lad 5-fold CV diabetes 442x10 100 alphas",
            "cv",
            "absolute",
            diabetes,
            n_alphas=100,
            eps=1e-3,
        )
    )
    n, p = size((5000, 500), (1000, 100))
    out.append(
        Problem(
            f"GridSearchCV lasso {n}x{p} 20 alphas x 5 folds n_jobs=2",
            "grid",
            "squared",
            lambda n=n, p=p: toeplitz(n, p, 0.5, 20, 8),
            n_alphas=20,
            eps=1e-2,
        )
    )
    n, p = size((2000, 50), (500, 20))
    out.append(
        Problem(
            f"GridSearchCV lad {n}x{p} 20 alphas x 5 folds n_jobs=2",
            "grid",
            "absolute",
            lambda n=n, p=p: heavy_tailed(n, p, 5, 9),
            n_alphas=20,
            eps=1e-2,
        )
    )
    return out
