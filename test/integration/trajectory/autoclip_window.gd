// A global state that is not a scalar, for global-history.test: AutoClip
// (Seetharaman et al., 2020) over a window, the gradient clipped at the
// mean global norm of the last 8 steps (this one's included), kept in
// `history: f32[8]`, on npy data written by autoclip_window_reference.py.
use std.nn
use std.losses

optimizer autoclip_window(lr: f32 = 0.5) {
  global state history: f32[8] = zeros()
  history = concat(history[1:], [global_norm(g)])
  let limit = sum(history) / min(t, 8)
  p - lr * g * min(1, limit / (global_norm(g) + 1e-12))
}

train autoclip_run {
  model     = dense(6, 8) >> tanh >> dense(8, 3)
  loss      = cross_entropy
  optimizer = autoclip_window()
  data      = npy("x.npy", "y.npy")
  batch     = 8
  epochs    = 1
}
