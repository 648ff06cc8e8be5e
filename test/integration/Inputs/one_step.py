"""One training step of a gd model against a PyTorch reference, end to end.

The model's update rule captures the gradient (`optimizer capture() = g`)
and its loss weighs the outputs (`sum(w * y)`). run() parses

    SCRIPT MODEL.gd --difftest DIFFTEST.py --gdc GDC --workdir DIR

makes the case, compiles and runs the model for one step through the
random-program tester's driver (tools/difftest/difftest.py), compares the
loss and every parameter's gradient with the reference within its
tolerance, and prints "<name>: loss L and N gradients match torch"; it
returns 1 on a mismatch.
"""
import argparse
import os
import sys


def run(name, batch, make_case):
    """`make_case()` gives (params, x, w, reference), reference(params, x,
    w) giving (loss, {path: gradient}) in f64."""
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--difftest", required=True)
    ap.add_argument("--gdc", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(args.difftest)))
    import difftest

    os.makedirs(args.workdir, exist_ok=True)
    params, x, w, reference = make_case()
    with open(args.model) as f:
        source = f.read()
    loss, grads = reference(params, x, w)
    difftest.write_case(args.workdir, source, x, w, params, loss, grads)
    result, error = difftest.run_gdc(args.gdc, args.workdir, batch)
    if error is None:
        error = difftest.compare(result[0], result[1], loss, grads)
    if error:
        print("FAIL: gdc and torch differ\n" + error)
        return 1
    print("{}: loss {:.6f} and {} gradients match torch".format(name, loss, len(grads)))
    return 0
