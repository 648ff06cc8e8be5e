// std.optim: update rules, written for one element of a parameter p with
// gradient g at step t (from 1).

optimizer sgd(lr: f32 = 0.01) = p - lr * g

// Signs of the gradient only (Bernstein et al., 2018).
optimizer sign_sgd(lr: f32 = 0.01) = p - lr * sign(g)

optimizer momentum(lr: f32 = 0.01, mu: f32 = 0.9) {
  state v = zeros_like(p)
  v = mu * v + g
  p - lr * v
}

// Nesterov momentum in the form PyTorch uses: the step looks ahead along
// the updated velocity.
optimizer nesterov(lr: f32 = 0.01, mu: f32 = 0.9) {
  state v = zeros_like(p)
  v = mu * v + g
  p - lr * (g + mu * v)
}

// Per-element step sizes shrinking with the sum of squared gradients.
optimizer adagrad(lr: f32 = 0.01, eps: f32 = 1e-10) {
  state s = zeros_like(p)
  s = s + g^2
  p - lr * g / (sqrt(s) + eps)
}

// Like adagrad with a moving average, so the step size does not decay to 0.
optimizer rmsprop(lr: f32 = 1e-3, rho: f32 = 0.9, eps: f32 = 1e-8) {
  state s = zeros_like(p)
  s = rho * s + (1 - rho) * g^2
  p - lr * g / (sqrt(s) + eps)
}

optimizer adam(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-8) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  p - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
}

// Adam with decoupled weight decay (Loshchilov and Hutter): the decay
// shrinks p directly instead of entering the moments.
optimizer adamw(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-8,
                wd: f32 = 0.01) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  p - lr * ((m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + wd * p)
}

// AdaBelief (Zhuang et al., 2020): the second moment tracks the squared
// deviation of g from its average (the "belief") instead of g^2.
optimizer adabelief(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-16) {
  state m = zeros_like(p)
  state s = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  s = b2 * s + (1 - b2) * (g - m)^2 + eps
  p - lr * (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)
}

// Lion (Chen et al., 2023): the sign of an interpolation of the momentum
// and g, with decoupled weight decay; the momentum is updated after, with
// its own rate.
optimizer lion(lr: f32 = 1e-4, b1: f32 = 0.9, b2: f32 = 0.99, wd: f32 = 0.0) {
  state m = zeros_like(p)
  let c = b1 * m + (1 - b1) * g
  m = b2 * m + (1 - b2) * g
  p - lr * (sign(c) + wd * p)
}
