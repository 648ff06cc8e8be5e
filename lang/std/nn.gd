// std.nn: layers and activations, written in gd.
// Built-in functions of one tensor are layers too, with no need for this
// module: tanh, sigmoid, abs, sin, cos, exp, log, sqrt, flatten, transpose
// (`dense(784, 64) >> tanh`).

// A fully connected layer: x @ W + b. On a vector, or on each vector along
// the last axis of x (each token of an f32[T, n_in], as torch's nn.Linear).
lens dense(n_in: int, n_out: int) {
  param W: f32[n_in, n_out] = glorot_uniform()
  param b: f32[n_out]       = zeros()
  fn (x: f32[*s, n_in]) -> f32[*s, n_out] = x @ W + b
}

// A fully connected layer without a bias: x @ W (torch's nn.Linear with
// bias=False). For a projection whose bias could only be cancelled
// downstream, e.g. attention's keys, whose bias adds the same amount to
// every score of a row, which the softmax removes.
lens linear(n_in: int, n_out: int) {
  param W: f32[n_in, n_out] = glorot_uniform()
  fn (x: f32[*s, n_in]) -> f32[*s, n_out] = x @ W
}

// An embedding (torch's nn.Embedding): for each token id, its row of a
// learned table of vocab rows of d features. Ids are numbers (the f32 of
// data files; a fraction is cut toward zero); an id outside [0, vocab)
// gives a row of zeros. It is one product one_hot(ids) @ table, so its cost
// grows with the vocabulary: right for characters and small vocabularies.
lens embedding(vocab: int, d: int) {
  param table: f32[vocab, d] = normal(0, 1)
  fn (ids: f32[*s]) -> f32[*s, d] = one_hot(i32(ids), vocab) @ table
}

fn relu(x) = max(x, 0)
fn softplus(x) = log(1 + exp(x))
// Along the last axis (each row of a matrix of scores), as torch's dim=-1.
fn softmax(x) = exp(x - logsumexp(x, axis = -1, keepdims = true))
fn log_softmax(x) = x - logsumexp(x, axis = -1, keepdims = true)

// GELU, with the tanh approximation of Hendrycks and Gimpel:
// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
fn gelu(x) = 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x * x * x)))

// Dropout (Srivastava et al., 2014): while training, each value is zeroed
// with probability rate (0 <= rate < 1) and the others are scaled by
// 1 / (1 - rate), so that the expected output is the input. In evaluation
// (`training` is false) it is the identity.
lens dropout(rate: f32) {
  fn (x) = if training then where(uniform_like(x) < rate, 0, x / (1 - rate)) else x
}

// Layer normalisation over the last axis, of n features (each token of an
// f32[T, n]), then a learned per-feature scale (gamma, from 1) and shift
// (beta, from 0). The 1e-5 keeps a constant input finite.
lens layer_norm(n: int) {
  param gamma: f32[n] = ones()
  param beta: f32[n]  = zeros()
  fn (x: f32[*s, n]) -> f32[*s, n] =
    let c = x - mean(x, axis = -1, keepdims = true) in
    gamma * c / sqrt(mean(c * c, axis = -1, keepdims = true) + 1e-5) + beta
}

// A convolution layer on [c_in, h, w] images (channels first): c_out
// filters of k x k, the input padded with pad zeros on each side (pad =
// (k - 1) / 2 keeps the size at stride 1), and a bias per output channel;
// stride and dilation as conv2d's.
lens conv(c_in: int, c_out: int, k: int, pad: int, stride: int = 1, dilation: int = 1) {
  param W: f32[c_out, c_in, k, k] = he_normal()
  param b: f32[c_out, 1, 1]       = zeros()
  fn (x: f32[c_in, h, w]) = conv2d(x, W, padding = pad, stride = stride, dilation = dilation) + b
}

// 2x2 pooling of [c, h, w] images (h and w even): the maximum, or the
// mean, of each window.
fn max_pool2(x) = max_pool2d(x, 2)
fn avg_pool2(x) = avg_pool2d(x, 2)
