"""Reference for bench/bias.bench.ts: a few Clarify bias metrics with pandas/numpy on the same 1M rows.

Usage: /usr/bin/python3 bench/bias_ref.py DIR REPS. DIR holds d.u8, y.u8, p.u8 (0/1 bytes), grp.txt (one group
value per line) and x.f64 (the FT features, row-major float64, 3 per row). Prints one JSON line: the values, the
best time of REPS for the metric computation (from a DataFrame already in memory, as plumbline's from a table in
memory), FT as smclarify computes it (scikit-learn KNeighborsClassifier, k = 5, one run) with its time, and the
process's peak RSS.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

d_dir, reps = sys.argv[1], int(sys.argv[2])
d = np.fromfile(f'{d_dir}/d.u8', dtype=np.uint8).astype(bool)
y = np.fromfile(f'{d_dir}/y.u8', dtype=np.uint8).astype(bool)
p = np.fromfile(f'{d_dir}/p.u8', dtype=np.uint8).astype(bool)
with open(f'{d_dir}/grp.txt') as f:
    grp = f.read().split('\n')[: len(d)]
df = pd.DataFrame({'d': d, 'y': y, 'p': p, 'grp': grp})


def cdd(df, col):
    # smclarify CDD: per subgroup, d's share of rejections minus its share of acceptances, weighted by size.
    g = df.groupby('grp', sort=True)
    pos = g[col].sum()
    n = g[col].size()
    neg = n - pos
    d_pos = (df['d'] & df[col]).groupby(df['grp']).sum()
    d_neg = (df['d'] & ~df[col]).groupby(df['grp']).sum()
    acc = np.where(pos > 0, d_pos / pos.where(pos > 0, 1), 0.0)
    rej = np.where(neg > 0, d_neg / neg.where(neg > 0, 1), 0.0)
    return float((n * (rej - acc)).sum() / n.sum())


def metrics(df):
    d, y, p = df['d'].to_numpy(), df['y'].to_numpy(), df['p'].to_numpy()
    a = ~d
    na, nd = a.sum(), d.sum()
    qa, qd = (a & y).sum() / na, (d & y).sum() / nd
    pa, pd_ = (a & p).sum() / na, (d & p).sum() / nd
    tp_a, fn_a = (a & y & p).sum(), (a & y & ~p).sum()
    tp_d, fn_d = (d & y & p).sum(), (d & y & ~p).sum()
    acc_a = ((a & y & p).sum() + (a & ~y & ~p).sum()) / na
    acc_d = ((d & y & p).sum() + (d & ~y & ~p).sum()) / nd
    return {
        'CI': float((na - nd) / (na + nd)),
        'DPL': float(qa - qd),
        'CDDL': cdd(df, 'y'),
        'DPPL': float(pa - pd_),
        'DI': float(pd_ / pa),
        'RD': float(tp_a / (tp_a + fn_a) - tp_d / (tp_d + fn_d)),
        'AD': float(acc_a - acc_d),
        'CDDPL': cdd(df, 'p'),
    }


best = float('inf')
values = None
for _ in range(reps):
    t0 = time.perf_counter()
    values = metrics(df)
    best = min(best, time.perf_counter() - t0)
ft = None
try:
    import sklearn
    from sklearn.neighbors import KNeighborsClassifier

    X = np.fromfile(f'{d_dir}/x.f64', dtype=np.float64).reshape(len(d), -1)
    t0 = time.perf_counter()
    knn = KNeighborsClassifier(n_neighbors=5, weights='uniform', p=2, metric='minkowski').fit(X[~d], p[~d])
    knn_d = knn.predict(X[d]).astype(bool)
    model_d = p[d]
    value = float((np.sum(model_d & ~knn_d) - np.sum(~model_d & knn_d)) / d.sum())
    ft = {'sklearn': sklearn.__version__, 'value': value, 'seconds': time.perf_counter() - t0}
except ImportError as e:
    ft = {'unavailable': str(e)}
print(json.dumps({'pandas': pd.__version__, 'numpy': np.__version__, 'values': values, 'bestSeconds': best, 'ft': ft,
                  'peakRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
