// RAdam on a 6-16-3 MLP, for radam.test, on npy data written by
// radam_reference.py. radam_f32 is std.optim's radam with b2 an f32
// hyperparameter instead of f64: the test shows that its rho_t, computed in
// f32, leaves torch's trajectory.
use std.nn
use std.losses
use std.optim

optimizer radam_f32(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-8) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  let rho_inf = 2 / (1 - b2) - 1
  let rho = rho_inf - 2 * t * b2^t / (1 - b2^t)
  let rect = sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
  let m_hat = m / (1 - b1^t)
  p - lr * (if rho > 5 then m_hat * sqrt(1 - b2^t) * rect / (sqrt(v) + eps) else m_hat)
}

train radam_run {
  model     = dense(6, 16) >> tanh >> dense(16, 3)
  loss      = cross_entropy
  optimizer = radam(lr = 0.01)
  data      = npy("x.npy", "y.npy")
  batch     = 8
  epochs    = 1
}
