//===- AstBuilder.h - One declaration's parse tree to its AST ---*- C++ -*-===//
#ifndef GDC_LANG_PARSER_ASTBUILDER_H
#define GDC_LANG_PARSER_ASTBUILDER_H

#include "lang/AST.h"
#include "lang/parser/ParserSupport.h"

#include "GDParser.h"

namespace gdc::ast::detail {

/// Builds the AST of one declaration whose parse tree has no syntax errors.
/// Problems the grammar does not catch (unknown element types, chained
/// comparisons) are reported to `log` and make it return false.
bool buildDecl(gdc_parser::GDParser::DeclContext *ctx, Decl &decl, ErrorLog &log);

} // namespace gdc::ast::detail

#endif // GDC_LANG_PARSER_ASTBUILDER_H
