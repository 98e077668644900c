"""
==============================================
Sparse, high-dimensional text-like data
==============================================

Bag-of-words features are the typical sparse design: thousands of documents, tens
of thousands of terms, and only about one entry in a thousand non-zero.
:class:`lad.LassoL1` and :class:`lad.LADRegressor` fit a SciPy sparse matrix as it
is, intercept included, without ever building the dense array (here it would take
320 MB).

A synthetic corpus is drawn from a Zipf-distributed vocabulary and turned into
tf-idf features; a target depends on 30 of the 20 000 terms. The example times a
fit, checks which terms it recovers, recomputes its duality gap with
:func:`lad.diagnostics.duality_gap`, chooses ``alpha`` with :class:`lad.LassoL1CV`,
and finally adds gross errors to the target to compare the Lasso with the
LAD-Lasso.
"""

# %%
# A synthetic corpus
# ------------------
# 2000 documents of 30 tokens each, drawn from 20 000 pseudo-words whose
# frequencies follow Zipf's law (the ``k``-th most frequent term has probability
# proportional to ``1 / k^1.1``).
# :class:`~sklearn.feature_extraction.text.TfidfTransformer` turns the counts into
# l2-normalised tf-idf rows and keeps them in CSR format.
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

from lad import LADRegressor, LassoL1, LassoL1CV, alpha_max, plot_cv
from lad.diagnostics import duality_gap

rng = np.random.default_rng(0)
n_docs, n_terms, doc_length = 2000, 20_000, 30
syllables = np.array(["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "zu"])
vocabulary = np.array(["".join(s) for s in rng.choice(syllables, (n_terms, 4))])

zipf = 1.0 / np.arange(1, n_terms + 1) ** 1.1
docs = np.repeat(np.arange(n_docs), doc_length)
terms = rng.choice(n_terms, size=docs.size, p=zipf / zipf.sum())
counts = sp.csr_matrix((np.ones(docs.size), (docs, terms)), shape=(n_docs, n_terms))
X = TfidfTransformer(sublinear_tf=True).fit_transform(counts)

doc_freq = np.bincount(X.indices, minlength=n_terms)
print(f"X: {type(X).__name__} {X.shape}, {X.nnz} stored entries, "
      f"density {X.nnz / np.prod(X.shape):.1e}")  # fmt: skip
print(f"memory: {(X.data.nbytes + X.indices.nbytes + X.indptr.nbytes) / 1e6:.1f} MB"
      f" sparse, {np.prod(X.shape) * 8 / 1e6:.0f} MB if dense")  # fmt: skip
print(f"terms never used: {np.sum(doc_freq == 0)}, "
      f"used in at least 20 documents: {np.sum(doc_freq >= 20)}")  # fmt: skip

# %%
# A sparse truth
# --------------
# Thirty terms drive the target, with effects of size 3 to 6 and either sign. They
# are drawn among the terms that occur in at least 20 documents: no method can
# estimate the effect of a word it has seen twice.
n_true = 30
true_terms = rng.choice(np.flatnonzero(doc_freq >= 20), n_true, replace=False)
coef_true = np.zeros(n_terms)
coef_true[true_terms] = rng.choice([-1, 1], n_true) * rng.uniform(3, 6, n_true)
y = X @ coef_true + 5.0 + 0.3 * rng.standard_normal(n_docs)
truth = set(true_terms.tolist())


def recovery(coef):
    """Selected terms, and how many of them are true."""
    selected = set(np.flatnonzero(coef).tolist())
    return f"{len(selected)} selected, {len(selected & truth)}/{n_true} true terms"


# %%
# Fitting the sparse matrix directly
# ----------------------------------
# The first fit in a process loads the compiled Numba kernels from the disk cache
# (or compiles them in a fresh environment), so a small warm-up fit comes first and
# is timed separately. ``alpha`` is set to a tenth of :func:`lad.alpha_max`, the
# smallest ``alpha`` at which every coefficient is zero.
t0 = time.perf_counter()
LassoL1(alpha=0.01).fit(X[:50], y[:50])
print(f"\nwarm-up fit (kernel loading): {time.perf_counter() - t0:.2f} s")

alpha = 0.1 * alpha_max(X, y)
t0 = time.perf_counter()
lasso = LassoL1(alpha=alpha).fit(X, y)
print(f"LassoL1(alpha={alpha:.2e}) on {X.shape}: {time.perf_counter() - t0:.3f} s, "
      f"{lasso.n_iter_} epochs")  # fmt: skip
print("support recovery:", recovery(lasso.coef_))

# %%
# The duality gap certifies the solution: the objective is within ``dual_gap_`` of
# the optimum. :func:`lad.diagnostics.duality_gap` rebuilds it from the data alone,
# on the same sparse matrix.
gap = duality_gap(X, y, lasso.coef_, lasso.intercept_, alpha=alpha)
print(f"duality gap: solver {lasso.dual_gap_:.3e}, recomputed {gap:.3e}")
print("largest coefficients:",
      ", ".join(f"{vocabulary[j]} {c:+.2f} (true {coef_true[j]:+.2f})"
                for j, _, c in lasso.sparsity_report(top=5).largest))  # fmt: skip

# %%
# Choosing alpha by cross-validation
# ----------------------------------
# :class:`lad.LassoL1CV` runs a warm-started sparse path on each of 5 folds, over 20
# alphas from ``alpha_max`` down to ``alpha_max / 100`` (``eps=1e-2``): below that,
# thousands of terms enter and the fits only get slower and worse. The
# minimum-error rule keeps every true term but adds many small false positives, as
# it usually does; the one-standard-error rule is sparser.
t0 = time.perf_counter()
lasso_cv = LassoL1CV(n_alphas=20, eps=1e-2, cv=5).fit(X, y)
print(f"\nLassoL1CV, 5 folds x 20 alphas: {time.perf_counter() - t0:.2f} s")
for rule, a in [("min", lasso_cv.alpha_min_), ("1se", lasso_cv.alpha_1se_)]:
    k = np.argmin(np.abs(lasso_cv.alphas_ - a))
    print(f"  alpha_{rule} = {a:.2e}: {recovery(lasso_cv.coef_path_[:, k])}")

# %%
# Gross errors in the target
# --------------------------
# Five percent of the documents now get a target shifted by 5 to 15. At the same
# relative penalty, a tenth of each loss's ``alpha_max``, the squared loss chases
# the outliers with hundreds of spurious terms; :class:`lad.LADRegressor` (absolute
# loss, solved exactly and certified) keeps every true term with far fewer false
# positives. It also takes the sparse matrix directly.
y_bad = y.copy()
bad = rng.random(n_docs) < 0.05
y_bad[bad] += rng.uniform(5, 15, bad.sum())
lasso_bad = LassoL1(alpha=0.1 * alpha_max(X, y_bad)).fit(X, y_bad)
t0 = time.perf_counter()
lad_bad = LADRegressor(alpha=0.1 * alpha_max(X, y_bad, loss="absolute")).fit(X, y_bad)
lad_time = time.perf_counter() - t0
print(f"\nwith {bad.sum()} gross errors:")
print(f"  LassoL1     : {recovery(lasso_bad.coef_)}")
print(f"  LADRegressor: {recovery(lad_bad.coef_)} "
      f"({lad_time:.2f} s, gap {lad_bad.dual_gap_:.1e})")  # fmt: skip

# %%
# True against estimated coefficients, the path and the cross-validation
# ----------------------------------------------------------------------
# The top panels show the true terms (stems) and the non-zero estimates (markers)
# against the frequency rank of the term, on a log axis: the false positives of
# the Lasso on the contaminated target are rare terms, which let it fit the
# outlying documents. The path is drawn only for the terms that enter it (with
# 20 000 columns, drawing every zero curve would be slow and useless), true terms
# in blue.
rank = np.arange(1, n_terms + 1)  # terms are numbered by decreasing frequency


def draw_coefs(ax, fits, title):
    ax.stem(rank[true_terms], coef_true[true_terms], linefmt="0.7", markerfmt="o",
            basefmt=" ", label="true")  # fmt: skip
    for (name, coef), (marker, color) in zip(
        fits.items(), [("x", "tab:orange"), ("+", "tab:blue")], strict=False
    ):
        nz = np.flatnonzero(coef)
        ax.plot(rank[nz], coef[nz], marker, color=color, label=name)
    ax.axhline(0.0, color="0.7", linewidth=0.5)
    ax.set_xscale("log")
    ax.set_xlabel("term frequency rank (log scale)")
    ax.set_ylabel("coefficient")
    ax.set_title(title)
    ax.legend(loc="upper right")


fig, axes = plt.subplots(2, 2, figsize=(11, 8))
draw_coefs(axes[0, 0], {"LassoL1": lasso.coef_}, "Clean target, alpha_max / 10")
draw_coefs(axes[0, 1], {"LassoL1": lasso_bad.coef_, "LADRegressor": lad_bad.coef_},
           "Target with 5 % gross errors, alpha_max / 10")  # fmt: skip

ax = axes[1, 0]
entered = np.flatnonzero(np.any(lasso_cv.coef_path_, axis=1))
for j in entered:
    color, width = ("tab:blue", 1.0) if j in truth else ("0.6", 0.6)
    ax.plot(lasso_cv.alphas_, lasso_cv.coef_path_[j], color=color, linewidth=width)
ax.axvline(lasso_cv.alpha_min_, color="k", linestyle="--", linewidth=1)
ax.axvline(lasso_cv.alpha_1se_, color="k", linestyle=":", linewidth=1)
ax.set_xscale("log")
ax.invert_xaxis()
ax.set_xlabel("alpha (log scale)")
ax.set_ylabel("coefficient")
ax.set_title(f"Lasso path: {entered.size} terms enter (blue: true)")

plot_cv(lasso_cv, ax=axes[1, 1])
fig.tight_layout()
plt.show()
