// A small transformer on Fashion-MNIST that reads each image as a sequence
// of 28 tokens, its rows of 28 pixels: each row is embedded (dense, plus a
// learned position embedding), two encoder blocks of 4-head self-attention
// and a GELU MLP (pre-norm, residuals) follow, and the mean token is
// classified.
//
//   gdc examples/row_transformer.gd -o row_transformer
//   ./row_transformer --data-dir /usr/share/datasets/fashion-mnist
use std.nn
use std.losses
use std.optim

// Multi-head self-attention over t tokens of width d: each head attends
// with its own d / heads features of the queries, keys and values.
lens self_attention(t: int, d: int, heads: int) {
  let dh = d / heads
  let q = dense(d, d)
  let k = dense(d, d)
  let v = dense(d, d)
  let out = dense(d, d)
  fn (x: f32[t, d]) -> f32[t, d] =
    // [t, d] -> [heads, t, dh]: one stack of matrices, one per head.
    let qh = transpose(reshape(q(x), [t, heads, dh]), [1, 0, 2]) in
    let kh = transpose(reshape(k(x), [t, heads, dh]), [1, 2, 0]) in // [heads, dh, t]
    let vh = transpose(reshape(v(x), [t, heads, dh]), [1, 0, 2]) in
    let weights = softmax(qh @ kh / sqrt(dh)) in                      // [heads, t, t]
    out(reshape(transpose(weights @ vh, [1, 0, 2]), [t, d]))
}

// A pre-norm encoder block: attention, then an MLP, each added back.
lens encoder_block(t: int, d: int, heads: int) {
  let norm1 = layer_norm(d)
  let attend = self_attention(t, d, heads)
  let norm2 = layer_norm(d)
  let up = dense(d, 2 * d)
  let down = dense(2 * d, d)
  fn (x: f32[t, d]) -> f32[t, d] =
    let a = x + attend(norm1(x)) in
    a + down(gelu(up(norm2(a))))
}

// Each row of pixels becomes a token of width d, at its learned position.
lens embed_rows(t: int, width: int, d: int) {
  let project = dense(width, d)
  param position: f32[t, d] = normal(0, 0.02)
  fn (x: f32[t, width]) -> f32[t, d] = project(x) + position
}

fn mean_token(x) = mean(x, axis = 0)

let transformer = embed_rows(28, 28, 32)
    >> encoder_block(28, 32, 4) >> encoder_block(28, 32, 4)
    >> layer_norm(32) >> mean_token >> dense(32, 10)

train fmnist {
  model     = transformer
  loss      = cross_entropy
  optimizer = adam(lr = 2e-3)
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                  scale = 1/255, shape = [28, 28])
  test      = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                  scale = 1/255, shape = [28, 28])
  batch     = 64
  epochs    = 2
}
