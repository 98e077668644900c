"""Watching long fits: ``verbose`` lines and an optional tqdm progress bar.

Every estimator and path function takes ``verbose``, as scikit-learn's do:

- ``0`` (or False): silent;
- ``1`` (or True): one line per path point, fold or outer round of a solver;
- ``2``: more (the inner rounds: IRLS reweightings, interior point iterations,
  chunks of simplex pivots, working-set passes);
- ``"progress"``: a progress bar over path points and folds, from ``tqdm.auto``
  (a widget in notebooks, text in a terminal) when tqdm is installed; otherwise
  the lines of ``verbose=1``.

Lines go to standard output, flushed at once, prefixed with the name of what
prints them.
"""

import sys
import time

__all__ = ["Progress", "check_verbose", "level"]


def check_verbose(verbose):
    """Validate ``verbose``; returns it (an int, a bool or ``"progress"``)."""
    if verbose == "progress" or isinstance(verbose, bool):
        return verbose
    if isinstance(verbose, int) and verbose >= 0:
        return verbose
    raise ValueError(
        f"verbose must be a non-negative int, a bool or 'progress'; got {verbose!r}."
    )


def level(verbose):
    """The number of detail levels ``verbose`` asks for (``"progress"`` is 1)."""
    if verbose == "progress":
        return 1
    return int(verbose)


def _tqdm_class():
    """tqdm's notebook widget when ipywidgets is there, its text bar otherwise.

    ``tqdm.auto`` alone would pick the widget in any notebook and, without
    ipywidgets, warn and draw nothing useful.
    """
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return tqdm
    from tqdm.auto import tqdm as auto

    return auto


class Progress:
    """Report the steps of a loop of ``total`` steps, per ``verbose``.

    ``step(message)`` marks one step done (a line at level 1, or a bar tick);
    ``note(message, detail=2)`` prints a line at the given level only. A
    ``Progress`` with ``verbose=0`` does nothing, so callers need no test.
    """

    def __init__(self, verbose, total, name):
        self.level = level(check_verbose(verbose))
        self.total = total
        self.name = name
        self.done = 0
        self.start = time.perf_counter()
        self.bar = None
        if verbose == "progress":
            tqdm = _tqdm_class()
            if tqdm is None:
                self.note("tqdm is not installed: printing lines instead of a bar", 1)
            else:
                self.bar = tqdm(total=total, desc=name, leave=True)

    def step(self, message="", count=1):
        """``count`` steps done; ``message`` describes the last."""
        self.done += count
        if self.bar is not None:
            self.bar.set_postfix_str(message, refresh=False)
            self.bar.update(count)
        elif self.level >= 1:
            elapsed = time.perf_counter() - self.start
            where = f"{self.done}/{self.total}" if self.total else f"{self.done}"
            print(f"[{self.name}] {where} {message} ({elapsed:.2f} s)", flush=True,
                  file=sys.stdout)  # fmt: skip

    def note(self, message, detail=2):
        """A line, printed when ``verbose`` asks for level ``detail``."""
        if self.level < detail:
            return
        if self.bar is not None:
            self.bar.write(f"[{self.name}] {message}")
        else:
            print(f"[{self.name}] {message}", flush=True, file=sys.stdout)

    def close(self):
        """Finish the bar, if any."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
