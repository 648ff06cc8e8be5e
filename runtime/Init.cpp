//===- Init.cpp - Parameter initialisation from manifest init specs -------===//

#include "Init.h"

#include "Random.h"

#include <cmath>

namespace gdrt {

void initializeParam(const ParamInit &init, float *data, int64_t count,
                     uint64_t seed, uint64_t paramIndex) {
  Rng rng = Rng::forStream(seed, RandomPurpose::ParamInit, paramIndex);
  auto fillUniform = [&](double lo, double hi) {
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<float>(lo + (hi - lo) * rng.uniform());
  };
  auto fillNormal = [&](double mean, double std) {
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<float>(mean + std * rng.normal());
  };
  switch (init.kind) {
  case InitKind::Zeros:
  case InitKind::Ones:
    for (int64_t i = 0; i < count; ++i)
      data[i] = init.kind == InitKind::Ones ? 1.0f : 0.0f;
    return;
  case InitKind::GlorotUniform: {
    double limit = std::sqrt(6.0 / (init.a + init.b));
    fillUniform(-limit, limit);
    return;
  }
  case InitKind::HeNormal:
    fillNormal(0.0, std::sqrt(2.0 / init.a));
    return;
  case InitKind::Normal:
    fillNormal(init.a, init.b);
    return;
  case InitKind::Uniform:
    fillUniform(init.a, init.b);
    return;
  }
}

} // namespace gdrt
