"""Random well-typed gd programs and their torch.autograd references.

A program is one model, a composition of generated lenses and std layers,
trained for one step by the update rule `capture() = g`, so that the saved
"parameters" are exactly the gradients of the step's loss. The loss is
summed over the batch; half the programs use `objective(y, w) = sum(w *
y)`, whose targets `w` are random weights (a random linear functional of
the output: every output element's cotangent is non-trivial), the others a
std.losses loss (mse, mae, huber, binary_cross_entropy with targets in
[0, 1], cross_entropy, hinge, nll with class labels), checked against
PyTorch's own functional losses.

Each generated expression is a small tree of `Node`s. A node prints itself as
gd source (`gd()`) and evaluates itself on one example with torch in f64
(`ev(env)`), written from the definitions of the ops (PyTorch's own
functions where they share gd's convention, explicit formulas where gd
documents another one), never from gdc's lowering. gd's documented
conventions at kinks and ties, which the reference reproduces:

  * max(a, b) / min(a, b): on a tie the right operand gets the cotangent;
    relu = max(x, 0) has derivative 0 at 0.
  * reductions max / min (and max_pool2d): the first extremum in row-major
    order over the reduced axes gets the whole cotangent (torch.max(dim)'s
    and F.max_pool2d's choice).
  * abs, norm: derivative 0 at 0; sign, floor, ceil: derivative 0.

Inputs and parameters are drawn half from a small set of values
({-1, -0.5, 0, 0.5, 1}), so that ties, zeros and plateaus are common, and
half uniformly; every value is exactly representable in f32.
"""

import math
import random

import numpy as np
import torch
import torch.nn.functional as F

from tables import CUSTOM_BACKWARDS, LOSSES, _abs, _max2, _min2, draw, numel

# ---------------------------------------------------------------------------
# Shapes


def fmt_shape(shape):
    return "f32" if not shape else "f32[" + ", ".join(str(d) for d in shape) + "]"


# ---------------------------------------------------------------------------
# Nodes: gd text and a per-example torch evaluation.


class Node:
    def __init__(self, shape, gd, ev, ops=()):
        self.shape = list(shape)
        self.gd = gd
        self.ev = ev
        self.ops = set(ops)


def leaf(name, shape):
    return Node(shape, name, lambda env: env[name])


def const(value):
    text = repr(float(value)) if value != int(value) else str(int(value))
    return Node([], text, lambda env: torch.tensor(float(value), dtype=torch.float64))


def unary(op, a):
    """An elementwise op of one operand; returns None if op does not apply."""
    table = {
        "neg": ("-({})", lambda t: -t),
        "exp": ("exp(tanh({}))", lambda t: torch.exp(torch.tanh(t))),
        "log": ("log(abs({}) + 0.5)", lambda t: torch.log(_abs(t) + 0.5)),
        "sqrt": ("sqrt({0} * {0} + 0.25)", lambda t: torch.sqrt(t * t + 0.25)),
        "tanh": ("tanh({})", torch.tanh),
        "sigmoid": ("sigmoid({})", torch.sigmoid),
        "sin": ("sin({})", torch.sin),
        "cos": ("cos({})", torch.cos),
        "abs": ("abs({})", _abs),
        "sign": ("sign({})", torch.sign),
        "floor": ("floor({})", torch.floor),
        "ceil": ("ceil({})", torch.ceil),
        "stop_gradient": ("stop_gradient({})", lambda t: t.detach()),
        "relu": ("relu({})", lambda t: _max2(t, torch.zeros_like(t))),
        "gelu": ("gelu({})", lambda t: F.gelu(t, approximate="tanh")),
        "softplus": ("softplus({})", lambda t: torch.log(1 + torch.exp(t))),
        "softmax": ("softmax({})", lambda t: torch.softmax(t, -1)),
        "log_softmax": ("log_softmax({})", lambda t: torch.log_softmax(t, -1)),
        "square": ("{} ^ 2", lambda t: t ** 2),
        "cube": ("{} ^ 3", lambda t: t ** 3),
        "rpow": ("(abs({}) + 0.5) ^ 1.5", lambda t: (_abs(t) + 0.5) ** 1.5),
    }
    text, fn = table[op]
    return Node(a.shape, text.format("(" + a.gd + ")"), lambda env: fn(a.ev(env)),
                a.ops | {op})


def broadcast_shape(a, b):
    return list(np.broadcast_shapes(tuple(a), tuple(b)))


def binary(op, a, b):
    table = {
        "add": ("({}) + ({})", lambda x, y: x + y),
        "sub": ("({}) - ({})", lambda x, y: x - y),
        "mul": ("({}) * ({})", lambda x, y: x * y),
        "div": ("({}) / (abs({}) + 0.5)", lambda x, y: x / (_abs(y) + 0.5)),
        "pow": ("(abs({}) + 0.5) ^ tanh({})", lambda x, y: (_abs(x) + 0.5) ** torch.tanh(y)),
        "max": ("max({}, {})", _max2),
        "min": ("min({}, {})", _min2),
        # Floored remainder (Python's and NumPy's); the divisor is kept away
        # from 0. d/da = 1, d/db = -floor(a / b), as torch.remainder.
        "mod": ("({}) % (abs({}) + 0.75)", lambda x, y: torch.remainder(x, _abs(y) + 0.75)),
    }
    text, fn = table[op]
    shape = broadcast_shape(a.shape, b.shape)
    return Node(shape, text.format(a.gd, b.gd), lambda env: fn(a.ev(env), b.ev(env)),
                a.ops | b.ops | {op})


def select(kind, ca, cb, a, b):
    shape = broadcast_shape(broadcast_shape(ca.shape, cb.shape), broadcast_shape(a.shape, b.shape))
    if kind == "where":
        text = "where(({}) < ({}), {}, {})".format(ca.gd, cb.gd, a.gd, b.gd)
    else:
        text = "(if ({}) < ({}) then {} else {})".format(ca.gd, cb.gd, a.gd, b.gd)

    def ev(env):
        c = ca.ev(env) < cb.ev(env)
        x, y = a.ev(env), b.ev(env)
        full = torch.broadcast_shapes(c.shape, x.shape, y.shape)
        return torch.where(c.expand(full), x.expand(full), y.expand(full))

    return Node(shape, text, ev, ca.ops | cb.ops | a.ops | b.ops | {kind})


def first_extreme_mask(t, dims, largest):
    """1 at the first maximum (or minimum) in row-major order over `dims`."""
    keep = [d for d in range(t.dim()) if d not in dims]
    perm = keep + list(dims)
    moved = t.detach().permute(perm).numpy()
    lead = moved.shape[: len(keep)]
    flat = moved.reshape(lead + (-1,))
    index = np.argmax(flat, axis=-1) if largest else np.argmin(flat, axis=-1)
    mask = np.zeros_like(flat)
    np.put_along_axis(mask, index[..., None], 1.0, axis=-1)
    mask = mask.reshape(moved.shape)
    inverse = np.argsort(perm)
    return torch.from_numpy(np.ascontiguousarray(mask.transpose(inverse)))


def reduce(kind, a, axis):
    """`kind(a)` over the whole tensor (axis None) or `axis = k`."""
    dims = list(range(len(a.shape))) if axis is None else [axis]
    shape = [] if axis is None else [d for i, d in enumerate(a.shape) if i != axis]
    suffix = "" if axis is None else ", axis = {}".format(axis)
    text = "{}({}{})".format(kind, a.gd, suffix)

    def ev(env):
        t = a.ev(env)
        if kind == "sum":
            return t.sum(dim=dims) if dims else t
        if kind == "mean":
            return t.mean(dim=dims) if dims else t
        if kind in ("max", "min"):
            if not dims:
                return t
            mask = first_extreme_mask(t, dims, kind == "max")
            return (t * mask).sum(dim=dims)
        if kind == "logsumexp":
            return torch.logsumexp(t, dim=dims) if dims else t
        if kind == "norm":
            if not dims:
                return _abs(t)
            squares = (t * t).sum(dim=dims)
            # d|x| = x/|x|, and 0 at 0: divide by a norm that is 1 where 0.
            zero = squares == 0
            safe = torch.where(zero, torch.ones_like(squares), squares)
            return torch.where(zero, torch.zeros_like(squares), torch.sqrt(safe))
        raise ValueError(kind)

    return Node(shape, text, ev, a.ops | {"reduce_" + kind})


# ---------------------------------------------------------------------------
# The generator


UNARY = ["neg", "exp", "log", "sqrt", "tanh", "sigmoid", "sin", "cos", "abs", "sign",
         "floor", "ceil", "stop_gradient", "relu", "gelu", "softplus", "softmax", "log_softmax", "square",
         "cube", "rpow"]
BINARY = ["add", "sub", "mul", "div", "pow", "max", "min", "mod"]
REDUCTIONS = ["sum", "mean", "max", "min", "logsumexp", "norm"]


class LensGen:
    """Generates the body of one lens: an expression of a requested shape
    over the input `x` and parameters it creates on demand."""

    def __init__(self, rng, in_shape, name):
        self.rng = rng
        self.in_shape = list(in_shape)
        self.name = name
        self.params = []  # (name, shape)
        self.sublenses = []  # (name, gd constructor, shape in, shape out, kind)

    def param(self, shape):
        name = "p{}".format(len(self.params))
        self.params.append((name, list(shape)))
        return leaf(name, shape)

    def leaf(self, shape):
        # Most leaves read the example, so that the batching rules are
        # exercised along with the reverse rules.
        r = self.rng.random()
        x = Node(self.in_shape, "x", lambda env: env["x"], {"input"})
        if list(shape) == self.in_shape and r < 0.75:
            return x
        if numel(shape) == numel(self.in_shape) and r < 0.6 and len(shape) > 0:
            return self.reshape(x, shape)
        if len(shape) == 1 and numel(self.in_shape) > shape[0] and r < 0.5:
            start = self.rng.randint(0, numel(self.in_shape) - shape[0])
            flat = Node([numel(self.in_shape)], "flatten(x)", lambda env: env["x"].reshape(-1),
                        {"flatten"})
            return Node(shape, "{}[{}:{}]".format(flat.gd, start, start + shape[0]),
                        lambda env: flat.ev(env)[start:start + shape[0]], {"flatten", "slice", "input"})
        if r < 0.45:
            summary = reduce(self.rng.choice(REDUCTIONS), x, None)
            return binary(self.rng.choice(["add", "mul"]), summary, self.param(shape))
        if not shape and r < 0.6:
            return const(self.rng.choice([0.5, 2, -1, 0.25]))
        return self.param(shape)

    def reshape(self, a, shape):
        text = "reshape({}, [{}])".format(a.gd, ", ".join(str(d) for d in shape))
        return Node(shape, text, lambda env: a.ev(env).reshape(shape), a.ops | {"reshape"})

    def conv(self, shape, d):
        """conv2d giving `shape`: half the time stride 1 and dilation 1, else
        a stride and a dilation up to 2; the source's size is any that gives
        `shape` (floor((H + 2p - d (k - 1) - 1) / s) + 1 = h), so strided
        windows may leave rows unread."""
        rng = self.rng
        c_out, h, w = shape
        c_in = rng.randint(1, 2)
        k = rng.randint(1, 3)
        stride, dilation = 1, 1
        if rng.random() < 0.5:
            stride = rng.randint(1, 2)
            dilation = rng.randint(1, 2) if k > 1 else 1
        pad = rng.randint(0, k - 1)
        span = dilation * (k - 1) + 1

        def source_size(out):
            return (out - 1) * stride + span - 2 * pad + rng.randint(0, stride - 1)

        source = [c_in, source_size(h), source_size(w)]
        if min(source[1:]) < 1:
            pad = 0
            source = [c_in, source_size(h), source_size(w)]
        a = self.gen(source, d)
        f = self.param([c_out, c_in, k, k])
        keywords = ["padding = {}".format(pad)]
        ops = {"conv2d"}
        if stride != 1 or rng.random() < 0.2:
            keywords.append("stride = {}".format(stride))
            ops.add("conv2d.stride{}".format(stride))
        if dilation != 1:
            keywords.append("dilation = {}".format(dilation))
            ops.add("conv2d.dilation")
        text = "conv2d({}, {}, {})".format(a.gd, f.gd, ", ".join(keywords))
        return Node(shape, text,
                    lambda env: F.conv2d(a.ev(env)[None], f.ev(env), padding=pad,
                                         stride=stride, dilation=dilation)[0],
                    a.ops | ops)

    def pool(self, shape, d):
        """max_pool2d or avg_pool2d giving `shape`: half the time windows
        that tile the source (the reshape-and-reduce path), else windows
        that overlap, are padded or leave a remainder (the pooling ops)."""
        rng = self.rng
        c, h, w = shape
        name = "max_pool2d" if rng.random() < 0.6 else "avg_pool2d"
        torch_pool = F.max_pool2d if name == "max_pool2d" else F.avg_pool2d
        if rng.random() < 0.5:
            k = rng.randint(2, 3) if h * w <= 4 else 2
            a = self.gen([c, h * k, w * k], d)
            return Node(shape, "{}({}, {})".format(name, a.gd, k),
                        lambda env: torch_pool(a.ev(env)[None], k)[0], a.ops | {name})
        k = rng.randint(1, 3)
        stride = rng.randint(1, k)
        pad = rng.randint(0, k // 2)

        def source_size(out):
            return max(1, (out - 1) * stride + k - 2 * pad + rng.randint(0, stride - 1))

        source = [c, source_size(h), source_size(w)]
        if (source[1] + 2 * pad - k) // stride + 1 != h or \
                (source[2] + 2 * pad - k) // stride + 1 != w:
            pad = 0
            source = [c, source_size(h), source_size(w)]
        a = self.gen(source, d)
        keywords = []
        if stride != k or rng.random() < 0.3:
            keywords.append("stride = {}".format(stride))
        if pad or rng.random() < 0.3:
            keywords.append("padding = {}".format(pad))
        text = "{}({}, {}{})".format(name, a.gd, k, "".join(", " + kw for kw in keywords))
        return Node(shape, text,
                    lambda env: torch_pool(a.ev(env)[None], k, stride=stride, padding=pad)[0],
                    a.ops | {name, name + ".window"})

    def gen(self, shape, depth):
        shape = list(shape)
        if depth <= 0:
            return self.leaf(shape)
        rng = self.rng
        choices = ["unary", "binary", "binary", "reduce", "select", "leaf"]
        rank = len(shape)
        if rank == 1:
            choices += ["matvec", "vecmat", "flatten", "concat", "slice", "dense"]
        if rank in (1, 2) and shape[-1] >= 2:
            choices += ["layer_norm"]
        if rank >= 1:
            choices += ["reshape", "centre"]
        if rank == 2:
            choices += ["transpose", "concat", "slice", "matmat", "dense"]
        if rank == 3:
            choices += ["conv", "conv", "pool", "pool", "transpose", "stack_matmul"]
        kind = rng.choice(choices)
        d = depth - 1
        if kind == "leaf":
            return self.leaf(shape)
        if kind == "unary":
            op = rng.choice(UNARY)
            if op in ("softmax", "log_softmax") and rank == 0:
                op = "tanh"
            return unary(op, self.gen(shape, d))
        if kind == "binary":
            op = rng.choice(BINARY)
            a = self.gen(shape, d)
            # The other side broadcasts: the same shape, a suffix, or with 1s.
            other = list(shape)
            r = rng.random()
            if r < 0.25 and rank > 0:
                other = shape[rng.randrange(rank + 1):]
            elif r < 0.4 and rank > 0:
                other = [1 if rng.random() < 0.5 else s for s in shape]
            b = self.gen(other, d)
            return binary(op, a, b) if rng.random() < 0.5 else binary(op, b, a)
        if kind == "select":
            cshape = shape if rng.random() < 0.7 else []
            return select(rng.choice(["where", "if"]), self.gen(cshape, d - 1),
                          self.gen(cshape, d - 1), self.gen(shape, d), self.gen(shape, d))
        if kind == "reduce":
            op = rng.choice(REDUCTIONS)
            if rank == 0 and rng.random() < 0.5:
                inner = [rng.randint(1, 4) for _ in range(rng.randint(1, 2))]
                return reduce(op, self.gen(inner, d), None)
            if rank >= 3:
                return unary("tanh", self.gen(shape, d))
            axis = rng.randrange(rank + 1)
            inner = shape[:axis] + [rng.randint(2, 4)] + shape[axis:]
            return reduce(op, self.gen(inner, d), axis)
        if kind == "matmat":
            # Both matrices may depend on the example (attention's q @ k^T).
            k = rng.randint(1, 4)
            a, b = self.gen([shape[0], k], d), self.gen([k, shape[1]], d)
            return Node(shape, "({}) @ ({})".format(a.gd, b.gd),
                        lambda env: a.ev(env) @ b.ev(env), a.ops | b.ops | {"matmul_matrices"})
        if kind == "stack_matmul":
            # A stack of matrices times a stack, or times one parameter matrix.
            k = rng.randint(1, 4)
            a = self.gen([shape[0], shape[1], k], d)
            b = self.gen([shape[0], k, shape[2]], d) if rng.random() < 0.6 \
                else self.param([k, shape[2]])
            return Node(shape, "({}) @ ({})".format(a.gd, b.gd),
                        lambda env: a.ev(env) @ b.ev(env), a.ops | b.ops | {"matmul_stack"})
        if kind == "centre":
            # A reduction over the last axis kept as a size-1 axis, broadcast back.
            op = rng.choice(["sum", "mean", "logsumexp"])
            a = self.gen(shape, d)
            reduce_last = {"sum": lambda t: t.sum(-1, keepdim=True),
                           "mean": lambda t: t.mean(-1, keepdim=True),
                           "logsumexp": lambda t: torch.logsumexp(t, -1, keepdim=True)}[op]
            text = "({0}) - {1}(({0}), axis = -1, keepdims = true)".format(a.gd, op)
            return Node(shape, text, lambda env: a.ev(env) - reduce_last(a.ev(env)),
                        a.ops | {"keepdims_" + op})
        if kind in ("matvec", "vecmat"):
            n = shape[0]
            k = rng.randint(1, 5)
            v = self.gen([k], d)
            if kind == "vecmat":
                w = self.param([k, n])
                text = "({}) @ {}".format(v.gd, w.gd)
                return Node([n], text, lambda env: v.ev(env) @ w.ev(env), v.ops | {"matmul"})
            w = self.param([n, k])
            if rng.random() < 0.3:
                # A matrix x matrix product of parameters (example-free).
                m = rng.randint(1, 3)
                w1, w2 = self.param([n, m]), self.param([m, k])
                w = Node([n, k], "({} @ {})".format(w1.gd, w2.gd),
                         lambda env: w1.ev(env) @ w2.ev(env), {"matmul_params"})
            text = "{} @ ({})".format(w.gd, v.gd)
            return Node([n], text, lambda env: w.ev(env) @ v.ev(env),
                        v.ops | w.ops | {"matmul"})
        if kind == "flatten":
            n = shape[0]
            factors = [f for f in range(2, n + 1) if n % f == 0]
            if not factors:
                return unary("sin", self.gen(shape, d))
            f = rng.choice(factors)
            a = self.gen([f, n // f], d)
            return Node(shape, "flatten({})".format(a.gd), lambda env: a.ev(env).reshape(-1),
                        a.ops | {"flatten"})
        if kind == "reshape":
            n = numel(shape)
            factors = [f for f in range(1, n + 1) if n % f == 0]
            f = rng.choice(factors)
            source = [f, n // f] if rng.random() < 0.6 else [n]
            return self.reshape(self.gen(source, d), shape)
        if kind == "transpose":
            a = self.gen(list(reversed(shape)), d)
            return Node(shape, "transpose({})".format(a.gd),
                        lambda env: a.ev(env).permute(*reversed(range(len(shape)))),
                        a.ops | {"transpose"})
        if kind == "concat":
            if shape[0] < 2:
                return unary("cos", self.gen(shape, d))
            cut = rng.randint(1, shape[0] - 1)
            a = self.gen([cut] + shape[1:], d)
            b = self.gen([shape[0] - cut] + shape[1:], d)
            return Node(shape, "concat({}, {})".format(a.gd, b.gd),
                        lambda env: torch.cat([a.ev(env), b.ev(env)], 0), a.ops | b.ops | {"concat"})
        if kind == "slice":
            extra = rng.randint(1, 3)
            start = rng.randint(0, extra)
            a = self.gen([shape[0] + extra] + shape[1:], d)
            stop = start + shape[0]
            return Node(shape, "({})[{}:{}]".format(a.gd, start, stop),
                        lambda env: a.ev(env)[start:stop], a.ops | {"slice"})
        if kind == "dense":
            # On a vector, or on each row of a matrix.
            k = rng.randint(1, 5)
            name = "d{}".format(len(self.sublenses))
            self.sublenses.append((name, "dense({}, {})".format(k, shape[-1]),
                                   [("W", [k, shape[-1]]), ("b", [shape[-1]])]))
            v = self.gen(shape[:-1] + [k], d)
            text = "{}({})".format(name, v.gd)
            return Node(shape, text,
                        lambda env: v.ev(env) @ env[name + ".W"] + env[name + ".b"],
                        v.ops | {"std.dense"})
        if kind == "layer_norm":
            n = shape[-1]
            name = "n{}".format(len(self.sublenses))
            self.sublenses.append((name, "layer_norm({})".format(n),
                                   [("gamma", [n]), ("beta", [n])]))
            v = self.gen(shape, d)
            text = "{}({})".format(name, v.gd)
            return Node(shape, text,
                        lambda env: F.layer_norm(v.ev(env), [n], env[name + ".gamma"],
                                                 env[name + ".beta"], 1e-5),
                        v.ops | {"std.layer_norm"})
        if kind == "conv":
            return self.conv(shape, d)
        if kind == "pool":
            return self.pool(shape, d)
        raise AssertionError(kind)


def random_shape(rng, rank=None):
    rank = rng.choice([1, 1, 2, 3]) if rank is None else rank
    if rank == 3:
        return [rng.randint(1, 2), rng.randint(2, 4), rng.randint(2, 4)]
    return [rng.randint(1, 4) for _ in range(rank)]


class Program:
    """One generated program: its gd source, its data and parameters, and
    the reference loss and gradients."""

    def __init__(self, seed):
        rng = random.Random(seed)
        self.seed = seed
        self.stages = []  # (gd constructor, parameters [(path suffix, shape)], evaluate)
        self.decls = []
        self.ops = set()
        in_shape = random_shape(rng)
        self.in_shape = in_shape
        shape = in_shape
        count = rng.choice([1, 1, 2])
        for s in range(count):
            out = [rng.randint(1, 5)]
            if s == 0 and rng.random() < 0.3:
                out = random_shape(rng, 3) if rng.random() < 0.3 else [rng.randint(1, 4)]
            self.add_lens(rng, shape, out, depth=rng.randint(2, 4))
            shape = out
            if len(shape) != 1:
                self.add_std(rng, "flatten", shape)
                shape = [numel(shape)]
            if rng.random() < 0.4:
                n = rng.randint(1, 5)
                self.add_std(rng, "dense({}, {})".format(shape[0], n), shape, n)
                shape = [n]
            if rng.random() < 0.3:
                self.add_std(rng, rng.choice(["relu", "tanh", "gelu", "softplus", "sigmoid"]), shape)
        # A quarter of the programs end with one instance used twice
        # (`blk >> blk`): its parameters' gradient is the sum over the uses.
        # Drawn apart, so that the rest stays what it was before sharing.
        self.shared_from = {}  # stage index -> the stage that owns its parameters
        share_rng = random.Random(seed * 104729 + 3)
        if share_rng.random() < 0.25:
            self.add_lens(share_rng, shape, shape, depth=share_rng.randint(1, 3))
            ctor, params, evaluate = self.stages.pop()
            self.decls.append("let blk = " + ctor)
            first = len(self.stages)
            self.stages.append(("blk", params, evaluate))
            self.stages.append(("blk", params, evaluate))
            self.shared_from[first + 1] = first
            self.ops.add("shared_instance")
        # A fifth end with a lens whose backward map is written by hand
        # (drawn apart, as sharing is).
        custom_rng = random.Random(seed * 15485863 + 11)
        if custom_rng.random() < 0.2:
            self.add_custom_backward(custom_rng, shape)
        self.out_shape = shape
        self.batch = rng.choice([1, 2, 3])
        self.x = np.stack([draw(rng, in_shape) for _ in range(self.batch)])
        # Drawn apart, so that the model and its data stay what they were
        # before losses were added.
        loss_rng = random.Random(seed * 7919 + 17)
        self.loss = "objective" if loss_rng.random() < 0.5 else loss_rng.choice(sorted(LOSSES))
        kind = LOSSES[self.loss][0] if self.loss != "objective" else "weights"
        self.w = np.stack([draw(rng, shape) for _ in range(self.batch)])
        if kind == "class":
            self.w = np.array([loss_rng.randrange(shape[0]) for _ in range(self.batch)],
                              dtype=np.int32)
        elif kind == "probability":
            self.w = np.stack([np.array([loss_rng.choice([0.0, 0.25, 0.5, 1.0])
                                         for _ in range(shape[0])])
                               for _ in range(self.batch)])
        # A fifth take per-example gradients: the rule opens with a
        # per_example transform that clips each example's gradient (DP-SGD's
        # clipping), so every op runs with its parameters batched (a
        # convolution with a filter per image). Drawn apart, so that the
        # programs themselves do not depend on it.
        clip_rng = random.Random(seed * 2750159 + 23)
        self.clip = None
        if clip_rng.random() < 0.2:
            self.clip = clip_rng.choice([0.5, 2.0, 8.0])
            self.ops.add("per_example_clip")
            if any(op.startswith("conv2d") for op in self.ops):
                self.ops.add("conv2d.filter_per_image")
        self.params = {}
        for index, (_, params, _) in enumerate(self.stages):
            if index in self.shared_from:
                continue
            for suffix, pshape in params:
                self.params[self.path(index, suffix)] = draw(rng, pshape)

    def path(self, stage, suffix):
        """A parameter's path: a one-stage composition has no stage index."""
        if len(self.stages) == 1:
            return "net." + suffix
        return "net.{}.{}".format(stage, suffix)

    def add_lens(self, rng, in_shape, out_shape, depth):
        name = "g{}".format(len(self.decls))
        # A model layer must read its input (gdc checks): draw again until
        # the body does.
        for _ in range(20):
            gen = LensGen(rng, in_shape, name)
            body = gen.gen(out_shape, depth)
            if "input" in body.ops:
                break
        body.ops.discard("input")
        self.ops |= body.ops
        lines = ["lens {}() {{".format(name)]
        for sub, ctor, _ in gen.sublenses:
            lines.append("  let {} = {}".format(sub, ctor))
        for pname, pshape in gen.params:
            lines.append("  param {}: {} = zeros()".format(pname, fmt_shape(pshape)))
        lines.append("  fn (x: {}) -> {} =".format(fmt_shape(in_shape), fmt_shape(out_shape)))
        lines.append("    " + body.gd)
        lines.append("}")
        self.decls.append("\n".join(lines))
        params = [(p, s) for p, s in gen.params]
        for sub, _, subparams in gen.sublenses:
            params += [(sub + "." + p, s) for p, s in subparams]

        def evaluate(x, values):
            env = {"x": x}
            env.update(values)
            return body.ev(env)

        self.stages.append(("{}()".format(name), params, evaluate))

    def add_custom_backward(self, rng, shape):
        """A lens `cb(n)` with a gain `s` whose backward map is not the
        derivative of its forward map; torch runs it as an
        autograd.Function with the same backward, per example."""
        forward, backward, torch_forward, torch_backward = rng.choice(CUSTOM_BACKWARDS)
        self.ops.add("custom_backward")
        self.decls.append("\n".join([
            "lens cb(n: int) {",
            "  param s: f32[n] = zeros()",
            "  fn (x: f32[n]) -> f32[n] = " + forward,
            "  backward (x, dy) = " + backward,
            "}"]))

        class Custom(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x, s_):
                ctx.save_for_backward(x, s_)
                return torch_forward(x, s_)

            @staticmethod
            def backward(ctx, dy):
                return torch_backward(*ctx.saved_tensors, dy)

        self.stages.append(("cb({})".format(shape[0]), [("s", list(shape))],
                            lambda x, v: Custom.apply(x, v["s"])))

    def add_std(self, rng, ctor, shape, n=None):
        self.ops.add("std." + ctor.split("(")[0])
        if ctor.startswith("dense"):
            def evaluate(x, v):
                return x @ v["W"] + v["b"]
            self.stages.append((ctor, [("W", [shape[0], n]), ("b", [n])], evaluate))
            return
        fns = {
            "flatten": lambda x: x.reshape(-1),
            "relu": lambda x: _max2(x, torch.zeros_like(x)),
            "tanh": torch.tanh,
            "gelu": lambda x: F.gelu(x, approximate="tanh"),
            "softplus": lambda x: torch.log(1 + torch.exp(x)),
            "sigmoid": torch.sigmoid,
        }
        fn = fns[ctor]
        self.stages.append((ctor, [], lambda x, v: fn(x)))

    def source(self):
        k = self.out_shape[0]
        composition = " >> ".join(ctor for ctor, _, _ in self.stages)
        labels = "" if self.loss in ("objective",) or LOSSES[self.loss][0] != "class" \
            else "i32"
        label_spec = ", label_type = f32" if not labels else ""
        return "\n".join([
            "// generated by tools/difftest, seed {}".format(self.seed),
            "use std.nn",
            "use std.losses",
            "",
            "optimizer capture() = g",
            "transform per_example clip_each(c: f32) = g * min(1, c / (global_norm(g) + 1e-6))",
            "loss objective(y: f32[{0}], w: f32[{0}]) = sum(w * y)".format(k),
            "",
        ] + self.decls + [
            "",
            "let net = " + composition,
            "",
            "train difftest {",
            "  model = net",
            "  loss = sum({})".format(self.loss),
            "  optimizer = " + ("capture" if self.clip is None
                                else "chain(clip_each({}), capture)".format(self.clip)),
            '  data = npy("x.npy", "w.npy"{}, shape = [{}])'.format(
                label_spec, ", ".join(str(d) for d in self.in_shape)),
            "  batch = {}".format(self.batch),
            "  epochs = 1",
            "}",
            "",
        ])

    def reference(self, dtype=torch.float64):
        """The loss and the gradient of every parameter, by torch.autograd in
        f64 (or `dtype`: f32 tells whether the program is sensitive to f32
        rounding at this data, see difftest.py)."""
        leaves = {path: torch.tensor(v, dtype=dtype, requires_grad=True)
                  for path, v in self.params.items()}
        total = torch.zeros((), dtype=dtype)
        clipped = {path: torch.zeros(leaf_.shape, dtype=dtype) for path, leaf_ in leaves.items()}
        for b in range(self.batch):
            before = total
            h = torch.tensor(self.x[b], dtype=dtype)
            for index, (_, params, evaluate) in enumerate(self.stages):
                owner = self.shared_from.get(index, index)
                values = {suffix: leaves[self.path(owner, suffix)] for suffix, _ in params}
                h = evaluate(h, values)
            if self.loss == "objective":
                total = total + (torch.tensor(self.w[b], dtype=dtype) * h).sum()
            elif LOSSES[self.loss][0] == "class":
                total = total + LOSSES[self.loss][1](h, torch.tensor(int(self.w[b])))
            else:
                total = total + LOSSES[self.loss][1](h, torch.tensor(self.w[b], dtype=dtype))
            if self.clip is not None and total.requires_grad:
                # This example's own gradient, clipped as clip_each does.
                own = torch.autograd.grad(total - before, list(leaves.values()),
                                          allow_unused=True, retain_graph=True)
                own = [torch.zeros_like(l) if g is None else g for l, g in zip(leaves.values(), own)]
                norm = torch.sqrt(sum((g * g).sum() for g in own))
                factor = torch.clamp(self.clip / (norm + 1e-6), max=1.0)
                for path, g in zip(leaves, own):
                    clipped[path] = clipped[path] + factor * g
        if self.clip is not None:
            return float(total), {path: g.double().numpy() for path, g in clipped.items()}
        if not total.requires_grad:  # the output reads no parameter
            grads = [None] * len(leaves)
        else:
            grads = torch.autograd.grad(total, list(leaves.values()), allow_unused=True)
        out = {}
        for (path, leaf_), g in zip(leaves.items(), grads):
            out[path] = np.zeros(leaf_.shape) if g is None else g.double().numpy()
        return float(total), out
