//===- Elaborator.cpp - Names, compile-time values, types, the program ---===//
#include "lang/Elaborator.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Iterators.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace gdc;
using namespace gdc::lang;

namespace gdc::lang {

std::string typeString(Type t) { return gd::formatTensorType(t); }

std::string formatNumber(double v) { return llvm::formatv("{0}", llvm::format("%g", v)).str(); }

/// A symbol not yet used in the module, derived from `base`.
std::string freshSymbol(ModuleOp module, std::string base) {
  for (char &c : base)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  std::string name = base;
  for (unsigned i = 1; module.lookupSymbol(name); ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

std::string shapeSuffix(Type t) {
  std::string s;
  for (int64_t d : cast<RankedTensorType>(t).getShape())
    s += "_" + std::to_string(d);
  return s;
}


Elaborator::Elaborator(MLIRContext &ctx, const Program &program)
    : ctx(ctx), program(program), builder(&ctx) {
  // An error inside library code also points at the program's line that
  // asked for it. Not handled here: the note travels on to the printer.
  noteHandler = ctx.getDiagEngine().registerHandler([this](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error && !instantiations.empty() &&
        instantiations.front().module != current) {
      const Instantiation &use = instantiations.front();
      diag.attachNote(loc(use.module, use.loc)) << use.what;
    }
    return failure();
  });
}

Elaborator::~Elaborator() { ctx.getDiagEngine().eraseHandler(noteHandler); }

Location Elaborator::loc(ast::Loc l) const {
  StringRef file = current ? StringRef(current->path) : StringRef("<input>");
  return FileLineColLoc::get(&ctx, file, l.line, l.col);
}

Location Elaborator::loc(const ast::Module *m, ast::Loc l) const {
  return FileLineColLoc::get(&ctx, m ? StringRef(m->path) : StringRef("<input>"), l.line,
                             l.col);
}

InFlightDiagnostic Elaborator::error(ast::Loc l) {
  ++errors;
  // The instantiation's note, if any, is attached as it is reported.
  return mlir::emitError(loc(l));
}

void Elaborator::unknownName(ast::Loc l, StringRef name, const Scope &scope,
                             StringRef what) {
  std::vector<std::string> candidates;
  scope.collect(candidates);
  for (const char *builtin : builtinFunctionNames())
    candidates.push_back(builtin);
  candidates.push_back("pi");
  std::string best;
  unsigned bestDistance = 3;
  for (const std::string &c : candidates) {
    unsigned d = StringRef(c).edit_distance(name, true, bestDistance);
    if (d < bestDistance && c != name) {
      bestDistance = d;
      best = c;
    }
  }
  auto diag = error(l);
  diag << "unknown " << what << " '" << name << "'";
  if (name == "p" || name == "g" || name == "t" || name == "loss")
    diag << "; '" << name << "' exists only inside optimizer, transform"
         << (name == "t" ? " and schedule" : "") << " bodies";
  else if (!best.empty())
    diag << "; did you mean '" << best << "'?";
}

//===----------------------------------------------------------------------===//
// Compile-time values and types
//===----------------------------------------------------------------------===//

std::optional<int64_t> Elaborator::evalInt(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  if (e.kind == K::Number) {
    if (!e.isInteger || std::fabs(e.number) > 9.0e15) {
      error(e.loc) << "expected an integer, got " << e.text;
      return std::nullopt;
    }
    return (int64_t)e.number;
  }
  if (e.kind == K::Name) {
    const Binding *b = scope.lookup(e.name);
    if (b && b->kind == Binding::Int)
      return b->integer;
    if (!b) {
      unknownName(e.loc, e.name, scope);
      return std::nullopt;
    }
    error(e.loc) << "'" << e.name << "' is not a compile-time integer";
    return std::nullopt;
  }
  if (e.kind == K::Unary && e.op == "-") {
    auto v = evalInt(*e.operands[0], scope);
    return v ? std::optional<int64_t>(-*v) : std::nullopt;
  }
  if (e.kind == K::Binary && StringRef("+-*").contains(e.op) && e.op.size() == 1) {
    auto a = evalInt(*e.operands[0], scope);
    auto b = a ? evalInt(*e.operands[1], scope) : std::nullopt;
    if (!b)
      return std::nullopt;
    int64_t r;
    bool overflow = e.op == "+"   ? __builtin_add_overflow(*a, *b, &r)
                    : e.op == "-" ? __builtin_sub_overflow(*a, *b, &r)
                                  : __builtin_mul_overflow(*a, *b, &r);
    if (overflow) {
      error(e.loc) << "integer overflow in '" << e.op << "'";
      return std::nullopt;
    }
    return r;
  }
  // `/` of compile-time integers must divide exactly (`d / heads`): a
  // fraction where a size is meant is an error, not a silent truncation.
  if (e.kind == K::Binary && e.op == "/") {
    auto a = evalInt(*e.operands[0], scope);
    auto b = a ? evalInt(*e.operands[1], scope) : std::nullopt;
    if (!b)
      return std::nullopt;
    if (*b == 0 || *a % *b != 0) {
      error(e.loc) << "the compile-time integer " << *a << " / " << *b
                   << (*b == 0 ? " divides by zero" : " is not a whole number");
      return std::nullopt;
    }
    return *a / *b;
  }
  error(e.loc) << "expected a compile-time integer";
  return std::nullopt;
}

std::optional<std::vector<const ast::Arg *>>
Elaborator::matchArguments(const ast::Expr &call, const ast::Decl &callee,
                           StringRef what) {
  std::vector<const ast::Arg *> matched(callee.params.size(), nullptr);
  size_t positional = 0;
  const ast::Arg *firstKeyword = nullptr;
  for (const ast::Arg &arg : call.args) {
    size_t index = positional;
    if (arg.keyword.empty()) {
      if (firstKeyword) {
        // As in Python: positions count from the start, so a positional
        // argument after a keyword one would silently fill the wrong slot.
        auto diag = error(arg.loc);
        diag << "a positional " << what << " cannot follow a keyword one ('"
             << firstKeyword->keyword << " = ...'); name it";
        return std::nullopt;
      }
      ++positional;
    } else {
      if (!firstKeyword)
        firstKeyword = &arg;
      auto it = llvm::find_if(callee.params,
                              [&](const ast::Param &p) { return p.name == arg.keyword; });
      if (it == callee.params.end()) {
        std::string valid;
        for (const ast::Param &p : callee.params)
          valid += (valid.empty() ? "" : ", ") + p.name;
        error(arg.loc) << "'" << callee.name << "' has no " << what << " '" << arg.keyword
                       << "'; its " << what << "s are: " << valid;
        return std::nullopt;
      }
      index = it - callee.params.begin();
    }
    if (index >= callee.params.size()) {
      error(call.loc) << "'" << callee.name << "' takes " << callee.params.size() << " "
                      << what << "s, got " << call.args.size();
      return std::nullopt;
    }
    if (matched[index]) {
      error(arg.loc) << what << " '" << callee.params[index].name << "' is given twice";
      return std::nullopt;
    }
    matched[index] = &arg;
  }
  return matched;
}

std::optional<double> Elaborator::evalNumber(const ast::Expr &e, const Scope &scope) {
  using K = ast::ExprKind;
  if (e.kind == K::Number)
    return e.number;
  if (e.kind == K::Name) {
    const Binding *b = scope.lookup(e.name);
    if (b && b->kind == Binding::Int)
      return (double)b->integer;
    if (b && b->kind == Binding::Number)
      return b->number;
  }
  if (e.kind == K::Unary && e.op == "-") {
    auto v = evalNumber(*e.operands[0], scope);
    return v ? std::optional<double>(-*v) : std::nullopt;
  }
  if (e.kind == K::Binary && e.op.size() == 1 && StringRef("+-*/").contains(e.op)) {
    auto a = evalNumber(*e.operands[0], scope);
    auto b = a ? evalNumber(*e.operands[1], scope) : std::nullopt;
    if (!b)
      return std::nullopt;
    if (e.op == "/" && *b == 0) {
      error(e.loc) << "division by zero";
      return std::nullopt;
    }
    return e.op == "+" ? *a + *b : e.op == "-" ? *a - *b : e.op == "*" ? *a * *b : *a / *b;
  }
  if (errors == 0 || e.kind != K::Name)
    error(e.loc) << "expected a compile-time number";
  return std::nullopt;
}

static Type elementType(MLIRContext *ctx, StringRef name) {
  Builder b(ctx);
  if (name == "f32")
    return b.getF32Type();
  if (name == "f64")
    return b.getF64Type();
  if (name == "f16")
    return b.getF16Type();
  if (name == "bf16")
    return b.getBF16Type();
  if (name == "i32")
    return b.getI32Type();
  if (name == "i64")
    return b.getI64Type();
  if (name == "bool")
    return b.getI1Type();
  return {};
}

std::optional<RankedTensorType> Elaborator::resolveType(const ast::TypeExpr &t,
                                                        const Scope &scope) {
  if (!t.parts.empty()) {
    error(t.loc) << "a tuple type is not allowed here; this needs one tensor type";
    return std::nullopt;
  }
  Type element = elementType(&ctx, t.element);
  if (!element) {
    error(t.loc) << "'" << t.element << "' is not a tensor element type";
    return std::nullopt;
  }
  SmallVector<int64_t> dims;
  if (!t.shapeName.empty()) {
    // f32[*s, n]: the leading axes are the shape s names.
    const Binding *b = scope.lookup(t.shapeName);
    if (!b || b->kind != Binding::Shape) {
      error(t.loc) << "the shape '" << t.shapeName
                   << "' is not known here; a `*` shape is bound by the first annotation "
                      "that uses it";
      return std::nullopt;
    }
    dims.append(b->shape.begin(), b->shape.end());
  }
  for (const ast::ExprPtr &d : t.dims) {
    auto v = evalInt(*d, scope);
    if (!v)
      return std::nullopt;
    if (*v < 1 || *v > (int64_t(1) << 40)) {
      error(d->loc) << "dimension " << *v << " is out of range (1 to 2^40)";
      return std::nullopt;
    }
    dims.push_back(*v);
  }
  // The element count must be representable too (a tensor of 2^40 x 2^40
  // elements is an error where its type is written, not an overflow later).
  int64_t count = 1;
  for (int64_t size : dims) {
    if (count > (int64_t(1) << 40) / size) {
      auto diag = error(t.loc);
      diag << "the type " << t.element << "[";
      llvm::interleaveComma(dims, diag);
      diag << "] has more than 2^40 elements";
      return std::nullopt;
    }
    count *= size;
  }
  return RankedTensorType::get(dims, element);
}

bool Elaborator::unify(const ast::TypeExpr &annotation, Type actual, Scope &scope,
                       StringRef what) {
  auto tuple = dyn_cast<TupleType>(actual);
  if (!annotation.parts.empty() || tuple) {
    if (!tuple || tuple.size() != annotation.parts.size()) {
      error(annotation.loc) << what << " is " << typeString(actual)
                            << ", but its declared type is a tuple of "
                            << annotation.parts.size();
      return false;
    }
    for (auto [i, part] : llvm::enumerate(annotation.parts))
      if (!unify(*part, tuple.getType(i), scope,
                 (what + " (part " + Twine(i + 1) + ")").str()))
        return false;
    return true;
  }
  auto tensor = cast<RankedTensorType>(actual);
  // A batched type never reaches the front end: shapes are per example.
  Type element = elementType(&ctx, annotation.element);
  auto mismatch = [&]() {
    // The declared type as written, with dimensions that are already bound
    // shown by value: f32[n_in] where n_in = 20 reads f32[20].
    std::string declared = annotation.element;
    SmallVector<std::string> parts;
    if (!annotation.shapeName.empty()) {
      // f32[*s, n] where s is bound to [2, 3] reads f32[2, 3, n].
      const Binding *b = scope.lookup(annotation.shapeName);
      if (b && b->kind == Binding::Shape)
        for (int64_t d : b->shape)
          parts.push_back(std::to_string(d));
      else
        parts.push_back("*" + annotation.shapeName);
    }
    for (const ast::ExprPtr &d : annotation.dims) {
      const Binding *b = d->kind == ast::ExprKind::Name ? scope.lookup(d->name) : nullptr;
      if (d->kind == ast::ExprKind::Number)
        parts.push_back(d->text);
      else if (b && b->kind == Binding::Int)
        parts.push_back(std::to_string(b->integer));
      else if (d->kind == ast::ExprKind::Name)
        parts.push_back(d->name);
      else
        parts.push_back("...");
    }
    if (!parts.empty())
      declared += "[" + llvm::join(parts, ", ") + "]";
    error(annotation.loc) << what << " is " << typeString(actual) << ", but its declared type is "
                          << declared;
    return false;
  };
  ArrayRef<int64_t> shape = tensor.getShape();
  if (!annotation.shapeName.empty()) {
    // f32[*s, n]: s names the axes before the trailing ones written.
    int64_t trailing = annotation.dims.size();
    if (!element || element != tensor.getElementType() || tensor.getRank() < trailing)
      return mismatch();
    ArrayRef<int64_t> leading = shape.drop_back(trailing);
    const Binding *bound = scope.lookup(annotation.shapeName);
    if (bound && bound->kind == Binding::Shape) {
      if (ArrayRef<int64_t>(bound->shape) != leading)
        return mismatch();
    } else if (bound) {
      error(annotation.loc) << "'" << annotation.shapeName
                            << "' already names a value here, not a shape";
      return false;
    } else {
      Binding b;
      b.kind = Binding::Shape;
      b.shape.assign(leading.begin(), leading.end());
      scope.bind(annotation.shapeName, b);
    }
    shape = shape.take_back(trailing);
  } else if (!element || element != tensor.getElementType() ||
             (int64_t)annotation.dims.size() != tensor.getRank()) {
    return mismatch();
  }
  for (auto [d, size] : llvm::zip(annotation.dims, shape)) {
    if (d->kind == ast::ExprKind::Name && !scope.lookup(d->name)) {
      Binding b;
      b.kind = Binding::Int;
      b.integer = size;
      scope.bind(d->name, b);
      continue;
    }
    auto v = evalInt(*d, scope);
    if (!v)
      return false;
    if (*v != size) {
      error(d->loc) << what << " is " << typeString(actual) << " but is declared with dimension "
                    << *v << " here";
      return false;
    }
  }
  return true;
}

Scope &Elaborator::scopeOf(const ast::Module *m) {
  if (!m || m == program.main)
    return globals;
  auto &[used, own] = libraryScopes[m];
  if (own)
    return *own;
  // Shadowing: the module's own definitions, then what it uses, then the
  // built-ins. A `use` is not re-exported.
  auto bindDefinitions = [&](const ast::Module *from, Scope &into) {
    for (const ast::Decl &d : from->decls) {
      if (d.kind == ast::DeclKind::Use || d.kind == ast::DeclKind::Let ||
          d.kind == ast::DeclKind::Train)
        continue;
      Binding b;
      b.kind = Binding::Decl;
      b.decl = &d;
      b.module = from;
      into.bind(d.name, b);
    }
  };
  used = std::make_unique<Scope>(&builtins);
  for (const ast::Decl &d : m->decls)
    if (d.kind == ast::DeclKind::Use && program.modules.count(d.name))
      bindDefinitions(program.modules.at(d.name), *used);
  own = std::make_unique<Scope>(used.get());
  bindDefinitions(m, *own);
  return *own;
}

//===----------------------------------------------------------------------===//
// The program
//===----------------------------------------------------------------------===//

/// Tuples live only in the front end: once destructured (every use of a
/// part folds to the value itself) the gd.tuple ops have no uses left.
static void eraseDeadTuples(ModuleOp module) {
  module.walk<WalkOrder::PostOrder, mlir::ReverseIterator>([&](Operation *op) {
    if (isa<gd::TupleOp, gd::TupleGetOp>(op) && op->use_empty())
      op->erase();
  });
}

OwningOpRef<ModuleOp> Elaborator::run() {
  ctx.loadDialect<gd::GDDialect>();
  // Errors that the dialect's type inference reports (a matmul of two
  // element types, say) count like the elaborator's own, so that a program
  // with any error yields no module rather than one missing a definition.
  ScopedDiagnosticHandler countErrors(&ctx, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    return failure(); // and let the caller's handler report it
  });
  current = program.main;
  module = ModuleOp::create(loc({1, 1}));
  // Used modules first: the main module's definitions shadow theirs.
  std::set<std::string> used;
  // A module that another uses holds definitions only: a `let` there would
  // be an instance shared by every program that uses it.
  for (auto &[name, m] : program.modules) {
    current = m;
    for (const ast::Decl &d : m->decls)
      if (d.kind == ast::DeclKind::Let || d.kind == ast::DeclKind::Train)
        error(d.nameLoc) << "a used module holds definitions (fn, lens, loss, optimizer, "
                            "transform, schedule); this "
                         << (d.kind == ast::DeclKind::Let ? "let" : "train block")
                         << " belongs in the program";
  }
  current = program.main;
  for (const ast::Decl &d : program.main->decls)
    if (d.kind == ast::DeclKind::Use) {
      if (!program.modules.count(d.name)) {
        error(d.nameLoc) << "unknown module '" << d.name << "'; the modules are: std.nn, "
                            "std.losses, std.optim";
        continue;
      }
      if (!used.insert(d.name).second)
        continue;
      const ast::Module *m = program.modules.at(d.name);
      for (const ast::Decl &md : m->decls) {
        if (md.kind == ast::DeclKind::Use || md.kind == ast::DeclKind::Let ||
            md.kind == ast::DeclKind::Train)
          continue;
        Binding b;
        b.kind = Binding::Decl;
        b.decl = &md;
        b.module = m;
        globals.bind(md.name, b);
      }
    }
  llvm::StringMap<const ast::Decl *> defined;
  const ast::Decl *train = nullptr;
  for (const ast::Decl &d : program.main->decls) {
    if (d.kind == ast::DeclKind::Use)
      continue;
    if (d.kind == ast::DeclKind::Train) {
      if (train) {
        auto diag = error(d.nameLoc);
        diag << "a program has one train block";
        diag.attachNote(loc(train->nameLoc)) << "the first train block is here";
        continue;
      }
      train = &d;
      continue;
    }
    if (auto [it, fresh] = defined.insert({d.name, &d}); !fresh) {
      auto diag = error(d.nameLoc);
      diag << "'" << d.name << "' is defined twice";
      diag.attachNote(loc(it->second->nameLoc)) << "the previous definition is here";
      continue;
    }
    Binding b;
    if (d.kind == ast::DeclKind::Let) {
      b.kind = Binding::Model;
      b.model = evalModel(*d.value, globals);
      if (!b.model)
        continue;
    } else {
      b.kind = Binding::Decl;
      b.decl = &d;
      b.module = program.main;
    }
    globals.bind(d.name, b);
  }
  checkDeclarations();
  if (errors == 0 && train)
    emitTrain(*train);
  if (errors == 0)
    emitRequestedDefinitions();
  if (errors)
    return nullptr;
  eraseDeadTuples(*module);
  return std::move(module);
}

OwningOpRef<ModuleOp> elaborate(MLIRContext &context, const Program &program,
                                ExprTypes *types) {
  Elaborator el(context, program);
  el.exprTypes = types;
  return el.run();
}

} // namespace gdc::lang
