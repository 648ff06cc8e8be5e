// GD.g4 - The ANTLR4 grammar of the gd language.
//
// The parse tree is turned into the AST of lang/AST.h by
// lang/parser/ParseTreeToAST.cpp; lang/parser/ParserSupport.cpp does the
// checks a context-free grammar cannot (lexical errors, number ranges,
// nesting depth) and phrases the syntax errors.
//
// Statement separation. Newlines are whitespace. A declaration or statement
// ends where its expression cannot go on: statements are told apart by their
// leading keyword (`param`, `let`, `fn`, `state`, the declaration keywords)
// or, in optimizer bodies, by the grammar itself (`name = expr` is an
// assignment, any other expression is the result). Consequently a line that
// starts with a binary operator (`>>`, `+`, `-`, `@`, ...) continues the
// expression of the line before, and so does a line that starts with `[`
// (a deliberate refinement): `[` after any expression is an index, on the
// same line or not. A call's `(` must be on the line of its name: a `(`
// that starts a line is the token LINE_LPAREN, which `open` accepts where a
// parenthesised expression, a binder or a tuple type may begin, but a call
// does not; so a line that starts with `(` begins a new
// statement: `let a = g` followed by a line `(p - a)` is a binding and a
// result, not the call `g(p - a)`.
//
// Numbers are `42`, `0.5`, `1e-3`, `2.5E+10`: a digit is needed on both sides
// of a `.` (`.5` and `5.` are errors). Strings are "..." on one line, with the
// escapes \" \\ \n \t. The NUMBER and STRING tokens below are deliberately
// lenient so that malformed literals become one clear error (a lexical
// error, from ParserSupport.cpp) instead of a cascade.

grammar GD;

@lexer::members {
  /// Whether the next character is the first on its line (after blanks):
  /// such a `(` is a LINE_LPAREN, which can open a parenthesised
  /// expression, a binder or a tuple type but not a call's arguments.
  bool atLineStart() {
    for (ssize_t i = -1;; --i) {
      size_t c = _input->LA(i);
      if (c == '\n' || c == '\r' || c == 0 || c == antlr4::IntStream::EOF)
        return true;
      if (c != ' ' && c != '\t')
        return false;
    }
  }
}

// ---------------------------------------------------------------- structure

program
  : decl* EOF
  ;

decl
  : KW_USE modulePath                                                # UseDecl
  | KW_LET binder '=' expr                                           # LetDecl
  | KW_FN IDENT '(' paramList? ')' ('->' type)? '=' expr             # FnDecl
  | KW_LENS IDENT '(' paramList? ')' '{' lensStmt* '}'               # LensDecl
  | KW_LOSS IDENT '(' paramList? ')' ('->' type)? '=' expr           # LossDecl
  | KW_OPTIMIZER IDENT '(' paramList? ')'
      ( '=' expr | '{' optStmt* '}' )                                # OptimizerDecl
  | KW_TRANSFORM modifier=IDENT? IDENT '(' paramList? ')'
      ( '=' expr | '{' optStmt* '}' )                                # TransformDecl
  | KW_SCHEDULE IDENT '(' paramList? ')' '=' expr                    # ScheduleDecl
  | KW_TRAIN IDENT '{' field* '}'                                    # TrainDecl
  ;

/// What a `let` binds: a name, or a tuple's parts `(a, b)`.
binder
  : IDENT
  | open IDENT (',' IDENT)+ ','? ')'
  ;

modulePath
  : name ('.' name)*
  ;

paramList
  : param (',' param)* ','?
  ;

/// `name`, `name: type`, `name: type = default` (also `name = default`).
param
  : IDENT (':' type)? ('=' expr)?
  ;

/// An element type (`f32`, `i32`, `int`, ... checked by the AST builder, so
/// that type names stay ordinary names in expressions: `label_type = i32`)
/// with optional dimensions; in `f32[*s, n]` the shape variable `s` names
/// any number of leading axes (`f32[*s]`: any shape).
type
  : IDENT ('[' expr (',' expr)* ','? ']')?
  | IDENT '[' '*' shape=IDENT (',' expr)* ','? ']'
  | open type (',' type)+ ','? ')'
  ;

/// `backward (x, dy) = e`: the lens's own backward map.
lensStmt
  : KW_PARAM IDENT ':' type '=' expr                                 # ParamStmt
  | KW_LET binder '=' expr                                           # LensLetStmt
  | KW_FN '(' paramList? ')' ('->' type)? '=' expr                   # ForwardStmt
  | KW_BACKWARD '(' paramList? ')' '=' expr                          # BackwardStmt
  ;

/// `global state h: f32[100] = zeros()` is shared by all the tensors an
/// optimizer instance updates (`global` is contextual).
optStmt
  : modifier=IDENT? KW_STATE IDENT (':' type)? '=' expr              # StateStmt
  | KW_LET binder '=' expr                                           # OptLetStmt
  | name '=' expr                                                    # AssignStmt
  | expr                                                             # ResultStmt
  ;

/// A `train` setting. `loss` and `optimizer` are keywords elsewhere.
field
  : fieldName '=' expr
  ;

fieldName
  : IDENT
  | KW_LOSS
  | KW_OPTIMIZER
  ;

/// A name in an expression. `loss` is a keyword only at the start of a
/// declaration; elsewhere it is a name (a train field, a value in optimizer
/// bodies, a metric).
name
  : IDENT
  | KW_LOSS
  ;

/// An opening parenthesis that is not a call's: anywhere, or first on a line.
open
  : '('
  | LINE_LPAREN
  ;

// -------------------------------------------------------------- expressions
//
// Alternatives are listed from the tightest binding to the loosest. The prefix
// forms `-`, `not`, `if` and `let` take an operand of their own precedence:
// `-x^2` is `-(x^2)`, `-x * y` is `(-x) * y`, `not a == b` is `not (a == b)`,
// and `if`/`let` extend as far right as possible. `^` is right associative,
// every other binary operator left associative (chained comparisons are
// rejected by the AST builder).

expr
  : NUMBER                                                           # NumberExpr
  | STRING                                                           # StringExpr
  | (KW_TRUE | KW_FALSE)                                             # BoolExpr
  | name '(' argList? ')'                                            # CallExpr
  | name                                                             # NameExpr
  | open expr (',' expr)* trailing=','? ')'                          # ParenExpr
  | '[' (expr (',' expr)* ','?)? ']'                                 # ListExpr
  | '{' (entry (',' entry)* ','?)? '}'                               # DictExpr
  | expr '[' expr ']'                                                # IndexExpr
  | expr '[' lo=expr? ':' hi=expr? ']'                               # SliceExpr
  | <assoc=right> expr op='^' expr                                   # BinaryExpr
  | op='-' expr                                                      # UnaryExpr
  | expr op=('*' | '/' | '%' | '@') expr                             # BinaryExpr
  | expr op=('+' | '-') expr                                         # BinaryExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr             # CompareExpr
  | op=KW_NOT expr                                                   # UnaryExpr
  | expr op=KW_AND expr                                              # BinaryExpr
  | expr op=KW_OR expr                                               # BinaryExpr
  | expr op='||' expr                                                # BinaryExpr
  | expr op='>>' expr                                                # BinaryExpr
  | KW_IF expr KW_THEN expr KW_ELSE expr                             # IfExpr
  | KW_LET binder '=' expr KW_IN expr                                # LetInExpr
  ;

/// `"pattern": value` in a `{ ... }` map (parameter groups).
entry
  : STRING ':' expr
  ;

argList
  : arg (',' arg)* ','?
  ;

/// A positional argument or `keyword = value`.
arg
  : (name '=')? expr
  ;

// ------------------------------------------------------------------- tokens

KW_USE       : 'use';
KW_LET       : 'let';
KW_IN        : 'in';
KW_FN        : 'fn';
KW_LENS      : 'lens';
KW_LOSS      : 'loss';
KW_OPTIMIZER : 'optimizer';
KW_TRAIN     : 'train';
KW_TRANSFORM : 'transform';
KW_SCHEDULE  : 'schedule';
KW_PARAM     : 'param';
KW_BACKWARD  : 'backward';
KW_STATE     : 'state';
KW_IF        : 'if';
KW_THEN      : 'then';
KW_ELSE      : 'else';
KW_TRUE      : 'true';
KW_FALSE     : 'false';
KW_AND       : 'and';
KW_OR        : 'or';
KW_NOT       : 'not';

ARROW    : '->';
COMPOSE  : '>>';
PARALLEL : '||';
EQ_EQ    : '==';
NOT_EQ   : '!=';
LESS_EQ  : '<=';
GREATER_EQ : '>=';
LESS     : '<';
GREATER  : '>';
ASSIGN   : '=';
PLUS     : '+';
MINUS    : '-';
STAR     : '*';
SLASH    : '/';
PERCENT  : '%';
AT       : '@';
CARET    : '^';
// Separators before closers: lists of expected tokens are shown in this
// order ("expected ',' or ')'").
COMMA    : ',';
COLON    : ':';
DOT      : '.';
LINE_LPAREN : {atLineStart()}? '(';
LPAREN   : '(';
RPAREN   : ')';
LBRACK   : '[';
RBRACK   : ']';
LBRACE   : '{';
RBRACE   : '}';

IDENT : [a-zA-Z_] [a-zA-Z_0-9]* ;

/// Well formed: DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)?. The other spellings
/// matched here (`.5`, `5.`, `1e`) are reported as malformed lexical errors.
NUMBER
  : DIGITS ('.' DIGITS?)? EXPONENT?
  | '.' DIGITS EXPONENT?
  ;

/// A string on one line. Without its closing quote (the second alternative)
/// it is reported as unterminated (a lexical error); unknown escapes likewise.
STRING
  : '"' ('\\' ~[\r\n] | ~["\\\r\n])* '"'
  | '"' ('\\' ~[\r\n] | ~["\\\r\n])* '\\'?
  ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip;
BLOCK_COMMENT : '/*' .*? '*/' -> skip;

/// A `/*` with no `*/` after it: always shorter than BLOCK_COMMENT when that
/// matches, so it only wins at the end of the file. A lexical error.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* -> channel(HIDDEN);

WS : [ \t\r\n\f\uFEFF]+ -> skip;

/// Any other character. A lexical error, and invisible to the parser;
/// a syntax error right after one is taken to be its consequence and not
/// reported.
UNKNOWN_CHAR : . -> channel(HIDDEN);

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS? ;
