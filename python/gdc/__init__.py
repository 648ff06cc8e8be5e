"""gdc, the gradient-descent compiler, from Python.

Compile a ``.gd`` program from source text, then train its model in this
process on numpy arrays::

    import gdc
    program = gdc.compile(source, "model.gd")
    trainer = program.trainer(seed=1)
    trainer.set("lr", 1e-3)
    loss = trainer.step(x, y)
    logits = trainer.predict(x)

A binding of libgdc's C API (include/gdc/gdc.h) through ctypes. The library
is found through the environment variable GDC_LIBRARY (a path to
libgdc.so), else beside an installed package (PREFIX/lib), else in the
source tree's build/lib, else on the system's library path.
"""

import collections
import ctypes
import ctypes.util
import os
import threading

import numpy as np

__all__ = [
    "ERROR_ARGUMENT",
    "ERROR_COMPILE",
    "ERROR_INTERNAL",
    "ERROR_NOT_FINITE",
    "ERROR_IO",
    "ERROR_NAME",
    "OK",
    "CompileError",
    "Diagnostic",
    "Error",
    "Program",
    "Trainer",
    "compile",
    "compile_file",
    "version",
]

# gdc_status, the `status` of an Error.
OK = 0
ERROR_ARGUMENT = 1
ERROR_NAME = 2
ERROR_IO = 3
ERROR_COMPILE = 4
ERROR_INTERNAL = 5
ERROR_NOT_FINITE = 6
ERROR_UNSUPPORTED = 7

_SEVERITIES = {0: "error", 1: "warning", 2: "note", 3: "remark"}
# gdc_dtype.
_DTYPES = {0: np.dtype(np.float32), 1: np.dtype(np.int32)}


# --- Loading the library -----------------------------------------------------


def _candidates():
    """The paths to try, in order, each with where it came from."""
    env = os.environ.get("GDC_LIBRARY")
    if env:
        # Only this one: a mistyped GDC_LIBRARY must not quietly load
        # another build.
        yield env, "GDC_LIBRARY"
        return
    package = os.path.dirname(os.path.abspath(__file__))
    # Installed: PREFIX/lib/python3.X/site-packages/gdc beside PREFIX/lib.
    lib = os.path.normpath(os.path.join(package, "..", "..", ".."))
    for name in ("libgdc.so.0", "libgdc.so"):
        yield os.path.join(lib, name), "the installed layout"
    # The source tree: python/gdc beside build/lib.
    build = os.path.normpath(os.path.join(package, "..", "..", "build", "lib"))
    yield os.path.join(build, "libgdc.so"), "the source tree's build"
    yield ctypes.util.find_library("gdc"), "the system's library path"


def _load():
    tried = []
    for path, origin in _candidates():
        if not path:
            tried.append("libgdc on %s (not found)" % origin)
        elif os.path.sep in path and not os.path.exists(path):
            tried.append("%s (%s: not found)" % (path, origin))
        else:
            try:
                return ctypes.CDLL(path)
            except OSError as e:
                tried.append("%s (%s: %s)" % (path, origin, e))
    raise ImportError(
        "gdc: cannot load libgdc; tried:\n  " + "\n  ".join(tried) +
        "\nSet GDC_LIBRARY to the path of libgdc.so.")


class _Diagnostic(ctypes.Structure):
    _fields_ = [
        ("file", ctypes.c_char_p),
        ("line", ctypes.c_int64),
        ("column", ctypes.c_int64),
        ("severity", ctypes.c_int),
        ("message", ctypes.c_char_p),
    ]


def _declare(lib):
    """Gives every function used its C signature, so that ctypes neither
    truncates a pointer nor guesses an int64_t."""
    vp, cp, i64, u64 = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64,
                        ctypes.c_uint64)
    p_i64 = ctypes.POINTER(i64)
    p_f32 = ctypes.POINTER(ctypes.c_float)
    p_f64 = ctypes.POINTER(ctypes.c_double)
    p_shape = ctypes.POINTER(ctypes.POINTER(i64))
    i = ctypes.c_int
    signatures = {
        "gdc_version": (cp, []),
        "gdc_context_create": (vp, []),
        "gdc_context_destroy": (None, [vp]),
        "gdc_last_error": (cp, [vp]),
        "gdc_last_status": (i, [vp]),
        "gdc_diagnostic_count": (i64, [vp]),
        "gdc_diagnostic_get": (i, [vp, i64, ctypes.POINTER(_Diagnostic)]),
        "gdc_compile": (vp, [vp, cp, cp]),
        "gdc_compile_file": (vp, [vp, cp]),
        "gdc_program_destroy": (None, [vp]),
        "gdc_program_train_block": (cp, [vp]),
        "gdc_trainer_create": (vp, [vp, cp, u64]),
        "gdc_trainer_destroy": (None, [vp]),
        "gdc_trainer_step": (i, [vp, vp, vp, i64, p_f32]),
        "gdc_trainer_predict": (i, [vp, vp, i64, p_f32]),
        "gdc_trainer_apply_gradients": (i, [vp, ctypes.POINTER(vp), i64]),
        "gdc_trainer_steps": (i, [vp, p_i64]),
        "gdc_trainer_get_hyper": (i, [vp, cp, p_f64]),
        "gdc_trainer_set_hyper": (i, [vp, cp, ctypes.c_double]),
        "gdc_trainer_get_param": (i, [vp, cp, p_f32, i64]),
        "gdc_trainer_set_param": (i, [vp, cp, p_f32, i64]),
        "gdc_trainer_save": (i, [vp, cp]),
        "gdc_trainer_load": (i, [vp, cp]),
        "gdc_trainer_param_count": (i, [vp, p_i64]),
        "gdc_trainer_param_info": (i, [vp, i64, ctypes.POINTER(cp), p_i64,
                                       p_shape]),
        "gdc_trainer_hyper_count": (i, [vp, p_i64]),
        "gdc_trainer_hyper_info": (i, [vp, i64, ctypes.POINTER(cp), p_f64]),
        "gdc_trainer_array_info": (i, [vp, ctypes.c_char, ctypes.POINTER(i),
                                       p_i64, p_shape]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes
    return lib


_lib = _declare(_load())


def version():
    """The library's version, e.g. "0.1.0"."""
    return _lib.gdc_version().decode()


# --- Errors ------------------------------------------------------------------

Diagnostic = collections.namedtuple(
    "Diagnostic", ["file", "line", "column", "severity", "message"])
Diagnostic.__doc__ = """One diagnostic: file ("" and line, column 0 when it
has no place in the source), severity ("error", "warning", "note" or
"remark") and message."""


class Error(Exception):
    """A failure of gdc; `status` is the C API's gdc_status."""

    def __init__(self, message, status=ERROR_ARGUMENT):
        super().__init__(message)
        self.status = status


class CompileError(Error):
    """The program has errors: str() is the diagnostics as the gdc command
    prints them; `diagnostics` is the list of Diagnostic records."""

    def __init__(self, message, diagnostics):
        super().__init__(message, ERROR_COMPILE)
        self.diagnostics = diagnostics


def _text(value):
    return value.decode("utf-8", "replace") if value is not None else ""


def _path(path):
    """`path` (str, bytes or os.PathLike) as the C string of its name."""
    return os.fsencode(os.fspath(path))


class _Context:
    """A gdc_context and the lock that serialises the calls made on it: the
    C API allows one thread at a time per context, and ctypes releases the
    GIL during a call."""

    def __init__(self):
        self.handle = _lib.gdc_context_create()
        if not self.handle:
            raise Error(_text(_lib.gdc_last_error(None)).strip(),
                        ERROR_INTERNAL)
        self.lock = threading.Lock()

    def __del__(self, _destroy=_lib.gdc_context_destroy):
        # The default argument keeps the function reachable while the
        # interpreter shuts down and module globals are cleared.
        handle, self.handle = getattr(self, "handle", None), None
        if handle:
            _destroy(handle)

    def error(self, status):
        """The Error of the last failure (call with the lock held)."""
        return Error(_text(_lib.gdc_last_error(self.handle)).strip(), status)

    def diagnostics(self):
        """The records of the last failure (call with the lock held)."""
        records = []
        record = _Diagnostic()
        for index in range(_lib.gdc_diagnostic_count(self.handle)):
            if _lib.gdc_diagnostic_get(self.handle, index,
                                       ctypes.byref(record)) != OK:
                break
            records.append(Diagnostic(
                _text(record.file), record.line, record.column,
                _SEVERITIES.get(record.severity, "error"),
                _text(record.message)))
        return records

    def check(self, call, *args):
        """Calls `call(*args)` under the lock; raises its failure as Error."""
        with self.lock:
            status = call(*args)
            if status != OK:
                raise self.error(status)


# --- Programs ----------------------------------------------------------------


def compile(source, filename="<string>"):
    """Checks and compiles `source`, named `filename` in diagnostics
    (relative `use` and data paths are taken from its directory). Raises
    CompileError."""
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    context = _Context()
    with context.lock:
        handle = _lib.gdc_compile(context.handle, source.encode("utf-8"),
                                  _path(filename))
        if not handle:
            raise CompileError(_text(_lib.gdc_last_error(context.handle))
                               .strip(), context.diagnostics())
    return Program(context, handle)


def compile_file(path):
    """Compiles the program in the file `path`. Raises Error if it cannot
    be read, CompileError if it has errors."""
    context = _Context()
    with context.lock:
        handle = _lib.gdc_compile_file(context.handle, _path(path))
        if not handle:
            text = _text(_lib.gdc_last_error(context.handle)).strip()
            status = _lib.gdc_last_status(context.handle)
            if status != ERROR_COMPILE:  # the file could not be read
                raise Error(text, status)
            raise CompileError(text, context.diagnostics())
    return Program(context, handle)


class Program:
    """A compiled program. Made by compile() and compile_file()."""

    def __init__(self, context, handle):
        self._context = context  # kept alive as long as the program
        self._handle = handle
        block = _lib.gdc_program_train_block(handle)
        self._train_block = _text(block) if block is not None else None

    def __del__(self, _destroy=_lib.gdc_program_destroy):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _destroy(handle)

    def __repr__(self):
        return "<gdc.Program train %r>" % self._train_block

    @property
    def train_block(self):
        """The name of the train block, or None if the program has none."""
        return self._train_block

    def trainer(self, name=None, seed=0):
        """A new Trainer of train block `name` (None: the only one), its
        parameters initialised from `seed` as `./train --seed` would."""
        if self._train_block is None:
            raise Error("the program has no train block to train", ERROR_NAME)
        if name is not None and name != self._train_block:
            raise Error("no train block '%s'; the program's is '%s'"
                        % (name, self._train_block), ERROR_NAME)
        seed = int(seed)
        if not 0 <= seed < 2**64:
            raise Error("the seed must be in [0, 2**64), not %d" % seed)
        context = self._context
        with context.lock:
            handle = _lib.gdc_trainer_create(
                self._handle, None if name is None else name.encode("utf-8"),
                seed)
            if not handle:
                # The name was checked above: what is left is the model not
                # fitting in memory, or a bug.
                raise context.error(ERROR_ARGUMENT)
        return Trainer(self, handle)


# --- Trainers ----------------------------------------------------------------


def _shape_of(rank, dims):
    return tuple(dims[i] for i in range(rank))


def _size(shape):
    size = 1
    for dim in shape:
        size *= dim
    return size


def _batched(shape):
    return "(batch" + "".join(", %d" % dim for dim in shape) + ")"


class Trainer:
    """A model's training state: parameters, optimizer state and
    hyperparameters. Made by Program.trainer()."""

    def __init__(self, program, handle):
        self._program = program  # kept alive as long as the trainer
        self._context = program._context
        self._handle = handle
        check = self._context.check
        # Names and shapes are copied out once: they do not change.
        self._arrays = {}
        for which in "xyo":
            dtype, rank = ctypes.c_int(), ctypes.c_int64()
            dims = ctypes.POINTER(ctypes.c_int64)()
            check(_lib.gdc_trainer_array_info, handle, which.encode(),
                  ctypes.byref(dtype), ctypes.byref(rank), ctypes.byref(dims))
            self._arrays[which] = (_DTYPES[dtype.value],
                                   _shape_of(rank.value, dims))
        count = ctypes.c_int64()
        check(_lib.gdc_trainer_param_count, handle, ctypes.byref(count))
        self._params = collections.OrderedDict()
        for index in range(count.value):
            path, rank = ctypes.c_char_p(), ctypes.c_int64()
            dims = ctypes.POINTER(ctypes.c_int64)()
            check(_lib.gdc_trainer_param_info, handle, index,
                  ctypes.byref(path), ctypes.byref(rank), ctypes.byref(dims))
            self._params[_text(path.value)] = _shape_of(rank.value, dims)
        check(_lib.gdc_trainer_hyper_count, handle, ctypes.byref(count))
        self._hypers = collections.OrderedDict()
        for index in range(count.value):
            name, default = ctypes.c_char_p(), ctypes.c_double()
            check(_lib.gdc_trainer_hyper_info, handle, index,
                  ctypes.byref(name), ctypes.byref(default))
            self._hypers[_text(name.value)] = default.value

    def __del__(self, _destroy=_lib.gdc_trainer_destroy):
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            _destroy(handle)

    def __repr__(self):
        return "<gdc.Trainer of %r, %d steps>" % (
            self._program.train_block, self.steps)

    # What the model is.

    @property
    def program(self):
        """The Program this trainer trains."""
        return self._program

    @property
    def input_shape(self):
        """The shape of one input example."""
        return self._arrays["x"][1]

    @property
    def output_shape(self):
        """The shape of the model's output for one example."""
        return self._arrays["o"][1]

    @property
    def label_shape(self):
        """The shape of one label: () for class indices."""
        return self._arrays["y"][1]

    @property
    def label_dtype(self):
        """int32 (class indices) or float32 (targets)."""
        return self._arrays["y"][0]

    @property
    def hypers(self):
        """The hyperparameters' names and default values."""
        return dict(self._hypers)

    @property
    def steps(self):
        """The optimizer steps taken since the trainer was made."""
        steps = ctypes.c_int64()
        self._context.check(_lib.gdc_trainer_steps, self._handle,
                            ctypes.byref(steps))
        return steps.value

    # Hyperparameters.

    def get(self, name):
        """The value of hyperparameter `name` (e.g. "lr")."""
        value = ctypes.c_double()
        self._context.check(_lib.gdc_trainer_get_hyper, self._handle,
                            name.encode("utf-8"), ctypes.byref(value))
        return value.value

    def set(self, name, value):
        """Sets hyperparameter `name` (stored as f32) to `value`."""
        self._context.check(_lib.gdc_trainer_set_hyper, self._handle,
                            name.encode("utf-8"), float(value))

    # Parameters.

    def _param_shape(self, path):
        try:
            return self._params[path]
        except KeyError:
            names = ", ".join("'%s'" % p for p in self._params) or "none"
            raise Error("no parameter '%s'; the model's are %s"
                        % (path, names), ERROR_NAME) from None

    @property
    def params(self):
        """The parameters by path, in the model's order, as copies."""
        return collections.OrderedDict(
            (path, self.get_param(path)) for path in self._params)

    def get_param(self, path):
        """A copy of parameter `path` (e.g. "net.0.W")."""
        shape = self._param_shape(path)
        out = np.empty(shape, dtype=np.float32)
        self._context.check(
            _lib.gdc_trainer_get_param, self._handle, path.encode("utf-8"),
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), out.size)
        return out

    def set_param(self, path, value):
        """Replaces parameter `path` with `value`, of the same shape."""
        shape = self._param_shape(path)
        array = np.ascontiguousarray(value, dtype=np.float32)
        if array.shape != shape:
            raise Error("parameter '%s' has shape %s, not %s"
                        % (path, shape, array.shape))
        self._context.check(
            _lib.gdc_trainer_set_param, self._handle, path.encode("utf-8"),
            array.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), array.size)

    def save(self, path):
        """Writes the parameters to the safetensors file `path` (the format
        of `./train --save`)."""
        self._context.check(_lib.gdc_trainer_save, self._handle, _path(path))

    def load(self, path):
        """Reads the parameters from the safetensors file `path`; changes
        nothing unless every path and shape matches."""
        self._context.check(_lib.gdc_trainer_load, self._handle, _path(path))

    # Training and evaluation.

    def _examples(self, what, value, which, batch=None):
        """`value` as a C-contiguous array of the dtype of `which`, and its
        batch size: [batch, *shape], or any layout with as many elements
        per example."""
        dtype, shape = self._arrays[which]
        array = np.asarray(value)
        if array.ndim >= 1 and array.shape[0] == 0:
            raise Error("%s holds no example; a batch needs at least one"
                        % what)
        if array.ndim == 0 or _size(array.shape[1:]) != _size(shape):
            raise Error("%s has shape %s; the model takes %s"
                        % (what, array.shape, _batched(shape)))
        if batch is not None and array.shape[0] != batch:
            raise Error("%s holds %d examples but x holds %d"
                        % (what, array.shape[0], batch))
        if dtype.kind == "i":
            if array.dtype.kind not in "iub":
                raise Error("%s must hold class indices (integers), not %s"
                            % (what, array.dtype))
            converted = np.ascontiguousarray(array, dtype=dtype)
            # A cast to int32 wraps; a wrapped index could pass the C
            # range check as a wrong class.
            if not np.array_equal(converted, array):
                raise Error("%s holds indices outside int32" % what)
            return converted, array.shape[0]
        return np.ascontiguousarray(array, dtype=dtype), array.shape[0]

    def step(self, x, y):
        """One optimizer step on the batch x ([batch, *input_shape]) with
        labels y (int class indices [batch], or float targets
        [batch, *label_shape]); returns the batch's mean loss."""
        x, batch = self._examples("x", x, "x")
        y, _ = self._examples("y", y, "y", batch)
        loss = ctypes.c_float()
        self._context.check(_lib.gdc_trainer_step, self._handle,
                            x.ctypes.data, y.ctypes.data, batch,
                            ctypes.byref(loss))
        return loss.value

    def apply_gradients(self, grads):
        """One optimizer step on gradients computed elsewhere, as an
        optimizer library's step is: `grads` maps each parameter's path to
        its gradient (an array of the parameter's shape), or lists them in
        the model's order (`params`). The train block's optimizer updates
        the parameters and its state; the step is counted. A C-contiguous
        float32 array is read where it is, without a copy."""
        if isinstance(grads, dict):
            unknown = [path for path in grads if path not in self._params]
            if unknown:
                self._param_shape(unknown[0])  # raises, naming the paths
            missing = [path for path in self._params if path not in grads]
            if missing:
                raise Error("no gradient for parameter '%s'" % missing[0])
            grads = [grads[path] for path in self._params]
        else:
            grads = list(grads)
            if len(grads) != len(self._params):
                raise Error("%d gradients given; the model has %d parameters"
                            % (len(grads), len(self._params)))
        arrays = []
        for (path, shape), g in zip(self._params.items(), grads):
            array = np.ascontiguousarray(g, dtype=np.float32)
            if array.shape != shape:
                raise Error("the gradient of '%s' has shape %s; the parameter "
                            "has %s" % (path, array.shape, shape))
            arrays.append(array)
        pointers = (ctypes.c_void_p * len(arrays))(
            *[a.ctypes.data for a in arrays])
        self._context.check(_lib.gdc_trainer_apply_gradients, self._handle,
                            pointers, len(arrays))

    def predict(self, x):
        """The model's forward map on the batch x ([batch, *input_shape]):
        float32 [batch, *output_shape]."""
        x, batch = self._examples("x", x, "x")
        out = np.empty((batch,) + self.output_shape, dtype=np.float32)
        self._context.check(
            _lib.gdc_trainer_predict, self._handle, x.ctypes.data, batch,
            out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)))
        return out
