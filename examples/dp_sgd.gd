// Differentially private training (DP-SGD, Abadi et al., 2016) of an MLP on
// Fashion-MNIST. Each example's gradient is clipped to an L2 norm of at
// most 1 before the batch mean, so that no single example moves the model
// by more than a bound; Gaussian noise then hides what is left of any one
// example. The update rule says it: std.optim's clip_per_example is a
// `per_example` transform, which gdc applies to each example's own gradient.
//
// The noise multiplier sigma = 1.1 (the privacy budget follows from sigma,
// the sampling rate and the number of steps, by a privacy accountant)
// gives the noise on the mean gradient a standard deviation of
// sigma * c / batch = 1.1 * 1 / 128.
//
//   gdc examples/dp_sgd.gd -o dp_sgd
//   ./dp_sgd --data-dir /usr/share/datasets/fashion-mnist
use std.nn
use std.losses
use std.optim

let mlp = dense(784, 128) >> relu >> dense(128, 10)

train private {
  model     = mlp
  loss      = cross_entropy
  optimizer = chain(clip_per_example(c = 1.0), gaussian_noise(std = 1.1 * 1.0 / 128),
                    sgd(lr = 0.5))
  data      = idx("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", scale = 1/255)
  test      = idx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", scale = 1/255)
  batch     = 128
  epochs    = 3
}
