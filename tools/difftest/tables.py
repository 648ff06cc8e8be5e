"""The random-program tester's tables: PyTorch's side of the std losses
and of the hand-written backward maps it draws, and the values it draws
(tools/difftest/programs.py uses them)."""

import numpy as np
import torch
import torch.nn.functional as F


def numel(shape):
    return int(np.prod(shape)) if shape else 1


# gd's conventions at kinks and ties, in PyTorch's terms.
def _abs(t):
    # gd's abs has derivative 0 at 0, as torch.abs (sign(0) = 0).
    return torch.abs(t)


def _max2(a, b):
    # Ties go to the right operand.
    return torch.where(a > b, a, b)


def _min2(a, b):
    return torch.where(a < b, a, b)


# Lenses with their own backward maps: (gd forward, gd backward, torch
# forward, torch backward giving (dx, ds) for one example).
CUSTOM_BACKWARDS = [
    ("s * x", "(s * dy, 0.5 * x * dy)",
     lambda x, s: s * x, lambda x, s, dy: (s * dy, 0.5 * x * dy)),
    ("floor(x) + s", "(dy * abs(x), dy * dy)",
     lambda x, s: torch.floor(x) + s, lambda x, s, dy: (dy * x.abs(), dy * dy)),
    ("max(min(x, 1), -1) * s", "(s * dy, -x * dy)",
     lambda x, s: torch.clamp(x, -1, 1) * s, lambda x, s, dy: (s * dy, -x * dy)),
    ("x + s", "(-dy, 2 * dy)",
     lambda x, s: x + s, lambda x, s, dy: (-dy, 2 * dy)),
]

# std.losses: (label kind, the loss of one example in PyTorch's terms).
LOSSES = {
    "mse": ("target", lambda y, t: F.mse_loss(y, t)),
    "mae": ("target", lambda y, t: F.l1_loss(y, t)),
    "huber": ("target", lambda y, t: F.huber_loss(y, t, delta=1.0)),
    "binary_cross_entropy": ("probability",
                             lambda y, t: F.binary_cross_entropy_with_logits(y, t)),
    "cross_entropy": ("class", lambda y, c: F.cross_entropy(y[None], c[None])),
    # gd's hinge sums over the classes; PyTorch's averages.
    "hinge": ("class", lambda y, c: F.multi_margin_loss(y[None], c[None]) * y.shape[0]),
    "nll": ("class", lambda y, c: F.nll_loss(y[None], c[None])),
}


def draw(rng, shape):
    """Values exactly representable in f32: half from a small set (ties,
    zeros), half uniform in [-1.5, 1.5)."""
    n = numel(shape)
    tied = rng.random() < 0.5
    values = []
    for _ in range(n):
        if tied or rng.random() < 0.2:
            values.append(rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0]))
        else:
            values.append(float(np.float32(rng.uniform(-1.5, 1.5))))
    return np.array(values, dtype=np.float64).reshape(shape)
