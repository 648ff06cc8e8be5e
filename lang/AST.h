//===- AST.h - The gd abstract syntax tree --------------------------------===//
//
// Plain C++ types only: this header is the boundary between the ANTLR-based
// parser (built with exceptions and RTTI) and the MLIR-based checker and
// MLIRGen (built without exceptions). Nothing here throws.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_AST_H
#define GDC_LANG_AST_H

#include <memory>
#include <string>
#include <vector>

namespace gdc::ast {

/// A 1-based line and column in the source file.
struct Loc {
  unsigned line = 0;
  unsigned col = 0;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

/// A type annotation: `f32`, `i32`, `int`, `f32[784]`, `f32[n_in, n_out]`.
/// `int` is the type of compile-time integer parameters of lenses.
struct TypeExpr {
  Loc loc;
  std::string element;       ///< f32 f64 bf16 f16 i32 i64 bool int; "" for a tuple
  std::vector<ExprPtr> dims; ///< empty for a scalar
  std::string shapeName;     ///< `f32[*s, n]`: s names the leading axes
  std::vector<std::unique_ptr<TypeExpr>> parts; ///< a tuple's types `(f32[3], i32)`
};

/// What a `let` binds: one name, or the parts of a tuple, `let (a, b) = e`.
struct Binder {
  std::vector<std::string> names; ///< one name unless destructuring
  std::vector<Loc> locs;
  bool isTuple() const { return names.size() > 1; }
};

enum class ExprKind {
  Number,     ///< number, isInteger, text
  String,     ///< text (unquoted, escapes resolved)
  Bool,       ///< boolValue
  Name,       ///< name
  Unary,      ///< op ("-", "not"), operands[0]
  Binary,     ///< op ("+","-","*","/","^","@",">>","||","<","==",...), operands[0..1]
  Call,       ///< name (the callee), nameLoc, args
  Index,      ///< operands[0][operands[1]]
  List,       ///< [operands...]
  LetIn,      ///< let binder = operands[0] in operands[1]
  IfThenElse, ///< if operands[0] then operands[1] else operands[2]
  Tuple,      ///< (operands[0], operands[1], ...)
  Slice,      ///< operands[0][operands[1] : operands[2]] (either bound may be null)
  Dict,       ///< { "key": value, ... } as args (keyword = the key)
};

/// A call argument, positional (keyword empty) or `keyword = value`.
struct Arg {
  Loc loc;
  std::string keyword;
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::Number;
  Loc loc; ///< the operator for Unary/Binary, the first token otherwise
  double number = 0;
  bool isInteger = false;
  bool boolValue = false;
  std::string text; ///< Number: the literal's spelling; String: its value
  std::string name; ///< Name, Call callee, LetIn binder's first name
  Loc nameLoc;      ///< Call: the callee; LetIn: the binder
  Binder binder;    ///< LetIn
  std::string op;   ///< Unary/Binary operator spelling
  std::vector<ExprPtr> operands;
  std::vector<Arg> args;
};

/// A declared parameter of a `fn`, `lens`, `loss`, `optimizer`, ...:
/// `name`, `name: type`, `name: type = default`.
struct Param {
  Loc loc;
  std::string name;
  std::unique_ptr<TypeExpr> type; ///< may be null (inferred)
  ExprPtr defaultValue;           ///< may be null
};

/// A statement inside a `lens` or `optimizer` body.
enum class StmtKind {
  Param,   ///< param name: type = init        (lens)
  Let,     ///< let binder = value             (lens, optimizer)
  Forward, ///< fn (params) -> result = value  (lens: the forward map)
  Backward, ///< backward (x, dy) = value     (lens: its own backward map)
  State,   ///< [global] state name[: type] = value (optimizer, transform)
  Assign,  ///< name = value                   (optimizer: update a state)
  Result,  ///< value                          (optimizer: the new parameter)
};

struct Stmt {
  StmtKind kind = StmtKind::Let;
  Loc loc;
  std::string name;
  Loc nameLoc;
  Binder binder;                  ///< Let
  bool isGlobal = false;          ///< State: `global state`
  std::unique_ptr<TypeExpr> type; ///< Param, State (may be null)
  std::vector<Param> params;      ///< Forward, Backward
  std::unique_ptr<TypeExpr> result; ///< Forward (may be null)
  ExprPtr value;
};

enum class DeclKind {
  Use,       ///< use a.b.c            (name = "a.b.c")
  Let,       ///< let name = value
  Fn,        ///< fn name(params) -> result = value
  Lens,      ///< lens name(params) { body }
  Loss,      ///< loss name(params) -> result = value
  Optimizer, ///< optimizer name(params) = value | { body }
  Transform, ///< transform [per_example] name(params) = value | { body }
  Schedule,  ///< schedule name(params) = value
  Train,     ///< train name { fields }
};

/// `name = value` inside a `train` block.
struct Field {
  Loc loc;
  std::string name;
  ExprPtr value;
};

struct Decl {
  DeclKind kind = DeclKind::Let;
  Loc loc;
  std::string name;    ///< for a destructuring Let, the binder's first name
  Loc nameLoc;
  Binder binder;       ///< Let
  bool perExample = false; ///< Transform: `transform per_example`
  std::vector<Param> params;
  std::unique_ptr<TypeExpr> result; ///< Fn, Loss (may be null)
  ExprPtr value;                    ///< Let, Fn, Loss, Schedule, Optimizer/Transform `= expr`
  std::vector<Stmt> body;           ///< Lens, Optimizer/Transform `{ ... }`
  std::vector<Field> fields;        ///< Train
};

struct Module {
  std::string path; ///< the file it was parsed from
  std::vector<Decl> decls;
};

/// A syntax error found by the parser.
struct SyntaxError {
  Loc loc;
  std::string message;
};

/// Parses `source` (the text of `path`). On success returns the module and
/// leaves `errors` empty; otherwise fills `errors` (in source order) and the
/// returned module holds what could be recovered. Never throws.
std::unique_ptr<Module> parse(const std::string &path,
                              const std::string &source,
                              std::vector<SyntaxError> &errors);

} // namespace gdc::ast

#endif // GDC_LANG_AST_H
