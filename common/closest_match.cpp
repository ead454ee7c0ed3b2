#include "common/closest_match.h"

#include <algorithm>
#include <vector>

namespace portauth::common {

size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the classic table (a transposition looks two rows back); keys are short,
  // so this is never hot.
  std::vector<size_t> before(b.size() + 1), above(b.size() + 1), row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    before.swap(above);
    above.swap(row);
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = above[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
  }
  return row[b.size()];
}

std::string_view closest_match(std::string_view word,
                               std::span<const std::string_view> candidates) {
  // A third of the word (at least 2) separates typos ("purpse", "descripton") from a
  // different word; suggesting "name" for "rank" would mislead more than it helps.
  const size_t reach = std::max<size_t>(2, word.size() / 3);
  std::string_view best;
  size_t best_distance = reach + 1;
  for (std::string_view candidate : candidates) {
    const size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace portauth::common
