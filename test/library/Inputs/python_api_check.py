"""Checks the gdc Python package (python/gdc) against numpy references.

Run with PYTHONPATH naming the package's directory and GDC_LIBRARY the
built libgdc.so; prints "python-api: OK" when every check passes.
"""
import gc
import os
import pathlib
import sys
import tempfile

import numpy as np

import gdc

REGRESSION = """\
use std.nn
use std.losses
use std.optim
let net = dense(3, 2)
train reg {
  model = net
  loss = mse
  optimizer = sgd(lr = 0.1)
  data = npy("x.npy", "y.npy", label_type = f32)
}
"""

CLASSIFIER = """\
use std.nn
use std.losses
use std.optim
let net = dense(2, 3)
train cls {
  model = net
  loss = cross_entropy
  optimizer = sgd(lr = 0.5)
  data = npy("x.npy", "y.npy")
}
"""


def expect_error(what, call, *fragments, kind=gdc.Error):
    """Runs `call`, which must raise `kind` with every fragment in its
    message; returns the exception."""
    try:
        call()
    except kind as e:
        for fragment in fragments:
            assert fragment in str(e), "%s: %r lacks %r" % (what, str(e),
                                                            fragment)
        return e
    raise AssertionError("%s: no %s raised" % (what, kind.__name__))


def check_compile_errors(directory):
    source = "use std.nn\nlet net = dense(2, 3) >> dense(4, 2)\n"
    e = expect_error("compile error", lambda: gdc.compile(source, "bad.gd"),
                     kind=gdc.CompileError)
    column = source.splitlines()[1].index(">>") + 1
    located = "bad.gd:2:%d: error: '>>' cannot compose" % column
    assert str(e).startswith(located), str(e)
    assert e.status == gdc.ERROR_COMPILE
    assert isinstance(e, gdc.Error)
    first = e.diagnostics[0]
    assert (first.file, first.line, first.column, first.severity) == (
        "bad.gd", 2, column, "error"), first
    assert "cannot compose" in first.message

    path = os.path.join(directory, "bad_file.gd")
    with open(path, "w") as f:
        f.write(source)
    e = expect_error("compile_file error", lambda: gdc.compile_file(path),
                     "%s:2:%d:" % (path, column), kind=gdc.CompileError)
    assert e.diagnostics[0].file == path

    missing = os.path.join(directory, "missing.gd")
    e = expect_error("missing file", lambda: gdc.compile_file(missing),
                     missing)
    assert not isinstance(e, gdc.CompileError)

    program = gdc.compile("use std.nn\nlet net = dense(2, 2)\n")
    assert program.train_block is None
    expect_error("no train block", program.trainer, "no train block")


def reference_sgd(W, b, x, y, lr):
    """One SGD step of x @ W + b under std.losses' mse (the mean over the
    outputs, then over the batch), in float64: the loss before the step and
    the new W, b."""
    batch, outputs = y.shape
    residual = x @ W + b - y
    loss = np.mean(residual ** 2)
    dy = 2 * residual / (batch * outputs)
    return loss, W - lr * (x.T @ dy), b - lr * dy.sum(axis=0)


def check_regression():
    # The trainer keeps its program (and context) alive without a name.
    t = gdc.compile(REGRESSION, "reg.gd").trainer(seed=5)
    gc.collect()
    assert t.program.train_block == "reg"
    assert t.input_shape == (3,) and t.output_shape == (2,)
    assert t.label_shape == (2,) and t.label_dtype == np.float32
    assert list(t.hypers) == ["lr"]
    assert abs(t.get("lr") - 0.1) < 1e-7
    lr = 0.05
    t.set("lr", lr)
    assert abs(t.get("lr") - lr) < 1e-7
    assert abs(t.hypers["lr"] - 0.1) < 1e-7, "hypers are the defaults"
    params = t.params
    assert list(params) == ["net.W", "net.b"]
    assert params["net.W"].shape == (3, 2) and params["net.b"].shape == (2,)
    assert params["net.W"].dtype == np.float32

    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3)).astype(np.float32)
    y = rng.standard_normal((8, 2)).astype(np.float32)
    # Start from a nonzero bias so that a dropped bias term would show.
    t.set_param("net.b", np.array([0.3, -0.2]))
    W = t.params["net.W"].astype(np.float64)
    b = t.params["net.b"].astype(np.float64)
    np.testing.assert_allclose(t.predict(x), x @ W + b, rtol=1e-5, atol=1e-6)

    for step in range(5):
        loss, W, b = reference_sgd(W, b, x.astype(np.float64),
                                   y.astype(np.float64), lr)
        got = t.step(x, y)
        assert abs(got - loss) <= 1e-5 * abs(loss), (step, got, loss)
        np.testing.assert_allclose(t.params["net.W"], W, rtol=1e-5,
                                   atol=1e-7)
        np.testing.assert_allclose(t.params["net.b"], b, rtol=1e-5,
                                   atol=1e-7)
    assert t.steps == 5
    np.testing.assert_allclose(t.predict(x), x @ W + b, rtol=1e-5, atol=1e-6)

    # Float64 and non-contiguous inputs are converted: a twin trainer fed
    # them follows the same trajectory.
    twin = gdc.compile(REGRESSION).trainer(seed=5)
    twin.set("lr", lr)
    twin.set_param("net.b", np.array([0.3, -0.2]))
    wide = np.zeros((8, 6))
    wide[:, ::2] = x  # a strided float64 view of the same values
    targets = np.asfortranarray(y, dtype=np.float64)
    assert not wide[:, ::2].flags.c_contiguous
    assert not targets.flags.c_contiguous
    for _ in range(5):
        twin.step(wide[:, ::2], targets)
    for path, value in t.params.items():
        np.testing.assert_array_equal(twin.params[path], value)
    np.testing.assert_array_equal(twin.predict(wide[:, ::2]), t.predict(x))
    # Examples flattened or not: the element count per example decides.
    assert t.predict(x.reshape(8, 3, 1)).shape == (8, 2)
    return t, x, y


def check_argument_errors(t, x, y):
    W = np.arange(6, dtype=np.float32).reshape(3, 2)
    t.set_param("net.W", W)
    np.testing.assert_array_equal(t.params["net.W"], W)
    np.testing.assert_array_equal(t.get_param("net.W"), W)
    expect_error("wrong param shape", lambda: t.set_param("net.W", W.T),
                 "net.W", "(3, 2)", "(2, 3)")
    np.testing.assert_array_equal(t.params["net.W"], W)
    e = expect_error("unknown param", lambda: t.set_param("net.V", W),
                     "net.V", "'net.W'", "'net.b'")
    assert e.status == gdc.ERROR_NAME
    expect_error("unknown param get", lambda: t.get_param("W"), "'net.W'")
    e = expect_error("unknown hyper get", lambda: t.get("momentum"),
                     "momentum", "'lr'")
    assert e.status == gdc.ERROR_NAME
    expect_error("unknown hyper set", lambda: t.set("mu", 0.9), "mu", "'lr'")
    expect_error("non-finite hyper", lambda: t.set("lr", float("nan")),
                 "finite")
    steps = t.steps
    expect_error("wrong x features", lambda: t.step(x[:, :2], y),
                 "x has shape (8, 2)", "(batch, 3)")
    expect_error("wrong x features in predict",
                 lambda: t.predict(np.ones((4, 4))), "(4, 4)", "(batch, 3)")
    expect_error("unbatched x", lambda: t.predict(np.ones(3)), "(batch, 3)")
    expect_error("empty batch", lambda: t.predict(np.ones((0, 3))),
                 "no example")
    expect_error("wrong y shape", lambda: t.step(x, y[:, :1]),
                 "y has shape (8, 1)", "(batch, 2)")
    expect_error("batch mismatch", lambda: t.step(x, y[:4]), "4", "8")
    assert t.steps == steps, "a rejected step counts as no step"
    expect_error("wrong train block", lambda: t.program.trainer("other"),
                 "'other'", "'reg'")


def check_classifier():
    t = gdc.compile(CLASSIFIER, "cls.gd").trainer(seed=2)
    assert t.label_shape == () and t.label_dtype == np.int32
    assert t.output_shape == (3,)
    x = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0], [0.5, 0.5]])
    before = t.params
    e = expect_error("label out of range",
                     lambda: t.step(x, np.array([0, 1, 3, 2])),
                     "class 3", "[0, 3)")
    assert e.status == gdc.ERROR_ARGUMENT
    expect_error("negative label", lambda: t.step(x, [0, -1, 2, 2]),
                 "class -1")
    expect_error("float labels", lambda: t.step(x, np.zeros(4)), "integer")
    expect_error("label wrapping in int32",
                 lambda: t.step(x, np.array([0, 1, 2, 2**32 + 1])), "int32")
    for path, value in t.params.items():
        np.testing.assert_array_equal(value, before[path])
    # The trainer still works after the failures, from int64 labels too.
    labels = np.array([0, 1, 2, 0], dtype=np.int64)
    first = t.step(x, labels)
    for _ in range(50):
        last = t.step(x, labels)
    assert np.isfinite(first) and last < first, (first, last)
    assert t.steps == 51
    assert list(t.predict(x[:3]).argmax(axis=1)) == [0, 1, 2]


def check_save_load(directory):
    program = gdc.compile(REGRESSION, "reg.gd")
    t = program.trainer(seed=11)
    t.step(np.ones((2, 3)), np.ones((2, 2)))
    path = pathlib.Path(directory) / "reg.safetensors"
    t.save(path)
    assert path.is_file()
    fresh = program.trainer(seed=12)
    assert not np.array_equal(fresh.params["net.W"], t.params["net.W"])
    fresh.load(str(path))
    for name, value in t.params.items():
        np.testing.assert_array_equal(fresh.params[name], value)
    missing = os.path.join(directory, "nowhere.safetensors")
    e = expect_error("load of a missing file", lambda: fresh.load(missing),
                     missing)
    assert e.status == gdc.ERROR_IO
    # A file of another model is refused, and changes nothing.
    other = gdc.compile(CLASSIFIER).trainer()
    expect_error("load of another model's file", lambda: other.load(path))
    assert other.params["net.W"].shape == (2, 3)


def check_non_finite_step():
    """A step whose loss is NaN raises ERROR_NOT_FINITE naming the source
    location, and changes no parameter; the trainer goes on."""
    source = REGRESSION.replace("let net = dense(3, 2)", "let net = dense(3, 2) >> sqrt")
    assert source != REGRESSION
    t = gdc.compile(source, "sqrt.gd").trainer(seed=3)
    t.set_param("net.0.W", -np.ones((3, 2), np.float32))  # negative outputs
    before = {name: value.copy() for name, value in t.params.items()}
    x = np.ones((4, 3), dtype=np.float32)
    e = expect_error("non-finite step", lambda: t.step(x, np.zeros((4, 2), np.float32)),
                     "step 1: the loss is NaN", "`sqrt` at sqrt.gd:", "net.1",
                     "unchanged")
    assert e.status == gdc.ERROR_NOT_FINITE
    for name, value in t.params.items():
        np.testing.assert_array_equal(value, before[name])
    assert t.steps == 1
    t.step(-np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32))


def main():
    with tempfile.TemporaryDirectory() as directory:
        check_compile_errors(directory)
        trainer, x, y = check_regression()
        check_argument_errors(trainer, x, y)
        check_classifier()
        check_save_load(directory)
        check_non_finite_step()
    print("python-api: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
