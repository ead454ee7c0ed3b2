// Fuzz harness: the resume file loader (portauth scan --resume FILE).
//
// Input: the file's text. parse_resume_text must return a state or throw SpecError; a state
// it returns must be usable: answered ranges ascending and disjoint.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/resume_file.h"
#include "config/spec_error.h"

using namespace portauth::config;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const ResumeState st = parse_resume_text(text, "fuzz-resume.yaml");
    for (size_t i = 0; i < st.answered.size(); ++i) {
      if (st.answered[i].first > st.answered[i].second) __builtin_trap();
      if (i > 0 && st.answered[i - 1].second >= st.answered[i].first) __builtin_trap();
    }
  } catch (const SpecError&) {
  }
  return 0;
}
