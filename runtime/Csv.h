//===- Csv.h - Loading data sets from CSV files ---------------------------===//
//
// A CSV data set (`data <split> csv <path> <label-column> <scale>`) is a
// text file whose first record is a header of column names. One column,
// named in the manifest, holds the label; every other column, in file
// order, is a feature. The dialect is RFC 4180 with some leniency:
//
//  - cells are separated by commas and records by LF or CRLF;
//  - a cell in double quotes may hold commas, newlines and doubled quotes
//    (`"a ""b"", c"` is `a "b", c`);
//  - spaces and tabs around an unquoted cell are ignored;
//  - lines that are empty or hold only blanks are skipped anywhere, so a
//    file may end in blank lines;
//  - a UTF-8 byte-order mark before the header is skipped;
//  - the file may be gzip-compressed (detected by content).
//
// Errors begin with the path, then the line of the record and the column
// where they have one: `data.csv:7:petal_width: 'abc' is not a number`.
//
//===----------------------------------------------------------------------===//
#ifndef GDC_RUNTIME_CSV_H
#define GDC_RUNTIME_CSV_H

#include "Dataset.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace gdrt {

/// Splits CSV text into records, one at a time.
class CsvReader {
public:
  /// Reads `text`, which must outlive the reader and the cells it returns.
  explicit CsvReader(std::string_view text);

  enum class Result { Record, End, Error };

  /// Reads the next record that is not a blank line into `cells`, which
  /// stay valid until the next call. `line` receives the 1-based line the
  /// record begins on. On Error, `problem` says what is wrong (without the
  /// path) and `line` is where.
  Result next(std::vector<std::string_view> &cells, size_t &line,
              std::string &problem);

private:
  bool atBlankLine() const;
  bool readQuoted(std::string_view &cell, std::string &problem);

  std::string_view text;
  size_t pos = 0;
  size_t lineNumber = 1;
  std::deque<std::string> unescaped; ///< the current record's quoted cells
};

/// Loads the CSV data set `path` whose labels are in column `labelColumn`.
/// The other columns must number `exampleSize`; their values are multiplied
/// by `scale`. Labels must fit `labels`: integers in [0, classes) for class
/// labels (`3` or `3.0`), any finite number for a target, which must then
/// be of size 1.
bool loadCsvDataset(const std::string &path, const std::string &labelColumn,
                    float scale, int64_t exampleSize, const LabelFormat &labels,
                    Dataset &out, std::string &error);

} // namespace gdrt

#endif // GDC_RUNTIME_CSV_H
