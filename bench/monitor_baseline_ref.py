"""Reference for bench/monitor-baseline.bench.ts: the numbers of a statistics.json with pandas/numpy.

Usage: /usr/bin/python3 bench/monitor_baseline_ref.py CSV REPS. Reads the CSV (header line) with pandas and computes,
per column, what statistics.json holds: present/missing counts, sum, mean, population std, min, max, ten equal-width
histogram buckets and (instead of a KLL sketch) exact deciles. Prints one JSON line: versions, the best wall time of
REPS (read + statistics), the best statistics-only time, a few values for cross-checking, and the peak RSS.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

path, reps = sys.argv[1], int(sys.argv[2])


def statistics(df):
    out = {}
    for name in df.columns:
        col = df[name]
        present = col.dropna().to_numpy(dtype=np.float64)
        lo, hi = float(present.min()), float(present.max())
        counts, _ = np.histogram(present, bins=10, range=(lo, hi))
        out[name] = {
            'num_present': int(present.size),
            'num_missing': int(col.isna().sum()),
            'sum': float(present.sum()),
            'mean': float(present.mean()),
            'std_dev': float(present.std()),
            'min': lo,
            'max': hi,
            'buckets': counts.tolist(),
            'deciles': np.quantile(present, np.linspace(0.1, 0.9, 9)).tolist(),
        }
    return out


best_total = best_stats = float('inf')
values = None
for _ in range(reps):
    t0 = time.perf_counter()
    df = pd.read_csv(path)
    t1 = time.perf_counter()
    values = statistics(df)
    t2 = time.perf_counter()
    best_total = min(best_total, t2 - t0)
    best_stats = min(best_stats, t2 - t1)
print(json.dumps({
    'pandas': pd.__version__,
    'numpy': np.__version__,
    'bestSeconds': best_total,
    'bestStatsSeconds': best_stats,
    'values': {k: {m: v[m] for m in ('num_present', 'sum', 'mean', 'std_dev', 'min', 'max')} for k, v in values.items()},
    'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
