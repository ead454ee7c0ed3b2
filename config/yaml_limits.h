// Bounds on a YAML document before yaml-cpp builds a YAML::Node tree of it.
//
// YAML::Load costs a few hundred bytes per node (8 MB of "[1.2.3.4,1.2.3.4,..." becomes
// ~1.3 GB and ~10 s), and a YAML::Node tree has no limits of its own. check_yaml_limits makes
// one pass over the text with yaml-cpp's event parser, which builds nothing, and throws
// SpecError "NAME:LINE:COL: ..." at the exact place a limit is exceeded: the size in bytes,
// the number of nodes (scalars, lists, maps), the nesting depth; aliases (*name) are refused
// (with no aliases a document's work is linear in its size) and so is a second document.
// The same idea as db/yaml_tree.h (the port database), for config/'s two YAML readers.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace portauth::config {

struct YamlLimits {
  size_t max_bytes;
  size_t max_nodes;
  int max_depth;
  const char* what;  // "a scan configuration": the messages name the kind of file
};

// Scan configurations are written by hand; long target lists belong in target_files.
inline constexpr YamlLimits kConfigYamlLimits{4u << 20, 200'000, 32, "a scan configuration"};
// Resume files are written by portauth; a scan of many scattered addresses lists many ranges.
inline constexpr YamlLimits kResumeYamlLimits{256u << 20, 4'000'000, 8, "a resume file"};

// Throws SpecError on syntax errors too (the same ones YAML::Load would report).
void check_yaml_limits(std::string_view text, const std::string& name, const YamlLimits& limits);

}  // namespace portauth::config
