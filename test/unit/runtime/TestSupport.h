//===- TestSupport.h - Temporary directories and file writers for tests ---===//
#ifndef GDC_TEST_UNIT_RUNTIME_TESTSUPPORT_H
#define GDC_TEST_UNIT_RUNTIME_TESTSUPPORT_H

#include <cstdint>
#include <string>
#include <vector>

namespace gdrt::test {

/// A fresh directory under $TMPDIR, removed with its contents on
/// destruction.
class TempDir {
public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  const std::string &path() const { return dir; }
  /// `path()/name`.
  std::string file(const std::string &name) const { return dir + "/" + name; }

private:
  std::string dir;
};

/// Writes `bytes` to `path` (plain, or gzip-compressed if `gzip`).
void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes,
                bool gzip = false);

/// Reads all of `path`; empty if unreadable.
std::vector<uint8_t> readBytes(const std::string &path);

/// The bytes of an IDX file: magic 00 00 `type` ndim, big-endian dims, then
/// `data` as given.
std::vector<uint8_t> idxBytes(uint8_t type, const std::vector<uint32_t> &dims,
                              const std::vector<uint8_t> &data);

/// Reads all of `path` as text.
std::string readText(const std::string &path);

} // namespace gdrt::test

#endif // GDC_TEST_UNIT_RUNTIME_TESTSUPPORT_H
