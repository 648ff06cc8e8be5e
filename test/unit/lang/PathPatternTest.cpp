//===- PathPatternTest.cpp - Parameter-group globs over parameter paths ---===//
//
// gd::matchesPathPattern decides which group's rule updates a parameter, in
// the front end's exactly-once check and in the train step.
//
//===----------------------------------------------------------------------===//
#include "dialects/gd/GDDialect.h"

#include "gtest/gtest.h"

#include <chrono>
#include <string>

using gdc::gd::matchesPathPattern;

namespace {

TEST(PathPattern, ExactPathsAndStars) {
  EXPECT_TRUE(matchesPathPattern("net.0.W", "net.0.W"));
  EXPECT_FALSE(matchesPathPattern("net.0.W", "net.0.b"));
  EXPECT_FALSE(matchesPathPattern("net.0", "net.0.W"));
  EXPECT_TRUE(matchesPathPattern("*", "net.0.W"));
  EXPECT_TRUE(matchesPathPattern("*", ""));
  // A star matches any run, dots included, and may be empty.
  EXPECT_TRUE(matchesPathPattern("*.W", "net.4.1.0.W"));
  EXPECT_TRUE(matchesPathPattern("net.*", "net.0.W"));
  EXPECT_TRUE(matchesPathPattern("net.*.W", "net.1.W"));
  EXPECT_TRUE(matchesPathPattern("net*W", "netW"));
  EXPECT_FALSE(matchesPathPattern("*.W", "net.0.b"));
  EXPECT_FALSE(matchesPathPattern("enc.*", "net.enc.W"));
  // The last star has to take the right amount: backtracking.
  EXPECT_TRUE(matchesPathPattern("*.0.*", "net.10.0.W"));
  EXPECT_TRUE(matchesPathPattern("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(matchesPathPattern("a*b*c", "aXbYbZ"));
}

TEST(PathPatternRobustness, ManyStarsDoNotBacktrackExponentially) {
  // A recursive matcher takes exponential time on this; the greedy one is
  // |pattern| x |path| at worst.
  std::string pattern, path(2000, 'a');
  for (int i = 0; i < 40; ++i)
    pattern += "*a";
  pattern += "b";
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(matchesPathPattern(pattern, path));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0);
}

} // namespace
