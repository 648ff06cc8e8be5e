//===- DiagnosticCapture.h - Diagnostics kept as text and records -*- C++ -*-===//
//
// While one is in scope, the diagnostics of a session's context are kept
// instead of printed: as the text the gdc command prints (with the source
// line and a caret) and as records (file, line, column, severity, message),
// notes after their error. The library returns them; the REPL prints them.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_LANG_DIAGNOSTICCAPTURE_H
#define GDC_LANG_DIAGNOSTICCAPTURE_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>
#include <vector>

namespace gdc {

struct DiagnosticRecord {
  std::string file; ///< empty when the problem has no place in the source
  int64_t line = 0;
  int64_t column = 0;
  mlir::DiagnosticSeverity severity = mlir::DiagnosticSeverity::Error;
  std::string message;
};

class DiagnosticCapture {
public:
  /// Captures the diagnostics of `context`, quoting sources from `sources`.
  DiagnosticCapture(mlir::MLIRContext &context, llvm::SourceMgr &sources);
  ~DiagnosticCapture();

  /// `file:line:col: error: message` and the quoted line, as gdc prints.
  const std::string &text() const { return textBuffer; }
  const std::vector<DiagnosticRecord> &records() const { return recordList; }
  bool hasErrors() const { return errors > 0; }

private:
  mlir::MLIRContext &context;
  std::string textBuffer;
  llvm::raw_string_ostream textStream{textBuffer};
  std::vector<DiagnosticRecord> recordList;
  unsigned errors = 0;
  mlir::SourceMgrDiagnosticHandler quoted;
  mlir::DiagnosticEngine::HandlerID handler;
};

} // namespace gdc

#endif // GDC_LANG_DIAGNOSTICCAPTURE_H
