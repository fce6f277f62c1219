"""Trains the fraud model on a feature table exported by `npm run model:train` (models/cli/train.ts).

HistGradientBoostingClassifier against a standardised logistic regression, both scored on the validation
window with the handbook's metrics; the gradient-boosted trees are exported to ONNX (hgb_onnx.py), an isotonic
calibration of their probability is fitted on the validation window, and the artifact, its metadata and
parity rows are written to --out. Progress goes to stdout as `[i/n]` lines; the last line is a JSON report.
Run with Debian's /usr/bin/python3 (python3-sklearn, python3-onnx).
"""
import argparse
import hashlib
import json
import os
import platform
import sys
import time

import numpy as np
import onnx
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hgb_onnx import INPUT_NAME, hgb_to_onnx  # noqa: E402
from metrics import metrics  # noqa: E402

# 200 trees of at most 15 leaves at learning rate 0.05, leaves of 20 payments or more: trained on one fold's 7 days
# (about 600 frauds) these rank better than 100 trees of 31 leaves of 200 payments, which could not single out the
# few dozen frauds of one pattern; about as many nodes, so the ONNX session loads as fast (models/MODEL_CARD.md).
HGB_PARAMS = dict(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                  l2_regularization=1.0, early_stopping=False, random_state=0)
THRESHOLDS = {"review": 20, "hold": 50, "decline": 90}


def load_table(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    rows, names = manifest["rows"], manifest["features"]
    files = manifest["files"]
    values = np.fromfile(os.path.join(directory, files["values"]), dtype="<f8").reshape(rows, len(names))
    # The model runs on float32 (ONNX); train and compare on exactly the float32 values.
    values = values.astype(np.float32).astype(np.float64)
    return {
        "names": names,
        "X": values,
        "y": np.fromfile(os.path.join(directory, files["labels"]), dtype=np.uint8).astype(np.int64),
        "day": np.fromfile(os.path.join(directory, files["day"]), dtype="<i4"),
        "customer": np.fromfile(os.path.join(directory, files["customer"]), dtype="<i4"),
    }


def span(text):
    a, b = (int(x) for x in text.split(":"))
    return a, b


def log(message):
    print(message, flush=True)


def risk_score(calibrated):
    return np.minimum(99, np.floor(100 * calibrated + 1e-9)).astype(int)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="feature table directory (manifest.json)")
    parser.add_argument("--train-days", required=True, type=span, help="first:end (relative days, end excluded)")
    parser.add_argument("--valid-days", required=True, type=span, help="first:end")
    parser.add_argument("--out", required=True, help="directory for the artifact")
    parser.add_argument("--info", help="JSON file merged into the metadata (simulation, windows, dates)")
    parser.add_argument("--max-iter", type=int, default=HGB_PARAMS["max_iter"])
    parser.add_argument("--parity-rows", type=int, default=256)
    args = parser.parse_args()

    table = load_table(args.data)
    X, y, day, customer = table["X"], table["y"], table["day"], table["customer"]
    train = (day >= args.train_days[0]) & (day < args.train_days[1])
    valid = (day >= args.valid_days[0]) & (day < args.valid_days[1])
    log(f"rows: train {int(train.sum())} ({int(y[train].sum())} fraud), "
        f"validation {int(valid.sum())} ({int(y[valid].sum())} fraud)")

    params = dict(HGB_PARAMS, max_iter=args.max_iter)
    started = time.time()
    hgb = HistGradientBoostingClassifier(verbose=1, **params).fit(X[train], y[train])
    hgb_seconds = time.time() - started
    log(f"hist gradient boosting: {hgb_seconds:.1f} s")

    started = time.time()
    lr = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X[train], y[train])
    lr_seconds = time.time() - started
    log(f"logistic regression: {lr_seconds:.1f} s")

    p_valid = hgb.predict_proba(X[valid])[:, 1]
    vd, vc, vy = day[valid], customer[valid], y[valid]
    comparison = {
        "hist_gradient_boosting": dict(metrics(vd, vc, vy, p_valid), fit_seconds=round(hgb_seconds, 1)),
        "logistic_regression": dict(metrics(vd, vc, vy, lr.predict_proba(X[valid])[:, 1]),
                                    fit_seconds=round(lr_seconds, 1)),
    }

    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p_valid, vy)
    calibrated = iso.predict(p_valid)
    scores = risk_score(calibrated)
    bands = {}
    for name, threshold in THRESHOLDS.items():
        flagged = scores >= threshold
        bands[name] = {
            "score_at_least": threshold,
            "share_of_payments": float(flagged.mean()),
            "precision": float(vy[flagged].mean()) if flagged.any() else None,
            "recall": float(vy[flagged].sum() / max(1, vy.sum())),
        }

    onnx_model = hgb_to_onnx(hgb, X.shape[1], doc_string="RamPay fraud model: HistGradientBoostingClassifier")
    data = onnx_model.SerializeToString()
    sha = hashlib.sha256(data).hexdigest()
    version = f"hgb-{sha[:12]}"
    os.makedirs(args.out, exist_ok=True)
    onnx_file = f"fraud-{version}.onnx"
    with open(os.path.join(args.out, onnx_file), "wb") as f:
        f.write(data)

    rng = np.random.default_rng(0)
    valid_rows = np.flatnonzero(valid)
    frauds = valid_rows[y[valid_rows] == 1]
    genuine = valid_rows[y[valid_rows] == 0]
    n_fraud = min(len(frauds), args.parity_rows // 4)
    picked = np.concatenate([rng.choice(frauds, n_fraud, replace=False),
                             rng.choice(genuine, min(len(genuine), args.parity_rows - n_fraud), replace=False)])
    parity = {
        "version": version,
        "features": table["names"],
        "rows": X[picked].tolist(),
        "probabilities": hgb.predict_proba(X[picked])[:, 1].tolist(),
    }
    with open(os.path.join(args.out, f"fraud-{version}.parity.json"), "w") as f:
        json.dump(parity, f)

    info = json.load(open(args.info)) if args.info else {}
    metadata = {
        "version": version,
        "sha256": sha,
        "onnx": onnx_file,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": {
            "kind": "HistGradientBoostingClassifier",
            "library": f"scikit-learn {sklearn.__version__}, onnx {onnx.__version__}, "
                       f"python {platform.python_version()}",
            "params": params,
            "trees": len(hgb._predictors),
            "onnx_input": INPUT_NAME,
            "onnx_input_type": "float32 [n, features]",
            "onnx_probabilities": "probabilities",
            "probability_column": 1,
        },
        "features": table["names"],
        "scaling": {"kind": "none", "why": "tree splits do not depend on scale; features enter raw as float32"},
        "training": {"rows": int(train.sum()), "frauds": int(y[train].sum()), "days": list(args.train_days)},
        "validation": {"rows": int(valid.sum()), "frauds": int(y[valid].sum()), "days": list(args.valid_days),
                       "metrics": comparison},
        "calibration": {
            "method": "isotonic",
            "fitted_on": "validation window",
            "probability": [float(v) for v in iso.X_thresholds_],
            "calibrated": [float(v) for v in iso.y_thresholds_],
        },
        "risk_score": {
            "range": [0, 99],
            "formula": "min(99, floor(100 * calibrated)); calibrated = piecewise-linear interpolation of the "
                       "isotonic table, clipped at its ends",
            "meaning": "a score of s means about s% of payments with that probability were fraud "
                       "on the validation window",
        },
        "thresholds": dict(THRESHOLDS, validation=bands),
    }
    for key, value in info.items():
        if isinstance(value, dict) and isinstance(metadata.get(key), dict):
            metadata[key].update(value)
        else:
            metadata[key] = value
    with open(os.path.join(args.out, f"fraud-{version}.json"), "w") as f:
        json.dump(metadata, f, indent=2)
        f.write("\n")
    print(json.dumps({"version": version, "onnx": onnx_file, "metadata": f"fraud-{version}.json",
                      "comparison": comparison, "thresholds": bands,
                      "calibration_points": len(iso.X_thresholds_)}), flush=True)


if __name__ == "__main__":
    main()
