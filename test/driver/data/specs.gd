// Each data format reaches the train step's configuration with the types
// it fixes; csv's example size comes from the model's declared input.
// RUN: sed 's/DATA/csv("d.csv", label = "y", scale = 0.5)/; s/TEST/npy("x.npy", "y.npy")/' %s > %t.csv.gd
// RUN: %gdc %t.csv.gd --emit=mlir | FileCheck %s --check-prefix=CSV
// CSV: gd.lens @dense_4_3
// CSV-SAME: forward
// CSV-NEXT: tensor<4xf32>
// CSV: gd.train_step
// CSV-SAME: test = {format = "npy", scale = 1.000000e+00 : f64, x = "x.npy", y = "y.npy"}
// CSV-SAME: train = {format = "csv", label = "y", path = "d.csv", scale = 5.000000e-01 : f64}
// CSV-SAME: valid = 2.500000e-01
// RUN: sed 's/DATA/synthetic(n = 100, features = 4, classes = 3, seed = 5)/; s/TEST/synthetic(n = 10, features = 4, classes = 3, seed = 5)/' %s > %t.syn.gd
// RUN: %gdc %t.syn.gd --emit=mlir | FileCheck %s --check-prefix=SYN
// SYN: gd.train_step
// SYN-SAME: train = {classes = 3 : i64, features = 4 : i64, format = "synthetic", n = 100 : i64, scale = 1.000000e+00 : f64, seed = 5 : i64}
// RUN: %gdc %t.syn.gd -o %t.syn
// RUN: %t.syn --epochs 1 --quiet
use std.nn
use std.losses
use std.optim
train t {
  model = dense(4, 3)
  loss = cross_entropy
  optimizer = sgd()
  data = DATA
  test = TEST
  valid = 0.25
}
