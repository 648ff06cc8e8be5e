# lit configuration of gdc's tests. Substitutions:
#   %gdc %gdc-opt   the tools under test
#   %python         the Python running lit (for the tests' helper scripts)
#   %fmnist         the Fashion-MNIST directory (feature `fmnist` when present)
#   %examples       the source examples/ directory
#   %gpl-dir        the directory of the GNU GPL's text, GPL-3 (Debian's
#                   base-files installs it; feature `gpl` when present), the
#                   corpus of examples/char_transformer.gd
#   %gdc-build %libgdc %gdc-python-path
#                   the build tree, libgdc.so, the Python package's source
import os
import shutil
import sys

import lit.formats
import lit.util

config.name = "gdc"
config.test_format = lit.formats.ShTest(not lit.util.which("bash"))
config.suffixes = [".mlir", ".gd", ".test"]
config.excludes = ["unit", "lit.cfg.py", "lit.site.cfg.py", "Inputs", "CMakeLists.txt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.gdc_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.gdc_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")])
# Keep the machine's locale and thread settings out of the tests' way.
config.environment["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "2")
# lit runs tests side by side: a thread waiting at an OpenMP barrier sleeps
# instead of spinning, so that two tests' threads do not starve each other
# on two cores (a 3 s training run once took minutes so).
config.environment["OMP_WAIT_POLICY"] = os.environ.get("OMP_WAIT_POLICY", "passive")

# The library door: the build tree (for `cmake --install`), the built
# libgdc and the Python package's source directory. Before %gdc, which
# would otherwise replace their prefix.
config.substitutions.append(("%gdc-build", config.gdc_obj_root))
config.substitutions.append(("%libgdc", os.path.join(config.gdc_obj_root, "lib", "libgdc.so")))
config.substitutions.append(("%gdc-python-path", os.path.join(config.gdc_src_root, "python")))
config.substitutions.append(("%gdc-opt", os.path.join(config.gdc_tools_dir, "gdc-opt")))
config.substitutions.append(("%gdc", os.path.join(config.gdc_tools_dir, "gdc")))
config.substitutions.append(("%python", sys.executable))
# Debian's python3 with python3-torch and python3-numpy (scripts/setup.sh
# installs them): the independent reference of the differential tests. The
# python3 first on PATH may be another one, without torch.
config.substitutions.append(("%reference-python", "/usr/bin/python3"))
config.substitutions.append(("%difftest", os.path.join(config.gdc_src_root, "tools", "difftest", "difftest.py")))
config.substitutions.append(("%examples", os.path.join(config.gdc_src_root, "examples")))

fmnist = os.environ.get("GDC_FMNIST", "/usr/share/datasets/fashion-mnist")
config.substitutions.append(("%fmnist", fmnist))
if os.path.exists(os.path.join(fmnist, "train-images-idx3-ubyte.gz")):
    config.available_features.add("fmnist")

gpl_dir = "/usr/share/common-licenses"
config.substitutions.append(("%gpl-dir", gpl_dir))
if os.path.exists(os.path.join(gpl_dir, "GPL-3")):
    config.available_features.add("gpl")

# GPU execution tests say `REQUIRES: cuda`; they run where a GPU answers.
if shutil.which("nvidia-smi") and lit.util.executeCommand(["nvidia-smi", "-L"])[2] == 0:
    config.available_features.add("cuda")
