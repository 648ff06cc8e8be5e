//===- Elaborator.h - The elaborator's state (internal) ---------*- C++ -*-===//
#ifndef GDC_LANG_ELABORATOR_H
#define GDC_LANG_ELABORATOR_H

#include "lang/Elaborate.h"
#include "dialects/gd/GDDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <map>
#include <memory>
#include <optional>
#include <set>

namespace gdc::lang {

/// A lens's compile-time constructor argument: an `int` (a size) or a float
/// (`dropout(0.5)`), as its parameter is declared.
struct LensArg {
  double value = 0;
  bool isFloat = false;
};

/// A composition tree of lens instances, as the model expression builds it.
struct ModelNode {
  /// Sequence: `a >> b >> ...`; Parallel: `a || b || ...` on a tuple.
  enum Kind { Lens, Fn, Sequence, Parallel } kind = Sequence;
  ast::Loc loc;
  const ast::Decl *decl = nullptr;   ///< Lens, Fn (null for a built-in)
  std::string builtin;               ///< Fn: a built-in function (`tanh`)
  const ast::Module *module = nullptr; ///< where `decl` lives
  std::vector<LensArg> args;         ///< Lens: constructor arguments
  std::vector<std::shared_ptr<ModelNode>> stages; ///< Sequence, Parallel
  std::vector<ast::Loc> stageLocs;   ///< Sequence, Parallel: where each stage is used
  std::vector<ast::Loc> joinLocs;    ///< Sequence: the `>>` before stage k + 1
  const ast::Module *useModule = nullptr; ///< the module whose code wrote it
};

/// What a name denotes while elaborating.
struct Binding {
  enum Kind { Tensor, Int, Number, Model, Decl, Shape } kind = Tensor;
  mlir::Value value;                    ///< Tensor
  llvm::SmallVector<int64_t> shape;     ///< Shape (`f32[*s]` binds s whole)
  int64_t integer = 0;                  ///< Int (compile-time)
  double number = 0;                    ///< Number (a compile-time float)
  bool isF64 = false;                   ///< Number: an update rule's f64 argument
  std::shared_ptr<ModelNode> model;     ///< Model (a `let`-bound instance)
  const ast::Decl *decl = nullptr;      ///< Decl (fn, lens, loss, optimizer)
  const ast::Module *module = nullptr;  ///< Decl: its module
  bool inLensBody = false;              ///< Model: a sub-lens of the lens being emitted

  /// A lens's constructor argument, bound to its parameter's name.
  static Binding of(const LensArg &arg) {
    Binding b;
    if (arg.isFloat) {
      b.kind = Number;
      b.number = arg.value;
    } else {
      b.kind = Int;
      b.integer = static_cast<int64_t>(arg.value);
    }
    return b;
  }
};

/// A data spec, checked: the example type (a dimension may be dynamic
/// until the model's input fixes it), the label kind and the attributes the
/// train step records for the runtime.
struct DataSpec {
  ast::Loc loc;
  mlir::Type example;
  bool floatLabels = false; ///< regression targets shaped like the output
  bool labelIsInput = false; ///< `label = input`: each example is its own target
  bool labelsPerPosition = false; ///< text: a class label per position of the example
  int64_t classes = 0;      ///< synthetic: the number of classes (0: targets)
  llvm::SmallVector<mlir::NamedAttribute> attrs;
};

/// The gd.lens whose forward map is being emitted. Sub-lens instances
/// applied in its body (`f(x)` for `let f = dense(d, d)`) are composed into
/// it: their parameters become its parameters, named by path (`f.0.W`), and
/// their forward maps are emitted inline, so the enclosing lens's backward
/// map covers them and using `f` twice shares its parameters.
struct LensBuild {
  gd::LensOp op;
  mlir::Block *block = nullptr;
  llvm::SmallVector<mlir::Attribute> names, inits;
  /// What a lens instance applied in this body owns: its parameters and
  /// sub-lenses, which a second application of the instance reuses.
  struct Instance {
    llvm::SmallVector<mlir::Value> params;
    std::map<std::string, std::shared_ptr<ModelNode>> subLenses;
  };
  std::map<const ModelNode *, Instance> instances;
  std::string path; ///< the path of the instance whose body is being emitted
  /// Each model node applied in this body: its input and output types (the
  /// `gd.structure` of an inlined composition records them).
  std::map<const ModelNode *, std::pair<mlir::Type, mlir::Type>> wireTypes;
};

/// Lexical scopes: innermost first.
class Scope {
public:
  explicit Scope(const Scope *parent = nullptr) : parent(parent) {}
  void bind(llvm::StringRef name, Binding b) { names[name] = std::move(b); }
  const Binding *lookup(llvm::StringRef name) const {
    auto it = names.find(name);
    if (it != names.end())
      return &it->second;
    return parent ? parent->lookup(name) : nullptr;
  }
  bool definesLocally(llvm::StringRef name) const { return names.count(name); }
  /// Every visible name, for did-you-mean suggestions.
  void collect(std::vector<std::string> &out) const {
    for (auto &e : names)
      out.push_back(e.getKey().str());
    if (parent)
      parent->collect(out);
  }

private:
  const Scope *parent;
  llvm::StringMap<Binding> names;
};

/// The compile-time keyword arguments of `conv2d` (`padding`, `stride`,
/// `dilation`) and of the pools (`stride`, `padding`), where given.
struct WindowKeywords {
  std::optional<int64_t> padding, stride, dilation;
};

class Elaborator {
public:
  Elaborator(mlir::MLIRContext &ctx, const Program &program);
  ~Elaborator();
  Elaborator(const Elaborator &) = delete;
  Elaborator &operator=(const Elaborator &) = delete;
  mlir::OwningOpRef<mlir::ModuleOp> run();

  // --- diagnostics ---------------------------------------------------------
  mlir::Location loc(ast::Loc l) const;
  mlir::Location loc(const ast::Module *m, ast::Loc l) const;
  /// Where the program asked for the library code being elaborated, so that
  /// an error inside std's `dense` also points at the user's line.
  struct Instantiation {
    const ast::Module *module;
    ast::Loc loc;
    std::string what;
  };
  std::vector<Instantiation> instantiations;
  /// Attaches the instantiation's note to every error of library code,
  /// whoever reports it (the elaborator, or an op's shape inference).
  mlir::DiagnosticEngine::HandlerID noteHandler;
  /// Records an instantiation for the lifetime of the returned guard.
  struct InstantiationGuard {
    Elaborator &el;
    ~InstantiationGuard() { el.instantiations.pop_back(); }
  };
  InstantiationGuard instantiating(const ast::Module *m, ast::Loc l, std::string what) {
    instantiations.push_back({m, l, std::move(what)});
    return InstantiationGuard{*this};
  }
  mlir::InFlightDiagnostic error(ast::Loc l);
  /// Reports an unknown name, with a did-you-mean from `scope`.
  void unknownName(ast::Loc l, llvm::StringRef name, const Scope &scope,
                   llvm::StringRef what = "name");

  // --- compile-time values -------------------------------------------------
  std::optional<int64_t> evalInt(const ast::Expr &e, const Scope &scope);
  /// Matches a call's arguments to `params`: positional ones in order, then
  /// `name = value`. Returns one entry per parameter (null where not given),
  /// or nullopt after reporting an unknown, repeated or surplus argument.
  /// `what` names the parameters in messages ("argument", "hyperparameter").
  std::optional<std::vector<const ast::Arg *>>
  matchArguments(const ast::Expr &call, const ast::Decl &callee,
                 llvm::StringRef what);
  std::optional<double> evalNumber(const ast::Expr &e, const Scope &scope);
  /// Resolves a type annotation against `actual`, binding unbound dimension
  /// names into `scope` (shape variables such as `k` in `f32[k]`).
  bool unify(const ast::TypeExpr &annotation, mlir::Type actual, Scope &scope,
             llvm::StringRef what);
  std::optional<mlir::RankedTensorType> resolveType(const ast::TypeExpr &t,
                                                    const Scope &scope);

  // --- expressions (ExprEmitter.cpp) --------------------------------------
  /// Emits `e` as gd ops at the builder's insertion point (and records its
  /// type for --emit=ast).
  mlir::Value emit(const ast::Expr &e, Scope &scope);
  /// Like emit, where a tuple may stand (a let's value, a fn's argument
  /// and result, a tuple's part).
  mlir::Value emitAny(const ast::Expr &e, Scope &scope);
  /// `[a, b, c]`: a tensor literal, its entries stacked on a new first axis.
  mlir::Value emitList(const ast::Expr &e, Scope &scope);
  mlir::Value emitUnrecorded(const ast::Expr &e, Scope &scope);
  // --- tuples (TupleEmitter.cpp) ------------------------------------------
  mlir::Value emitTuple(const ast::Expr &e, Scope &scope);
  /// Part `i` of `tuple`, folded when the tuple was built here.
  mlir::Value tuplePart(mlir::Value tuple, unsigned i, ast::Loc l);
  /// Binds `value` to `binder` (one name, or destructures a tuple).
  bool bindLet(const ast::Binder &binder, ast::Loc l, mlir::Value value, Scope &scope);
  /// `not`, `and`, `or` on bools.
  mlir::Value emitLogical(const ast::Expr &e, Scope &scope);
  mlir::Value emitCall(const ast::Expr &e, Scope &scope);
  // --- random draws (RandomEmitter.cpp) -----------------------------------
  /// `normal_like(x)`, `uniform_like(x)`, `normal()`, `uniform()`.
  mlir::Value emitRandom(const ast::Expr &e, llvm::StringRef name,
                         llvm::ArrayRef<mlir::Value> args);
  /// The built-in `training`.
  mlir::Value emitTrainingFlag(ast::Loc at);
  mlir::Value emitBinary(const ast::Expr &e, Scope &scope);
  /// `constant` is the compile-time second argument of `reshape` and
  /// `one_hot` (see evalStaticArgument); `window` holds the keywords of
  /// `conv2d` and the pools.
  mlir::Value emitCausalMask(const ast::Expr &e, Scope &scope);
  mlir::Value emitBuiltin(const ast::Expr &e, llvm::StringRef name,
                          llvm::ArrayRef<mlir::Value> args,
                          std::optional<int64_t> axis, Scope &scope,
                          const std::optional<llvm::SmallVector<int64_t>> &constant = {},
                          const WindowKeywords &window = {});
  /// The compile-time argument of a built-in: `one_hot`'s number of classes,
  /// `reshape`'s list of sizes. Reports and returns nullopt if it is not one.
  std::optional<llvm::SmallVector<int64_t>>
  evalStaticArgument(llvm::StringRef callee, const ast::Expr &arg, const Scope &scope);
  /// The built-ins that rearrange elements (ShapeEmitter.cpp): `flatten`,
  /// `reshape`, `concat`, `transpose`, `one_hot`, `conv2d` and the pools
  /// (whose keywords are `window`). `given` counts the arguments,
  /// `constant` included.
  mlir::Value emitShapeBuiltin(const ast::Expr &e, llvm::StringRef name,
                               llvm::ArrayRef<mlir::Value> args, size_t given,
                               const std::optional<llvm::SmallVector<int64_t>> &constant,
                               const WindowKeywords &window);
  /// `x[lo:hi]`: elements lo (inclusive) to hi (exclusive) of the first axis
  /// of the example. A negative bound counts from the end, as in Python
  /// (-1 is the last element); a caller with an omitted bound passes 0 or
  /// the axis's size. Reports at `l`, naming the shape, and returns null if
  /// the bounds are outside the axis or the slice would be empty.
  mlir::Value emitSlice(mlir::Value x, int64_t lo, int64_t hi, ast::Loc l);
  mlir::Value emitFnCall(const ast::Expr &call, const ast::Decl &fn,
                         const ast::Module &module,
                         llvm::ArrayRef<mlir::Value> args);
  mlir::Value scalar(double v, mlir::Type element, ast::Loc l);
  /// In an update-rule body: whether `v` has axes and is the same for every
  /// element of every tensor (a global state, or built from one): the only
  /// values there that reductions, slices and shape built-ins act on as
  /// tensors.
  bool uniformInRule(mlir::Value v);
  /// Broadcast-checks two operands of a binary operator; reports both shapes.
  bool checkBroadcast(ast::Loc l, llvm::StringRef what, mlir::Value a,
                      mlir::Value b);

  // --- declarations --------------------------------------------------------
  /// The top-level scope in which code of `m` resolves names: its own
  /// definitions, then (for the main program) what it `use`s, then the
  /// built-ins. A program's definitions never leak into a library's bodies.
  Scope &scopeOf(const ast::Module *m);
  std::shared_ptr<ModelNode> evalModel(const ast::Expr &e, const Scope &scope);
  /// Instantiates `node` for inputs of `input` type; returns the symbol of
  /// its gd.lens or gd.compose and sets `output`.
  /// `path` is the parameter path of this instance (`mlp.1`).
  std::optional<std::string> emitModel(const ModelNode &node,
                                       mlir::Type input, mlir::Type &output,
                                       llvm::StringRef name, llvm::StringRef path);
  /// Emits `node`'s forward map applied to `input` into the lens being
  /// built (`lensBuild`); `path` names its parameters there.
  mlir::Value applyModel(const ModelNode &node, mlir::Value input, llvm::StringRef path,
                         ast::Loc use);
  /// applyModel() without recording the wire types.
  mlir::Value applyModelNode(const ModelNode &node, mlir::Value input, llvm::StringRef path,
                             ast::Loc use);
  mlir::Value applyLens(const ModelNode &node, mlir::Value input, llvm::StringRef path);
  /// The forward map of a lens with its own `backward` map, as one
  /// gd.custom_backward of `input` and the instance's `params` (in `body`,
  /// the lens's parameters are bound to them).
  mlir::Value applyCustomBackward(const ast::Decl &lens, const ast::Stmt &forward,
                                  const ast::Stmt &backward, mlir::Value input,
                                  llvm::ArrayRef<mlir::Value> params, Scope &body);
  /// Emits a whole composition as one gd.lens (a composition with `||`,
  /// whose wires are tuples).
  std::optional<std::string> emitInlinedModel(const ModelNode &node, mlir::Type input,
                                              mlir::Type &output, llvm::StringRef name);
  /// `f(x)` in a lens body, for a sub-lens `f`.
  mlir::Value emitSubLensCall(const ast::Expr &call, const Binding &lens, Scope &scope);
  /// The symbol of an earlier instantiation with the same key (a lens or fn
  /// is generated once per distinct arguments and input type), or nullopt.
  std::optional<std::string> reuseInstantiation(llvm::StringRef key, mlir::Type &output);
  /// Closes a new instantiation's forward map with `result` and records it.
  std::string finishInstantiation(gd::LensOp op, mlir::Value result, llvm::StringRef key,
                                  mlir::Type &output);
  /// A new gd.lens holding `node`'s forward map at `input` (or the earlier
  /// one with the same `key`).
  std::optional<std::string> emitLensOp(const ModelNode &node, mlir::Type input,
                                        mlir::Type &output, llvm::StringRef symbolBase,
                                        std::optional<std::string> key, mlir::Location l);
  std::optional<std::string> emitLens(const ModelNode &node, mlir::Type input,
                                      mlir::Type &output);
  std::optional<std::string> emitFnLens(const ModelNode &node,
                                        mlir::Type input, mlir::Type &output);
  std::optional<std::string> emitLoss(const ast::Decl &decl,
                                      const ast::Module &module,
                                      mlir::Type prediction, mlir::Type label,
                                      ast::Loc use);
  // --- the parameter wire (RuleEmitter.cpp) -------------------------------
  /// The `optimizer` field: an optimizer, `chain(...)`, `ascend(...)` or a
  /// `{ "glob": rule }` map of parameter groups, checked against the
  /// parameters of `model` (named under `modelName`).
  std::optional<std::string> emitOptimizerField(const ast::Expr &e, const Scope &scope,
                                                mlir::FlatSymbolRefAttr model,
                                                llvm::StringRef modelName);
  /// An optimizer or `chain(transforms..., optimizer)`.
  std::optional<std::string> emitOptimizerOrChain(const ast::Expr &e, const Scope &scope);
  /// A use of an optimizer or transform (`kind`), with its hyperparameters.
  std::optional<std::string> emitUpdateRule(const ast::Expr &use, const Scope &scope,
                                            ast::DeclKind kind);
  std::optional<std::string> emitSchedule(const ast::Expr &use, const ast::Decl &decl,
                                          const ast::Module &module, const Scope &scope);
  /// `global_norm(x)`, `norm(x)` and `grad_at(x)` in an update-rule body.
  mlir::Value emitBarrier(const ast::Expr &e, llvm::ArrayRef<mlir::Value> args);
  /// `mean(x)` and `sum(x)`, with or without `axis = k`, in an update-rule
  /// body: over the whole parameter tensor, not one element.
  mlir::Value emitTensorReduction(const ast::Expr &e, mlir::Value x,
                                  std::optional<int64_t> axis, bool keepdims);
  /// `orthogonalize(x, steps = 5)` and `size(x, axis)` in an update-rule
  /// body; their integer arguments are compile-time constants.
  mlir::Value emitTensorBarrier(const ast::Expr &e, Scope &scope);
  /// Reports a barrier (`global_norm`, `grad_at`, `orthogonalize`, `size`)
  /// used outside an update-rule body.
  void barrierOutsideRule(ast::Loc l, llvm::StringRef name);
  bool emitTrain(const ast::Decl &train);
  // --- checks at the declaration (DeclarationChecks.cpp) -------------------
  /// Checks every definition of the main module as far as it is determined
  /// without a use, in a scratch module.
  void checkDeclarations();
  void checkModelDeclaration(const ast::Decl &let);
  void checkModelAt(const ModelNode &node, llvm::StringRef name);
  /// Generates the definitions Program::emitDefinitions names.
  void emitRequestedDefinitions();
  void checkFunctionDeclaration(const ast::Decl &fn);
  /// Reports each name in `e` that nothing in `scope` (or the built-ins)
  /// defines: a generic body's names, checked before any use.
  void checkNames(const ast::Expr &e, const Scope &scope);
  // --- data (DataEmitter.cpp) ---------------------------------------------
  std::optional<DataSpec> evalDataSpec(const ast::Expr &spec);
  /// The input type `model` declares (its first stage's annotation), if it
  /// is fully determined without an input.
  /// An input declared `f32[*s, n]` takes s from the leading axes of `wire`
  /// (what the stage before gives) if it has enough; else, with
  /// `leadingAxesNone`, s is no axes (a vector, where a type must be
  /// generated); else the input is generic.
  std::optional<mlir::Type> declaredInput(const ModelNode &model, bool leadingAxesNone = false,
                                          mlir::Type wire = {});
  /// Fixes a data spec's example size from the model's declared input.
  bool unifyExample(DataSpec &data, const ModelNode &model, ast::Loc modelLoc);

  mlir::MLIRContext &ctx;
  const Program &program;
  mlir::OpBuilder builder;
  /// The exact value of each float scalar constant `scalar` made: a literal
  /// (`0.999`) promoted to f64 next to an f64 hyperparameter is made again
  /// at f64 from it, not widened from its f32 rounding.
  llvm::DenseMap<mlir::Value, double> literalValues;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  Scope builtins;
  Scope globals{&builtins}; ///< the main program's top level
  /// Per used module: the scope of what it uses, and its own (inner) scope.
  std::map<const ast::Module *, std::pair<std::unique_ptr<Scope>, std::unique_ptr<Scope>>>
      libraryScopes;
  const ast::Module *current = nullptr; ///< the module whose code is elaborated
  unsigned errors = 0;
  ExprTypes *exprTypes = nullptr; ///< where to record checked types, if anywhere
  unsigned fnDepth = 0;
  bool inOptimizerBody = false; ///< elaborating an optimizer's or transform's body
  size_t modelNodes = 0;        ///< lens instances created, to cap repeat
  uint64_t nextRandomStream = 0; ///< the stream of the next random draw site
  llvm::StringMap<std::string> instantiated; ///< instantiation key -> symbol
  /// Instances with parameters placed in the model so far: the path and
  /// input type of their first use (a second use shares its parameters).
  std::map<const ModelNode *, std::pair<std::string, mlir::Type>> placed;
  LensBuild *lensBuild = nullptr; ///< the lens whose forward map is being emitted
  /// Makes `build` the lens being emitted until it goes out of scope.
  struct LensBuildScope {
    LensBuildScope(Elaborator &el, LensBuild &build) : el(el), enclosing(el.lensBuild) {
      el.lensBuild = &build;
    }
    ~LensBuildScope() { el.lensBuild = enclosing; }
    Elaborator &el;
    LensBuild *enclosing;
  };
};

/// The names of the built-in functions (for suggestions).
llvm::ArrayRef<const char *> builtinFunctionNames();

/// Whether `name` is a random draw (`normal_like`, `uniform()`, ...).
bool isRandomBuiltin(llvm::StringRef name);

/// Whether `name` is a built-in function of one tensor usable as a layer
/// (the elementwise ones, `flatten`, `transpose`).
bool isBuiltinLayer(llvm::StringRef name);

/// Whether `name` is one of the built-ins emitShapeBuiltin handles.
bool isShapeBuiltin(llvm::StringRef name);

/// A number as a person writes it: 1, -2, 0.001, 1e+39.
std::string formatNumber(double v);

/// `f32[784, 256]`.
std::string typeString(mlir::Type t);
/// A symbol not yet used in `module`, derived from `base`.
std::string freshSymbol(mlir::ModuleOp module, std::string base);
/// `_784_256` for a tensor type of that shape, to name instantiations.
std::string shapeSuffix(mlir::Type t);

} // namespace gdc::lang

#endif // GDC_LANG_ELABORATOR_H
