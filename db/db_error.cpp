#include "db/db_error.h"

namespace portauth::db {

DbError::DbError(const std::string& file, int line, int column, const std::string& message)
    : std::runtime_error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                         message),
      file_(file),
      line_(line),
      column_(column),
      message_(message) {}

DbError::DbError(const std::string& file, const std::string& message)
    : std::runtime_error(file + ": " + message), file_(file), message_(message) {}

}  // namespace portauth::db
