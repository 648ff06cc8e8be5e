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

// Per-element step sizes shrinking with the sum of squared gradients, which
// starts at `initial` (torch's initial_accumulator_value).
optimizer adagrad(lr: f32 = 0.01, eps: f32 = 1e-10, initial: f32 = 0.0) {
  state s = initial + zeros_like(p)
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

// NAdam as optax writes it (optax.nadam, Dozat 2016): Adam whose first
// moment looks one step ahead, b1 m / (1 - b1^(t+1)) + (1 - b1) g / (1 - b1^t).
// (torch.optim.NAdam adds a momentum-decay schedule; this has none.)
optimizer nadam(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-8) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  let ahead = b1 * m / (1 - b1^(t + 1)) + (1 - b1) * g / (1 - b1^t)
  p - lr * ahead / (sqrt(v / (1 - b2^t)) + eps)
}

// RAdam (Liu et al., 2020) as torch.optim.RAdam: Adam whose step is
// rectified by the variance of the adaptive rate while enough steps have
// been seen (rho_t > 5), plain momentum before. b2 is an f64 argument, so
// rho_inf and rho_t are computed in f64: rho_t = rho_inf - 2 t b2^t /
// (1 - b2^t) subtracts two numbers near 2 / (1 - b2), and in f32 it is off
// by 1e-3 at t = 6. The per-element arithmetic stays f32 (f32(...)), with
// torch's roundings: f32(b2) and f32(1 - b2).
optimizer radam(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f64 = 0.999, eps: f32 = 1e-8) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = f32(b2) * v + f32(1 - b2) * g^2
  let rho_inf = 2 / (1 - b2) - 1
  let rho = rho_inf - 2 * t * b2^t / (1 - b2^t)
  let rect = sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
  let m_hat = m / (1 - b1^t)
  let rectified = m_hat * f32(sqrt(1 - b2^t) * rect) / (sqrt(v) + eps)
  p - lr * (if rho > 5 then rectified else m_hat)
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

// --- Update rules that need the evaluation model's barriers (norm,
// global_norm) or read the loss; the step applies them in phases. Code
// generation for global state is not written yet, so `gdc -o` reports
// autoclip's at the construct.

// LAMB (You et al., 2019): Adam's step scaled per tensor by the trust ratio
// |p| / |step|, or 1 where either norm is 0 (as optax and the paper's code
// do), so a tensor at zero (a bias at its init) still moves.
optimizer lamb(lr: f32 = 1e-3, b1: f32 = 0.9, b2: f32 = 0.999, eps: f32 = 1e-6,
               wd: f32 = 0.0) {
  state m = zeros_like(p)
  state v = zeros_like(p)
  m = b1 * m + (1 - b1) * g
  v = b2 * v + (1 - b2) * g^2
  let step = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + wd * p
  let p_norm = norm(p)
  let step_norm = norm(step)
  let trust = if p_norm == 0 or step_norm == 0 then 1 else p_norm / step_norm
  p - lr * trust * step
}

// The Polyak step size (SPS, Loizou et al., 2021): the step that would bring
// this batch's loss to zero along g, capped at lr_max.
optimizer polyak(lr_max: f32 = 1.0, c: f32 = 0.5, eps: f32 = 1e-8) {
  p - min(lr_max, loss / (c * global_norm(g)^2 + eps)) * g
}

// AutoClip (Seetharaman et al., 2020), simplified: clips the gradient at
// the largest global norm seen so far, scaled by `ratio`, then takes an SGD
// step. The history is a global state shared by all tensors.
optimizer autoclip(lr: f32 = 0.01, ratio: f32 = 1.0) {
  global state largest: f32 = zeros()
  largest = max(largest, global_norm(g))
  p - lr * g * min(1, ratio * largest / (global_norm(g) + 1e-12))
}

// Muon (Jordan et al., 2024) as optax.contrib.muon takes it: Nesterov
// momentum with bias correction, orthogonalized by `steps` Newton-Schulz
// iterations, scaled by sqrt(max(1, fan_out / fan_in)), with decoupled
// weight decay. For matrices only: give the other tensors another rule,
// as optax does with NAdam: { "*.W": muon(), "*": nadam(lr = 0.02) }.
optimizer muon(lr: f32 = 0.02, beta: f32 = 0.95, wd: f32 = 0.0, steps: int = 5) {
  state m = zeros_like(p)
  m = beta * m + (1 - beta) * g
  let u = beta * m / (1 - beta^(t + 1)) + (1 - beta) * g / (1 - beta^t)
  let scale = sqrt(max(1, size(p, -1) / size(p, -2)))
  p - lr * (scale * orthogonalize(u, steps) + wd * p)
}

// Adafactor (Shazeer and Stern, 2018) as optax.adafactor takes it: the
// second moment of a matrix whose two last axes both have at least
// `factor_min` entries is factored into row and column means (decaying as
// 1 - t^-decay); other tensors keep it whole. The step is clipped to an
// RMS of at most `clip` and scaled by the parameter's RMS (at least
// min_scale). A factored matrix keeps one value per row and per column
// (`row` is the same along each row, so the step keeps it as a column, and
// `col` as a row); the others keep `v`, each state the rule leaves alone
// one number.
optimizer adafactor(lr: f32 = 0.01, decay: f32 = 0.8, eps: f32 = 1e-30, clip: f32 = 1.0,
                    min_scale: f32 = 1e-3, factor_min: int = 128) {
  state row = zeros_like(p)
  state col = zeros_like(p)
  state v = zeros_like(p)
  let factored = min(size(p, -1), size(p, -2)) >= factor_min
  let rate = 1 - t^(-decay)
  let g2 = g^2 + eps
  row = if factored then rate * row + (1 - rate) * mean(g2, axis = -1) else row
  col = if factored then rate * col + (1 - rate) * mean(g2, axis = -2) else col
  v = if factored then v else rate * v + (1 - rate) * g2
  let u = if factored then g * (row / mean(row))^(-0.5) * col^(-0.5) else g * v^(-0.5)
  let clipped = u / max(1, sqrt(mean(u^2)) / clip)
  p - lr * clipped * max(sqrt(mean(p^2)), min_scale)
}

// Gradient transformations: lenses on the gradient wire, for chain(...).
transform clip_norm(max_norm: f32 = 1.0) = g * min(1, max_norm / (global_norm(g) + 1e-12))
transform clip_value(limit: f32 = 1.0) = min(max(g, -limit), limit)
transform weight_decay(wd: f32 = 1e-4) = g + wd * p
// Gradient noise (Neelakantan et al., 2015): Gaussian noise of variance
// eta / (1 + t)^gamma, annealed as training goes on.
transform noise(eta: f32 = 0.01, gamma: f32 = 0.55) =
  g + normal_like(g) * sqrt(eta / (1 + t)^gamma)

// DP-SGD (Abadi et al., 2016), as chain(clip_per_example(c),
// gaussian_noise(std), sgd(lr)): each example's gradient, over every tensor
// the rule updates, is scaled to an L2 norm of at most c (with Opacus's
// 1e-6 guard); the batch reduction (the loss's mean) follows; then Gaussian
// noise of standard deviation std. DP-SGD's noise multiplier sigma gives
// std = sigma * c / batch for a mean loss (sigma * c for a sum).
transform per_example clip_per_example(c: f32 = 1.0) = g * min(1, c / (global_norm(g) + 1e-6))
transform gaussian_noise(std: f32 = 0.0) = g + std * normal_like(g)

// Schedules: a hyperparameter as a function of the step t (from 1). Each
// gives step t the value PyTorch's scheduler gives after t - 1 scheduler
// steps and optax's schedule at count t - 1 (test/examples/schedules.test):
//   step           StepLR(every, gamma); exponential_decay(staircase = True)
//   cosine         CosineAnnealingLR(T_max = steps); cosine_decay_schedule;
//                  0 from step steps + 1 on
//   warm_restarts  CosineAnnealingWarmRestarts(T_0 = period)
//   linear_warmup  LinearLR(start_factor = 1 / warm, total_iters = warm - 1):
//                  lr0 / warm at step 1, lr0 from step warm on
schedule constant(value: f32) = value + 0 * t
schedule step(lr0: f32, every: int, gamma: f32 = 0.1) = lr0 * gamma^floor((t - 1) / every)
schedule cosine(lr0: f32, steps: int) =
  lr0 * 0.5 * (1 + cos(pi * min(t - 1, steps) / steps))
schedule warm_restarts(lr0: f32, period: int) =
  lr0 * 0.5 * (1 + cos(pi * ((t - 1) % period) / period))
schedule linear_warmup(lr0: f32, warm: int) = lr0 * min(1, t / warm)
