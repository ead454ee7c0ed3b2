#include "config/timing_templates.h"

#include "config/spec_error.h"

namespace portauth::config {
namespace {

constexpr TimingTemplate kTemplates[] = {
    {0, "paranoid", "1", 2, 10}, {1, "sneaky", "10", 2, 5},         {2, "polite", "100", 2, 2},
    {3, "normal", "max", 2, 1}, {4, "aggressive", "max", 2, 0.5}, {5, "insane", "max", 1, 0.25},
};

}  // namespace

std::span<const TimingTemplate> timing_templates() { return kTemplates; }

const TimingTemplate& find_timing_template(const std::string& text) {
  for (const auto& t : kTemplates) {
    const std::string digit = std::to_string(t.level);
    if (text == digit || text == "T" + digit || text == t.name) return t;
  }
  throw SpecError("bad timing template -T '" + text +
                  "': use 0-5 or paranoid, sneaky, polite, normal, aggressive, insane");
}

}  // namespace portauth::config
