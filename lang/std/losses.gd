// std.losses: losses are lenses parametrised by the label.

loss cross_entropy(logits: f32[k], label: i32) = logsumexp(logits) - logits[label]
loss mse(y: f32[k], target: f32[k]) = mean((y - target)^2)
