// std.losses: losses are lenses parametrised by the label. Each is also a
// function (`loss mine(y, label) = mae(y, one_hot(label, 10))`).

// One label per example, or one per position (logits [T, k], labels i32[T]:
// the mean over the positions, as torch's F.cross_entropy on [T, k]).
loss cross_entropy(logits: f32[*s, k], label: i32[*s]) =
  mean(logsumexp(logits, axis = -1) - logits[label])

// The negative log-likelihood of the label, for a model that ends in
// log_softmax (cross_entropy = log_softmax >> nll).
loss nll(log_probs: f32[*s, k], label: i32[*s]) = -mean(log_probs[label])

loss mse(y: f32[*s], target: f32[*s]) = mean((y - target)^2)
loss mae(y: f32[*s], target: f32[*s]) = mean(abs(y - target))

// Quadratic within delta of the target, linear beyond (so outliers pull
// with a bounded force).
loss huber(y: f32[*s], target: f32[*s], delta: f32 = 1.0) =
  mean(let d = abs(y - target) in
       if d <= delta then 0.5 * d * d else delta * (d - 0.5 * delta))

// Binary cross-entropy on logits (not probabilities): with z the logit and
// t in [0, 1], -t log sigmoid(z) - (1 - t) log(1 - sigmoid(z)) =
// softplus(z) - z t, with softplus(z) = max(z, 0) + log(1 + exp(-|z|)) so
// that no exp overflows. Both kinks at z = 0 are taken on the same side (one
// comparison), so the derivative there is sigmoid(0) - t = 0.5 - t, not the
// -t that the separate conventions of max and abs would give. Averaged over
// a vector of independent logits.
loss binary_cross_entropy(logits, targets) =
  mean(let up = logits >= 0 in
       where(up, logits, 0) - logits * targets + log(1 + exp(where(up, -logits, logits))))

// The multi-class hinge loss (Weston and Watkins): each wrong class's score
// should trail the label's by a margin of 1. The label's own term is
// exactly 1, hence the - 1.
loss hinge(scores: f32[k], label: i32) = sum(max(scores - scores[label] + 1, 0)) - 1
