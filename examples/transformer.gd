// A decoder-only transformer (GPT style) for byte sequences, as a module of
// lenses: `use transformer` in a program next to this file. It holds
// definitions only; examples/char_transformer.gd trains one.
use std.nn

// Multi-head causal self-attention over t tokens of width d: each head
// attends with its own d / heads features, and a position sees only itself
// and the positions before it.
lens causal_self_attention(t: int, d: int, heads: int) {
  let dh = d / heads
  let q = dense(d, d)
  // No bias on the keys: it would add q . b to every score of a row, which
  // the softmax cancels, so its gradient is zero up to rounding, and Adam
  // would turn that rounding noise into full-size steps.
  let k = linear(d, d)
  let v = dense(d, d)
  let out = dense(d, d)
  fn (x: f32[t, d]) -> f32[t, d] =
    // [t, d] -> [heads, t, dh]: one stack of matrices, one per head.
    let qh = transpose(reshape(q(x), [t, heads, dh]), [1, 0, 2]) in
    let kh = transpose(reshape(k(x), [t, heads, dh]), [1, 2, 0]) in // [heads, dh, t]
    let vh = transpose(reshape(v(x), [t, heads, dh]), [1, 0, 2]) in
    let scores = where(causal_mask(t), qh @ kh / sqrt(dh), -1e9) in  // [heads, t, t]
    out(reshape(transpose(softmax(scores) @ vh, [1, 0, 2]), [t, d]))
}

// A pre-norm decoder block: attention, then a GELU MLP four times as wide,
// each added back to the residual stream.
lens decoder_block(t: int, d: int, heads: int) {
  let norm1 = layer_norm(d)
  let attend = causal_self_attention(t, d, heads)
  let norm2 = layer_norm(d)
  let up = dense(d, 4 * d)
  let down = dense(4 * d, d)
  fn (x: f32[t, d]) -> f32[t, d] =
    let a = x + attend(norm1(x)) in
    a + down(gelu(up(norm2(a))))
}

// Each byte id becomes a vector of width d, plus its position's vector.
lens embed_bytes(t: int, d: int) {
  let tokens = embedding(256, d)
  param position: f32[t, d] = normal(0, 0.02)
  fn (ids: f32[t]) -> f32[t, d] = tokens(ids) + position
}

// The whole model: `layers` decoder blocks of `heads` heads on a context of
// t bytes and a residual stream of width d, then a layer norm and a dense
// layer to the 256 scores of the next byte at every position.
lens byte_transformer(layers: int, t: int, d: int, heads: int) {
  let embed = embed_bytes(t, d)
  let blocks = repeat(layers, decoder_block(t, d, heads))
  let norm = layer_norm(d)
  let out = dense(d, 256)
  fn (ids: f32[t]) -> f32[t, 256] = out(norm(blocks(embed(ids))))
}
