// Extragradient (Korpelevich, 1976) on the bilinear game min_a max_b a.b:
// a descends and b ascends, each by the same rule, whose grad_at takes the
// gradient with every player at its extrapolated point.
lens game() {
  param a: f32[2] = zeros()
  param b: f32[2] = zeros()
  fn (x: f32[1]) -> f32[1] = 0 * x + sum(a * b)
}

loss value(y: f32[1], target: f32[1]) = sum(y)

optimizer extragradient(lr: f32 = 0.1) = p - lr * grad_at(p - lr * g)

train game {
  model     = game()
  loss      = value
  optimizer = { "model.a": extragradient(lr = 0.2), "model.b": ascend(extragradient(lr = 0.2)) }
  data      = synthetic(n = 16, features = 1)
  batch     = 1
  epochs    = 1
}
