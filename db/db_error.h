// The one error type of the db library: a database that cannot be read or does not validate.
//
// what() is "FILE:LINE:COL: message" (LINE and COL 1-based) when the problem has a place in
// the file, or "FILE: message" when it has none (file missing, unreadable, too large). The
// parts are also kept apart so tests and tools need not re-parse the text.
#pragma once

#include <stdexcept>
#include <string>

namespace portauth::db {

class DbError : public std::runtime_error {
 public:
  // Located: line and column are 1-based.
  DbError(const std::string& file, int line, int column, const std::string& message);
  // Not located (line() and column() are 0).
  DbError(const std::string& file, const std::string& message);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  // The message without the "FILE:LINE:COL: " prefix.
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

}  // namespace portauth::db
