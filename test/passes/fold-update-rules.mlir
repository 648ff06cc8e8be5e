// RUN: gdc-opt %s -gd-fold-update-rules | FileCheck %s

// chain(clip, sgd(lr = warmup(...))): the transform's body on g, then the
// schedule's body at t in place of lr, then sgd's body, in one optimizer
// named like the chain; the chain, transform and schedule are gone.

gd.transform @clip attributes {hyper_defaults = [1.000000e+00 : f32], hyper_names = ["limit"], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %limit: tensor<f32>):
  %0 = gd.min %g, %limit : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %0 : tensor<f32>
}
gd.schedule @warmup attributes {hyper_defaults = [1.000000e-01 : f32], hyper_names = ["lr0"]} {
^bb0(%t: tensor<f32>, %lr0: tensor<f32>):
  %0 = gd.mul %lr0, %t : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %0 : tensor<f32>
}
gd.optimizer @sgd attributes {hyper_defaults = [0.000000e+00 : f32], hyper_names = ["lr"], schedules = {lr = @warmup}, state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>):
  %0 = gd.mul %lr, %g : tensor<f32>, tensor<f32> -> tensor<f32>
  %1 = gd.sub %p, %0 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %1 : tensor<f32>
}
gd.chain @wire [@clip, @sgd]
gd.lens @id attributes {num_inputs = 1 : i64, param_inits = ["zeros"], param_names = ["b"]} forward {
^bb0(%b: tensor<3xf32>, %x: tensor<3xf32>):
  %0 = gd.add %x, %b : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  gd.yield %0 : tensor<3xf32>
} backward {
}
gd.lens @mse attributes {num_inputs = 2 : i64, param_inits = [], param_names = []} forward {
^bb0(%y: tensor<3xf32>, %l: tensor<3xf32>):
  %d = gd.sub %y, %l : tensor<3xf32>, tensor<3xf32> -> tensor<3xf32>
  %s = gd.reduce_sum %d [0] : tensor<3xf32> -> tensor<f32>
  gd.yield %s : tensor<f32>
} backward {
}
gd.train_step @train {config = {batch = 4 : i64}, loss = @mse, model = @id, model_name = "m", optimizer = @wire, reduction = "mean"}

// CHECK-NOT: gd.chain
// CHECK-NOT: gd.transform
// CHECK-NOT: gd.schedule
// CHECK: gd.train_step @train {{.*}}optimizer = @wire
// CHECK: gd.optimizer @wire attributes {hyper_defaults = [1.000000e+00 : f32, 1.000000e-01 : f32], hyper_names = ["clip.limit", "lr.lr0"], state_names = []}
// CHECK-NEXT: ^bb0(%[[P:.*]]: tensor<f32>, %[[G:.*]]: tensor<f32>, %[[T:.*]]: tensor<f32>, %[[LIMIT:.*]]: tensor<f32>, %[[LR0:.*]]: tensor<f32>):
// CHECK-NEXT: %[[CLIPPED:.*]] = gd.min %[[G]], %[[LIMIT]]
// CHECK-NEXT: %[[LR:.*]] = gd.mul %[[LR0]], %[[T]]
// CHECK-NEXT: %[[STEP:.*]] = gd.mul %[[LR]], %[[CLIPPED]]
// CHECK-NEXT: %[[NEW:.*]] = gd.sub %[[P]], %[[STEP]]
// CHECK-NEXT: gd.yield %[[NEW]]
