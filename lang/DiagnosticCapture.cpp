//===- DiagnosticCapture.cpp - Diagnostics kept as text and records -------===//
#include "lang/DiagnosticCapture.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

using namespace mlir;

namespace gdc {
namespace {

DiagnosticRecord recordOf(Location loc, DiagnosticSeverity severity, std::string message) {
  DiagnosticRecord record;
  record.severity = severity;
  record.message = std::move(message);
  // The first file location among a fused or call-site location's parts.
  loc->walk([&](Location inner) {
    if (auto file = dyn_cast<FileLineColLoc>(inner)) {
      record.file = file.getFilename().str();
      record.line = file.getLine();
      record.column = file.getColumn();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return record;
}

} // namespace

DiagnosticCapture::DiagnosticCapture(MLIRContext &context, llvm::SourceMgr &sources)
    : context(context), quoted(sources, &context, textStream) {
  // Registered after `quoted`, so called first: it records, then declines
  // the diagnostic so that `quoted` formats it, unless it has no place in
  // the source, which gdc prints as `gdc: error: ...`.
  handler = context.getDiagEngine().registerHandler([this](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error)
      ++errors;
    recordList.push_back(recordOf(d.getLocation(), d.getSeverity(), d.str()));
    for (Diagnostic &note : d.getNotes())
      recordList.push_back(recordOf(note.getLocation(), note.getSeverity(), note.str()));
    if (isa<UnknownLoc>(d.getLocation())) {
      textStream << "gdc: " << (d.getSeverity() == DiagnosticSeverity::Error ? "error" : "note")
                 << ": " << d.str() << "\n";
      return success();
    }
    return failure();
  });
}

DiagnosticCapture::~DiagnosticCapture() { context.getDiagEngine().eraseHandler(handler); }

} // namespace gdc
