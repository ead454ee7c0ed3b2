// Greedy word wrapping for the text page.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace portauth::db {

// Wraps `text` (one paragraph; runs of whitespace, newlines included, count as one space)
// into lines of at most `width` columns. The first line starts with `first_prefix`, the
// others with `rest_prefix`. A word longer than a line (a URL) gets a line of its own rather
// than being broken. Every line ends in '\n'; empty text gives just the first prefix line.
std::string wrap_paragraph(std::string_view text, size_t width, std::string_view first_prefix,
                           std::string_view rest_prefix);

// Wraps a list as "a, b, c" with the same prefixes, breaking only between items, so a
// multi-word item ("Back Orifice") never splits across lines. An item longer than a line
// gets a line of its own.
std::string wrap_items(std::span<const std::string> items, size_t width,
                       std::string_view first_prefix, std::string_view rest_prefix);

}  // namespace portauth::db
