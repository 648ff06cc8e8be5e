//===- TestSupport.cpp - Temporary directories and file writers for tests -===//

#include "TestSupport.h"

#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace gdrt::test {

TempDir::TempDir() {
  const char *base = getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/gdrt-test-XXXXXX";
  char *made = mkdtemp(&pattern[0]);
  EXPECT_NE(made, nullptr) << "mkdtemp failed";
  dir = pattern;
}

static void removeTree(const std::string &path) {
  if (DIR *handle = opendir(path.c_str())) {
    while (dirent *entry = readdir(handle)) {
      std::string name = entry->d_name;
      if (name == "." || name == "..")
        continue;
      std::string child = path + "/" + name;
      struct stat info;
      if (lstat(child.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        removeTree(child);
      else
        unlink(child.c_str());
    }
    closedir(handle);
  }
  rmdir(path.c_str());
}

TempDir::~TempDir() { removeTree(dir); }

void writeBytes(const std::string &path, const std::vector<uint8_t> &bytes,
                bool gzip) {
  if (gzip) {
    gzFile file = gzopen(path.c_str(), "wb");
    ASSERT_NE(file, nullptr) << path;
    if (!bytes.empty()) {
      ASSERT_EQ(
          gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
          static_cast<int>(bytes.size()));
    }
    ASSERT_EQ(gzclose(file), Z_OK);
    return;
  }
  FILE *file = fopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  if (!bytes.empty()) {
    ASSERT_EQ(fwrite(bytes.data(), 1, bytes.size(), file), bytes.size());
  }
  ASSERT_EQ(fclose(file), 0);
}

std::vector<uint8_t> readBytes(const std::string &path) {
  std::vector<uint8_t> bytes;
  FILE *file = fopen(path.c_str(), "rb");
  if (!file)
    return bytes;
  int c;
  while ((c = fgetc(file)) != EOF)
    bytes.push_back(static_cast<uint8_t>(c));
  fclose(file);
  return bytes;
}

std::string readText(const std::string &path) {
  std::vector<uint8_t> bytes = readBytes(path);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<uint8_t> idxBytes(uint8_t type, const std::vector<uint32_t> &dims,
                              const std::vector<uint8_t> &data) {
  std::vector<uint8_t> bytes = {0, 0, type, static_cast<uint8_t>(dims.size())};
  for (uint32_t dim : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(static_cast<uint8_t>(dim >> shift));
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

} // namespace gdrt::test
