"""Reference for bench/monitor-execution.bench.ts: a monitoring execution's data work with json + pandas/numpy.

Usage: /usr/bin/python3 bench/monitor_execution_ref.py CAPTURE_DIR REPS. Reads every capture JSON Lines file under
CAPTURE_DIR (SageMaker's layout), parses each line with json.loads, splits the CSV bodies (output first, then the
inputs), builds a DataFrame and computes per column what statistics.json holds (counts, sum, mean, population std,
min, max, ten equal-width buckets, exact deciles). Prints one JSON line: the best wall time of REPS, the record count,
the per-column sums for cross-checking, and the peak RSS.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import pandas as pd

root, reps = sys.argv[1], int(sys.argv[2])
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith('.jsonl'))


def run():
    rows = []
    for path in files:
        with open(path) as fh:
            for line in fh:
                if not line.strip():
                    continue
                rec = json.loads(line)
                cap = rec['captureData']
                rows.append(cap['endpointOutput']['data'].split(',') + cap['endpointInput']['data'].split(','))
    df = pd.DataFrame(rows).apply(pd.to_numeric)
    out = {}
    for name in df.columns:
        present = df[name].dropna().to_numpy(dtype=np.float64)
        lo, hi = float(present.min()), float(present.max())
        counts, _ = np.histogram(present, bins=10, range=(lo, hi))
        out[str(name)] = {
            'num_present': int(present.size), 'sum': float(present.sum()), 'mean': float(present.mean()),
            'std_dev': float(present.std()), 'min': lo, 'max': hi, 'buckets': counts.tolist(),
            'deciles': np.quantile(present, np.linspace(0.1, 0.9, 9)).tolist(),
        }
    return len(rows), out


best = float('inf')
count, values = 0, None
for _ in range(reps):
    t0 = time.perf_counter()
    count, values = run()
    best = min(best, time.perf_counter() - t0)
print(json.dumps({
    'pandas': pd.__version__,
    'bestSeconds': best,
    'records': count,
    'sums': {k: v['sum'] for k, v in values.items()},
    'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
