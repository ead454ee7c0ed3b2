#!/usr/bin/env bash
# The container's entry point (installed as /usr/local/bin/portauth-shard by the Containerfile).
#
#   portauth-shard [portauth scan options...]   one shard: the Indexed Job's pods
#   portauth-shard merge [portauth merge options...]   every shard's manifest in $PORTAUTH_OUT:
#                                               the merge Job (writes all.xml, all.jsonl, all.html)
#
# Environment (what a pod of deploy/kubernetes/portauth-sweep.yaml gets):
#   JOB_COMPLETION_INDEX  set by Kubernetes for an Indexed Job: 0-based; portauth reads it
#                         itself (--shard auto/N), the file names use it too
#   PORTAUTH_SHARDS       N, the Job's completions (required for a shard)
#   PORTAUTH_PROFILE      the scan profile, default /etc/portauth/sweep.yaml (the ConfigMap)
#   PORTAUTH_OUT          where outputs and manifests go, default /out (the shared volume)
#   PORTAUTH              the scanning binary, default portauth on PATH (the image's has
#                         cap_net_raw+ep)
#   PORTAUTH_MERGE        the binary for merge, default portauth-merge on PATH if there (the
#                         image's copy without the file capability: the merge pod has no
#                         capabilities, and exec of a file whose capability cannot be granted
#                         fails with EPERM), else portauth
set -euo pipefail

out=${PORTAUTH_OUT:-/out}
bin=${PORTAUTH:-portauth}
if [[ ${1:-} == merge ]]; then
  shift
  shopt -s nullglob
  manifests=("$out"/shard-*.manifest.json)
  ((${#manifests[@]})) || { echo "portauth-shard: no shard manifests in $out" >&2; exit 1; }
  merge_bin=${PORTAUTH_MERGE:-$(command -v portauth-merge || echo "$bin")}
  exec "$merge_bin" merge "${manifests[@]}" -oX "$out/all.xml" -oJ "$out/all.jsonl" -oH "$out/all.html" "$@"
fi
: "${PORTAUTH_SHARDS:?set PORTAUTH_SHARDS to the completions of the Indexed Job}"
: "${JOB_COMPLETION_INDEX:?not a pod of an Indexed Job (JOB_COMPLETION_INDEX is not set)}"
mkdir -p "$out"
index=$JOB_COMPLETION_INDEX
# -o FILE (not -oJ FILE): the results go to the file INSTEAD of standard output, so a shard
# never also prints (and holds in memory) a text report of its ports into the pod's log.
exec "$bin" scan -c "${PORTAUTH_PROFILE:-/etc/portauth/sweep.yaml}" --shard "auto/$PORTAUTH_SHARDS" --no-progress \
  --format jsonl -o "$out/shard-$index.jsonl" --manifest "$out/shard-$index.manifest.json" \
  --resume-file "$out/shard-$index.resume.yaml" "$@"
