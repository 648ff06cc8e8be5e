// RUN: gdc-opt %s -split-input-file -verify-diagnostics

func.func @matmul_inner(%a: tensor<784xf32>, %b: tensor<256x128xf32>) {
  // expected-error @+2 {{cannot matmul f32[784] by f32[256, 128]: inner dimensions 784 and 256 differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.matmul %a, %b : tensor<784xf32>, tensor<256x128xf32> -> tensor<128xf32>
  return
}

// -----

func.func @broadcast(%a: tensor<3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{add: cannot broadcast f32[3] and f32[4]: dimension sizes 3 and 4 differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.add %a, %b : tensor<3xf32>, tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @wrong_result(%a: tensor<3xf32>) {
  // expected-error @+2 {{'gd.exp' op inferred type(s) 'tensor<3xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = "gd.exp"(%a) : (tensor<3xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @reduce_axis(%a: tensor<3xf32>) {
  // expected-error @+2 {{axis 1 is out of range for f32[3]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.reduce_sum %a [1] : tensor<3xf32> -> tensor<f32>
  return
}

// -----

func.func @take_float_index(%a: tensor<3xf32>, %i: tensor<f32>) {
  // expected-error @+2 {{cannot index f32[3] by f32: the index must be an integer}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.take %a[%i] : tensor<3xf32>, tensor<f32> -> tensor<f32>
  return
}

// -----

func.func @cmp_predicate(%a: tensor<3xf32>) {
  // expected-error @+1 {{unknown predicate 'gtx'}}
  %0 = gd.cmp "gtx", %a, %a : tensor<3xf32>, tensor<3xf32> -> tensor<3xi1>
  return
}

// -----

// expected-error @+1 {{forward region takes 1 arguments, expected 2 (parameters, then inputs)}}
gd.lens @arity attributes {num_inputs = 1 : i64, param_inits = ["zeros"], param_names = ["b"]} forward {
^bb0(%x: tensor<3xf32>):
  gd.yield %x : tensor<3xf32>
} backward {
}

// -----

// expected-error @+1 {{has 1 parameters but 0 initializers}}
gd.lens @inits attributes {num_inputs = 1 : i64, param_inits = [], param_names = ["b"]} forward {
^bb0(%b: tensor<3xf32>, %x: tensor<3xf32>):
  gd.yield %x : tensor<3xf32>
} backward {
}

// -----

// expected-error @+1 {{body arguments before the global states must be tensor<f32> (one element of a parameter), got 'tensor<3xf32>'}}
gd.optimizer @bad attributes {hyper_defaults = [], hyper_names = [], state_names = []} {
^bb0(%p: tensor<3xf32>, %g: tensor<3xf32>, %t: tensor<f32>):
  gd.yield %p : tensor<3xf32>
}

// -----

gd.optimizer @sgd attributes {hyper_defaults = [1.0 : f32], hyper_names = ["lr"], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>):
  gd.yield %p : tensor<f32>
}
func.func @apply(%p: tensor<3xf32>, %g: tensor<3xf32>, %t: tensor<f32>) {
  // expected-error @+1 {{passes 0 hyperparameters and 0 states to 'sgd', which takes 1 and 0}}
  %0 = gd.apply_optimizer @sgd(%p, %g, %t) hypers() states() : (tensor<3xf32>, tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return
}

// -----

// expected-error @+1 {{config 'train' (csv) needs the string 'label'}}
gd.train_step @t {config = {train = {format = "csv", path = "d.csv", scale = 1.0 : f64}}, loss = @l, model = @missing, model_name = "m", optimizer = @o, reduction = "mean"}

// -----

// expected-error @+1 {{config 'test' has the unknown format "hdf5"}}
gd.train_step @t {config = {test = {format = "hdf5", scale = 1.0 : f64}}, loss = @l, model = @missing, model_name = "m", optimizer = @o, reduction = "mean"}

// -----

// expected-error @+1 {{model 'missing' is not a lens or composition}}
gd.train_step @t {config = {}, loss = @l, model = @missing, model_name = "m", optimizer = @o, reduction = "mean"}

// -----

func.func @element_types(%a: tensor<3xf32>, %b: tensor<3xf64>) {
  // expected-error @+2 {{mul: element types of f32[3] and f64[3] differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.mul %a, %b : tensor<3xf32>, tensor<3xf64> -> tensor<3xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<3x4xf32>) {
  // expected-error @+2 {{cannot reshape f32[3, 4] to [5, 2]: 12 elements do not fit 10}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.reshape %a [5, 2] : tensor<3x4xf32> -> tensor<5x2xf32>
  return
}

// -----

func.func @reshape_two_inferred(%a: tensor<3x4xf32>) {
  // expected-error @+2 {{cannot reshape f32[3, 4] to [-1, -1]: at most one size can be -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.reshape %a [-1, -1] : tensor<3x4xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @reshape_batch(%a: tensor<?x12xf32>) {
  // expected-error @+2 {{cannot reshape f32[?, 12] to [3, 4]: the input has a dynamic axis but no size is -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.reshape %a [3, 4] : tensor<?x12xf32> -> tensor<3x4xf32>
  return
}

// -----

func.func @concat_sizes(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+2 {{cannot concat f32[2, 3] and f32[2, 4]: sizes of axis 1 differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.concat %a, %b along 0 : tensor<2x3xf32>, tensor<2x4xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @slice_bounds(%a: tensor<5xf32>) {
  // expected-error @+2 {{cannot slice f32[5] from 3 to 7: expected 0 <= from < to <= 5}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.slice %a along 0 from 3 to 7 : tensor<5xf32> -> tensor<4xf32>
  return
}

// -----

func.func @argmax_dynamic(%a: tensor<?x5xf32>) {
  // expected-error @+2 {{argmax over the dynamic axis 0 of f32[?, 5]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.argmax %a [0] : tensor<?x5xf32> -> tensor<5xi32>
  return
}

// -----

func.func @conv_too_small(%x: tensor<1x2x2xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error @+2 {{cannot convolve f32[1, 2, 2] with f32[4, 1, 3, 3]: the 3x3 filter is larger than the padded input's 2x2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d %x, %w padding 0 : tensor<1x2x2xf32>, tensor<4x1x3x3xf32> -> tensor<4x1x1xf32>
  return
}

// -----

func.func @conv_dilated_too_large(%x: tensor<1x4x4xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error @+2 {{cannot convolve f32[1, 4, 4] with f32[4, 1, 3, 3]: the 3x3 filter dilated by 3 spans 7x7, which is larger than the padded input's 6x6}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d %x, %w padding 1 dilation 3 : tensor<1x4x4xf32>, tensor<4x1x3x3xf32> -> tensor<4x1x1xf32>
  return
}

// -----

func.func @conv_stride_zero(%x: tensor<1x4x4xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error @+2 {{cannot convolve f32[1, 4, 4] with f32[4, 1, 3, 3]: the stride must be between 1 and 2^24, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d %x, %w padding 0 stride 0 : tensor<1x4x4xf32>, tensor<4x1x3x3xf32> -> tensor<4x2x2xf32>
  return
}

// -----

func.func @conv_dilation_negative(%x: tensor<1x4x4xf32>, %w: tensor<4x1x3x3xf32>) {
  // expected-error @+2 {{cannot convolve f32[1, 4, 4] with f32[4, 1, 3, 3]: the dilation must be between 1 and 2^24, got -1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d %x, %w padding 0 dilation -1 : tensor<1x4x4xf32>, tensor<4x1x3x3xf32> -> tensor<4x2x2xf32>
  return
}

// -----

func.func @conv_filter_per_image_count(%x: tensor<3x1x4x4xf32>, %w: tensor<2x4x1x3x3xf32>) {
  // expected-error @+2 {{cannot convolve f32[3, 1, 4, 4] with f32[2, 4, 1, 3, 3]: a filter per example needs as many filters as images}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d %x, %w padding 1 : tensor<3x1x4x4xf32>, tensor<2x4x1x3x3xf32> -> tensor<3x4x4x4xf32>
  return
}

// -----

func.func @conv_filter_per_image_needs_batch(%x: tensor<1x4x4xf32>, %w: tensor<2x4x1x3x3xf32>) {
  // expected-error @+2 {{cannot convolve f32[1, 4, 4] with f32[2, 4, 1, 3, 3]: the filter must be [out channels, in channels, height, width]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d %x, %w padding 1 : tensor<1x4x4xf32>, tensor<2x4x1x3x3xf32> -> tensor<4x4x4xf32>
  return
}

// -----

func.func @conv_grad_input_shape(%dy: tensor<4x3x3xf32>, %x: tensor<1x5x5xf32>, %w: tensor<4x1x3x3xf32>) {
  // A stride of 2 gives [4, 2, 2]: the cotangent must have that shape.
  // expected-error @+2 {{gd.conv2d_grad_input: the cotangent is f32[4, 3, 3] but the forward op gives f32[4, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.conv2d_grad_input %dy, %w, %x padding 0 stride 2 : tensor<4x3x3xf32>, tensor<4x1x3x3xf32>, tensor<1x5x5xf32> -> tensor<1x5x5xf32>
  return
}

// -----

func.func @max_pool_window_too_large(%x: tensor<2x3x4xf32>) {
  // expected-error @+2 {{cannot max-pool f32[2, 3, 4] by 5x5 windows with stride 1 and padding 0: the window is larger than the padded input's 3x4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.max_pool2d %x window 5 stride 1 padding 0 : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  return
}

// -----

func.func @max_pool_padding(%x: tensor<2x6x6xf32>) {
  // As torch: a window entirely in the padding would have no maximum.
  // expected-error @+2 {{cannot max-pool f32[2, 6, 6] by 3x3 windows with stride 2 and padding 2: the padding must be between 0 and half the window (1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.max_pool2d %x window 3 stride 2 padding 2 : tensor<2x6x6xf32> -> tensor<2x4x4xf32>
  return
}

// -----

func.func @avg_pool_stride(%x: tensor<2x6x6xf32>) {
  // expected-error @+2 {{cannot average-pool f32[2, 6, 6] by 2x2 windows with stride 0 and padding 0: the stride must be between 1 and 2^24}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.avg_pool2d %x window 2 stride 0 padding 0 : tensor<2x6x6xf32> -> tensor<2x3x3xf32>
  return
}

// -----

func.func @avg_pool_not_an_image(%x: tensor<6x6xf32>) {
  // expected-error @+2 {{cannot average-pool f32[6, 6] by 2x2 windows with stride 2 and padding 0: the input must be [channels, height, width]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.avg_pool2d %x window 2 stride 2 padding 0 : tensor<6x6xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @max_pool_grad_shape(%dy: tensor<2x3x3xf32>, %x: tensor<2x6x6xf32>) {
  // expected-error @+2 {{gd.max_pool2d_grad: the cotangent is f32[2, 3, 3] but the forward op gives f32[2, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.max_pool2d_grad %dy, %x window 3 stride 2 padding 0 : tensor<2x3x3xf32>, tensor<2x6x6xf32> -> tensor<2x6x6xf32>
  return
}

// -----

func.func @reshape_multiple(%a: tensor<10xf32>) {
  // expected-error @+2 {{cannot reshape f32[10] to [3, -1]: 10 elements are not a multiple of 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.reshape %a [3, -1] : tensor<10xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @reshape_overflow(%a: tensor<10xf32>) {
  // expected-error @+2 {{more than 2^40 elements}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = gd.reshape %a [4294967296, 4294967296, 4294967296] : tensor<10xf32> -> tensor<10xf32>
  return
}

// -----

// A global state is shared by every tensor: its new value may not depend on g.
// expected-error @+1 {{global state 'h' is shared by every tensor, but its new value differs per element}}
gd.optimizer @autoclip attributes {hyper_defaults = [], hyper_names = [], state_names = [],
    global_state_names = ["h"], global_state_inits = ["zeros"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %h: tensor<f32>):
  %0 = gd.add %h, %g : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %p, %0 : tensor<f32>, tensor<f32>
}

// -----

// ... but it may depend on a global reduction.
gd.optimizer @autoclip attributes {hyper_defaults = [], hyper_names = [], state_names = [],
    global_state_names = ["h"], global_state_inits = ["zeros"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %h: tensor<f32>):
  %n = gd.global_norm %g : tensor<f32>
  %0 = gd.max %h, %n : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %p, %0 : tensor<f32>, tensor<f32>
}
// A per-tensor norm differs between tensors.
// expected-error @+1 {{global state 'h' is shared by every tensor, but its new value differs per tensor}}
gd.optimizer @per_tensor attributes {hyper_defaults = [], hyper_names = [], state_names = [],
    global_state_names = ["h"], global_state_inits = ["zeros"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %h: tensor<f32>):
  %n = gd.tensor_norm %g : tensor<f32>
  gd.yield %p, %n : tensor<f32>, tensor<f32>
}


// -----

func.func @outside(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{is only meaningful in a gd.optimizer or gd.transform body}}
  %0 = gd.global_norm %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @orthogonalize_outside(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{is only meaningful in a gd.optimizer or gd.transform body}}
  %0 = gd.orthogonalize %x {steps = 5 : i64} : tensor<f32>
  return %0 : tensor<f32>
}

// -----

gd.optimizer @negative_steps attributes {hyper_defaults = [], hyper_names = [], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>):
  // expected-error @+1 {{takes a number of steps >= 0, got -1}}
  %0 = gd.orthogonalize %g {steps = -1 : i64} : tensor<f32>
  gd.yield %0 : tensor<f32>
}

// -----

// A mean along an axis differs per element, a whole-tensor mean per tensor.
// expected-error @+1 {{global state 'h' is shared by every tensor, but its new value differs per element}}
gd.optimizer @row_mean attributes {hyper_defaults = [], hyper_names = [], state_names = [],
    global_state_names = ["h"], global_state_inits = ["zeros"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %h: tensor<f32>):
  %m = gd.tensor_mean %g {axis = -1 : i64} : tensor<f32>
  gd.yield %p, %m : tensor<f32>, tensor<f32>
}

// -----

// expected-error @+1 {{global state 'h' is shared by every tensor, but its new value differs per tensor}}
gd.optimizer @size attributes {hyper_defaults = [], hyper_names = [], state_names = [],
    global_state_names = ["h"], global_state_inits = ["zeros"]} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %h: tensor<f32>):
  %n = gd.tensor_size %g {axis = 0 : i64} : tensor<f32>
  gd.yield %p, %n : tensor<f32>, tensor<f32>
}

// -----

// The batch reduction of a per-example part belongs to a folded optimizer.
gd.transform @per_example_clip attributes {hyper_defaults = [], hyper_names = [], state_names = [], per_example} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>):
  // expected-error @+1 {{is only meaningful in a gd.optimizer body}}
  %0 = gd.reduce_examples %g : tensor<f32>
  gd.yield %0 : tensor<f32>
}

// -----

gd.optimizer @twice attributes {hyper_defaults = [], hyper_names = [], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>):
  // expected-error @+1 {{appears 2 times; a rule reduces its gradient once}}
  %0 = gd.reduce_examples %g : tensor<f32>
  %1 = gd.reduce_examples %0 : tensor<f32>
  %2 = gd.sub %p, %1 : tensor<f32>, tensor<f32> -> tensor<f32>
  gd.yield %2 : tensor<f32>
}

// -----

gd.optimizer @sgd attributes {hyper_defaults = [], hyper_names = [], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>):
  gd.yield %p : tensor<f32>
}
// expected-error @+1 {{stage 0 (@sgd) must be a gd.transform}}
gd.chain @c [@sgd, @sgd]

// -----

gd.transform @clip attributes {hyper_defaults = [], hyper_names = [], state_names = []} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>):
  gd.yield %g : tensor<f32>
}
// expected-error @+1 {{stage 0 (@clip) must be a gd.optimizer or gd.chain}}
gd.chain @c [@clip]

// -----

// expected-error @+1 {{rule "thawed" must be a symbol or "frozen"}}
gd.param_groups @groups {patterns = ["*"], rules = ["thawed"], ascend = array<i1: false>}

// -----

// expected-error @+1 {{hyperparameter 'lr' is driven by @nowhere, which is not a gd.schedule}}
gd.optimizer @sgd attributes {hyper_defaults = [1.0 : f32], hyper_names = ["lr"], state_names = [],
    schedules = {lr = @nowhere}} {
^bb0(%p: tensor<f32>, %g: tensor<f32>, %t: tensor<f32>, %lr: tensor<f32>):
  gd.yield %p : tensor<f32>
}

// -----

// expected-error @+1 {{body must yield one tensor<f32>}}
gd.schedule @s attributes {hyper_defaults = [], hyper_names = []} {
^bb0(%t: tensor<f32>):
  gd.yield
}

// -----

// expected-error @+1 {{has 2 stages but 3 entries in 'shares'}}
gd.compose @c [@a, @a] {shares = ["", "c.0", ""]}

// -----

%a = arith.constant dense<1.0> : tensor<f32>
%t = gd.tuple %a, %a : tensor<f32>, tensor<f32> -> tuple<tensor<f32>, tensor<f32>>
// expected-error @+1 {{index 2 is out of range for 'tuple<tensor<f32>, tensor<f32>>'}}
%b = gd.tuple_get %t[2] : tuple<tensor<f32>, tensor<f32>> -> tensor<f32>

// -----

%x = arith.constant dense<1.0> : tensor<4xf32>
// expected-error @+1 {{distribution must be "normal" or "uniform", not "poisson"}}
%r = gd.random "poisson" %x stream 0 : tensor<4xf32> -> tensor<4xf32>

// -----

%x = arith.constant dense<1.0> : tensor<4xf32>
// expected-error @+1 {{result shape f32[5] differs from the operand's f32[4]}}
%r = gd.random "normal" %x stream 0 : tensor<4xf32> -> tensor<5xf32>

// -----

%x = arith.constant dense<1> : tensor<4xi32>
// expected-error @+1 {{draws floats, not 'i32'}}
%r = gd.random "uniform" %x stream 0 : tensor<4xi32> -> tensor<4xi32>

// -----

%x = arith.constant dense<1.0> : tensor<4xf32>
%t = arith.constant dense<1.0> : tensor<f32>
// expected-error @+1 {{key must be (seed: tensor<i64>, t: tensor<f32>)}}
%r = gd.random "uniform" %x stream 0 key(%t, %t : tensor<f32>, tensor<f32>) : tensor<4xf32> -> tensor<4xf32>

// -----

%x = arith.constant dense<1.0> : tensor<4xf32>
%s = arith.constant dense<1> : tensor<i64>
%t = arith.constant dense<1.0> : tensor<f32>
// expected-error @+1 {{key must be (seed: tensor<i64>, t: tensor<f32>), and the instance (tensor<i64>) where it is known only at run time}}
%r = gd.random "uniform" %x stream 0 key(%s, %t, %t : tensor<i64>, tensor<f32>, tensor<f32>) : tensor<4xf32> -> tensor<4xf32>

// -----

func.func @custom_backward_cotangent(%x: tensor<3xf32>) {
  // expected-error @+1 {{backward region must yield one cotangent per operand, of the operand's type}}
  %y = gd.custom_backward %x : tensor<3xf32> -> tensor<3xf32> forward {
  ^bb0(%x0: tensor<3xf32>):
    gd.yield %x0 : tensor<3xf32>
  } backward {
  ^bb0(%x0: tensor<3xf32>, %dy: tensor<3xf32>):
    %0 = gd.reduce_sum %dy [0] : tensor<3xf32> -> tensor<f32>
    gd.yield %0 : tensor<f32>
  }
  return
}

// -----

func.func @kernel_kind(%x: tensor<?x2x8x8xf32>, %w: tensor<4x2x3x3xf32>, %o: tensor<?x4x8x8xf32>) -> tensor<?x4x8x8xf32> {
  // expected-error @+1 {{kind must be 0 (convolution), 1 (input gradient) or 2 (filter gradient), plus 4 for a filter per image, got 3}}
  %0 = gd.conv2d_kernel 3 %x, %w into %o padding 1 stride 1 dilation 1 : tensor<?x2x8x8xf32>, tensor<4x2x3x3xf32>, tensor<?x4x8x8xf32> -> tensor<?x4x8x8xf32>
  return %0 : tensor<?x4x8x8xf32>
}

// -----

func.func @kernel_f64(%x: tensor<?x2x8x8xf64>, %w: tensor<4x2x3x3xf64>, %o: tensor<?x4x8x8xf64>) -> tensor<?x4x8x8xf64> {
  // expected-error @+1 {{takes f32 tensors or memrefs of rank 4, got 'tensor<?x2x8x8xf64>'}}
  %0 = gd.conv2d_kernel 0 %x, %w into %o padding 1 stride 1 dilation 1 : tensor<?x2x8x8xf64>, tensor<4x2x3x3xf64>, tensor<?x4x8x8xf64> -> tensor<?x4x8x8xf64>
  return %0 : tensor<?x4x8x8xf64>
}
