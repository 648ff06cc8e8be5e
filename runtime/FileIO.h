//===- FileIO.h - Whole-file reading, gzip inflation and atomic writes ----===//
//
// Data files and checkpoints are read whole: they are at most a few hundred
// megabytes and every format here needs random access to its header anyway.
// Errors are messages that begin with the path.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_FILEIO_H
#define GDC_RUNTIME_FILEIO_H

#include <cstdint>
#include <string>
#include <vector>

namespace gdrt {

/// Reads all of `path` into `bytes`. On failure sets `error` to
/// "<path>: <strerror>".
bool readWholeFile(const std::string &path, std::vector<uint8_t> &bytes,
                   std::string &error);

/// True if `bytes` start with the gzip magic 1f 8b.
bool isGzip(const std::vector<uint8_t> &bytes);

/// Inflates the gzip stream (one or more members) in `compressed` into
/// `out`. `path` is only used in the error message.
bool gunzip(const std::string &path, const std::vector<uint8_t> &compressed,
            std::vector<uint8_t> &out, std::string &error);

/// Reads `path` and inflates it if it is gzip-compressed (detected by its
/// magic bytes, not its name).
bool readMaybeGzippedFile(const std::string &path, std::vector<uint8_t> &bytes,
                          std::string &error);

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory is written, flushed to disk and renamed over `path`, so a
/// reader sees either the old file or the complete new one.
bool writeFileAtomically(const std::string &path, const std::string &bytes,
                         std::string &error);

/// Whether writeFileAtomically may replace `path`: it is a regular file or
/// absent. A device, a directory or a symbolic link is refused, so that a
/// checkpoint never replaces one.
bool checkReplaceableFile(const std::string &path, std::string &error);

/// The most bytes a file read or a decompression may produce: three
/// quarters of physical memory, or $GDC_MEMORY_LIMIT bytes if set. Beyond
/// it, a clear error rather than an allocation that aborts.
size_t fileSizeLimit();

/// An exclusive advisory lock (flock) on `path` + ".lock", held while the
/// object lives, so that two runs never write one file at once. The lock
/// file is removed when released; one a killed run left holds no lock.
class FileLock {
public:
  FileLock() = default;
  FileLock(const FileLock &) = delete;
  FileLock &operator=(const FileLock &) = delete;
  ~FileLock() { release(); }
  /// Takes the lock for `path`; false with `error` if another process
  /// holds it (or it cannot be created).
  bool acquire(const std::string &path, std::string &error);
  void release();

private:
  int fd = -1;
  std::string lockPath;
};

/// `path` itself if absolute or if `base` is empty, else `base/path`.
std::string resolvePath(const std::string &base, const std::string &path);

/// Where a model's relative data paths start (without --data-dir): its
/// manifest's source-dir, which an executable holds relative to its own
/// directory (so that no build machine's path is embedded, and the
/// executable and its data may move together); an in-process host's is
/// absolute. Empty: the current directory.
std::string dataBaseDirectory(const std::string &sourceDir);

/// The unsigned integer of `size` (at most 8) bytes at `bytes`, in file
/// byte order: little-endian (npy, safetensors) or big-endian (IDX).
uint64_t readLittleEndian(const uint8_t *bytes, unsigned size);
uint64_t readBigEndian(const uint8_t *bytes, unsigned size);

} // namespace gdrt

#endif // GDC_RUNTIME_FILEIO_H
