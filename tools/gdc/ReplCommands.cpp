//===- ReplCommands.cpp - gdc repl: inputs and :commands ------------------===//
#include "Repl.h"

#include "dialects/gd/GDDialect.h"
#include "dialects/gd/ModelStructure.h"
#include "lang/CompiledModel.h"
#include "runtime/Options.h"
#include "runtime/Safetensors.h"
#include "runtime/Trainer.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"

#include <map>

using namespace mlir;
using llvm::StringRef;

namespace gdc::repl {

struct Commands {
  Repl &repl;

  using Handler = bool (Commands::*)(StringRef args, StringRef input);
  struct Command {
    const char *name;
    const char *usage;
    const char *help;
    Handler handler;
  };
  static const Command kCommands[];

  bool run(StringRef input);
  bool help(StringRef, StringRef);
  bool quit(StringRef, StringRef) { return false; }
  bool type(StringRef args, StringRef input);
  bool params(StringRef args, StringRef input);
  bool showMLIR(StringRef args, StringRef input);
  bool showLLVM(StringRef args, StringRef input);
  bool train(StringRef args, StringRef input);
  bool save(StringRef args, StringRef input);
  bool load(StringRef args, StringRef input);
  bool use(StringRef args, StringRef input);
  bool reset(StringRef, StringRef);

  const Entry *findEntry(StringRef name, StringRef keyword = "") const {
    for (const Entry &e : repl.entries)
      if (e.name == name && (keyword.empty() || e.keyword == keyword))
        return &e;
    return nullptr;
  }
  std::optional<Repl::Compiled> emitDefinition(StringRef name);
  /// The generated lens that applies the model `name` to an input of its
  /// declared type, compiled (as an expression using it would be).
  std::optional<Repl::Compiled> applyingLens(StringRef name);
  bool bindAll(const std::vector<std::string> &models);
};

const Commands::Command Commands::kCommands[] = {
    {"type", ":type EXPR", "the type of an expression, without evaluating it", &Commands::type},
    {"params", ":params [NAME]", "parameters: paths, shapes and first values",
     &Commands::params},
    {"mlir", ":mlir NAME", "the gd dialect IR of a model or lens", &Commands::showMLIR},
    {"llvm", ":llvm NAME", "the optimised LLVM IR of a model's forward and backward maps",
     &Commands::showLLVM},
    {"train", ":train NAME [--steps N --epochs N --set k=v ...]",
     "run a train block here; Ctrl-C stops it after the current step", &Commands::train},
    {"save", ":save FILE", "write the parameters (safetensors, as ./train --save)",
     &Commands::save},
    {"load", ":load FILE", "read parameters (safetensors, as ./train --init)", &Commands::load},
    {"use", ":use FILE.gd", "add the declarations of a file", &Commands::use},
    {"reset", ":reset", "forget every declaration and parameter", &Commands::reset},
    {"help", ":help", "this list", &Commands::help},
    {"quit", ":quit", "leave (so does Ctrl-D)", &Commands::quit},
};

bool Commands::run(StringRef input) {
  StringRef text = input.drop_front().ltrim();
  StringRef word = text.take_while([](char c) { return !std::isspace((unsigned char)c); });
  StringRef args = text.drop_front(word.size()).trim();
  std::vector<const Command *> matches;
  for (const Command &c : kCommands) {
    if (word == c.name) {
      matches = {&c};
      break;
    }
    if (!word.empty() && StringRef(c.name).starts_with(word))
      matches.push_back(&c);
  }
  if (matches.size() != 1) {
    repl.err << "error: " << (matches.empty() ? "unknown command" : "ambiguous command") << " ':"
             << word << "'";
    if (!matches.empty()) {
      repl.err << ": it could be";
      for (const Command *c : matches)
        repl.err << " :" << c->name;
    }
    repl.err << " (:help lists them)\n";
    return true;
  }
  return (this->*matches.front()->handler)(args, input);
}

bool Commands::help(StringRef, StringRef) {
  repl.out << "Enter a declaration (let, fn, lens, loss, optimizer, train, use ...) to keep it,\n"
              "or an expression to evaluate it: f([1.0, 2.0]), grad(x => sum(tanh(x)))([0.5, 1.0]).\n"
              "Commands (a unique prefix will do):\n";
  for (const Command &c : kCommands)
    repl.out << "  " << llvm::left_justify(c.usage, 50) << c.help << "\n";
  return true;
}

bool Commands::type(StringRef args, StringRef input) {
  if (args.empty()) {
    repl.err << "error: :type needs an expression\n";
    return true;
  }
  // `args` lies inside `input`: its offset is the expression's column.
  if (auto type = repl.typeOf(args, input, unsigned(args.data() - input.data())))
    repl.out << *type << "\n";
  return true;
}

std::optional<Repl::Compiled> Commands::emitDefinition(StringRef name) {
  const Entry *entry = findEntry(name);
  if (!entry || (entry->keyword != "let" && entry->keyword != "lens")) {
    repl.err << "error: '" << name << "' is not a model (let) or a lens declared here\n";
    return std::nullopt;
  }
  return repl.compile(repl.entries, nullptr, "", "", 0, 0, {name.str()});
}

std::optional<Repl::Compiled> Commands::applyingLens(StringRef name) {
  // The model's input type, from its generated form.
  auto compiled = emitDefinition(name);
  if (!compiled)
    return std::nullopt;
  ModuleOp module = compiled->module.get();
  auto symbol = module->getAttrOfType<DictionaryAttr>("gd.emitted").getAs<FlatSymbolRefAttr>(name);
  SmallVector<gd::ModelInstance> instances;
  if (!symbol ||
      failed(gd::flattenModel(module, module.lookupSymbol(symbol.getAttr()), name, instances)) ||
      instances.empty())
    return std::nullopt;
  gd::LensOp first = instances.front().lens;
  auto input = cast<RankedTensorType>(
      first.getForward().front().getArgument(first.getParamNames().size()).getType());
  std::string element;
  llvm::raw_string_ostream os(element);
  input.getElementType().print(os);
  unsigned column = 0;
  std::string lens = repl.evalLens(
      (name + "(__gd_in)").str(),
      "__gd_in: " +
          typeText(element, std::vector<int64_t>(input.getShape().begin(), input.getShape().end())),
      repl.referencedModels(name), column);
  return repl.compile(repl.entries, nullptr, lens, "", 0, 0, {"__gd_repl"});
}

bool Commands::bindAll(const std::vector<std::string> &models) {
  // Each model in a lens of its own that applies it, as an expression
  // would: its parameters are named as a train block of it names them.
  for (const std::string &name : models) {
    auto wrapped = applyingLens(name);
    if (!wrapped || !repl.bindParameters(wrapped->module.get(), "__gd_repl"))
      return false;
  }
  return true;
}

bool Commands::params(StringRef args, StringRef) {
  std::vector<std::string> models;
  for (const Entry &e : repl.entries)
    if (e.keyword == "let" && (args.empty() || e.name == args))
      models.push_back(e.name);
  if (models.empty()) {
    if (args.empty())
      repl.out << "no models yet: declare one with let\n";
    else
      repl.err << "error: no model '" << args << "' (:params lists them all)\n";
    return true;
  }
  if (!bindAll(models))
    return true;
  for (const std::string &path : repl.paramOrder) {
    bool ofModel = llvm::any_of(models, [&](const std::string &m) {
      return path == m || StringRef(path).starts_with(m + ".");
    });
    if (!ofModel)
      continue;
    const StoredParam &p = repl.params.at(path);
    Value v;
    v.elementType = "f32";
    v.tensor.shape = {std::min<int64_t>(p.values.size(), 4)};
    v.tensor.data.assign(p.values.begin(), p.values.begin() + v.tensor.shape[0]);
    std::string first;
    llvm::raw_string_ostream os(first);
    printValue(v, os);
    StringRef values = StringRef(first).split(' ').second.rtrim();
    repl.out << llvm::left_justify(path, 16) << " " << llvm::left_justify(typeText("f32", p.shape), 14)
             << " " << values.drop_back() << (p.values.size() > 4 ? ", ...]" : "]") << "\n";
  }
  return true;
}

bool Commands::showMLIR(StringRef args, StringRef) {
  if (args.empty()) {
    repl.err << "error: :mlir needs the name of a model or lens\n";
    return true;
  }
  if (auto compiled = emitDefinition(args)) {
    ModuleOp module = compiled->module.get();
    module->removeAttr("gd.emitted");
    module.print(repl.out);
    repl.out << "\n";
  }
  return true;
}

bool Commands::showLLVM(StringRef args, StringRef) {
  if (args.empty()) {
    repl.err << "error: :llvm needs the name of a model\n";
    return true;
  }
  auto wrapped = applyingLens(args);
  if (!wrapped)
    return true;
  std::string ir;
  LensJit::Options options;
  options.llvmIR = &ir;
  auto jit = LensJit::compile(wrapped->module.get(), "__gd_repl", options);
  if (!jit) {
    repl.err << "error: internal error, please report: " << llvm::toString(jit.takeError())
             << "\n";
    return true;
  }
  repl.out << ir;
  return true;
}

bool Commands::save(StringRef args, StringRef) {
  if (args.empty()) {
    repl.err << "error: :save needs a file name\n";
    return true;
  }
  std::vector<gdrt::NamedTensor> tensors;
  for (const std::string &path : repl.paramOrder) {
    const StoredParam &p = repl.params.at(path);
    tensors.push_back({path, p.shape, p.values});
  }
  std::string error;
  if (!gdrt::writeSafetensors(args.str(), tensors, {{"producer", "gdc repl"}}, error))
    repl.err << "error: " << error << "\n";
  else
    repl.out << "saved " << tensors.size() << " parameters to " << args << "\n";
  return true;
}

bool Commands::load(StringRef args, StringRef) {
  if (args.empty()) {
    repl.err << "error: :load needs a file name\n";
    return true;
  }
  std::vector<gdrt::NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  std::string error;
  if (!gdrt::readSafetensors(args.str(), tensors, metadata, error)) {
    repl.err << "error: " << error << "\n";
    return true;
  }
  // Checked whole before anything changes: a tensor for a known parameter
  // must have its shape.
  for (const gdrt::NamedTensor &t : tensors) {
    auto it = repl.params.find(t.name);
    if (it != repl.params.end() && it->second.shape != t.shape) {
      repl.err << "error: " << args << ": parameter '" << t.name << "' has shape "
               << gdrt::formatShape(t.shape) << " in the file but "
               << gdrt::formatShape(it->second.shape) << " here\n";
      return true;
    }
  }
  for (const gdrt::NamedTensor &t : tensors) {
    if (!repl.params.count(t.name))
      repl.paramOrder.push_back(t.name);
    repl.params[t.name] = {t.shape, t.data};
  }
  repl.out << "loaded " << tensors.size() << " parameters from " << args << "\n";
  return true;
}

bool Commands::use(StringRef args, StringRef) {
  if (args.empty())
    repl.err << "error: :use needs a .gd file\n";
  else if (repl.useFile(args))
    repl.out << "using " << args << "\n";
  return true;
}

bool Commands::reset(StringRef, StringRef) {
  repl.entries.clear();
  repl.params.clear();
  repl.paramOrder.clear();
  repl.out << "every declaration and parameter is forgotten\n";
  return true;
}

bool Commands::train(StringRef args, StringRef) {
  llvm::SmallVector<StringRef> words;
  llvm::SplitString(args, words);
  if (words.empty()) {
    repl.err << "error: :train needs the name of a train block\n";
    return true;
  }
  std::string name = words.front().str();
  const Entry *trainEntry = findEntry(name, "train");
  if (!trainEntry) {
    repl.err << "error: no train block '" << name << "'";
    std::string names;
    for (const Entry &e : repl.entries)
      if (e.keyword == "train")
        names += (names.empty() ? "" : ", ") + e.name;
    repl.err << (names.empty() ? std::string(" (none is declared)") : "; the train blocks are " + names)
             << "\n";
    return true;
  }
  auto compiled = repl.compile(repl.entries, &name, "", "", 0, 0);
  if (!compiled)
    return true;
  DiagnosticCapture diagnostics(compiled->session->context(), compiled->session->sourceManager());
  auto model = CompiledModel::compile(*compiled->session, compiled->module.get());
  if (!model) {
    repl.err << diagnostics.text();
    return true;
  }
  std::vector<std::string> argv{"train"};
  for (StringRef w : llvm::ArrayRef(words).drop_front())
    argv.push_back(w.str());
  std::vector<const char *> cargv;
  for (const std::string &a : argv)
    cargv.push_back(a.c_str());
  gdrt::Options options;
  std::string error;
  if (!gdrt::parseOptions(int(cargv.size()), cargv.data(), model->manifest(), options, error)) {
    repl.err << "error: " << error << "\n";
    return true;
  }
  if (options.help) {
    repl.out << gdrt::helpText(model->manifest());
    return true;
  }
  // A train block from a file reads its data next to the file, as `gdc
  // FILE` would; one typed here, from the current directory.
  if (options.dataDir.empty())
    options.dataDir = trainEntry->directory;
  gdrt::Trainer trainer(model->manifest(), model->entryPoints(), options);
  repl.out.flush();
  if (!trainer.prepare(error)) {
    repl.err << "error: " << error << "\n";
    return true;
  }
  // Training starts from the parameters expressions see, where there are
  // any, and leaves its result there.
  gdrt::ModelState &state = trainer.modelState();
  const auto &specs = model->manifest().params;
  for (size_t p = 0; p < specs.size(); ++p) {
    auto it = repl.params.find(specs[p].path);
    if (it != repl.params.end() && it->second.shape == specs[p].shape)
      state.parameter(p).assign(it->second.values.begin(), it->second.values.end());
  }
  repl.interrupted = false;
  trainer.setStopRequest(&repl.interrupted);
  bool ok = trainer.run(error);
  for (size_t p = 0; p < specs.size(); ++p) {
    if (!repl.params.count(specs[p].path))
      repl.paramOrder.push_back(specs[p].path);
    repl.params[specs[p].path] = {
        specs[p].shape, std::vector<float>(state.parameter(p).begin(), state.parameter(p).end())};
  }
  if (!ok)
    repl.err << "error: " << error << "\n";
  if (trainer.stopped())
    repl.out << "stopped after step " << state.stepsTaken() << "; the parameters are kept\n";
  repl.interrupted = false;
  return true;
}

bool Repl::handle(StringRef input) {
  StringRef text = input.trim();
  if (text.empty())
    return true;
  if (text.starts_with(":"))
    return Commands{*this}.run(text);
  if (std::optional<Entry> entry = parseDeclaration(text)) {
    declare(*entry);
    return true;
  }
  if (text.starts_with("grad") && text.drop_front(4).ltrim().starts_with("(")) {
    evaluateGrad(text);
    return true;
  }
  if (std::optional<Value> value = evaluate(text, text, 0))
    printValue(*value, out);
  return true;
}

} // namespace gdc::repl
