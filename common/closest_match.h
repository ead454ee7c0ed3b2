// "Did you mean ...?" support: edit distance and the nearest candidate within reach.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace portauth::common {

// Edit distance with adjacent transpositions (the "optimal string alignment" form of
// Damerau-Levenshtein): insert, delete, substitute and swap two neighbours each cost 1,
// byte-wise. Swapped letters are the commonest typo ("--prot" for "--port", "scna" for
// "scan"), and plain Levenshtein counts them as two edits.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, or "" when even the nearest is too far to be a typo:
// more than max(2, word.size() / 3) edits. Ties go to the earlier candidate.
std::string_view closest_match(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace portauth::common
