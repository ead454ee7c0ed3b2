#!/bin/sh
# The pure test binaries link neither libpcap nor libnet nor libcap: the layering is enforced by
# the link graph (ldd shows what each really loads). Usage: pure_link_test.sh BINARY...
status=0
for bin in "$@"; do
  found=$(ldd "$bin" | grep -oE 'lib(pcap|net|cap)\.so' | sort -u | tr '\n' ' ')
  if [ -n "$found" ]; then
    echo "FAIL: $bin links $found"
    status=1
  else
    echo "ok: $bin links no libpcap, libnet or libcap"
  fi
done
exit $status
