// Token ids (f32 data) through std.nn's embedding, a layer norm on each
// token, a causal softmax of the tokens' products, and a dense layer on
// each token: one step's gradients against torch (check_embedding.py).
use std.nn

optimizer capture() = g
loss objective(y: f32[5, 3], w: f32[5, 3]) = sum(w * y)

lens mixer(t: int, d: int) {
  let embed = embedding(7, d)
  let norm = layer_norm(d)
  let out = dense(d, 3)
  fn (ids: f32[t]) -> f32[t, 3] =
    let h = norm(embed(ids)) in
    out(softmax(where(causal_mask(t), h @ transpose(h), -1e9)) @ h)
}

train embedding {
  model = mixer(5, 4)
  loss = sum(objective)
  optimizer = capture
  data = npy("x.npy", "w.npy", label_type = f32, shape = [5])
  batch = 3
  epochs = 1
}
