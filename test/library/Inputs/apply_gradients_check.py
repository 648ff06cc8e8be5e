"""Checks Trainer.apply_gradients (gdc_trainer_apply_gradients) against
torch.optim: the compiled update rules applied to gradients computed
elsewhere, as torch's optimizers apply them to .grad.

Run with PYTHONPATH naming the package's directory and GDC_LIBRARY the
built libgdc.so; prints "apply-gradients: OK" when every check passes.
"""
import numpy as np
import torch

import gdc

PROGRAM = """\
use std.nn
use std.losses
use std.optim
let net = dense(5, 3) >> tanh >> dense(3, 2)
train fit {
  model = net
  loss = mse
  optimizer = %s
  data = synthetic(n = 8, features = 5)
}
"""


def expect_error(what, call, status, *fragments):
    try:
        call()
    except gdc.Error as e:
        assert e.status == status, "%s: status %d, not %d (%s)" % (
            what, e.status, status, e)
        for fragment in fragments:
            assert fragment in str(e), "%s: %r lacks %r" % (what, str(e),
                                                            fragment)
        return
    raise AssertionError("%s: no error raised" % what)


def trajectory(optimizer, make_torch, steps=6, tolerance=2e-6):
    """Applies the same random gradients to a gdc trainer and to torch
    tensors updated by make_torch(params); the parameters must agree after
    every step."""
    trainer = gdc.compile(PROGRAM % optimizer).trainer(seed=3)
    params = {path: torch.tensor(value)
              for path, value in trainer.params.items()}
    reference = make_torch(params)
    rng = np.random.default_rng(11)
    for step in range(steps):
        grads = {path: rng.standard_normal(p.shape).astype(np.float32)
                 for path, p in params.items()}
        if step % 2:
            trainer.apply_gradients(grads)
        else:  # the model's order, as a list
            trainer.apply_gradients([grads[path] for path in params])
        for path, p in params.items():
            p.grad = torch.tensor(grads[path])
        reference.step()
        for path, p in params.items():
            got = trainer.get_param(path)
            want = p.detach().numpy()
            error = np.abs(got - want).max()
            assert error <= tolerance, "%s, step %d, %s: off by %g" % (
                optimizer, step + 1, path, error)
    assert trainer.steps == steps, trainer.steps
    return trainer


def check_rules():
    trajectory("adam(lr = 1e-2)",
               lambda ps: torch.optim.Adam(ps.values(), lr=1e-2))
    trajectory("momentum(lr = 0.05, mu = 0.9)",
               lambda ps: torch.optim.SGD(ps.values(), lr=0.05, momentum=0.9))
    trajectory("adamw(lr = 1e-2, wd = 0.1)",
               lambda ps: torch.optim.AdamW(ps.values(), lr=1e-2,
                                            weight_decay=0.1))
    # Groups: each parameter takes its own rule's update; a frozen one none.
    trajectory('{ "*.W": adam(lr = 1e-2), "*.b": frozen }',
               lambda ps: torch.optim.Adam(
                   [p for path, p in ps.items() if path.endswith(".W")],
                   lr=1e-2))


LARGE = """\
use std.losses
use std.optim
lens weights(n: int) {
  param w: f32[n] = normal(0, 1)
  fn (x: f32[n]) -> f32[n] = w * x
}
train big {
  model = weights(%d)
  loss = mse
  optimizer = adam(lr = 1e-2)
  data = synthetic(n = 1, features = %d)
}
"""


def check_large():
    """A parameter of over 4 MiB, whose update streams its results a cache
    line at a time (gd-stream-stores) between scalar loops for the ends: an
    odd size, so that both ends are there, against torch."""
    n = (1 << 20) + 37
    trainer = gdc.compile(LARGE % (n, n)).trainer(seed=2)
    p = torch.tensor(trainer.get_param("model.w"))
    reference = torch.optim.Adam([p], lr=1e-2)
    rng = np.random.default_rng(5)
    for step in range(3):
        g = rng.standard_normal(n).astype(np.float32)
        trainer.apply_gradients([g])
        p.grad = torch.tensor(g)
        reference.step()
        error = np.abs(trainer.get_param("model.w") - p.detach().numpy()).max()
        assert error <= 2e-6, "large, step %d: off by %g" % (step + 1, error)
    before = trainer.get_param("model.w")
    g[n - 1] = np.nan  # in the last scalar loop's part
    expect_error("large nan", lambda: trainer.apply_gradients([g]),
                 gdc.ERROR_NOT_FINITE, "the gradient of 'model.w'")
    g[n - 1] = 0
    g[n // 2] = np.inf  # in the vector loop's part
    expect_error("large inf", lambda: trainer.apply_gradients([g]),
                 gdc.ERROR_NOT_FINITE, "the gradient of 'model.w'")
    assert np.array_equal(trainer.get_param("model.w"), before)


def check_interleaved_with_steps():
    """apply_gradients and step share the step count (Adam's t) and the
    optimizer state."""
    trainer = gdc.compile(PROGRAM % "adam(lr = 1e-2)").trainer(seed=5)
    x = np.random.default_rng(1).standard_normal((4, 5)).astype(np.float32)
    y = np.zeros((4, 2), dtype=np.float32)
    trainer.step(x, y)
    grads = {path: np.full(p.shape, 0.5, dtype=np.float32)
             for path, p in trainer.params.items()}
    trainer.apply_gradients(grads)
    assert trainer.steps == 2, trainer.steps
    trainer.step(x, y)
    assert trainer.steps == 3, trainer.steps


def check_errors():
    trainer = gdc.compile(PROGRAM % "adam(lr = 1e-2)").trainer()
    shapes = {path: p.shape for path, p in trainer.params.items()}
    zeros = {path: np.zeros(s, dtype=np.float32) for path, s in shapes.items()}
    before = trainer.params
    expect_error("too few", lambda: trainer.apply_gradients(
        list(zeros.values())[:-1]), gdc.ERROR_ARGUMENT,
        "3 gradients given; the model has 4 parameters")
    wrong = dict(zeros, **{"net.0.W": np.zeros((3, 5), np.float32)})
    expect_error("shape", lambda: trainer.apply_gradients(wrong),
                 gdc.ERROR_ARGUMENT, "the gradient of 'net.0.W' has shape")
    expect_error("unknown", lambda: trainer.apply_gradients(
        dict(zeros, extra=np.zeros(1))), gdc.ERROR_NAME, "no parameter 'extra'")
    partial = dict(zeros)
    del partial["net.2.b"]
    expect_error("missing", lambda: trainer.apply_gradients(partial),
                 gdc.ERROR_ARGUMENT, "no gradient for parameter 'net.2.b'")
    poisoned = dict(zeros)
    poisoned["net.2.W"] = np.full(shapes["net.2.W"], np.inf, np.float32)
    expect_error("inf", lambda: trainer.apply_gradients(poisoned),
                 gdc.ERROR_NOT_FINITE, "the gradient of 'net.2.W'",
                 "unchanged")
    for path, value in trainer.params.items():
        assert np.array_equal(value, before[path]), path
    assert trainer.steps == 1  # the step that was not finite is counted
    # Float64, strided gradients are converted.
    strided = {path: np.zeros(s + (2,))[..., 0] for path, s in shapes.items()}
    trainer.apply_gradients(strided)
    # A rule that reads the loss needs the model.
    polyak = gdc.compile(PROGRAM % "polyak()").trainer()
    expect_error("polyak", lambda: polyak.apply_gradients(zeros),
                 gdc.ERROR_UNSUPPORTED, "cannot take given gradients")


check_rules()
check_large()
check_interleaved_with_steps()
check_errors()
print("apply-gradients: OK")
