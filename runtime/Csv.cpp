//===- Csv.cpp - Loading data sets from CSV files -------------------------===//

#include "Csv.h"

#include "FileIO.h"
#include "ParseNumber.h"

#include <cmath>

namespace gdrt {

static bool isBlank(char c) { return c == ' ' || c == '\t'; }

/// `cell` without the spaces and tabs around it.
static std::string_view trim(std::string_view cell) {
  while (!cell.empty() && isBlank(cell.front()))
    cell.remove_prefix(1);
  while (!cell.empty() && isBlank(cell.back()))
    cell.remove_suffix(1);
  return cell;
}

CsvReader::CsvReader(std::string_view text) : text(text) {
  // Spreadsheet programs write a byte-order mark that would otherwise
  // become part of the first column's name.
  if (this->text.substr(0, 3) == "\xEF\xBB\xBF")
    pos = 3;
}

bool CsvReader::atBlankLine() const {
  for (size_t i = pos; i < text.size() && text[i] != '\n'; ++i)
    if (!isBlank(text[i]) && text[i] != '\r')
      return false;
  return true;
}

/// Reads a quoted cell; `pos` is at its opening quote. Leaves `pos` after
/// the closing quote.
bool CsvReader::readQuoted(std::string_view &cell, std::string &problem) {
  std::string &value = unescaped.emplace_back();
  ++pos;
  while (true) {
    if (pos >= text.size()) {
      problem = "unterminated quoted cell";
      return false;
    }
    char c = text[pos++];
    if (c == '"') {
      if (pos < text.size() && text[pos] == '"') {
        value.push_back('"');
        ++pos;
        continue;
      }
      break;
    }
    if (c == '\n')
      ++lineNumber;
    value.push_back(c);
  }
  cell = value;
  return true;
}

CsvReader::Result CsvReader::next(std::vector<std::string_view> &cells,
                                  size_t &line, std::string &problem) {
  cells.clear();
  unescaped.clear();
  while (pos < text.size() && atBlankLine()) {
    size_t newline = text.find('\n', pos);
    pos = newline == std::string_view::npos ? text.size() : newline + 1;
    ++lineNumber;
  }
  if (pos >= text.size())
    return Result::End;
  line = lineNumber;
  while (true) {
    size_t start = pos;
    while (pos < text.size() && isBlank(text[pos]))
      ++pos;
    std::string_view cell;
    if (pos < text.size() && text[pos] == '"') {
      size_t cellLine = lineNumber;
      if (!readQuoted(cell, problem)) {
        line = cellLine;
        return Result::Error;
      }
      while (pos < text.size() && isBlank(text[pos]))
        ++pos;
      if (pos < text.size() && text[pos] == '\r' &&
          (pos + 1 == text.size() || text[pos + 1] == '\n'))
        ++pos; // CRLF, or a CR that ends the file
      if (pos < text.size() && text[pos] != ',' && text[pos] != '\n') {
        problem = "unexpected text after the closing quote of cell " +
                  std::to_string(cells.size() + 1);
        line = lineNumber;
        return Result::Error;
      }
    } else {
      pos = start;
      while (pos < text.size() && text[pos] != ',' && text[pos] != '\n')
        ++pos;
      cell = text.substr(start, pos - start);
      if (!cell.empty() && cell.back() == '\r') // CRLF
        cell.remove_suffix(1);
      cell = trim(cell);
    }
    cells.push_back(cell);
    if (pos >= text.size())
      return Result::Record;
    if (text[pos++] == '\n') {
      ++lineNumber;
      return Result::Record;
    }
  }
}

/// The name of column `index` for messages: its header, or its position
/// when the header cell is empty.
static std::string columnName(const std::vector<std::string> &header,
                              size_t index) {
  if (!header[index].empty())
    return header[index];
  return "column " + std::to_string(index + 1);
}

bool loadCsvDataset(const std::string &path, const std::string &labelColumn,
                    float scale, int64_t exampleSize, const LabelFormat &labels,
                    Dataset &out, std::string &error) {
  out = Dataset();
  std::vector<uint8_t> bytes;
  if (!readMaybeGzippedFile(path, bytes, error))
    return false;
  std::string_view text(reinterpret_cast<const char *>(bytes.data()),
                        bytes.size());
  CsvReader reader(text);
  std::vector<std::string_view> cells;
  size_t line = 0;
  std::string problem;
  std::vector<std::string> header;
  auto fail = [&](const std::string &message) {
    error = path + ":" + std::to_string(line) + ": " + message;
    return false;
  };
  // `path:line:column: message`, like a compiler's file:line:column.
  auto cellFail = [&](size_t column, const std::string &message) {
    error = path + ":" + std::to_string(line) + ":" +
            columnName(header, column) + ": " + message;
    return false;
  };

  CsvReader::Result result = reader.next(cells, line, problem);
  if (result == CsvReader::Result::Error)
    return fail(problem);
  if (result == CsvReader::Result::End) {
    error = path + ": empty file (expected a header row of column names)";
    return false;
  }
  header.assign(cells.begin(), cells.end());
  size_t labelIndex = header.size();
  int matches = 0;
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == labelColumn)
      labelIndex = i, ++matches;
  if (matches == 0) {
    std::string names;
    for (size_t i = 0; i < header.size(); ++i)
      names += (i ? ", '" : "'") + header[i] + "'";
    error = path + ": no column '" + labelColumn +
            "' in the header; its columns are " + names;
    return false;
  }
  if (matches > 1) {
    error = path + ": the header names " + std::to_string(matches) +
            " columns '" + labelColumn + "'; the label column must be unique";
    return false;
  }
  int64_t features = static_cast<int64_t>(header.size()) - 1;
  if (features != exampleSize) {
    error = path + ": " + std::to_string(features) +
            " feature columns (every column but '" + labelColumn +
            "'), but the model's input has " + std::to_string(exampleSize) +
            " elements";
    return false;
  }
  if (labels.targets && labels.targetSize() != 1) {
    error = path +
            ": a CSV label column holds one number per example, but "
            "the model's labels are " +
            labels.describe();
    return false;
  }
  out.exampleSize = exampleSize;
  out.targetSize = labels.targets ? 1 : 0;

  while ((result = reader.next(cells, line, problem)) ==
         CsvReader::Result::Record) {
    if (cells.size() != header.size())
      return fail(std::to_string(cells.size()) + " cells, but the header has " +
                  std::to_string(header.size()) + " columns");
    for (size_t i = 0; i < cells.size(); ++i) {
      double value;
      if (!parseFiniteDouble(cells[i], value))
        return cellFail(i, "'" + std::string(cells[i]) + "' is not a number");
      if (i == labelIndex && !labels.targets) {
        if (value != std::floor(value) || value < 0 ||
            value >= static_cast<double>(labels.classes))
          return cellFail(i, "label '" + std::string(cells[i]) +
                                 "' is not a class index in [0, " +
                                 std::to_string(labels.classes) + ")");
        out.labels.push_back(static_cast<int32_t>(value));
        continue;
      }
      float number = 0;
      bool finite = toFiniteFloat(value, number);
      if (i != labelIndex)
        number *= scale;
      if (!finite || !std::isfinite(number))
        return cellFail(i, "'" + std::string(cells[i]) +
                               "' is beyond the range of f32" +
                               (i == labelIndex ? "" : " (after scaling)"));
      (i == labelIndex ? out.targets : out.examples).push_back(number);
    }
    ++out.count;
  }
  if (result == CsvReader::Result::Error)
    return fail(problem);
  return true;
}

} // namespace gdrt
