// Entropy-SGD (Chaudhari et al., 2017) without noise, two inner steps:
// each inner step takes the gradient at the point the previous one reached,
// a grad_at at a point computed from another grad_at. The loss is
// 0.5 (x w)^2, whose gradient, mean(x^2) w, grad_at_check.py writes in
// closed form.
lens scale() {
  param w: f32[1] = zeros()
  fn (x: f32[1]) -> f32[1] = x * w
}

loss half_square(y: f32[1], target: f32[1]) = 0.5 * sum(y * y)

optimizer entropy_sgd(lr: f32 = 0.5, eta: f32 = 0.1, gamma: f32 = 0.5) {
  let y1 = p - eta * g
  let y2 = y1 - eta * (grad_at(y1) + gamma * (y1 - p))
  let y3 = y2 - eta * (grad_at(y2) + gamma * (y2 - p))
  p - lr * gamma * (p - y3)
}

train esgd {
  model     = scale()
  loss      = half_square
  optimizer = entropy_sgd()
  data      = csv("esgd.csv", label = "y", label_type = f32)
  batch     = 4
  epochs    = 1
}
