//===- SafetensorsTest.cpp - Tests of checkpoint files and their JSON -----===//

#include "Safetensors.h"
#include "Json.h"

#include "TestSupport.h"

#include <cstring>
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace gdrt;
using namespace gdrt::test;

namespace {

std::vector<NamedTensor> sampleTensors() {
  return {{"mlp.0.W", {2, 3}, {1, -2, 3.5f, 0, 1e-30f, -1e30f}},
          {"mlp.0.b", {3}, {0.25f, 0.5f, 0.75f}},
          {"scale", {}, {42}},
          {"quote\"and\\slash", {1}, {7}}};
}

/// Builds a safetensors file from a raw header and data bytes.
std::vector<uint8_t> rawFile(const std::string &header, size_t dataBytes,
                             uint64_t declaredLength = UINT64_MAX) {
  uint64_t length =
      declaredLength == UINT64_MAX ? header.size() : declaredLength;
  std::vector<uint8_t> bytes;
  for (int i = 0; i < 8; ++i)
    bytes.push_back(static_cast<uint8_t>(length >> (8 * i)));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.resize(bytes.size() + dataBytes, 0);
  return bytes;
}

std::string decodeError(const std::vector<uint8_t> &bytes) {
  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  std::string error;
  EXPECT_FALSE(decodeSafetensors(bytes, tensors, metadata, error));
  return error;
}

} // namespace

TEST(Safetensors, WriteReadRoundTrip) {
  TempDir dir;
  std::string path = dir.file("ckpt.safetensors");
  std::string error;
  ASSERT_TRUE(writeSafetensors(path, sampleTensors(),
                               {{"producer", "gdc"}, {"step", "12"}}, error))
      << error;

  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  ASSERT_TRUE(readSafetensors(path, tensors, metadata, error)) << error;
  std::vector<NamedTensor> expected = sampleTensors();
  ASSERT_EQ(tensors.size(), expected.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(tensors[i].name, expected[i].name);
    EXPECT_EQ(tensors[i].shape, expected[i].shape);
    EXPECT_EQ(tensors[i].data, expected[i].data);
  }
  EXPECT_EQ(metadata["producer"], "gdc");
  EXPECT_EQ(metadata["step"], "12");

  // The layout other readers rely on: little-endian header length, then a
  // header padded so the data starts 8-byte aligned.
  std::vector<uint8_t> bytes = readBytes(path);
  uint64_t headerLength = 0;
  for (int i = 0; i < 8; ++i)
    headerLength |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  EXPECT_EQ((8 + headerLength) % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + headerLength + 4 * (6 + 3 + 1 + 1));
  EXPECT_EQ(bytes[8], '{');
  // The first float (1.0f) is stored little-endian: 00 00 80 3f.
  EXPECT_EQ(bytes[8 + headerLength + 3], 0x3f);
  EXPECT_EQ(bytes[8 + headerLength + 2], 0x80);

  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
}

TEST(Safetensors, WriteReplacesAtomicallyAndLeavesNoTempFiles) {
  TempDir dir;
  std::string path = dir.file("ckpt.safetensors");
  std::string error;
  ASSERT_TRUE(writeSafetensors(path, sampleTensors(), {}, error)) << error;
  std::vector<NamedTensor> one = {{"x", {1}, {5}}};
  ASSERT_TRUE(writeSafetensors(path, one, {}, error)) << error;
  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  ASSERT_TRUE(readSafetensors(path, tensors, metadata, error)) << error;
  ASSERT_EQ(tensors.size(), 1u);
  EXPECT_EQ(tensors[0].data, std::vector<float>{5});
  EXPECT_TRUE(metadata.empty());
  // Only the checkpoint is left in the directory: no temporary files.
  std::vector<std::string> names;
  DIR *handle = opendir(dir.path().c_str());
  ASSERT_NE(handle, nullptr);
  while (dirent *entry = readdir(handle))
    if (entry->d_name[0] != '.')
      names.push_back(entry->d_name);
  closedir(handle);
  EXPECT_EQ(names, std::vector<std::string>{"ckpt.safetensors"});

  // Writing into a missing directory fails cleanly, naming the path.
  std::string bad = dir.file("no/such/dir.safetensors");
  EXPECT_FALSE(writeSafetensors(bad, one, {}, error));
  EXPECT_EQ(error, bad + ": No such file or directory");

  // Data that disagrees with the shape is refused before writing.
  std::vector<NamedTensor> wrong = {{"x", {2, 2}, {1, 2, 3}}};
  EXPECT_FALSE(writeSafetensors(path, wrong, {}, error));
  EXPECT_NE(error.find("tensor 'x' has 3 elements but shape [2, 2]"),
            std::string::npos)
      << error;
}

TEST(Safetensors, ReadsFilesFromOtherWriters) {
  // Key order, whitespace and a metadata block as other tools write them.
  std::string header =
      R"( { "b" : {"shape":[1],"dtype":"F32","data_offsets":[4,8]},
      "__metadata__":{"format":"pt"},
      "a":{"dtype":"F32","shape":[],"data_offsets":[0,4]} } )";
  std::vector<uint8_t> bytes = rawFile(header, 8);
  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  std::string error;
  // A header that starts with a space is not valid safetensors.
  EXPECT_FALSE(decodeSafetensors(bytes, tensors, metadata, error));
  header.erase(0, 1);
  bytes = rawFile(header, 8);
  float one = 1, two = 2;
  std::memcpy(&bytes[8 + header.size()], &one, 4);
  std::memcpy(&bytes[8 + header.size() + 4], &two, 4);
  ASSERT_TRUE(decodeSafetensors(bytes, tensors, metadata, error)) << error;
  ASSERT_EQ(tensors.size(), 2u);
  EXPECT_EQ(tensors[0].name, "a"); // data order
  EXPECT_EQ(tensors[0].data, std::vector<float>{1});
  EXPECT_EQ(tensors[1].name, "b");
  EXPECT_EQ(tensors[1].data, std::vector<float>{2});
  EXPECT_EQ(metadata["format"], "pt");
}

TEST(Safetensors, RejectsMalformedFiles) {
  const std::string entry =
      R"("w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  struct Case {
    std::vector<uint8_t> bytes;
    const char *expected;
  } cases[] = {
      {{1, 2, 3}, "shorter than the 8-byte header length"},
      {rawFile("{" + entry + "}", 8, 1u << 20), "exceeds the file size"},
      {rawFile("{" + entry + "}", 8, UINT64_MAX - 1), "exceeds the file size"},
      {rawFile("garbage!", 0), "not a JSON object"},
      {rawFile("{\"w\":{\"dtype\":\"F32\",", 0), "invalid safetensors header"},
      {rawFile("{" + entry + "}x", 8), "unexpected characters"},
      {rawFile("{" + entry + "," + entry + "}", 8), "duplicate key"},
      {rawFile(R"({"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", 4),
       "tensor 'w' has dtype F16; only F32 tensors are supported"},
      {rawFile(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
       "shape [3] needs 12 bytes but data_offsets span 8"},
      {rawFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}})", 8),
       "out of range"},
      {rawFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8),
       "out of range"},
      {rawFile(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8),
       "non-negative integers"},
      {rawFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", 8),
       "data_offsets must be [begin, end]"},
      {rawFile(R"({"w":{"dtype":"F32","data_offsets":[0,8]}})", 8),
       "needs dtype, shape and data_offsets"},
      {rawFile(R"({"w":[]})", 0), "not an object"},
      {rawFile(R"({"__metadata__":{"k":1}})", 0), "is not a string"},
      {rawFile("{" + entry + "}", 12), "the data section has 12 bytes but the "
                                       "tensors cover 8"},
      {rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
               R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
               8),
       "overlap or leave a gap"},
  };
  for (const Case &c : cases) {
    std::string error = decodeError(c.bytes);
    EXPECT_NE(error.find(c.expected), std::string::npos)
        << "expected '" << c.expected << "' in: " << error;
  }

  // Through the file API the message starts with the path.
  TempDir dir;
  std::string path = dir.file("bad.safetensors");
  writeBytes(path, rawFile("nonsense", 0));
  std::vector<NamedTensor> tensors;
  std::map<std::string, std::string> metadata;
  std::string error;
  EXPECT_FALSE(readSafetensors(path, tensors, metadata, error));
  EXPECT_EQ(error.rfind(path + ": ", 0), 0u) << error;
}

TEST(Json, ParsesValuesAndKeepsNumberText) {
  JsonValue value;
  std::string error;
  ASSERT_TRUE(parseJson(
      R"({"a":[1,-2.5e3,true,false,null],"s":"x\u00e9\ud83d\ude00\n","big":18446744073709551615})",
      value, error))
      << error;
  ASSERT_EQ(value.kind, JsonValue::Kind::Object);
  const JsonValue *a = value.find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 5u);
  EXPECT_EQ(a->items[1].text, "-2.5e3");
  EXPECT_TRUE(a->items[2].boolean);
  EXPECT_EQ(a->items[4].kind, JsonValue::Kind::Null);
  EXPECT_EQ(value.find("s")->text, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  uint64_t big = 0;
  EXPECT_TRUE(value.find("big")->asUint64(big));
  EXPECT_EQ(big, UINT64_MAX);
  EXPECT_FALSE(a->items[1].asUint64(big));
}

TEST(Json, RejectsGarbage) {
  for (const char *text :
       {"", "{", "[1,]", "{\"a\":}", "01", "1.", "-", "\"\\x\"", "\"abc", "tru",
        "{\"a\" 1}", "[1] [2]", "\"\\ud800\"", "{1:2}", "\"a\nb\""}) {
    JsonValue value;
    std::string error;
    EXPECT_FALSE(parseJson(text, value, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
  // Deep nesting is refused, not a stack overflow.
  JsonValue value;
  std::string error;
  EXPECT_FALSE(parseJson(std::string(100000, '['), value, error));
  EXPECT_NE(error.find("nested too deeply"), std::string::npos) << error;
}

TEST(Json, QuoteEscapes) {
  EXPECT_EQ(jsonQuote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}
