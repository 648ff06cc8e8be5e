// One causal self-attention block on sequences of 6 tokens of width 8: a
// layer norm of each token, queries, keys and values (dense on each token),
// scores q @ transpose(k) where both sides depend on the example, a causal
// mask, a softmax along each row, a residual, and a GELU MLP. The update
// rule captures the gradient, so one step saves the gradients (see
// check_torch.py).
use std.nn

optimizer capture() = g
loss objective(y: f32[6, 8], w: f32[6, 8]) = sum(w * y)

lens block(t: int, d: int) {
  let ln = layer_norm(d)
  let q = dense(d, d)
  let k = dense(d, d)
  let v = dense(d, d)
  let up = dense(d, 2 * d)
  let down = dense(2 * d, d)
  fn (x: f32[t, d]) -> f32[t, d] =
    let h = ln(x) in
    let scores = q(h) @ transpose(k(h)) / sqrt(d) in
    let weights = softmax(where(causal_mask(t), scores, -1e9)) in
    let a = x + weights @ v(h) in
    a + down(gelu(up(a)))
}

train attention {
  model = block(6, 8)
  loss = sum(objective)
  optimizer = capture
  data = npy("x.npy", "w.npy", label_type = f32, shape = [6, 8])
  batch = 3
  epochs = 1
}
