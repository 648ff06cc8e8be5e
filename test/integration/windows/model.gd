// A small CNN with the windowed built-ins as torch defines them: a stride-2
// padded convolution, a dilated one, an overlapping 3/2 max pool (the ReLU's
// zeros tie) and a padded average pool. The update rule captures the
// gradient, so one step saves the gradients (see check_torch.py).
use std.nn

optimizer capture() = g
loss objective(y: f32[5], w: f32[5]) = sum(w * y)

lens features() {
  param W1: f32[4, 1, 3, 3] = he_normal()
  param b1: f32[4, 1, 1]    = zeros()
  param W2: f32[3, 4, 3, 3] = he_normal()
  fn (x: f32[1, 13, 13]) -> f32[3, 4, 4] =
    let h = max(conv2d(x, W1, padding = 1, stride = 2) + b1, 0) in // [4, 7, 7]
    let m = max_pool2d(h, 3, stride = 2) in                        // [4, 3, 3]
    let d = conv2d(m, W2, padding = 2, dilation = 2) in            // [3, 3, 3]
    avg_pool2d(d, 2, stride = 1, padding = 1)                      // [3, 4, 4]
}

train windows {
  model = features() >> flatten >> dense(48, 5)
  loss = sum(objective)
  optimizer = capture
  data = npy("x.npy", "w.npy", label_type = f32, shape = [1, 13, 13])
  batch = 3
  epochs = 1
}
