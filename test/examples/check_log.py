#!/usr/bin/env python3
"""Checks a training run's --log (JSON lines, one object per epoch).

  check_log.py LOG --epochs N [--loss-falls] [--max-loss L] [--max-valid-loss L]
               [--min-accuracy A] [--min-valid-accuracy A] [--max-mse M]
               [--same-loss-as LOG2]

Fails (exit 1, saying why) unless the log has N epochs with the documented
fields, finite losses, a falling train loss (ending at most L) if asked, a held-out loss of at most
L if asked, and
a final test (or validation) accuracy of at least A (a final test mean squared error of at most M, for
regression targets) if asked."""
import argparse
import json
import math
import sys

FIELDS = ("epoch", "train_loss", "examples_per_sec", "seconds")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("--epochs", type=int, required=True)
    ap.add_argument("--loss-falls", action="store_true")
    ap.add_argument("--max-loss", type=float)
    ap.add_argument("--max-valid-loss", type=float)
    ap.add_argument("--min-accuracy", type=float)
    ap.add_argument("--min-valid-accuracy", type=float)
    ap.add_argument("--max-mse", type=float)
    ap.add_argument("--same-loss-as", metavar="LOG",
                    help="another run's log whose train losses must agree within 1e-5 relative")
    ap.add_argument("--different-loss-from", metavar="LOG",
                    help="another run's log whose train losses must differ (by over 1e-5 relative) "
                         "in some epoch")
    args = ap.parse_args()
    with open(args.log) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    problems = []
    if len(rows) != args.epochs:
        problems.append(f"expected {args.epochs} epochs, found {len(rows)}")
    for i, row in enumerate(rows):
        missing = [k for k in FIELDS if k not in row]
        if "test_accuracy" not in row and "test_mse" not in row:
            missing.append("test_accuracy or test_mse")
        if missing:
            problems.append(f"epoch {i + 1}: missing fields {missing}")
        elif not math.isfinite(row["train_loss"]):
            problems.append(f"epoch {i + 1}: train_loss is {row['train_loss']}")
        elif row["epoch"] != i + 1:
            problems.append(f"line {i + 1} is epoch {row['epoch']}")
    if not problems and args.loss_falls and not rows[-1]["train_loss"] < rows[0]["train_loss"]:
        problems.append(f"train loss did not fall: {[r['train_loss'] for r in rows]}")
    if not problems and args.max_loss is not None and not rows[-1]["train_loss"] <= args.max_loss:
        problems.append(f"final train loss {rows[-1]['train_loss']} > {args.max_loss}")
    if not problems and args.max_valid_loss is not None and not (
            rows[-1].get("valid_loss") is not None and rows[-1]["valid_loss"] <= args.max_valid_loss):
        problems.append(f"valid loss {rows[-1].get('valid_loss')} > {args.max_valid_loss}")
    if not problems and args.min_valid_accuracy is not None and not (
            rows[-1].get("valid_accuracy") is not None
            and rows[-1]["valid_accuracy"] >= args.min_valid_accuracy):
        problems.append(f"valid accuracy {rows[-1].get('valid_accuracy')} < {args.min_valid_accuracy}")
    if not problems and args.min_accuracy is not None and not rows[-1]["test_accuracy"] >= args.min_accuracy:
        problems.append(f"test accuracy {rows[-1]['test_accuracy']} < {args.min_accuracy}")
    if not problems and args.max_mse is not None and not (
            rows[-1].get("test_mse") is not None and rows[-1]["test_mse"] <= args.max_mse):
        problems.append(f"test mse {rows[-1]['test_mse']} > {args.max_mse}")
    if not problems and args.same_loss_as:
        with open(args.same_loss_as) as f:
            other = [json.loads(line) for line in f if line.strip()]
        for a, b in zip(rows, other):
            if abs(a["train_loss"] - b["train_loss"]) > 1e-5 * abs(b["train_loss"]):
                problems.append(f"epoch {a['epoch']}: train_loss {a['train_loss']} differs from "
                                f"{b['train_loss']} in {args.same_loss_as}")
    if not problems and args.different_loss_from:
        with open(args.different_loss_from) as f:
            other = [json.loads(line) for line in f if line.strip()]
        if all(abs(a["train_loss"] - b["train_loss"]) <= 1e-5 * abs(b["train_loss"])
               for a, b in zip(rows, other)):
            problems.append(f"train losses are those of {args.different_loss_from}")
    for p in problems:
        print(f"check_log.py: {args.log}: {p}", file=sys.stderr)
    for row in rows:
        print(json.dumps(row))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
