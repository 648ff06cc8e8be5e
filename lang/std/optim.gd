// std.optim: update rules, written for one parameter p with gradient g.

optimizer sgd(lr: f32 = 0.01) = p - lr * g

optimizer momentum(lr: f32 = 0.01, mu: f32 = 0.9) {
  state v = zeros_like(p)
  v = mu * v + g
  p - lr * v
}

optimizer adam(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-8) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
}
