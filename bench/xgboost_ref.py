"""XGBoost side of bench/models.bench.ts (run with Debian's /usr/bin/python3, which has xgboost 1.7).

    /usr/bin/python3 bench/xgboost_ref.py DIR ROUNDS NTHREAD PREDICT_REPS

Reads DIR/{train,test}-{x,y}.f32 (row-major float32, 20 features), trains binary:logistic with
tree_method=hist (max_depth 8, eta 0.1, min_child_weight 4) for ROUNDS rounds, writes the test
probabilities to DIR/xgb-test-prob.f32, times inplace_predict over the training rows (best of
PREDICT_REPS) and prints one JSON line. Without xgboost it prints {"unavailable": "..."} and exits 0.
"""
import json
import resource
import sys
import time

F = 20


def main(d, rounds, nthread, reps):
    try:
        import numpy as np
        import xgboost as xgb
    except Exception as e:  # ImportError, or a broken install
        print(json.dumps({"unavailable": f"{type(e).__name__}: {e}"}))
        return
    x = np.fromfile(f"{d}/train-x.f32", dtype="<f4").reshape(-1, F)
    y = np.fromfile(f"{d}/train-y.f32", dtype="<f4")
    tx = np.fromfile(f"{d}/test-x.f32", dtype="<f4").reshape(-1, F)
    ty = np.fromfile(f"{d}/test-y.f32", dtype="<f4")

    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x, label=y, nthread=nthread)
    t1 = time.perf_counter()
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 8, "eta": 0.1,
              "min_child_weight": 4, "nthread": nthread}
    booster = xgb.train(params, dtrain, rounds)
    t2 = time.perf_counter()

    test_prob = booster.inplace_predict(tx)
    test_prob.astype("<f4").tofile(f"{d}/xgb-test-prob.f32")
    booster.set_param({"eval_metric": "auc"})
    dtest = xgb.DMatrix(tx, label=ty, nthread=nthread)
    own_auc = float(booster.eval(dtest, "test").split("test-auc:")[1])

    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        booster.inplace_predict(x)
        best = min(best, time.perf_counter() - t)

    print(json.dumps({
        "xgboost": xgb.__version__,
        "numpy": np.__version__,
        "rounds": rounds,
        "nthread": nthread,
        "dmatrixSeconds": t1 - t0,
        "trainSeconds": t2 - t1,
        "testAucXgboostMetric": own_auc,
        "predictRows": int(x.shape[0]),
        "predictBestSeconds": best,
        "predictReps": reps,
        # Linux: kilobytes.
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
