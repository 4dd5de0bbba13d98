#!/usr/bin/python3
"""How many of a neighbour search's dot products an exact bound could skip (docs/benchmarks.md, issue 14).

The neighbour lists keep, for each product, the best `neighbours` of the products in its probed leaves, by a dot
product whose bits must not change. A candidate can be skipped without changing a list only if an upper bound on its
dot product, known before the dot product is finished, is below the list's last entry. This measures that for the
Cauchy-Schwarz bound: the dot product over some of the lanes, plus the product of the two vectors' norms over the
rest. The lanes follow VectorMath.Dot2x4's passes (pass j covers the lanes k mod 32 in [8j, 8j + 8)).

The candidates are taken from a brute-force ranking (every product, for a random sample of queries): the best
`probed` of them stand in for a probed set. A real probed set also holds some worse candidates, which are easier to
skip, so the ranks from `probed` to 3,000 are reported as well.

Usage: /usr/bin/python3 bench/exact-pruning.py DATASET/embeddings.npy [QUERIES] [NEIGHBOURS]
"""
import sys

import numpy as np


def main() -> None:
    path = sys.argv[1]
    queries = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    neighbours = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    probed = 12 * 64  # probes × cell size, the defaults
    matrix = np.asarray(np.load(path, mmap_mode="r"), dtype=np.float32)
    n, d = matrix.shape
    rng = np.random.default_rng(1)
    sample = rng.choice(n, queries, replace=False)
    q = matrix[sample]
    dots = q @ matrix.T
    dots[np.arange(queries), sample] = -np.inf  # a product is not its own neighbour
    ranked = np.argsort(-dots, axis=1)[:, : max(3000, probed)]
    last = dots[np.arange(queries), ranked[:, neighbours - 1]]
    print(f"{n} products × {d}, {queries} queries: the {neighbours}th best similarity averages {last.mean():.3f}, "
          f"the {probed}th {dots[np.arange(queries), ranked[:, probed - 1]].mean():.3f}")
    lanes = np.arange(d) % 32
    for passes in (1, 2, 3):
        done = lanes < 8 * passes
        rest_norms = np.linalg.norm(matrix[:, ~done], axis=1)
        query_rest = np.linalg.norm(q[:, ~done], axis=1)
        shares = []
        for low, high in ((0, probed), (probed, 3000)):
            skipped = []
            for i in range(queries):
                candidates = ranked[i, low:high]
                bound = matrix[candidates][:, done] @ q[i, done] + query_rest[i] * rest_norms[candidates]
                skipped.append(np.mean(bound < last[i] - 1e-4))  # a margin for the rounding of the float sums
            shares.append(f"ranks {low}-{high}: {np.mean(skipped):.1%}")
        print(f"after {passes} of 4 passes ({done.mean():.0%} of the work), skippable: " + ", ".join(shares))


if __name__ == "__main__":
    main()
