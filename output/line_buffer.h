// Whole lines to a FILE*, written with write(2) a batch at a time. stdio flushes wherever
// its buffer fills, so a SIGKILL could leave half a line in the file; here every write(2)
// carries complete lines only, so line-oriented outputs (JSONL, CSV) always parse line by
// line, whenever the process dies.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace portauth::output {

class LineBuffer {
 public:
  explicit LineBuffer(std::FILE* out) : out_(out) {}
  // Adds one complete line (without its '\n'); writes out every 64 KiB.
  void add_line(std::string_view line);
  // Writes everything pending (called every 200 ms and at the end).
  void emit();

 private:
  std::FILE* out_;
  std::string pending_;
};

}  // namespace portauth::output
