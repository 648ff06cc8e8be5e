# The GoogleTest suites (test/unit/*/), run by lit: every executable whose
# name ends in "tests" under the build's test/unit directory.
import os

import lit.formats

config.name = "gdc-unit"
config.test_format = lit.formats.GoogleTest(".", "tests")
config.test_source_root = os.path.join(config.gdc_obj_root, "test", "unit")
config.test_exec_root = config.test_source_root
