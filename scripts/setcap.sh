#!/usr/bin/env bash
# setcap.sh: let ordinary users scan with portauth. Gives the binary the one capability a SYN
# scan needs, CAP_NET_RAW (the raw socket the probes leave through, the packet capture the
# replies come back on), as a file capability: whoever runs the binary gets that capability
# and nothing else; no setuid root.
#
#   sudo scripts/setcap.sh                          # build/portauth
#   sudo scripts/setcap.sh /usr/local/bin/portauth  # an installed copy
#
# Mind: every user who can execute that file can then send raw packets and capture the replies
# to them. Limit who can run it if that matters (e.g. chgrp scanners FILE; chmod 750 FILE).
# Rebuilding or reinstalling the binary replaces the file and drops the capability: run this
# again afterwards. Undo with: sudo setcap -r FILE
set -euo pipefail

readonly REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BINARY=${1:-$REPO_DIR/build/portauth}

die() { echo "setcap: $*" >&2; exit 1; }

[[ -f $BINARY && -x $BINARY ]] || die "no executable at $BINARY (build first, or name the binary)"
command -v setcap >/dev/null || die "setcap not found: apt-get install libcap2-bin"
[[ $(id -u) -eq 0 ]] || die "need root to set file capabilities: sudo $0 $*"

BINARY=$(readlink -f "$BINARY")
setcap cap_net_raw+ep "$BINARY" || die "setcap failed on $BINARY (a file system without extended attributes, e.g. some network or FUSE mounts, cannot hold capabilities)"
echo "setcap: $(getcap "$BINARY")" >&2
echo "setcap: any user who can execute $BINARY can now scan with it" >&2
