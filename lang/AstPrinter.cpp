//===- AstPrinter.cpp - gdc --emit=ast -------------------------------------===//
//
// One line per node, indented by depth: `kind detail  : checked types @line:col`.
// Expressions list every type they were checked at, because a `fn` or lens
// body is checked once per shape it is used with; an expression with no
// type was never checked (a definition nothing uses).
//
//===----------------------------------------------------------------------===//
#include "lang/Elaborate.h"

#include "llvm/Support/raw_ostream.h"

using namespace gdc;
using namespace gdc::lang;

namespace {

class Printer {
public:
  Printer(const ExprTypes &types, llvm::raw_ostream &os) : types(types), os(os) {}

  void module(const ast::Module &m) {
    for (const ast::Decl &d : m.decls)
      decl(d);
  }

private:
  const ExprTypes &types;
  llvm::raw_ostream &os;
  unsigned depth = 0;

  llvm::raw_ostream &line(ast::Loc loc) {
    os.indent(2 * depth);
    return os;
  }
  static std::string at(ast::Loc loc) {
    return " @" + std::to_string(loc.line) + ":" + std::to_string(loc.col);
  }

  void type(const ast::TypeExpr *t) {
    if (!t)
      return;
    if (!t->parts.empty()) {
      os << "(";
      for (size_t i = 0; i < t->parts.size(); ++i) {
        os << (i ? ", " : "");
        type(t->parts[i].get());
      }
      os << ")";
      return;
    }
    os << t->element;
    if (t->dims.empty() && t->shapeName.empty())
      return;
    os << "[";
    if (!t->shapeName.empty())
      os << "*" << t->shapeName;
    for (size_t i = 0; i < t->dims.size(); ++i) {
      os << (i || !t->shapeName.empty() ? ", " : "");
      inlineExpr(*t->dims[i]);
    }
    os << "]";
  }

  /// A dimension expression, on one line.
  void inlineExpr(const ast::Expr &e) {
    if (e.kind == ast::ExprKind::Number)
      os << e.text;
    else if (e.kind == ast::ExprKind::Name)
      os << e.name;
    else if (e.kind == ast::ExprKind::Binary && e.operands.size() == 2) {
      os << "(";
      inlineExpr(*e.operands[0]);
      os << " " << e.op << " ";
      inlineExpr(*e.operands[1]);
      os << ")";
    } else
      os << "...";
  }

  void params(const std::vector<ast::Param> &ps) {
    for (const ast::Param &p : ps) {
      line(p.loc) << "param " << p.name;
      if (p.type) {
        os << ": ";
        type(p.type.get());
      }
      os << at(p.loc) << "\n";
      if (p.defaultValue) {
        ++depth;
        expr(*p.defaultValue, "default ");
        --depth;
      }
    }
  }

  static std::string binder(const ast::Binder &b) {
    if (!b.isTuple())
      return b.names.empty() ? "" : b.names[0];
    std::string s = "(";
    for (size_t i = 0; i < b.names.size(); ++i)
      s += (i ? ", " : "") + b.names[i];
    return s + ")";
  }

  void decl(const ast::Decl &d) {
    static const char *const kinds[] = {"use",       "let",      "fn",    "lens",
                                        "loss",      "optimizer", "transform",
                                        "schedule",  "train"};
    line(d.loc) << kinds[(int)d.kind] << (d.perExample ? " per_example" : "") << " "
                << (d.kind == ast::DeclKind::Let ? binder(d.binder) : d.name) << at(d.loc)
                << "\n";
    ++depth;
    params(d.params);
    if (d.result) {
      line(d.result->loc) << "result ";
      type(d.result.get());
      os << "\n";
    }
    if (d.value)
      expr(*d.value);
    for (const ast::Stmt &s : d.body)
      stmt(s);
    for (const ast::Field &f : d.fields) {
      line(f.loc) << "field " << f.name << at(f.loc) << "\n";
      ++depth;
      expr(*f.value);
      --depth;
    }
    --depth;
  }

  void stmt(const ast::Stmt &s) {
    static const char *const kinds[] = {"param", "let", "fn", "backward", "state",
                                        "assign", "result"};
    line(s.loc) << (s.isGlobal ? "global " : "") << kinds[(int)s.kind];
    if (s.kind == ast::StmtKind::Let)
      os << " " << binder(s.binder);
    else if (!s.name.empty())
      os << " " << s.name;
    if (s.type) {
      os << ": ";
      type(s.type.get());
    }
    if (s.result) {
      os << " -> ";
      type(s.result.get());
    }
    os << at(s.loc) << "\n";
    ++depth;
    params(s.params);
    if (s.value)
      expr(*s.value);
    --depth;
  }

  void expr(const ast::Expr &e, llvm::StringRef role = "") {
    using K = ast::ExprKind;
    line(e.loc) << role;
    switch (e.kind) {
    case K::Number:
      os << "number " << e.text;
      break;
    case K::String:
      os << "string \"" << e.text << "\"";
      break;
    case K::Bool:
      os << (e.boolValue ? "true" : "false");
      break;
    case K::Name:
      os << "name " << e.name;
      break;
    case K::Unary:
    case K::Binary:
      os << "op " << e.op;
      break;
    case K::Call:
      os << "call " << e.name;
      break;
    case K::Index:
      os << "index";
      break;
    case K::List:
      os << "list";
      break;
    case K::LetIn:
      os << "let " << binder(e.binder);
      break;
    case K::IfThenElse:
      os << "if";
      break;
    case K::Tuple:
      os << "tuple";
      break;
    case K::Slice:
      os << "slice" << (e.operands.size() > 1 && !e.operands[1] ? " (from 0)" : "")
         << (e.operands.size() > 2 && !e.operands[2] ? " (to the end)" : "");
      break;
    case K::Dict:
      os << "map";
      break;
    }
    auto it = types.find(&e);
    if (it != types.end() && !it->second.empty()) {
      os << " : ";
      for (size_t i = 0; i < it->second.size(); ++i)
        os << (i ? " | " : "") << it->second[i];
    }
    os << at(e.loc) << "\n";
    ++depth;
    for (const ast::ExprPtr &op : e.operands)
      if (op)
        expr(*op);
    for (const ast::Arg &a : e.args) {
      if (a.keyword.empty()) {
        expr(*a.value);
        continue;
      }
      expr(*a.value, e.kind == K::Dict ? "\"" + a.keyword + "\": " : a.keyword + " = ");
    }
    --depth;
  }
};

} // namespace

void gdc::lang::printAST(const ast::Module &module, const ExprTypes &types,
                         llvm::raw_ostream &os) {
  Printer(types, os).module(module);
}
