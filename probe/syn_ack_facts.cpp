#include "probe/syn_ack_facts.h"

namespace portauth::probe {

void option_letters(const SynAckFacts& f, char (&out)[SynAckFacts::kMaxOrder + 1]) {
  const unsigned n = f.option_count < SynAckFacts::kMaxOrder ? f.option_count : SynAckFacts::kMaxOrder;
  for (unsigned i = 0; i < n; ++i) {
    switch ((f.option_order >> (4 * i)) & 0xf) {
      case 0: out[i] = 'E'; break;
      case 1: out[i] = 'N'; break;
      case 2: out[i] = 'M'; break;
      case 3: out[i] = 'W'; break;
      case 4: out[i] = 'S'; break;
      case 8: out[i] = 'T'; break;
      default: out[i] = '?'; break;
    }
  }
  out[n] = '\0';
}

}  // namespace portauth::probe
