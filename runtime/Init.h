//===- Init.h - Parameter initialisation from manifest init specs ---------===//
//
// Each parameter draws from its own random stream, derived from the seed and
// the parameter's position in the manifest, so adding a parameter at the end
// never changes how the earlier ones start.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_INIT_H
#define GDC_RUNTIME_INIT_H

#include "Manifest.h"

#include <cstdint>

namespace gdrt {

/// Fills `data[0..count)` according to `init`:
///   zeros, ones;
///   glorot_uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out));
///   he_normal: N(0, sqrt(2 / fan_in));
///   normal: N(mean, std); uniform: U(lo, hi).
/// Random draws come from the stream (seed, ParamInit, paramIndex).
void initializeParam(const ParamInit &init, float *data, int64_t count,
                     uint64_t seed, uint64_t paramIndex);

} // namespace gdrt

#endif // GDC_RUNTIME_INIT_H
