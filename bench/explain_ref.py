"""XGBoost side of bench/explain.bench.ts (run with Debian's /usr/bin/python3, which has xgboost 1.7).

    /usr/bin/python3 bench/explain_ref.py DIR NTHREAD REPS

Loads DIR/model.json (the chapter's model: binary:logistic, max_depth 8, eta 0.1, min_child_weight 4, 500
rounds, trained by plumbline on the chapter's 600 training rows and saved as XGBoost JSON) and DIR/explain-x.f32
(rows to explain, 6 features), times predict(pred_contribs=True) over them (best of REPS, nthread=NTHREAD),
writes the contributions to DIR/xgb-contribs.f32 and prints one JSON line. Without xgboost it prints
{"unavailable": "..."} and exits 0.
"""
import json
import resource
import sys
import time

F = 6


def main(d, nthread, reps):
    try:
        import numpy as np
        import xgboost as xgb
    except Exception as e:
        print(json.dumps({"unavailable": f"{type(e).__name__}: {e}"}))
        return
    ex = np.fromfile(f"{d}/explain-x.f32", dtype="<f4").reshape(-1, F)
    names = ["sex", "math", "science", "technology", "random1", "random2"]
    booster = xgb.Booster(model_file=f"{d}/model.json")
    booster.set_param({"nthread": nthread})
    dm = xgb.DMatrix(ex, feature_names=names, nthread=nthread)
    best = float("inf")
    contribs = None
    for _ in range(reps):
        t = time.perf_counter()
        contribs = booster.predict(dm, pred_contribs=True)
        best = min(best, time.perf_counter() - t)
    contribs.astype("<f4").tofile(f"{d}/xgb-contribs.f32")
    print(json.dumps({
        "xgboost": xgb.__version__,
        "rows": int(ex.shape[0]),
        "trees": len(booster.get_dump()),
        "predContribsBestSeconds": best,
        "reps": reps,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
