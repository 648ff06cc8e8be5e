//===- Conv.cpp - The convolution kernels compiled models call ------------===//
//
// Convolution is where a CNN's step spends its time, and oneDNN is the
// library made for it on the CPU (the one PyTorch's CPU convolutions use):
// the generic loops gd lowers a convolution to ran 30x slower than torch
// on the cnn-fmnist workload. The tensors stay in gd's layout (NCHW, the
// filter OIHW, contiguous). Building a oneDNN primitive takes far longer
// than running a small one, so each (kind, shapes, window) is built once
// and kept for the process.
//
//===----------------------------------------------------------------------===//
#include "Conv.h"

#include <oneapi/dnnl/dnnl.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>

namespace {

[[noreturn]] void fail(const char *what, dnnl_status_t status) {
  std::fprintf(stderr, "gdrt_conv2d: internal error, please report: %s failed (oneDNN status %d)\n",
               what, static_cast<int>(status));
  std::abort();
}

void check(dnnl_status_t status, const char *what) {
  if (status != dnnl_success)
    fail(what, status);
}

dnnl_engine_t engine() {
  static dnnl_engine_t e = [] {
    dnnl_engine_t made;
    check(dnnl_engine_create(&made, dnnl_cpu, 0), "creating the CPU engine");
    return made;
  }();
  return e;
}

/// A descriptor of a dense row-major [d0, d1, d2, d3] f32 tensor. With
/// `groups` > 0 it is seen as the images of a grouped convolution: an image
/// [N, C, H, W] as one of N * C channels, a filter [G * O, C, KH, KW] as G
/// groups of O.
dnnl_memory_desc_t describe(const GdrtTensor4 &t, int64_t groups = 0, bool filter = false) {
  for (int i = 3, expected = 1; i >= 0; expected *= static_cast<int>(t.sizes[i]), --i)
    if (t.sizes[i] != 1 && t.strides[i] != expected)
      fail("a non-contiguous tensor", dnnl_invalid_arguments);
  dnnl_memory_desc_t md;
  if (groups > 0 && filter) {
    dnnl_dims_t dims = {groups, t.sizes[0] / groups, t.sizes[1], t.sizes[2], t.sizes[3]};
    check(dnnl_memory_desc_init_by_tag(&md, 5, dims, dnnl_f32, dnnl_goihw),
          "describing a filter per image");
    return md;
  }
  dnnl_dims_t dims = {t.sizes[0], t.sizes[1], t.sizes[2], t.sizes[3]};
  if (groups > 0) {
    dims[1] *= dims[0];
    dims[0] = 1;
  }
  check(dnnl_memory_desc_init_by_tag(&md, 4, dims, dnnl_f32, dnnl_abcd), "describing a tensor");
  return md;
}

/// The primitive for one kind, shapes and window, built on first use, in
/// the layouts oneDNN prefers (blocked channels: its direct AVX-512
/// convolutions run several times faster than on plain NCHW), with the
/// reorders between gd's layout and those, and buffers for the reordered
/// tensors. Indices: 0 src, 1 weights, 2 dst (their gradients for the
/// backward kinds).
struct Built {
  dnnl_primitive_t convolution = nullptr;
  int args[3];
  bool written[3]; ///< the primitive's output (one of the three)
  dnnl_memory_t blocked[3] = {nullptr, nullptr, nullptr}; ///< null: gd's layout
  dnnl_primitive_t toBlocked[3] = {nullptr, nullptr, nullptr};
  dnnl_primitive_t fromBlocked[3] = {nullptr, nullptr, nullptr};
};

struct Key {
  std::array<int64_t, 16> values;
  bool operator<(const Key &other) const { return values < other.values; }
};

dnnl_primitive_t reorder(const dnnl_memory_desc_t *from, const dnnl_memory_desc_t *to) {
  dnnl_primitive_desc_t pd;
  check(dnnl_reorder_primitive_desc_create(&pd, from, engine(), to, engine(), nullptr),
        "choosing a reorder");
  dnnl_primitive_t primitive;
  check(dnnl_primitive_create(&primitive, pd), "building a reorder");
  dnnl_primitive_desc_destroy(pd);
  return primitive;
}

Built build(int32_t kind, const dnnl_memory_desc_t plain[3], int64_t padding, int64_t stride,
            int64_t dilation) {
  dnnl_dims_t strides = {stride, stride};
  dnnl_dims_t dilates = {dilation - 1, dilation - 1}; // oneDNN counts the gaps
  dnnl_dims_t pad = {padding, padding};
  dnnl_memory_desc_t any[3];
  for (int i = 0; i < 3; ++i)
    check(dnnl_memory_desc_init_by_tag(&any[i], plain[i].ndims, plain[i].dims, dnnl_f32,
                                       dnnl_format_tag_any),
          "describing a tensor");
  dnnl_convolution_desc_t forward;
  check(dnnl_dilated_convolution_forward_desc_init(&forward, dnnl_forward_training,
                                                   dnnl_convolution_direct, &any[0], &any[1],
                                                   nullptr, &any[2], strides, dilates, pad, pad),
        "describing a convolution");
  dnnl_primitive_desc_t forwardPd;
  check(dnnl_primitive_desc_create(&forwardPd, &forward, nullptr, engine(), nullptr),
        "choosing a convolution");
  dnnl_primitive_desc_t pd = forwardPd;
  Built built;
  dnnl_query_t queries[3] = {dnnl_query_src_md, dnnl_query_weights_md, dnnl_query_dst_md};
  int args[3] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST};
  int output = 2;
  if (kind == GdrtConvGradInput) {
    dnnl_convolution_desc_t data;
    check(dnnl_dilated_convolution_backward_data_desc_init(&data, dnnl_convolution_direct,
                                                           &any[0], &any[1], &any[2], strides,
                                                           dilates, pad, pad),
          "describing a convolution's input gradient");
    check(dnnl_primitive_desc_create(&pd, &data, nullptr, engine(), forwardPd),
          "choosing a convolution's input gradient");
    queries[0] = dnnl_query_diff_src_md;
    queries[2] = dnnl_query_diff_dst_md;
    args[0] = DNNL_ARG_DIFF_SRC;
    args[2] = DNNL_ARG_DIFF_DST;
    output = 0;
  } else if (kind == GdrtConvGradFilter) {
    dnnl_convolution_desc_t weightsGrad;
    check(dnnl_dilated_convolution_backward_weights_desc_init(
              &weightsGrad, dnnl_convolution_direct, &any[0], &any[1], nullptr, &any[2],
              strides, dilates, pad, pad),
          "describing a convolution's filter gradient");
    check(dnnl_primitive_desc_create(&pd, &weightsGrad, nullptr, engine(), forwardPd),
          "choosing a convolution's filter gradient");
    queries[1] = dnnl_query_diff_weights_md;
    queries[2] = dnnl_query_diff_dst_md;
    args[1] = DNNL_ARG_DIFF_WEIGHTS;
    args[2] = DNNL_ARG_DIFF_DST;
    output = 1;
  }
  for (int i = 0; i < 3; ++i) {
    built.args[i] = args[i];
    built.written[i] = i == output;
    const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(pd, queries[i], 0);
    if (dnnl_memory_desc_equal(chosen, &plain[i]))
      continue;
    check(dnnl_memory_create(&built.blocked[i], chosen, engine(), DNNL_MEMORY_ALLOCATE),
          "allocating a reordered tensor");
    if (built.written[i])
      built.fromBlocked[i] = reorder(chosen, &plain[i]);
    else
      built.toBlocked[i] = reorder(&plain[i], chosen);
  }
  check(dnnl_primitive_create(&built.convolution, pd), "building a convolution");
  if (pd != forwardPd)
    dnnl_primitive_desc_destroy(pd);
  dnnl_primitive_desc_destroy(forwardPd);
  return built;
}

void run(dnnl_primitive_t primitive, dnnl_stream_t stream, int count, const dnnl_exec_arg_t *args,
         const char *what) {
  check(dnnl_primitive_execute(primitive, stream, count, args), what);
}

} // namespace

extern "C" void _mlir_ciface_gdrt_conv2d(int32_t kind, GdrtTensor4 *a, GdrtTensor4 *b,
                                         GdrtTensor4 *out, int64_t padding, int64_t stride,
                                         int64_t dilation) {
  // Which tensor plays which part: src [N, C, H, W], weights [O, C, KH, KW],
  // dst [N, O, OH, OW].
  bool perImage = kind & GdrtConvPerImage;
  kind &= ~GdrtConvPerImage;
  GdrtTensor4 *src = a, *weights = b, *dst = out;
  if (kind == GdrtConvGradInput) {
    src = out;
    dst = a;
  } else if (kind == GdrtConvGradFilter) {
    src = b;
    weights = out;
    dst = a;
  }
  if (src->sizes[0] == 0) {
    // An empty batch: no gradient flows to the filter (per image, there is
    // none).
    if (kind == GdrtConvGradFilter)
      for (int64_t i = 0; i < out->sizes[0] * out->sizes[1] * out->sizes[2] * out->sizes[3]; ++i)
        out->aligned[out->offset + i] = 0.0f;
    return;
  }
  Key key;
  key.values = {kind,          src->sizes[0],     src->sizes[1],     src->sizes[2],
                src->sizes[3], weights->sizes[0], weights->sizes[2], weights->sizes[3],
                dst->sizes[2], dst->sizes[3],     padding,           stride,
                dilation,      perImage,          0,                 0};
  GdrtTensor4 *tensors[3] = {src, weights, dst};
  // Per image, the batch is one image whose channels are all the images'.
  int64_t groups = perImage ? src->sizes[0] : 0;
  dnnl_memory_desc_t plain[3] = {describe(*src, groups), describe(*weights, groups, true),
                                 describe(*dst, groups)};
  // One convolution at a time: the cached primitives share their reorder
  // buffers (a model's step runs its convolutions one after another anyway).
  static std::mutex lock;
  static std::map<Key, Built> cache;
  std::lock_guard<std::mutex> guard(lock);
  auto found = cache.find(key);
  if (found == cache.end())
    found = cache.emplace(key, build(kind, plain, padding, stride, dilation)).first;
  const Built &built = found->second;
  static dnnl_stream_t stream = [] {
    dnnl_stream_t made;
    check(dnnl_stream_create(&made, engine(), dnnl_stream_default_flags), "creating a stream");
    return made;
  }();
  dnnl_memory_t user[3];
  dnnl_exec_arg_t convArgs[3];
  for (int i = 0; i < 3; ++i) {
    check(dnnl_memory_create(&user[i], &plain[i], engine(),
                             tensors[i]->aligned + tensors[i]->offset),
          "wrapping a tensor");
    if (built.toBlocked[i]) {
      dnnl_exec_arg_t reorderArgs[2] = {{DNNL_ARG_FROM, user[i]}, {DNNL_ARG_TO, built.blocked[i]}};
      run(built.toBlocked[i], stream, 2, reorderArgs, "reordering an operand");
    }
    convArgs[i] = {built.args[i], built.blocked[i] ? built.blocked[i] : user[i]};
  }
  run(built.convolution, stream, 3, convArgs, "running a convolution");
  for (int i = 0; i < 3; ++i)
    if (built.fromBlocked[i]) {
      dnnl_exec_arg_t reorderArgs[2] = {{DNNL_ARG_FROM, built.blocked[i]}, {DNNL_ARG_TO, user[i]}};
      run(built.fromBlocked[i], stream, 2, reorderArgs, "reordering the result");
    }
  check(dnnl_stream_wait(stream), "waiting for a convolution");
  for (dnnl_memory_t m : user)
    dnnl_memory_destroy(m);
}
