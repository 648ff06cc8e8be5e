//===- FileIO.cpp - Whole-file reading, gzip inflation and atomic writes --===//

#include "FileIO.h"
#include "ParseNumber.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

namespace gdrt {

static std::string systemError(const std::string &path, int err) {
  return path + ": " + std::strerror(err);
}

size_t fileSizeLimit() {
  // GDC_MEMORY_LIMIT (bytes) lowers it: for a machine shared with others,
  // and for the tests of the limit itself.
  if (const char *text = std::getenv("GDC_MEMORY_LIMIT")) {
    int64_t bytes;
    if (parseInt64(text, bytes) && bytes > 0)
      return static_cast<size_t>(bytes);
  }
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || size <= 0)
    return size_t(1) << 40;
  return static_cast<size_t>(pages) / 4 * 3 * static_cast<size_t>(size);
}

/// "12.3 GB", "20.0 MB".
static std::string gigabytes(double bytes) {
  char buffer[32];
  if (bytes >= 1e9)
    snprintf(buffer, sizeof(buffer), "%.1f GB", bytes / 1e9);
  else
    snprintf(buffer, sizeof(buffer), "%.1f MB", bytes / 1e6);
  return buffer;
}

bool readWholeFile(const std::string &path, std::vector<uint8_t> &bytes,
                   std::string &error) {
  bytes.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = systemError(path, errno);
    return false;
  }
  // Checked before allocating: a file larger than memory is explained, not
  // an abort; a device or pipe is read only up to the same limit.
  const size_t limit = fileSizeLimit();
  struct stat info;
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode)) {
    if (static_cast<uint64_t>(info.st_size) > limit) {
      error = path + ": " + gigabytes(double(info.st_size)) +
              ", more than this machine's memory can hold (" + gigabytes(double(limit)) + ")";
      ::close(fd);
      return false;
    }
    bytes.reserve(static_cast<size_t>(info.st_size));
  }
  uint8_t chunk[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = systemError(path, errno);
      ::close(fd);
      return false;
    }
    if (n == 0)
      break;
    if (bytes.size() + size_t(n) > limit) {
      error = path + ": more than " + gigabytes(double(limit)) +
              " to read, more than this machine's memory can hold (is it a device?)";
      ::close(fd);
      bytes.clear();
      return false;
    }
    bytes.insert(bytes.end(), chunk, chunk + n);
  }
  ::close(fd);
  return true;
}

bool isGzip(const std::vector<uint8_t> &bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

bool gunzip(const std::string &path, const std::vector<uint8_t> &compressed,
            std::vector<uint8_t> &out, std::string &error) {
  out.clear();
  z_stream stream;
  std::memset(&stream, 0, sizeof(stream));
  // 16 + MAX_WBITS: expect a gzip header and trailer, not a zlib one.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) {
    error = path + ": cannot initialise zlib";
    return false;
  }
  const size_t limit = fileSizeLimit();
  out.resize(std::min(compressed.size() * 2 + 4096, limit));
  size_t consumed = 0, produced = 0;
  bool ok = true;
  while (true) {
    // zlib counts in 32-bit uInt: feed and drain in bounded slices.
    const size_t slice = 1u << 30;
    if (out.size() - produced < (1u << 16)) {
      // A gzip bomb (or a file larger than memory) is refused before the
      // allocation that would fail.
      if (out.size() >= limit) {
        error = path + ": decompresses to more than " + gigabytes(double(limit)) +
                ", more than this machine's memory can hold";
        ok = false;
        break;
      }
      out.resize(std::min(out.size() * 2, limit));
    }
    stream.next_in = const_cast<Bytef *>(compressed.data() + consumed);
    stream.avail_in =
        static_cast<uInt>(std::min(compressed.size() - consumed, slice));
    stream.next_out = out.data() + produced;
    stream.avail_out =
        static_cast<uInt>(std::min(out.size() - produced, slice));
    uInt availIn = stream.avail_in, availOut = stream.avail_out;
    int status = inflate(&stream, Z_NO_FLUSH);
    consumed += availIn - stream.avail_in;
    produced += availOut - stream.avail_out;
    if (status == Z_STREAM_END) {
      if (consumed == compressed.size())
        break;
      // Concatenated gzip members form one valid stream (as gzip -d reads
      // them); anything else after the end is garbage.
      if (compressed.size() - consumed >= 2 && compressed[consumed] == 0x1f &&
          compressed[consumed + 1] == 0x8b) {
        inflateReset(&stream);
        continue;
      }
      error = path + ": " + std::to_string(compressed.size() - consumed) +
              " bytes of trailing garbage after the gzip data";
      ok = false;
      break;
    }
    bool progress = availIn != stream.avail_in || availOut != stream.avail_out;
    if ((status == Z_OK || status == Z_BUF_ERROR) && !progress &&
        consumed == compressed.size()) {
      error = path + ": truncated gzip data (the stream ends early)";
      ok = false;
      break;
    }
    if ((status != Z_OK && status != Z_BUF_ERROR) ||
        (!progress && stream.avail_out != 0)) {
      error = path + ": corrupt gzip data" +
              (stream.msg ? std::string(" (") + stream.msg + ")" : "");
      ok = false;
      break;
    }
  }
  inflateEnd(&stream);
  out.resize(ok ? produced : 0);
  out.shrink_to_fit();
  return ok;
}

bool readMaybeGzippedFile(const std::string &path, std::vector<uint8_t> &bytes,
                          std::string &error) {
  std::vector<uint8_t> raw;
  if (!readWholeFile(path, raw, error))
    return false;
  if (!isGzip(raw)) {
    bytes = std::move(raw);
    return true;
  }
  return gunzip(path, raw, bytes, error);
}

/// Writes all of `size` bytes, retrying on short writes and EINTR.
static bool writeAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool checkReplaceableFile(const std::string &path, std::string &error) {
  if (path.empty() || path.back() == '/') {
    error = "'" + path + "' names a directory, not a file";
    return false;
  }
  struct stat info;
  if (::lstat(path.c_str(), &info) == 0) {
    if (S_ISREG(info.st_mode))
      return true;
    error = "'" + path + "' is " +
            (S_ISDIR(info.st_mode)   ? "a directory"
             : S_ISLNK(info.st_mode) ? "a symbolic link"
             : S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode) ? "a device"
                                                              : "not a regular file") +
            "; a checkpoint replaces only a regular file";
    return false;
  }
  if (errno != ENOENT && errno != ENOTDIR) {
    error = systemError(path, errno);
    return false;
  }
  return true; // absent: whether its directory is writable shows on writing
}

/// Removes the temporary files that writes of `path` killed midway left
/// (`path.tmp.XXXXXX`); only regular files, only with that exact pattern.
static void removeStaleTemporaries(const std::string &path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp.";
  DIR *entries = ::opendir(dir.c_str());
  if (!entries)
    return;
  while (struct dirent *entry = ::readdir(entries)) {
    std::string name = entry->d_name;
    if (name.size() != prefix.size() + 6 || name.compare(0, prefix.size(), prefix) != 0)
      continue;
    std::string full = dir + "/" + name;
    struct stat info;
    if (::lstat(full.c_str(), &info) == 0 && S_ISREG(info.st_mode))
      ::unlink(full.c_str());
  }
  ::closedir(entries);
}

bool writeFileAtomically(const std::string &path, const std::string &bytes,
                         std::string &error) {
  // Only a regular file (or nothing) is replaced: never a device, a
  // directory or what a symbolic link points to.
  if (!checkReplaceableFile(path, error))
    return false;
  removeStaleTemporaries(path);
  std::string temp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(&temp[0]);
  if (fd < 0) {
    error = systemError(path, errno);
    return false;
  }
  // mkstemp creates the file 0600; a checkpoint is an ordinary file.
  ::fchmod(fd, 0644);
  if (!writeAll(fd, bytes.data(), bytes.size()) || ::fsync(fd) != 0) {
    error = systemError(path, errno);
    ::close(fd);
    ::unlink(temp.c_str());
    return false;
  }
  if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    error = systemError(path, errno);
    ::unlink(temp.c_str());
    return false;
  }
  // Make the rename itself durable; failing here loses nothing already
  // written, so it is not an error.
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : path.substr(0, slash);
  int dirFd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return true;
}

bool FileLock::acquire(const std::string &path, std::string &error) {
  release();
  lockPath = path + ".lock";
  fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    // Its directory is the file's: name the file the user gave.
    error = systemError(path, errno);
    return false;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    error = errno == EWOULDBLOCK
                ? path + " is being written by another run (it holds " + lockPath + ")"
                : systemError(lockPath, errno);
    ::close(fd);
    fd = -1;
    return false;
  }
  return true;
}

void FileLock::release() {
  if (fd < 0)
    return;
  ::unlink(lockPath.c_str());
  ::close(fd);
  fd = -1;
}

std::string resolvePath(const std::string &base, const std::string &path) {
  if (base.empty() || (!path.empty() && path[0] == '/'))
    return path;
  if (base.back() == '/')
    return base + path;
  return base + "/" + path;
}

std::string dataBaseDirectory(const std::string &sourceDir) {
  if (sourceDir.empty() || sourceDir[0] == '/')
    return sourceDir;
  char self[4096];
  ssize_t length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (length <= 0)
    return sourceDir; // then relative to the current directory
  std::string dir(self, static_cast<size_t>(length));
  dir.erase(dir.find_last_of('/') + 1);
  return sourceDir == "." ? dir : dir + sourceDir;
}

uint64_t readLittleEndian(const uint8_t *bytes, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = size; i-- > 0;)
    value = (value << 8) | bytes[i];
  return value;
}

uint64_t readBigEndian(const uint8_t *bytes, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i)
    value = (value << 8) | bytes[i];
  return value;
}

} // namespace gdrt
