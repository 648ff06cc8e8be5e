//===- ReplTerminal.cpp - gdc repl on a terminal: libedit, history, Ctrl-C ===//
//
// On a terminal, lines are read with libedit (editing, history kept in
// $GDC_HISTORY or ~/.gdc_history); from a pipe, plainly and without
// prompts. An input goes on over several lines while a bracket is open or
// a line ends with an operator. Ctrl-C discards the line being typed, or
// stops a running :train after its current step; Ctrl-D (end of input)
// leaves with status 0.
//
//===----------------------------------------------------------------------===//
#include "Repl.h"

#include "llvm/Support/raw_ostream.h"

#include <histedit.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

namespace gdc::repl {
namespace {

std::atomic<bool> *stopFlag = nullptr;
volatile sig_atomic_t interruptedAtPrompt = 0;
bool continuing = false;

void onInterrupt(int) {
  interruptedAtPrompt = 1;
  if (stopFlag)
    stopFlag->store(true);
}

const char *prompt(EditLine *) { return continuing ? "... " : "gd> "; }

std::string historyPath() {
  if (const char *path = std::getenv("GDC_HISTORY"))
    return path;
  if (const char *home = std::getenv("HOME"))
    return std::string(home) + "/.gdc_history";
  return "";
}

/// Reads inputs with libedit until the end of input or :quit.
int runOnTerminal(Repl &repl) {
  EditLine *el = el_init("gdc", stdin, stdout, stderr);
  History *entries = history_init();
  HistEvent event;
  history(entries, &event, H_SETSIZE, 1000);
  history(entries, &event, H_SETUNIQUE, 1);
  std::string path = historyPath();
  if (!path.empty())
    history(entries, &event, H_LOAD, path.c_str());
  el_set(el, EL_PROMPT, &prompt);
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_HIST, history, entries);
  el_source(el, nullptr); // ~/.editrc, as other libedit programs

  std::string input;
  int status = 0;
  while (true) {
    continuing = !input.empty();
    interruptedAtPrompt = 0;
    int count = 0;
    const char *line = el_gets(el, &count);
    if (!line || count <= 0) {
      if (interruptedAtPrompt) {
        // Ctrl-C at the prompt: drop what was typed and start again.
        input.clear();
        std::fputs("\n", stdout);
        el_reset(el);
        continue;
      }
      std::fputs("\n", stdout);
      break; // end of input
    }
    input += line;
    if (Repl::needsContinuation(input))
      continue;
    std::string entered = llvm::StringRef(input).rtrim().str();
    input.clear();
    if (entered.empty())
      continue;
    history(entries, &event, H_ENTER, entered.c_str());
    if (!path.empty())
      history(entries, &event, H_SAVE, path.c_str());
    bool goOn = repl.handle(entered);
    llvm::outs().flush();
    llvm::errs().flush();
    if (!goOn)
      break;
  }
  el_end(el);
  history_end(entries);
  return status;
}

/// Reads inputs from a pipe or file, without prompts or history.
int runOnPipe(Repl &repl) {
  std::string input, line;
  while (std::getline(std::cin, line)) {
    input += line + "\n";
    if (Repl::needsContinuation(input))
      continue;
    bool goOn = repl.handle(input);
    input.clear();
    llvm::outs().flush();
    llvm::errs().flush();
    if (!goOn)
      return 0;
  }
  if (!llvm::StringRef(input).trim().empty())
    repl.handle(input);
  return 0;
}

} // namespace

int runRepl(int argc, char **argv) {
  // Unbuffered so that the output interleaves with the trainer's (stdio).
  llvm::outs().SetUnbuffered();
  Repl repl(llvm::outs(), llvm::errs());
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      llvm::outs() << "usage: gdc repl [FILE.gd...]\n"
                      "Declarations and expressions, JIT-compiled as you type; :help lists the "
                      "commands.\n";
      return 0;
    }
    // A file with errors is reported and left out; the session starts.
    if (!repl.useFile(arg))
      llvm::errs() << "note: '" << arg << "' is not loaded; the session starts without it\n";
  }
  stopFlag = &repl.stopRequest();
  struct sigaction action = {};
  action.sa_handler = &onInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0; // no SA_RESTART: a read at the prompt returns
  sigaction(SIGINT, &action, nullptr);
  bool terminal = isatty(STDIN_FILENO);
  if (terminal)
    llvm::outs() << "gdc repl: declarations and expressions; :help lists the commands, "
                    "Ctrl-D leaves.\n";
  return terminal ? runOnTerminal(repl) : runOnPipe(repl);
}

} // namespace gdc::repl
