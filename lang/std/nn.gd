// std.nn: layers and activations, written in gd.

// A fully connected layer: x @ W + b.
lens dense(n_in: int, n_out: int) {
  param W: f32[n_in, n_out] = glorot_uniform()
  param b: f32[n_out]       = zeros()
  fn (x: f32[n_in]) -> f32[n_out] = x @ W + b
}

fn relu(x) = max(x, 0)
fn sigmoid(x) = 1 / (1 + exp(-x))
fn softplus(x) = log(1 + exp(x))
fn softmax(x) = exp(x - logsumexp(x))
fn log_softmax(x) = x - logsumexp(x)
