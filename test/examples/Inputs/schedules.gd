// Each std schedule drives the learning rate of one parameter whose
// gradient is always 1 (y = x + b0 + ... + b4 and loss sum(y)), so that
// b_k after step t is minus the sum of its learning rates over steps 1..t.
use std.optim

lens shift() {
  param b: f32[1] = zeros()
  fn (x: f32[1]) -> f32[1] = x + b
}

loss total(y: f32[1], target: f32[1]) = sum(y)

train schedules {
  model     = shift() >> shift() >> shift() >> shift() >> shift()
  loss      = total
  optimizer = { "model.0.b": sgd(lr = cosine(1.0, steps = 6)),
                "model.1.b": sgd(lr = step(1.0, every = 3, gamma = 0.5)),
                "model.2.b": sgd(lr = warm_restarts(1.0, period = 4)),
                "model.3.b": sgd(lr = linear_warmup(1.0, warm = 4)),
                "model.4.b": sgd(lr = constant(0.5)) }
  data      = synthetic(n = 64, features = 1)
  batch     = 1
  epochs    = 1
}
