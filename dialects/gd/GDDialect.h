//===- GDDialect.h - The gd dialect, its ops and interfaces ----*- C++ -*-===//
#ifndef GDC_DIALECTS_GD_GDDIALECT_H
#define GDC_DIALECTS_GD_GDDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/gd/GDDialect.h.inc"
#include "dialects/gd/GDInterfaces.h.inc"

namespace gdc::gd {

/// The NumPy broadcast of `operands`' shapes (right-aligned; 1 stretches; a
/// dynamic size meets anything). The element type is the first operand's,
/// or `element` if given. Emits "`opName`: cannot broadcast ..." on failure.
llvm::LogicalResult inferBroadcastType(std::optional<mlir::Location> loc,
                                       llvm::StringRef opName,
                                       llvm::ArrayRef<mlir::Type> operands,
                                       mlir::Type element,
                                       llvm::SmallVectorImpl<mlir::Type> &types);

/// `v` (unbatched) repeated along a leading batch dimension taken from
/// `batched`, so that an example-independent value (a parameter, the shape
/// of a random draw) can join a batched one.
mlir::Value broadcastToBatch(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                             mlir::Value batched);

/// Whether a parameter-group pattern matches a parameter path: `*` matches
/// any run of characters, dots included.
bool matchesPathPattern(llvm::StringRef pattern, llvm::StringRef path);

/// The discardable attribute on a gd.optimizer, gd.transform or
/// gd.schedule that records its `int` and `f64` arguments, compile-time
/// constants already folded into its body (`{steps = 100 : i64, b2 = 0.999
/// : f64}`), so that the manifest can name them: `--set lr.steps=50` then
/// says why it cannot be set.
inline constexpr llvm::StringLiteral kConstantsAttrName = "gd.constants";
/// A compile-time argument of an update rule or schedule.
struct RuleConstant {
  std::string name;
  double value = 0; ///< exact for an int up to 2^53
  bool isF64 = false; ///< an `f64` hyperparameter, else an `int`
};
/// The compile-time constants recorded on `rule`, in order.
llvm::SmallVector<RuleConstant> constantsOf(mlir::Operation *rule);
/// Records `constants` on `rule` (nothing if empty).
void setConstants(mlir::Operation *rule, llvm::ArrayRef<RuleConstant> constants);

/// The parameter group a path belongs to, among the groups' patterns.
struct PathGroupChoice {
  std::optional<size_t> group; ///< the chosen pattern; none if none matches
  /// Another matching pattern as specific as the chosen one: the choice is
  /// ambiguous (an error for the user).
  std::optional<size_t> tie;
};
/// Of the patterns that match `path`, the most specific wins: the one with
/// the most characters other than `*` ("enc.*" over "*.W" for enc.0.W, and
/// anything over "*"). The one home of the groups' precedence rule.
PathGroupChoice choosePathGroup(llvm::ArrayRef<llvm::StringRef> patterns, llvm::StringRef path);

/// `input`'s type with `axes` removed; checks the axes are in range and
/// distinct.
llvm::LogicalResult inferReducedType(std::optional<mlir::Location> loc,
                                     mlir::Type input,
                                     llvm::ArrayRef<int64_t> axes,
                                     llvm::SmallVectorImpl<mlir::Type> &types);

/// How a value of an update-rule body (gd.optimizer, gd.transform) varies,
/// from least to most: the same for every tensor of the instance, the same
/// within one parameter tensor, or per element.
enum class Phase { Uniform = 0, PerTensor = 1, PerElement = 2 };

/// How a barrier's result varies (gd.global_norm: uniform; gd.tensor_norm,
/// gd.tensor_size and a whole-tensor gd.tensor_mean or gd.tensor_sum: per
/// tensor; gd.grad_at, gd.orthogonalize and a gd.tensor_mean or
/// gd.tensor_sum along an axis: per element), or std::nullopt for an op
/// that is not a barrier of an update-rule body.
std::optional<Phase> barrierPhase(mlir::Operation *op);

/// The phase of every value of `rule`'s body (the block arguments by their
/// role, each op's result by its operands; `gd.global_norm` is uniform).
llvm::DenseMap<mlir::Value, Phase> computePhases(mlir::Operation *rule);

/// `input` reshaped to `shape`, where one size may be -1 (the remaining
/// elements; dynamic if `input` has a dynamic axis). Checks the element
/// counts agree.
llvm::LogicalResult inferReshapedType(std::optional<mlir::Location> loc,
                                      mlir::Type input, llvm::ArrayRef<int64_t> shape,
                                      llvm::SmallVectorImpl<mlir::Type> &types);

/// `inputs` joined along `axis`: same rank and element type, equal sizes but
/// on `axis`, whose (static) sizes add up.
llvm::LogicalResult inferConcatType(std::optional<mlir::Location> loc,
                                    mlir::TypeRange inputs, int64_t axis,
                                    llvm::SmallVectorImpl<mlir::Type> &types);

/// Elements [lo, hi) of the static axis `axis` of `input`.
llvm::LogicalResult inferSlicedType(std::optional<mlir::Location> loc,
                                    mlir::Type input, int64_t axis, int64_t lo,
                                    int64_t hi, llvm::SmallVectorImpl<mlir::Type> &types);

/// The result of a 2-D convolution of `input` (`[C, H, W]` or
/// `[N, C, H, W]`) by `filter` (`[O, C, KH, KW]`) with `padding` zeros,
/// `stride` and `dilation` (torch's conv2d).
llvm::LogicalResult inferConv2DType(std::optional<mlir::Location> loc,
                                    mlir::Type input, mlir::Type filter, int64_t padding,
                                    int64_t stride, int64_t dilation,
                                    llvm::SmallVectorImpl<mlir::Type> &types);

/// Replaces every gd.custom_backward under `root` by its forward region:
/// once the lens is differentiated, the backward map has been used.
void inlineCustomBackwards(mlir::Operation *root);

/// The result of pooling `input` (`[C, H, W]` or `[N, C, H, W]`) by
/// `window` x `window` windows `stride` apart with `padding` (torch's
/// max_pool2d and avg_pool2d, floor mode); `what` names the operation in
/// errors ("max-pool").
llvm::LogicalResult inferPool2DType(std::optional<mlir::Location> loc, llvm::StringRef what,
                                    mlir::Type input, int64_t window, int64_t stride,
                                    int64_t padding, llvm::SmallVectorImpl<mlir::Type> &types);

/// Whether a gradient op's cotangent `grad` has the type of the forward
/// op's result `forward` (a dynamic batch axis matches any size).
llvm::LogicalResult checkGradShape(std::optional<mlir::Location> loc, llvm::StringRef opName,
                                   mlir::Type grad, mlir::Type forward);

/// A ranked tensor type's shape as a string, `f32[?, 784]`, for messages.
std::string formatTensorType(mlir::Type type);

/// A gd.constant scalar (tensor<element>) holding `value`; `element` is a
/// float type.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type element,
                           double value);

} // namespace gdc::gd

#define GET_OP_CLASSES
#include "dialects/gd/GDOps.h.inc"

#endif // GDC_DIALECTS_GD_GDDIALECT_H
